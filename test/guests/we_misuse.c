/*
 * we_misuse.c — socket misuse through the WasmEdge socket extension, one
 * line per case, for a differential run against real Linux.
 *
 *   wasock run test/guests/we_misuse.wasm -- <in-use-port> <closed-port>
 *   php test/php/misuse.php <in-use-port> <closed-port>
 *
 * argv[1]: a TCP port on 127.0.0.1 where the harness holds a listener (it
 *          may accept or just leave connections in its backlog);
 * argv[2]: a TCP port on 127.0.0.1 where nothing listens.
 *
 * Output (stdout), one line per case, then exit 0:
 *   case <name>: <RESULT>
 * RESULT is "OK" for success or the errno's E-name. The names follow
 * Linux/PHP spelling so the two outputs can be compared line by line:
 *   WASI 58 `notsup` → "EOPNOTSUPP" (Linux ENOTSUP == EOPNOTSUPP == 95 and PHP
 *                       only has SOCKET_EOPNOTSUPP), all others as in check.h
 *                       (WASI `again` → "EAGAIN", PHP prefers it over EWOULDBLOCK).
 * A setup step that fails prints "SETUP-<step>-<ERRNO>" instead, so the line
 * differs from the reference rather than disappearing.
 * Two informational cases print values instead of errnos:
 *   listen_unbound_port: nonzero|zero   (listen() auto-binds an ephemeral port)
 *   listen_unbound_addr: <a.b.c.d>      (… on 0.0.0.0)
 *
 * Every case uses fresh sockets and closes them afterwards. The expected
 * Linux results are in docs/abi.md §5 and in a comment at
 * each case. Calls that could block on a broken host (accept on a
 * non-listener, recv on a listener) are made on a NON-BLOCKING socket: Linux
 * answers them the same way either way, and a host that waits instead of
 * failing then shows EAGAIN rather than hanging the run. misuse.php does the
 * same.
 */
#include "wasmedge.h"

static const char *LOCAL = "127.0.0.1";
static uint32_t in_use_port, closed_port;

static void result(const char *name, int32_t e) {
  say("case %s: %s", name, e == 0 ? "OK" : we_errno_name((unsigned)(uint16_t)e));
}

static void setup_failed(const char *name, const char *step, int32_t e) {
  say("case %s: SETUP-%s-%s", name, step, we_errno_name((unsigned)(uint16_t)e));
}

/* Open a socket; on failure report the case and return -1. */
static int open_sock(const char *name, uint32_t type, __wasi_fd_t *fd) {
  int32_t e = we_sock_open(WE_AF_INET4, type, fd);
  if (e != 0) {
    setup_failed(name, "open", e);
    return -1;
  }
  return 0;
}

static int32_t bind_to(__wasi_fd_t fd, const char *ip, uint32_t port) {
  we_ip_t a;
  if (we_ip4(&a, ip) != 0) return __WASI_ERRNO_INVAL;
  return we_sock_bind(fd, &a.a, port);
}

static int32_t connect_to(__wasi_fd_t fd, const char *ip, uint32_t port) {
  we_ip_t a;
  if (we_ip4(&a, ip) != 0) return __WASI_ERRNO_INVAL;
  return we_sock_connect(fd, &a.a, port);
}

static int32_t send_x(__wasi_fd_t fd) {
  size_t n = 0;
  return send1(fd, "x", &n);
}

/* A stream socket bound to 127.0.0.1:0 (and listening when backlog >= 0). */
static int bound_sock(const char *name, int backlog, __wasi_fd_t *fd) {
  if (open_sock(name, WE_SOCK_STREAM, fd) != 0) return -1;
  int32_t e = bind_to(*fd, LOCAL, 0);
  if (e != 0) {
    setup_failed(name, "bind", e);
    close((int)*fd);
    return -1;
  }
  if (backlog >= 0 && (e = we_sock_listen(*fd, backlog)) != 0) {
    setup_failed(name, "listen", e);
    close((int)*fd);
    return -1;
  }
  return 0;
}

/* A stream socket connected to the harness's listener. */
static int connected_sock(const char *name, __wasi_fd_t *fd) {
  if (open_sock(name, WE_SOCK_STREAM, fd) != 0) return -1;
  int32_t e = connect_to(*fd, LOCAL, in_use_port);
  if (e != 0) {
    setup_failed(name, "connect", e);
    close((int)*fd);
    return -1;
  }
  return 0;
}

static int set_nonblock(const char *name, __wasi_fd_t fd) {
  int32_t e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK);
  if (e != 0) {
    setup_failed(name, "nonblock", e);
    return -1;
  }
  return 0;
}

/* Linux: EINVAL (accept on a bound, non-listening socket). */
static void accept_before_listen(void) {
  const char *name = "accept_before_listen";
  __wasi_fd_t fd, nfd = 0;
  if (bound_sock(name, -1, &fd) != 0) return;
  if (set_nonblock(name, fd) == 0) {
    int32_t e = __wasi_sock_accept(fd, 0, &nfd);
    result(name, e);
    if (e == 0) close((int)nfd);
  }
  close((int)fd);
}

/* Linux: EINVAL (the socket already has an address). */
static void bind_twice(void) {
  const char *name = "bind_twice";
  __wasi_fd_t fd;
  if (bound_sock(name, -1, &fd) != 0) return;
  result(name, bind_to(fd, LOCAL, 0));
  close((int)fd);
}

/* Linux: EADDRINUSE (the harness listens on that port). */
static void bind_in_use(void) {
  const char *name = "bind_in_use";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_STREAM, &fd) != 0) return;
  result(name, bind_to(fd, LOCAL, in_use_port));
  close((int)fd);
}

/* Linux: EADDRNOTAVAIL (192.0.2.1, TEST-NET-1, is not a local address). */
static void bind_nonlocal(void) {
  const char *name = "bind_nonlocal";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_STREAM, &fd) != 0) return;
  result(name, bind_to(fd, "192.0.2.1", 0));
  close((int)fd);
}

/* Linux: EOPNOTSUPP (listen on SOCK_DGRAM). */
static void listen_dgram(void) {
  const char *name = "listen_dgram";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_DGRAM, &fd) != 0) return;
  int32_t e = bind_to(fd, LOCAL, 0);
  if (e != 0)
    setup_failed(name, "bind", e);
  else
    result(name, we_sock_listen(fd, 5));
  close((int)fd);
}

/* Linux: EOPNOTSUPP (accept on SOCK_DGRAM). */
static void accept_dgram(void) {
  const char *name = "accept_dgram";
  __wasi_fd_t fd, nfd = 0;
  if (open_sock(name, WE_SOCK_DGRAM, &fd) != 0) return;
  int32_t e = bind_to(fd, LOCAL, 0);
  if (e != 0) {
    setup_failed(name, "bind", e);
  } else if (set_nonblock(name, fd) == 0) {
    e = __wasi_sock_accept(fd, 0, &nfd);
    result(name, e);
    if (e == 0) close((int)nfd);
  }
  close((int)fd);
}

/* Linux: OK (listen again only updates the backlog). */
static void listen_twice(void) {
  const char *name = "listen_twice";
  __wasi_fd_t fd;
  if (bound_sock(name, 5, &fd) != 0) return;
  result(name, we_sock_listen(fd, 10));
  close((int)fd);
}

/* Linux: ECONNREFUSED, and again on the same socket. */
static void connect_refused(void) {
  const char *name = "connect_refused";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_STREAM, &fd) != 0) return;
  result(name, connect_to(fd, LOCAL, closed_port));
  result("connect_refused_again", connect_to(fd, LOCAL, closed_port));
  close((int)fd);
}

/* Linux: EISCONN (POSIX says EOPNOTSUPP; Linux disagrees). */
static void connect_on_listener(void) {
  const char *name = "connect_on_listener";
  __wasi_fd_t fd;
  if (bound_sock(name, 5, &fd) != 0) return;
  result(name, connect_to(fd, LOCAL, in_use_port));
  close((int)fd);
}

/* Linux: EISCONN. */
static void connect_connected(void) {
  const char *name = "connect_connected";
  __wasi_fd_t fd;
  if (connected_sock(name, &fd) != 0) return;
  result(name, connect_to(fd, LOCAL, in_use_port));
  close((int)fd);
}

/* Linux: EINVAL (a connected socket is already bound). */
static void bind_connected(void) {
  const char *name = "bind_connected";
  __wasi_fd_t fd;
  if (connected_sock(name, &fd) != 0) return;
  result(name, bind_to(fd, LOCAL, 0));
  close((int)fd);
}

/* Linux: EINVAL. */
static void listen_connected(void) {
  const char *name = "listen_connected";
  __wasi_fd_t fd;
  if (connected_sock(name, &fd) != 0) return;
  result(name, we_sock_listen(fd, 5));
  close((int)fd);
}

/* Linux: shutdown OK, then EPIPE (the host must not raise SIGPIPE). */
static void send_after_shutdown_wr(void) {
  const char *name = "send_after_shutdown_wr";
  __wasi_fd_t fd;
  if (connected_sock(name, &fd) != 0) return;
  int32_t e = __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR);
  if (e != 0)
    setup_failed(name, "shutdown", e);
  else
    result(name, send_x(fd));
  close((int)fd);
}

/* Linux: OK; the kernel auto-binds 0.0.0.0:<ephemeral>. */
static void listen_unbound(void) {
  const char *name = "listen_unbound";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_STREAM, &fd) != 0) return;
  int32_t e = we_sock_listen(fd, 5);
  result(name, e);
  if (e == 0) {
    we_ip_t a;
    uint32_t type = 0, port = 0;
    we_ip_buf(&a, 4);
    e = we_sock_getlocaladdr(fd, &a.a, &type, &port);
    if (e != 0) {
      setup_failed("listen_unbound_port", "getlocaladdr", e);
    } else {
      say("case listen_unbound_port: %s", port != 0 ? "nonzero" : "zero");
      say("case listen_unbound_addr: %s", we_ip_str(&a));
    }
  }
  close((int)fd);
}

/* Linux: ENOTCONN. */
static void getpeer_unconnected(void) {
  const char *name = "getpeer_unconnected";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_STREAM, &fd) != 0) return;
  we_ip_t a;
  uint32_t type = 0, port = 0;
  we_ip_buf(&a, 4);
  result(name, we_sock_getpeeraddr(fd, &a.a, &type, &port));
  close((int)fd);
}

/* Linux: ENOTCONN. */
static void getpeer_listener(void) {
  const char *name = "getpeer_listener";
  __wasi_fd_t fd;
  if (bound_sock(name, 5, &fd) != 0) return;
  we_ip_t a;
  uint32_t type = 0, port = 0;
  we_ip_buf(&a, 4);
  result(name, we_sock_getpeeraddr(fd, &a.a, &type, &port));
  close((int)fd);
}

/* Linux: ENOTCONN. */
static void shutdown_unconnected(void) {
  const char *name = "shutdown_unconnected";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_STREAM, &fd) != 0) return;
  result(name, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR));
  close((int)fd);
}

/* Linux: ENOTCONN (recv on a listener; blocking or not). */
static void recv_on_listener(void) {
  const char *name = "recv_on_listener";
  __wasi_fd_t fd;
  if (bound_sock(name, 5, &fd) != 0) return;
  if (set_nonblock(name, fd) == 0) {
    char buf[16];
    size_t n = 0;
    result(name, recv1(fd, buf, sizeof buf, 0, &n));
  }
  close((int)fd);
}

/* Linux: EPIPE (send on a never-connected TCP socket). */
static void send_unconnected(void) {
  const char *name = "send_unconnected";
  __wasi_fd_t fd;
  if (open_sock(name, WE_SOCK_STREAM, &fd) != 0) return;
  result(name, send_x(fd));
  close((int)fd);
}

static uint32_t parse_port(const char *s) {
  unsigned long v = 0;
  if (!s || !*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (unsigned long)(*s - '0');
    if (v > 65535) return 0;
  }
  return (uint32_t)v;
}

int main(int argc, char **argv) {
  if (argc < 3 || !(in_use_port = parse_port(argv[1])) ||
      !(closed_port = parse_port(argv[2]))) {
    fprintf(stderr, "usage: we_misuse.wasm <in-use-port> <closed-port>\n");
    return 2;
  }
  accept_before_listen();
  bind_twice();
  bind_in_use();
  bind_nonlocal();
  listen_dgram();
  accept_dgram();
  listen_twice();
  connect_refused();
  connect_on_listener();
  connect_connected();
  bind_connected();
  listen_connected();
  send_after_shutdown_wr();
  listen_unbound();
  getpeer_unconnected();
  getpeer_listener();
  shutdown_unconnected();
  recv_on_listener();
  send_unconnected();
  return 0;
}
