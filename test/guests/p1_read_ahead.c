/*
 * p1_read_ahead.c — reads of bytes a poll has already found. On the worker bridge the host
 * hands those bytes over with poll_oneoff's answer and the guest's later reads are served
 * from them; whatever the bridge, the stream must read as it would on Linux: in order, PEEK
 * keeping them, WAITALL joining them with later bytes, shutdown(RD) dropping them, and a
 * close() with them unread resetting the connection (unread data means RST).
 *
 * Run with one pre-opened listener:  wasock run p1_read_ahead.wasm --listen 127.0.0.1:0
 * Peer actions used: connect, send, expect-reset. Clients: 0 reads, 1 closes unread, 2 shuts
 * down reading.
 */
#include "check.h"

#define LISTENER 3

static __wasi_fd_t accept_client(const char *name) {
  __wasi_fd_t fd = 0;
  if (!check_errno(name, __wasi_sock_accept(LISTENER, 0, &fd), 0)) bail(name);
  return fd;
}

/* Wait (≤ 5 s) until `fd` has at least `want` bytes, as poll_oneoff reports them. */
static void wait_bytes(const char *name, __wasi_fd_t fd, uint64_t want) {
  __wasi_event_t ev;
  for (int i = 0; i < 50; i++) {
    memset(&ev, 0, sizeof ev);
    if (wait_readable(fd, 5000, &ev) != 0) break;
    if (ev.fd_readwrite.nbytes >= want) {
      check_true(name, 1, "", "");
      return;
    }
    /* Fewer bytes than asked for: give the rest 10 ms to arrive. */
    __wasi_subscription_t sub = {.userdata = 9, .u.tag = __WASI_EVENTTYPE_CLOCK};
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = 10 * 1000000ull;
    __wasi_size_t n = 0;
    if (__wasi_poll_oneoff(&sub, &ev, 1, &n) != 0) break;
  }
  check_true(name, 0, "fewer bytes", "all of them");
}

static void reads_in_order(__wasi_fd_t c) {
  char buf[16];
  size_t n = 0;

  peer("send 0 abcdefghij");
  wait_bytes("poll_oneoff sees all 10 bytes", c, 10);
  if (check_errno("sock_recv 3 of them", recv1(c, buf, 3, 0, &n), 0))
    check_bytes("sock_recv 3 of them data", buf, n, "abc");
  n = 0;
  if (check_errno("sock_recv PEEK 2", recv1(c, buf, 2, __WASI_RIFLAGS_RECV_PEEK, &n), 0))
    check_bytes("sock_recv PEEK 2 data", buf, n, "de");
  n = 0;
  if (check_errno("sock_recv after PEEK", recv1(c, buf, 2, 0, &n), 0))
    check_bytes("sock_recv after PEEK data", buf, n, "de");

  /* 5 bytes are left; WAITALL for 8 takes them and waits for 3 more. */
  peer("send 0 XYZ");
  n = 0;
  if (check_errno("sock_recv WAITALL across held and later bytes", recv1(c, buf, 8, __WASI_RIFLAGS_RECV_WAITALL, &n), 0))
    check_bytes("sock_recv WAITALL data", buf, n, "fghijXYZ");

  /* Polled again: nothing held, nothing sent: not readable within 50 ms. */
  check_errno("poll_oneoff after everything was read", wait_readable(c, 50, NULL), __WASI_ERRNO_AGAIN);
}

static void shutdown_drops(__wasi_fd_t c) {
  char buf[16];
  size_t n = 99;
  peer("send 2 dropped");
  wait_bytes("poll_oneoff sees the bytes to drop", c, 7);
  check_errno("sock_shutdown RD", __wasi_sock_shutdown(c, __WASI_SDFLAGS_RD), 0);
  if (check_errno("sock_recv after shutdown(RD)", recv1(c, buf, sizeof buf, 0, &n), 0))
    check_u64("sock_recv after shutdown(RD) is EOF", n, 0);
}

int main(void) {
  peer("connect");
  __wasi_fd_t c = accept_client("sock_accept reader");
  reads_in_order(c);

  peer("connect");
  __wasi_fd_t d = accept_client("sock_accept closer");
  peer("send 1 unread");
  wait_bytes("poll_oneoff sees the unread bytes", d, 6);
  check_errno("fd_close with unread bytes", __wasi_fd_close(d), 0);
  peer("expect-reset 1");

  peer("connect");
  __wasi_fd_t e = accept_client("sock_accept shutter");
  shutdown_drops(e);

  check_errno("fd_close reader", __wasi_fd_close(c), 0);
  check_errno("fd_close shutter", __wasi_fd_close(e), 0);
  return finish();
}
