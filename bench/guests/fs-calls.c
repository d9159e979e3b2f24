/*
 * fs-calls.c — the cost of a path call beneath a pre-open (bench/fs-cost.ts): N path_open +
 * fd_close of a/b/c.txt, then N path_filestat_get of it, timed with the monotonic clock.
 *
 *   wasock run fs-calls.wasm --dir <box>::/box -- <N>     (<box>/a/b/c.txt must exist; fd 3)
 *
 * Prints one line: `fs-calls open_close_ns=<per pair> filestat_ns=<per call>`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

#define BOX 3

static __wasi_timestamp_t now(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  __wasi_timestamp_t t0 = now();
  for (long i = 0; i < n; i++) {
    __wasi_fd_t fd;
    if (__wasi_path_open(BOX, 0, "a/b/c.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd) != 0) return 1;
    (void)__wasi_fd_close(fd);
  }
  __wasi_timestamp_t t1 = now();
  for (long i = 0; i < n; i++) {
    __wasi_filestat_t st;
    if (__wasi_path_filestat_get(BOX, 0, "a/b/c.txt", &st) != 0) return 1;
  }
  __wasi_timestamp_t t2 = now();
  printf("fs-calls open_close_ns=%llu filestat_ns=%llu\n", (unsigned long long)((t1 - t0) / (unsigned long long)n),
         (unsigned long long)((t2 - t1) / (unsigned long long)n));
  return 0;
}
