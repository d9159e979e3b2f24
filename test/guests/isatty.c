/*
 * isatty.c — prints which of its stdio fds are terminals, and the filetype wasock reports for
 * each: "isatty 0 1 2: <a> <b> <c>; filetypes <x> <y> <z>". A guest sees a terminal only where the
 * host's fd is one (a pipe or a file is not), as a native program does. With the argument
 * "read" it then reads one line from stdin and prints "stdin: <line>" (or "stdin: EOF").
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
  int t[3];
  unsigned ft[3];
  for (int fd = 0; fd < 3; fd++) {
    __wasi_fdstat_t st;
    t[fd] = isatty(fd);
    ft[fd] = __wasi_fd_fdstat_get(fd, &st) == 0 ? st.fs_filetype : 255;
  }
  printf("isatty 0 1 2: %d %d %d; filetypes %u %u %u\n", t[0], t[1], t[2], ft[0], ft[1], ft[2]);
  if (argc > 1 && strcmp(argv[1], "read") == 0) {
    char line[256];
    if (fgets(line, sizeof line, stdin)) printf("stdin: %s", line);
    else printf("stdin: EOF\n");
  }
  return 0;
}
