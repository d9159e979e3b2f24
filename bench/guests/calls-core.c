/*
 * calls-core: what one blocking socket call costs a core WASI guest (wasi-libc's send() and
 * recv(): preview1 sock_send / sock_recv) when it need not wait. The same protocol as
 * calls.c, its component twin:
 *
 *   wasock run calls-core.wasm --listen 127.0.0.1:0
 *
 * Accepts one connection on the pre-opened listener (fd 3), then times N (20000) blocking send()s of
 * one byte (the client reads as they come), and N - 1 blocking recv()s of one byte from N bytes
 * the client sent in one write once it had all of them (the first recv waits for them, a 200 ms
 * sleep lets them all arrive). Prints "calls: write <ns> ns, read <ns> ns per call (N calls)"
 * to stdout and exits 0.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LISTENER 3
#define CALLS 20000

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void read_one(int fd) {
  char c;
  ssize_t n = recv(fd, &c, 1, 0);
  if (n != 1) {
    perror("calls-core: recv");
    exit(1);
  }
}

int main(void) {
  const long n = CALLS;
  struct sockaddr_storage sa;
  socklen_t sl = sizeof sa;
  int fd = accept(LISTENER, (struct sockaddr *)&sa, &sl);
  if (fd < 0) {
    perror("calls-core: accept");
    return 1;
  }

#ifndef __wasi__
  /* wasock's TCP sockets run with Nagle off (they report TCP_NODELAY 1): natively too, so every
   * peer sends each byte as a segment of its own and the native build is the floor for the
   * same work. (wasi-libc has no setsockopt: in the guest there is nothing to set.) */
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#endif

  static const char byte = 'x';
  double t0 = now_ns();
  for (long i = 0; i < n; i++) {
    if (send(fd, &byte, 1, 0) != 1) {
      perror("calls-core: send");
      return 1;
    }
  }
  double write_ns = (now_ns() - t0) / n;

  read_one(fd);
  usleep(200000);
  t0 = now_ns();
  for (long i = 1; i < n; i++) read_one(fd);
  double read_ns = (now_ns() - t0) / (n - 1);

  printf("calls: write %.0f ns, read %.0f ns per call (%ld calls)\n", write_ns, read_ns, n);
  fflush(stdout);
  close(fd);
  return 0;
}
