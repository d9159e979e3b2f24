/*
 * p1_stream.c — preview1 data-path semantics on an accepted TCP stream:
 * peek, waitall, fd_write on a socket, non-blocking recv, poll_oneoff
 * readiness and hangup, half-close in both directions, reset, clock polls.
 *
 * Run with one pre-opened listener:  wasock run p1_stream.wasm --listen 127.0.0.1:0
 * Peer actions used: connect, send, shutdown, reset, expect, expect-eof.
 * Client 0 is the main stream (fd c), client 1 is reset by the peer (fd d).
 */
#include "check.h"

#define LISTENER 3

/* Blocking accept of the client the harness just connected. */
static __wasi_fd_t accept_client(const char *name) {
  __wasi_fd_t fd = 0;
  if (!check_errno(name, __wasi_sock_accept(LISTENER, 0, &fd), 0)) bail(name);
  return fd;
}

static uint64_t now_ns(void) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 0;
  return t;
}

/* MSG_PEEK leaves the bytes queued; MSG_WAITALL fills the whole buffer. */
static void peek_and_waitall(__wasi_fd_t c) {
  char buf[16];
  size_t n = 0;

  peer("send 0 hello");
  if (check_errno("sock_recv PEEK", recv1(c, buf, sizeof buf, __WASI_RIFLAGS_RECV_PEEK, &n), 0))
    check_bytes("sock_recv PEEK data", buf, n, "hello");
  n = 0;
  if (check_errno("sock_recv after PEEK", recv1(c, buf, sizeof buf, 0, &n), 0))
    check_bytes("sock_recv after PEEK data (not consumed)", buf, n, "hello");

  /* Two separate writes from the peer; one WAITALL recv gets all 10 bytes. */
  peer("send 0 abcde");
  peer("send 0 fghij");
  n = 0;
  if (check_errno("sock_recv WAITALL", recv1(c, buf, 10, __WASI_RIFLAGS_RECV_WAITALL, &n), 0))
    check_bytes("sock_recv WAITALL data", buf, n, "abcdefghij");
}

/* fd_write on a socket is a send; NONBLOCK recv with nothing queued is EAGAIN. */
static void fd_write_and_nonblock(__wasi_fd_t c) {
  char buf[8];
  size_t n = 0;
  __wasi_ciovec_t iov = {.buf = (const uint8_t *)"pong", .buf_len = 4};

  if (check_errno("fd_write socket", __wasi_fd_write(c, &iov, 1, &n), 0))
    check_u64("fd_write socket count", n, 4);
  peer("expect 0 pong");

  check_errno("fd_fdstat_set_flags stream NONBLOCK", __wasi_fd_fdstat_set_flags(c, __WASI_FDFLAGS_NONBLOCK), 0);
  check_errno("sock_recv nonblocking empty", recv1(c, buf, sizeof buf, 0, &n), __WASI_ERRNO_AGAIN);
  check_errno("fd_fdstat_set_flags stream 0", __wasi_fd_fdstat_set_flags(c, 0), 0);
}

/* poll_oneoff: fd_read fires (before a 5 s clock) once data arrives. */
static void poll_readable(__wasi_fd_t c) {
  char buf[8];
  size_t n = 0;
  __wasi_event_t ev;

  peer("send 0 x");
  memset(&ev, 0, sizeof ev);
  if (check_errno("poll_oneoff fd_read fires", wait_readable(c, 5000, &ev), 0)) {
    check_u64("poll_oneoff fd_read type", ev.type, __WASI_EVENTTYPE_FD_READ);
    check_true("poll_oneoff fd_read nbytes >= 1", ev.fd_readwrite.nbytes >= 1, "0", ">= 1");
    check_u64("poll_oneoff fd_read no hangup", ev.fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP, 0);
  }
  if (check_errno("sock_recv polled byte", recv1(c, buf, sizeof buf, 0, &n), 0))
    check_bytes("sock_recv polled byte data", buf, n, "x");
}

/* The peer half-closes: EOF for us, hangup in poll, but we can still send. */
static void peer_half_close(__wasi_fd_t c) {
  char buf[8];
  size_t n = 99;
  __wasi_event_t ev;

  peer("shutdown 0");
  if (check_errno("sock_recv after peer shutdown", recv1(c, buf, sizeof buf, 0, &n), 0))
    check_u64("sock_recv EOF is 0 bytes", n, 0);

  memset(&ev, 0, sizeof ev);
  if (check_errno("poll_oneoff fd_read at EOF", wait_readable(c, 5000, &ev), 0))
    check_u64("poll_oneoff fd_read hangup flag", ev.fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP,
              __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP);

  /* Half-closed by the peer only: our direction is still open. */
  if (check_errno("sock_send after peer shutdown", send1(c, "late", &n), 0))
    check_u64("sock_send after peer shutdown count", n, 4);
  peer("expect 0 late");
}

/* We half-close: the peer sees EOF, and our later sends fail with EPIPE. */
static void own_half_close(__wasi_fd_t c) {
  size_t n = 0;
  check_errno("sock_shutdown WR", __wasi_sock_shutdown(c, __WASI_SDFLAGS_WR), 0);
  peer("expect-eof 0");
  check_errno("sock_send after shutdown WR", send1(c, "nope", &n), __WASI_ERRNO_PIPE);
}

/* A reset from the peer surfaces as ECONNRESET on the next recv. */
static __wasi_fd_t peer_reset(void) {
  char buf[8];
  size_t n = 0;
  peer("connect");
  __wasi_fd_t d = accept_client("sock_accept second client");
  peer("reset 1");
  check_errno("sock_recv after peer reset", recv1(d, buf, sizeof buf, 0, &n), __WASI_ERRNO_CONNRESET);
  return d;
}

/* A clock-only poll sleeps at least its timeout and reports one clock event. */
static void clock_poll(void) {
  __wasi_subscription_t sub;
  __wasi_event_t ev[2];
  __wasi_size_t nev = 0;
  memset(&sub, 0, sizeof sub);
  memset(ev, 0, sizeof ev);
  sub.userdata = 0x5eed;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = 20 * 1000000ull; /* relative: 20 ms */

  uint64_t t0 = now_ns();
  __wasi_errno_t e = __wasi_poll_oneoff(&sub, ev, 1, &nev);
  uint64_t elapsed = now_ns() - t0;
  if (!check_errno("poll_oneoff clock 20ms", e, 0)) return;
  check_u64("poll_oneoff clock nevents", nev, 1);
  check_u64("poll_oneoff clock event type", ev[0].type, __WASI_EVENTTYPE_CLOCK);
  check_u64("poll_oneoff clock userdata", ev[0].userdata, 0x5eed);
  check_u64("poll_oneoff clock error", ev[0].error, 0);
  char got[32];
  snprintf(got, sizeof got, "%llu us", (unsigned long long)(elapsed / 1000));
  check_true("poll_oneoff clock slept >= 20ms", elapsed >= 20 * 1000000ull, got, ">= 20000 us");
}

int main(void) {
  peer("connect");
  __wasi_fd_t c = accept_client("sock_accept first client");

  peek_and_waitall(c);
  fd_write_and_nonblock(c);
  poll_readable(c);
  peer_half_close(c);
  own_half_close(c);
  __wasi_fd_t d = peer_reset();

  check_errno("fd_close first client", __wasi_fd_close(c), 0);
  check_errno("fd_close second client", __wasi_fd_close(d), 0);

  clock_poll();
  return finish();
}
