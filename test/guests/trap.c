// A guest that traps two calls below main, for the trap backtrace (test/e2e/trap.test.ts):
// main → compute → divide, which divides by argc - 1: zero when run with no arguments, a value
// the compiler cannot know, so the division stays. compute loops first, so the module gets
// yield points before the call (the backtrace's offsets must still be the original module's).
// With an argument it returns normally and exits 0. Built with -g (scripts/build-examples.sh),
// so the backtrace names file:line too.
#include <stdio.h>

__attribute__((noinline)) int divide(int a, int b) { return a / b; }

__attribute__((noinline)) int compute(int n) {
  volatile int sum = 0;
  for (int i = 0; i < n + 3; i++) sum += i;
  return divide(100 + sum, n);
}

int main(int argc, char **argv) {
  (void)argv;
  printf("about to divide\n");
  fflush(stdout);
  return compute(argc - 1) == 0;
}
