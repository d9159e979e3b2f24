/*
 * spinner.c — a guest that never waits, one way per mode (argv[1]); a listener on fd 3.
 * Each serving mode spins until a client connects, answers it "spun\n" and exits 0, so
 * it ends only if the host kept delivering connections while the guest held its thread:
 *
 *   poll0        poll(listener, 0 ms) in a loop, accept when readable
 *   accept-nb    a non-blocking accept() retried on EAGAIN
 *   yield        sched_yield(), then a non-blocking accept(), in a loop
 *   clock        spins on clock_gettime() for 1 ms between non-blocking accepts
 *   we-accept    WasmEdge's sock_accept_v2 retried on EAGAIN
 *   wx-accept    WASIX's sock_accept_v2 retried on EAGAIN
 *   emfile       an ordinary poll() server that, out of fds, retries accept() at once (the
 *                listener stays readable, so it spins until clients leave): a client that
 *                sends a byte gets the answer and the guest exits 0; a client that closes is
 *                closed
 *   busy-exit    spins on clock_gettime() for 500 ms, then exits 0 (a SIGTERM meanwhile must
 *                still end the run with 143, not be lost)
 *   compute      calls nothing at all, ever (ends only when the host stops it)
 *   send-compute waits for a client, sends it "sent\n", then computes as `compute` does: the
 *                bytes must leave though the guest never waits again
 *   tail         the same, as tail recursion (ends only when the host stops it)
 *
 * Prints "spinning" (one write) before it starts.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The same wait-free accept through the other ABIs (the listener is non-blocking). */
int32_t we_sock_accept_v2(int32_t fd, uint32_t flags, int32_t *ret_fd)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_accept_v2")));
int32_t wx_sock_accept_v2(int32_t fd, uint32_t fdflags, int32_t *ret_fd, uint8_t *ret_addr)
    __attribute__((import_module("wasix_32v1"), import_name("sock_accept_v2")));

static void say(const char *s) { (void)write(1, s, strlen(s)); }

static int serve(int c) {
  (void)write(c, "spun\n", 5);
  close(c);
  return 0;
}

static int try_accept(void) {
  int c = accept(3, NULL, NULL);
  if (c >= 0) return c;
  if (errno != EAGAIN && errno != EWOULDBLOCK) {
    say("accept failed\n");
    _exit(2);
  }
  return -1;
}

/* No calls: the loop's trip count is opaque to the optimiser, so it stays a loop. */
static volatile unsigned sink;
__attribute__((noinline)) static void compute(void) {
  unsigned x = 1;
  for (;;) {
    x = x * 1664525u + 1013904223u;
    sink = x;
  }
}

__attribute__((noinline)) static unsigned tail(unsigned x) {
  sink = x;
  __attribute__((musttail)) return tail(x * 1664525u + 1013904223u);
}

static int emfile(void) {
  struct pollfd p[64];
  int n = 1;
  p[0] = (struct pollfd){.fd = 3, .events = POLLIN};
  for (;;) {
    if (poll(p, (nfds_t)n, -1) < 0) return 2;
    for (int i = n - 1; i >= 1; i--) {
      if (!p[i].revents) continue;
      char b;
      ssize_t got = read(p[i].fd, &b, 1);
      if (got == 1) return serve(p[i].fd);
      if (got < 0 && errno == EAGAIN) continue;
      close(p[i].fd);
      p[i] = p[--n];
    }
    if (p[0].revents && n < 64) {
      int c = accept(3, NULL, NULL);
      if (c >= 0) p[n++] = (struct pollfd){.fd = c, .events = POLLIN};
      else if (errno != EMFILE && errno != EAGAIN) return 2;
    }
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "poll0";
  fcntl(3, F_SETFL, fcntl(3, F_GETFL) | O_NONBLOCK);
  say("spinning\n");
  if (strcmp(mode, "compute") == 0) compute();
  if (strcmp(mode, "send-compute") == 0) {
    struct pollfd p = {.fd = 3, .events = POLLIN};
    int c = -1;
    while (c < 0) {
      if (poll(&p, 1, -1) < 0) return 2;
      c = try_accept();
    }
    (void)write(c, "sent\n", 5);
    compute();
  }
  if (strcmp(mode, "tail") == 0) return (int)tail(1);
  if (strcmp(mode, "emfile") == 0) return emfile();
  if (strcmp(mode, "busy-exit") == 0) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do clock_gettime(CLOCK_MONOTONIC, &b);
    while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < 500);
    return 0;
  }
  for (;;) {
    if (strcmp(mode, "poll0") == 0) {
      struct pollfd p = {.fd = 3, .events = POLLIN};
      if (poll(&p, 1, 0) == 1) {
        int c = try_accept();
        if (c >= 0) return serve(c);
      }
    } else if (strcmp(mode, "yield") == 0) {
      sched_yield();
      int c = try_accept();
      if (c >= 0) return serve(c);
    } else if (strcmp(mode, "clock") == 0) {
      struct timespec a, b;
      clock_gettime(CLOCK_MONOTONIC, &a);
      do clock_gettime(CLOCK_MONOTONIC, &b);
      while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 1000000L);
      int c = try_accept();
      if (c >= 0) return serve(c);
    } else if (strcmp(mode, "we-accept") == 0 || strcmp(mode, "wx-accept") == 0) {
      int32_t c = -1;
      uint8_t addr[110] __attribute__((aligned(2)));
      int32_t e = mode[1] == 'e' ? we_sock_accept_v2(3, 0, &c) : wx_sock_accept_v2(3, 0, &c, addr);
      if (e == 0) return serve(c);
      if (e != 6 /* EAGAIN */) return 2;
    } else {
      int c = try_accept();
      if (c >= 0) return serve(c);
    }
  }
}
