/*
 * we_tcp.c — the WasmEdge socket extension over TCP, asserted from inside
 * the guest. Self-contained: the guest opens its own listener, connects to
 * it and talks to itself over loopback. No argv, no pre-opened fds, no peer
 * actions.
 *
 *   wasock run test/guests/we_tcp.wasm
 *
 * Output protocol as in check.h (`ok - <name>` / `not ok - <name>: got …
 * want …`), exit 0 iff every check passed.
 *
 * ABI facts checked (docs/abi.md §2):
 *   - sock_open(af 1=inet4, type 2=stream); af/type out of range → EINVAL
 *   - WasiAddress double indirection; buf_len other than 4/16 → EINVAL (V1)
 *   - sock_getlocaladdr/getpeeraddr V1: 4-byte buffer, *type = 4 (not the
 *     family enum 1), *port = u32 in host order
 *   - sock_getsockopt SO_TYPE post-processed to the WasmEdge type (2 stream),
 *     SO_ERROR converted to a WASI errno (0), optlen written back (4)
 *   - sock_setsockopt level 0 = SOL_SOCKET, names 0 REUSEADDR, 7 KEEPALIVE;
 *     unknown level/name → EINVAL
 *   - blocking sock_connect to a listener the guest has not accepted from yet
 *     completes (the host's accept queue takes the connection)
 *   - non-blocking sock_connect → EINPROGRESS, then poll_oneoff fd_write
 *     fires and SO_ERROR is 0
 *   - sock_accept is preview1's 3-arg import (WasmEdge V2)
 *   - fd_fdstat_get on a sock_open'd fd: filetype 6 (socket_stream)
 *   - half-close: shutdown(WR) → the other side reads EOF and can still send
 */
#include "wasmedge.h"

static const char *LOCAL = "127.0.0.1";

/* Wait until `fd` is writable, at most `ms` ms: the event's error, or EAGAIN. */
static __wasi_errno_t wait_writable(__wasi_fd_t fd, uint64_t ms) {
  __wasi_subscription_t sub[2];
  memset(sub, 0, sizeof sub);
  sub[0].userdata = 1;
  sub[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  sub[0].u.u.fd_write.file_descriptor = fd;
  sub[1].userdata = 2;
  sub[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  sub[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub[1].u.u.clock.timeout = ms * 1000000ull;
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_poll_oneoff(sub, ev, 2, &n);
  if (e != 0) return e;
  for (__wasi_size_t i = 0; i < n; i++)
    if (ev[i].userdata == 1) return ev[i].error;
  return __WASI_ERRNO_AGAIN;
}

static int32_t getopt_int(__wasi_fd_t fd, uint32_t name, int32_t *val,
                          uint32_t *len) {
  *val = -1;
  *len = sizeof *val;
  return we_sock_getsockopt(fd, WE_SOL_SOCKET, name, val, len);
}

static void check_filetype(const char *what, __wasi_fd_t fd) {
  char name[96];
  __wasi_fdstat_t st;
  memset(&st, 0, sizeof st);
  snprintf(name, sizeof name, "fd_fdstat_get %s", what);
  if (check_errno(name, __wasi_fd_fdstat_get(fd, &st), 0)) {
    snprintf(name, sizeof name, "fd_fdstat_get %s filetype socket_stream", what);
    check_u64(name, st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);
  }
}

/* Read exactly strlen(want) bytes (blocking), then compare. */
static void recv_expect(const char *name, __wasi_fd_t fd, const char *want) {
  char buf[64];
  size_t have = 0, wl = strlen(want);
  while (have < wl) {
    size_t n = 0;
    __wasi_errno_t e = recv1(fd, buf + have, sizeof buf - have, 0, &n);
    if (e != 0) {
      check_errno(name, e, 0);
      return;
    }
    if (n == 0) break;
    have += n;
  }
  check_bytes(name, buf, have, want);
}

static void send_all(const char *name, __wasi_fd_t fd, const char *text) {
  size_t n = 0;
  if (check_errno(name, send1(fd, text, &n), 0))
    check_u64("sock_send count", n, strlen(text));
}

/* Argument validation that needs no connection. */
static void arg_errors(void) {
  __wasi_fd_t fd = 0;
  check_errno("sock_open af=9", (uint16_t)we_sock_open(9, WE_SOCK_STREAM, &fd), __WASI_ERRNO_INVAL);
  check_errno("sock_open type=7", (uint16_t)we_sock_open(WE_AF_INET4, 7, &fd), __WASI_ERRNO_INVAL);
  check_errno("sock_open type=0 (any is hints-only)", (uint16_t)we_sock_open(WE_AF_INET4, 0, &fd), __WASI_ERRNO_INVAL);

  if (!check_errno("sock_open inet4 stream", (uint16_t)we_sock_open(WE_AF_INET4, WE_SOCK_STREAM, &fd), 0))
    bail("sock_open");
  check_filetype("sock_open'd", fd);

  uint8_t five[5] = {127, 0, 0, 1, 0};
  we_address_t bad = {.buf = five, .buf_len = 5};
  check_errno("sock_bind WasiAddress buf_len=5", (uint16_t)we_sock_bind(fd, &bad, 0), __WASI_ERRNO_INVAL);
  check_errno("sock_connect WasiAddress buf_len=5", (uint16_t)we_sock_connect(fd, &bad, 80), __WASI_ERRNO_INVAL);

  /* V1 getlocaladdr wants a 4- or 16-byte buffer. */
  uint8_t eight[8];
  we_address_t a8 = {.buf = eight, .buf_len = 8};
  uint32_t type = 0, port = 0;
  check_errno("sock_getlocaladdr buf_len=8", (uint16_t)we_sock_getlocaladdr(fd, &a8, &type, &port), __WASI_ERRNO_INVAL);

  int32_t one = 1, v = 0;
  uint32_t len = sizeof v;
  check_errno("sock_setsockopt name=99", (uint16_t)we_sock_setsockopt(fd, WE_SOL_SOCKET, 99, &one, sizeof one), __WASI_ERRNO_INVAL);
  check_errno("sock_getsockopt name=99", (uint16_t)we_sock_getsockopt(fd, WE_SOL_SOCKET, 99, &v, &len), __WASI_ERRNO_INVAL);
  check_errno("sock_setsockopt level=1", (uint16_t)we_sock_setsockopt(fd, 1, WE_SO_REUSEADDR, &one, sizeof one), __WASI_ERRNO_INVAL);

  check_errno("fd_close sock_open'd", __wasi_fd_close(fd), 0);
}

/* Open, bind 127.0.0.1:0, listen; returns the fd and the bound port. */
static __wasi_fd_t make_listener(uint32_t *port_out) {
  __wasi_fd_t l = 0;
  if (!check_errno("sock_open listener", (uint16_t)we_sock_open(WE_AF_INET4, WE_SOCK_STREAM, &l), 0)) bail("sock_open listener");

  int32_t one = 1;
  check_errno("sock_setsockopt SO_REUSEADDR=1", (uint16_t)we_sock_setsockopt(l, WE_SOL_SOCKET, WE_SO_REUSEADDR, &one, sizeof one), 0);

  we_ip_t a;
  we_ip4(&a, LOCAL);
  if (!check_errno("sock_bind 127.0.0.1:0", (uint16_t)we_sock_bind(l, &a.a, 0), 0)) bail("sock_bind");
  if (!check_errno("sock_listen 16", (uint16_t)we_sock_listen(l, 16), 0)) bail("sock_listen");
  check_filetype("listener", l);

  we_ip_t got;
  we_ip_buf(&got, 4);
  uint32_t type = 0, port = 0;
  if (!check_errno("sock_getlocaladdr listener", (uint16_t)we_sock_getlocaladdr(l, &got.a, &type, &port), 0)) bail("sock_getlocaladdr");
  check_u64("sock_getlocaladdr listener type is 4 (V1)", type, 4);
  check_true("sock_getlocaladdr listener port != 0", port != 0 && port < 65536, "0 or > 65535", "an ephemeral port");
  check_true("sock_getlocaladdr listener addr 127.0.0.1", memcmp(got.bytes, a.bytes, 4) == 0, we_ip_str(&got), "127.0.0.1");

  int32_t v = 0;
  uint32_t len = 0;
  if (check_errno("sock_getsockopt listener SO_ACCEPTCONN", (uint16_t)getopt_int(l, WE_SO_ACCEPTCONN, &v, &len), 0))
    check_true("SO_ACCEPTCONN listener != 0", v != 0, "0", "non-zero");

  *port_out = port;
  return l;
}

/* A connected pair through the listener; checks addresses and options. */
static void pair_checks(__wasi_fd_t l, uint32_t lport) {
  we_ip_t a;
  we_ip4(&a, LOCAL);

  __wasi_fd_t c = 0, s = 0;
  if (!check_errno("sock_open client", (uint16_t)we_sock_open(WE_AF_INET4, WE_SOCK_STREAM, &c), 0)) bail("sock_open client");
  /* Blocking: completes before the guest accepts. */
  if (!check_errno("sock_connect blocking to own listener", (uint16_t)we_sock_connect(c, &a.a, lport), 0)) bail("sock_connect");
  if (!check_errno("sock_accept", __wasi_sock_accept(l, 0, &s), 0)) bail("sock_accept");
  check_filetype("accepted", s);

  /* Addresses: client's peer = listener; accepted's local = listener;
     accepted's peer = client's local. */
  we_ip_t got;
  uint32_t type = 0, port = 0, cport = 0;
  we_ip_buf(&got, 4);
  if (check_errno("sock_getpeeraddr client", (uint16_t)we_sock_getpeeraddr(c, &got.a, &type, &port), 0)) {
    check_u64("sock_getpeeraddr client type 4", type, 4);
    check_u64("sock_getpeeraddr client port = listener port", port, lport);
    check_true("sock_getpeeraddr client addr 127.0.0.1", memcmp(got.bytes, a.bytes, 4) == 0, we_ip_str(&got), "127.0.0.1");
  }
  we_ip_buf(&got, 4);
  type = 0;
  if (check_errno("sock_getlocaladdr client", (uint16_t)we_sock_getlocaladdr(c, &got.a, &type, &cport), 0)) {
    check_u64("sock_getlocaladdr client type 4", type, 4);
    check_true("sock_getlocaladdr client port != 0", cport != 0 && cport != lport, "0 or the listener's", "an ephemeral port");
    check_true("sock_getlocaladdr client addr 127.0.0.1", memcmp(got.bytes, a.bytes, 4) == 0, we_ip_str(&got), "127.0.0.1");
  }
  we_ip_buf(&got, 4);
  type = 0;
  port = 0;
  if (check_errno("sock_getlocaladdr accepted", (uint16_t)we_sock_getlocaladdr(s, &got.a, &type, &port), 0)) {
    check_u64("sock_getlocaladdr accepted type 4", type, 4);
    check_u64("sock_getlocaladdr accepted port = listener port", port, lport);
    check_true("sock_getlocaladdr accepted addr 127.0.0.1", memcmp(got.bytes, a.bytes, 4) == 0, we_ip_str(&got), "127.0.0.1");
  }
  we_ip_buf(&got, 4);
  type = 0;
  port = 0;
  if (check_errno("sock_getpeeraddr accepted", (uint16_t)we_sock_getpeeraddr(s, &got.a, &type, &port), 0))
    check_u64("sock_getpeeraddr accepted port = client's local port", port, cport);

  /* Data both ways. */
  send_all("sock_send client ping", c, "ping");
  recv_expect("sock_recv server ping", s, "ping");
  send_all("sock_send server pong", s, "pong");
  recv_expect("sock_recv client pong", c, "pong");

  /* Options. */
  int32_t v = 0, one = 1;
  uint32_t len = 0;
  if (check_errno("sock_getsockopt SO_TYPE", (uint16_t)getopt_int(c, WE_SO_TYPE, &v, &len), 0)) {
    check_u64("SO_TYPE is 2 (WasmEdge stream)", (uint32_t)v, WE_SOCK_STREAM);
    check_u64("SO_TYPE optlen 4", len, 4);
  }
  if (check_errno("sock_getsockopt SO_TYPE accepted", (uint16_t)getopt_int(s, WE_SO_TYPE, &v, &len), 0))
    check_u64("SO_TYPE accepted is 2", (uint32_t)v, WE_SOCK_STREAM);
  if (check_errno("sock_getsockopt SO_ERROR", (uint16_t)getopt_int(c, WE_SO_ERROR, &v, &len), 0))
    check_u64("SO_ERROR is 0", (uint32_t)v, 0);
  /* A larger optlen is trimmed to the int's size, as Linux does. */
  int32_t big[2] = {-1, -1};
  len = sizeof big;
  if (check_errno("sock_getsockopt SO_TYPE optlen=8", (uint16_t)we_sock_getsockopt(c, WE_SOL_SOCKET, WE_SO_TYPE, big, &len), 0)) {
    check_u64("SO_TYPE optlen 8 → 4", len, 4);
    check_u64("SO_TYPE optlen=8 value 2", (uint32_t)big[0], WE_SOCK_STREAM);
  }
  check_errno("sock_setsockopt SO_REUSEADDR=1", (uint16_t)we_sock_setsockopt(c, WE_SOL_SOCKET, WE_SO_REUSEADDR, &one, sizeof one), 0);
  check_errno("sock_setsockopt SO_KEEPALIVE=1", (uint16_t)we_sock_setsockopt(c, WE_SOL_SOCKET, WE_SO_KEEPALIVE, &one, sizeof one), 0);
  if (check_errno("sock_getsockopt SO_KEEPALIVE", (uint16_t)getopt_int(c, WE_SO_KEEPALIVE, &v, &len), 0))
    check_true("SO_KEEPALIVE reads back non-zero", v != 0, "0", "non-zero");
  if (check_errno("sock_getsockopt SO_ACCEPTCONN client", (uint16_t)getopt_int(c, WE_SO_ACCEPTCONN, &v, &len), 0))
    check_u64("SO_ACCEPTCONN client is 0", (uint32_t)v, 0);

  /* Half-close: the client stops writing; the server reads EOF, and can
     still send to the client. */
  check_errno("sock_shutdown client WR", __wasi_sock_shutdown(c, __WASI_SDFLAGS_WR), 0);
  char buf[16];
  size_t n = 99;
  if (check_errno("sock_recv server after client shutdown(WR)", recv1(s, buf, sizeof buf, 0, &n), 0))
    check_u64("sock_recv server EOF (0 bytes)", n, 0);
  send_all("sock_send server after client shutdown(WR)", s, "bye");
  recv_expect("sock_recv client after its own shutdown(WR)", c, "bye");

  check_errno("fd_close client", __wasi_fd_close(c), 0);
  check_errno("fd_close accepted", __wasi_fd_close(s), 0);
}

/* Non-blocking connect: EINPROGRESS, writable, SO_ERROR 0. */
static void nonblocking_connect(__wasi_fd_t l, uint32_t lport) {
  we_ip_t a;
  we_ip4(&a, LOCAL);
  __wasi_fd_t c = 0, s = 0;
  if (!check_errno("sock_open nb client", (uint16_t)we_sock_open(WE_AF_INET4, WE_SOCK_STREAM, &c), 0)) return;
  check_errno("fd_fdstat_set_flags client NONBLOCK", __wasi_fd_fdstat_set_flags(c, __WASI_FDFLAGS_NONBLOCK), 0);
  __wasi_fdstat_t st;
  memset(&st, 0, sizeof st);
  if (check_errno("fd_fdstat_get nb client", __wasi_fd_fdstat_get(c, &st), 0))
    check_u64("fd_fdstat_get nb client NONBLOCK", st.fs_flags & __WASI_FDFLAGS_NONBLOCK, __WASI_FDFLAGS_NONBLOCK);

  check_errno("sock_connect non-blocking → EINPROGRESS", (uint16_t)we_sock_connect(c, &a.a, lport), __WASI_ERRNO_INPROGRESS);
  check_errno("poll_oneoff fd_write after connect", wait_writable(c, 5000), 0);
  int32_t v = -1;
  uint32_t len = 0;
  if (check_errno("sock_getsockopt SO_ERROR after connect", (uint16_t)getopt_int(c, WE_SO_ERROR, &v, &len), 0))
    check_u64("SO_ERROR after connect is 0", (uint32_t)v, 0);

  /* It is a real connection: accept it and move a byte. */
  if (check_errno("sock_accept nb client", __wasi_sock_accept(l, 0, &s), 0)) {
    send_all("sock_send nb client", c, "n");
    recv_expect("sock_recv from nb client", s, "n");
    close((int)s);
  }
  close((int)c);
}

int main(void) {
  arg_errors();
  uint32_t lport = 0;
  __wasi_fd_t l = make_listener(&lport);
  pair_checks(l, lport);
  nonblocking_connect(l, lport);
  check_errno("fd_close listener", __wasi_fd_close(l), 0);
  return finish();
}
