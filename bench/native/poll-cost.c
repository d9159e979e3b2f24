/* Native poll() over N idle socketpairs, timeout 0: ns per fd (bench/poll-cost.ts runs it beside wasock's poll_oneoff). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/resource.h>
int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  struct rlimit rl = {2 * n + 64, 2 * n + 64}; setrlimit(RLIMIT_NOFILE, &rl);
  struct pollfd *p = calloc(n, sizeof *p);
  for (int i = 0; i < n; i++) { int sv[2]; if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) { perror("socketpair"); return 1; } p[i].fd = sv[0]; p[i].events = POLLIN; }
  int iters = 2000000 / n; if (iters < 50) iters = 50;
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  for (int k = 0; k < iters; k++) poll(p, n, 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / iters;
  printf("native N=%d: %.1f us per poll, %.1f ns per fd\n", n, ns / 1000, ns / n);
}
