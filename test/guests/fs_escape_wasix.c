/* fs_escape_wasix.c — fs_escape.c with every filesystem call imported from wasix_32v1. */
#define FS_MODULE "wasix_32v1"
#include "fs_escape.c"
