/*
 * sleeper.c — sleeps for argv[1] seconds (default: 30 days, longer than a
 * JS timer can hold), then prints "woke" and exits 0. For stopping a runtime
 * under a waiting guest: the guest must be unwound, not left suspended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  unsigned secs = argc > 1 ? (unsigned)atoi(argv[1]) : 30u * 24 * 3600;
  puts("sleeping");
  fflush(stdout);
  sleep(secs);
  puts("woke");
  return 0;
}
