/*
 * wx_tcp.c — the WASIX socket ABI (module wasix_32v1) over TCP, asserted
 * from inside the guest. Self-contained: the guest opens its own listener,
 * connects to it and talks to itself over loopback (the harness's
 * pre-opened fd 3 is not used). UDP and resolve are checked when the host
 * offers them and reported as "# SKIP" while they answer ENOSYS.
 *
 *   wasock run test/guests/wx_tcp.wasm --allow-net
 *
 * Output protocol as in check.h, exit 0 iff every check passed.
 *
 * WASIX facts checked (docs/abi.md §3, Wasmer's rules, unlike Linux):
 *   - sock_open: af 1/2 (3 unix ENOTSUP, other EINVAL), type 1 stream /
 *     2 dgram / 0 = old dgram, raw ENOTSUP; TCP only as stream, UDP only as
 *     dgram (ENOTSUP); SOCK_NONBLOCK in the type sets the fd's NONBLOCK
 *   - a fresh socket is a "pre-socket": sock_status opening, addr_local and
 *     addr_peer answer 0.0.0.0:0, listen EINVAL (no auto-bind), accept
 *     ENOTCONN, recv/send/shutdown ENOTCONN (send is not EPIPE)
 *   - bind only records: bind again replaces the address; a bad tag or the
 *     wrong family is EINVAL
 *   - port byte order: the host reads ports little-endian and writes them
 *     big-endian (wasix-libc's own probe: bind port 10275, read back 9000)
 *   - listener: status opened, listen/bind/connect/recv/addr_peer ENOTSUP,
 *     option flags EINVAL to set and ENOTSUP to get
 *   - accept_v2 writes the peer's address; sock_accept in wasix_32v1 is the
 *     same 4-parameter call; fdflags NONBLOCK makes the call non-blocking
 *     (EAGAIN) and the new fd NONBLOCK; EFAULT loses no connection
 *   - connected: bind/listen/connect/accept ENOTSUP; recv_from on a stream
 *     gives the peer; send_to on a stream ignores the address; DONT_WAIT
 *     flags; option tables per socket kind; half-close both ways; send after
 *     shutdown(WR) is EPIPE
 *   - non-blocking connect: EINPROGRESS, poll_oneoff fd_write, then opened
 *   - the other wasix_32v1 imports link: fd_write works, fd_pipe /
 *     thread_id / epoll_create answer ENOSYS, sock_pair / send_file /
 *     multicast ENOTSUP
 */
#include "wasix.h"

static const char *LOCAL = "127.0.0.1";

static int32_t recv1x(__wasi_fd_t fd, void *buf, size_t len, uint32_t flags, size_t *n) {
  __wasi_iovec_t iov = {.buf = buf, .buf_len = len};
  uint16_t ro = 0xffff;
  return wx_sock_recv(fd, &iov, 1, flags, n, &ro);
}

static int32_t send1x(__wasi_fd_t fd, const char *text, uint32_t flags, size_t *n) {
  __wasi_ciovec_t iov = {.buf = (const uint8_t *)text, .buf_len = strlen(text)};
  return wx_sock_send(fd, &iov, 1, flags, n);
}

static void send_all(const char *name, __wasi_fd_t fd, const char *text) {
  size_t n = 0;
  if (wx_check(name, send1x(fd, text, 0, &n), 0)) check_u64("sock_send count", n, strlen(text));
}

/* Read exactly strlen(want) bytes (blocking), then compare. */
static void recv_expect(const char *name, __wasi_fd_t fd, const char *want) {
  char buf[64];
  size_t have = 0, wl = strlen(want);
  while (have < wl) {
    size_t n = 0;
    int32_t e = recv1x(fd, buf + have, sizeof buf - have, 0, &n);
    if (e != 0) {
      wx_check(name, e, 0);
      return;
    }
    if (n == 0) break;
    have += n;
  }
  check_bytes(name, buf, have, want);
}

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

static void check_status(const char *name, __wasi_fd_t fd, unsigned want) {
  uint8_t st = 0xff;
  if (wx_check(name, wx_sock_status(fd, &st), 0)) {
    char n2[96];
    snprintf(n2, sizeof n2, "%s is %u", name, want);
    check_u64(n2, st, want);
  }
}

static int nonblock_flag(__wasi_fd_t fd) {
  __wasi_fdstat_t st;
  memset(&st, 0, sizeof st);
  if (__wasi_fd_fdstat_get(fd, &st) != 0) return -1;
  return (st.fs_flags & __WASI_FDFLAGS_NONBLOCK) != 0;
}

static __wasi_fd_t open_stream(const char *name) {
  __wasi_fd_t fd = 0;
  if (!wx_check(name, wx_sock_open(WX_AF_INET4, WX_SOCK_STREAM, WX_PROTO_TCP, &fd), 0)) bail(name);
  return fd;
}

/* Imports that link without a socket. */
static void linking(void) {
  __wasi_ciovec_t iov = {.buf = (const uint8_t *)"", .buf_len = 0};
  size_t n = 99;
  if (wx_check("wasix_32v1.fd_write (a preview1 name) to stdout", wx_fd_write(1, &iov, 1, &n), 0))
    check_u64("wasix_32v1.fd_write wrote 0 bytes", n, 0);
  __wasi_fd_t a = 0, b = 0;
  uint32_t tid = 0;
  wx_check("fd_pipe links, ENOSYS", wx_fd_pipe(&a, &b), __WASI_ERRNO_NOSYS);
  wx_check("thread_id links, ENOSYS", wx_thread_id(&tid), __WASI_ERRNO_NOSYS);
  wx_check("epoll_create links, ENOSYS", wx_epoll_create(&a), __WASI_ERRNO_NOSYS);
  wx_check("sock_pair ENOTSUP", wx_sock_pair(WX_AF_INET4, WX_SOCK_STREAM, 0, &a, &b), __WASI_ERRNO_NOTSUP);
}

static void open_args(void) {
  __wasi_fd_t fd = 0;
  wx_check("sock_open af=9 EINVAL", wx_sock_open(9, WX_SOCK_STREAM, 0, &fd), __WASI_ERRNO_INVAL);
  wx_check("sock_open af=3 (unix) ENOTSUP", wx_sock_open(WX_AF_UNIX, WX_SOCK_STREAM, 0, &fd), __WASI_ERRNO_NOTSUP);
  wx_check("sock_open type=7 EINVAL", wx_sock_open(WX_AF_INET4, 7, 0, &fd), __WASI_ERRNO_INVAL);
  wx_check("sock_open type=raw ENOTSUP", wx_sock_open(WX_AF_INET4, WX_SOCK_RAW, 0, &fd), __WASI_ERRNO_NOTSUP);
  wx_check("sock_open stream+UDP ENOTSUP", wx_sock_open(WX_AF_INET4, WX_SOCK_STREAM, WX_PROTO_UDP, &fd), __WASI_ERRNO_NOTSUP);
  wx_check("sock_open dgram+TCP ENOTSUP", wx_sock_open(WX_AF_INET4, WX_SOCK_DGRAM, WX_PROTO_TCP, &fd), __WASI_ERRNO_NOTSUP);
  wx_check("sock_open old type 0 (dgram)+TCP ENOTSUP", wx_sock_open(WX_AF_INET4, 0, WX_PROTO_TCP, &fd), __WASI_ERRNO_NOTSUP);
  wx_check("sock_open ret_fd out of bounds EFAULT", wx_sock_open(WX_AF_INET4, WX_SOCK_STREAM, 0, BAD_PTR), __WASI_ERRNO_FAULT);
  if (wx_check("sock_open old type 0 (dgram)+UDP", wx_sock_open(WX_AF_INET4, 0, WX_PROTO_UDP, &fd), 0)) close((int)fd);
  if (wx_check("sock_open inet6 stream", wx_sock_open(WX_AF_INET6, WX_SOCK_STREAM, 0, &fd), 0)) close((int)fd);

  if (wx_check("sock_open stream|SOCK_NONBLOCK|SOCK_CLOEXEC",
               wx_sock_open(WX_AF_INET4, WX_SOCK_STREAM | WX_SOCK_NONBLOCK | WX_SOCK_CLOEXEC, 0, &fd), 0)) {
    check_u64("SOCK_NONBLOCK sets the fd's NONBLOCK", nonblock_flag(fd), 1);
    __wasi_fdstat_t st;
    memset(&st, 0, sizeof st);
    if (check_errno("fd_fdstat_get sock_open'd", __wasi_fd_fdstat_get(fd, &st), 0))
      check_u64("sock_open'd filetype socket_stream", st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);
    close((int)fd);
  }

  wx_addr_port_t a;
  wx_addr4(&a, LOCAL, 0);
  wx_check("sock_bind fd 99 EBADF", wx_sock_bind(99, &a), __WASI_ERRNO_BADF);
  wx_check("sock_bind stdout ENOTSOCK", wx_sock_bind(1, &a), __WASI_ERRNO_NOTSOCK);
  uint8_t st = 0;
  wx_check("sock_status stdout ENOTSOCK", wx_sock_status(1, &st), __WASI_ERRNO_NOTSOCK);
}

/* A pre-socket: Wasmer's lazy socket before listen/connect. */
static void pre_socket(void) {
  __wasi_fd_t fd = open_stream("sock_open pre-socket");
  check_status("sock_status fresh (opening)", fd, WX_STATUS_OPENING);

  wx_addr_port_t got;
  memset(&got, 0xaa, sizeof got);
  if (wx_check("sock_addr_local fresh", wx_sock_addr_local(fd, &got), 0))
    check_true("sock_addr_local fresh is 0.0.0.0:0", strcmp(wx_addr_str(&got), "0.0.0.0:0") == 0, wx_addr_str(&got), "0.0.0.0:0");
  check_u64("sock_addr_local zeroes the 110-byte struct", got.u.bytes[107], 0);
  memset(&got, 0xaa, sizeof got);
  if (wx_check("sock_addr_peer fresh (Wasmer: unspecified)", wx_sock_addr_peer(fd, &got), 0))
    check_true("sock_addr_peer fresh is 0.0.0.0:0", strcmp(wx_addr_str(&got), "0.0.0.0:0") == 0, wx_addr_str(&got), "0.0.0.0:0");
  wx_check("sock_addr_local out of bounds EFAULT", wx_sock_addr_local(fd, BAD_PTR), __WASI_ERRNO_FAULT);
  wx_check("sock_status out of bounds EFAULT", wx_sock_status(fd, BAD_PTR), __WASI_ERRNO_FAULT);

  wx_check("sock_listen unbound EINVAL (no auto-bind)", wx_sock_listen(fd, 8), __WASI_ERRNO_INVAL);
  __wasi_fd_t nfd = 0;
  wx_check("sock_accept_v2 before listen ENOTCONN", wx_sock_accept_v2(fd, 0, &nfd, &got), __WASI_ERRNO_NOTCONN);
  char buf[8];
  size_t n = 0;
  wx_check("sock_recv pre-socket ENOTCONN", recv1x(fd, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTCONN);
  wx_check("sock_send pre-socket ENOTCONN (not EPIPE)", send1x(fd, "x", 0, &n), __WASI_ERRNO_NOTCONN);
  wx_check("sock_shutdown pre-socket ENOTCONN", wx_sock_shutdown(fd, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTCONN);

  wx_addr_port_t a;
  wx_addr4(&a, LOCAL, 0);
  a.tag = WX_AF_UNIX;
  wx_check("sock_bind unix tag EINVAL", wx_sock_bind(fd, &a), __WASI_ERRNO_INVAL);
  a.tag = 9;
  wx_check("sock_bind tag 9 EINVAL", wx_sock_bind(fd, &a), __WASI_ERRNO_INVAL);
  wx_check("sock_bind out of bounds EFAULT", wx_sock_bind(fd, BAD_PTR), __WASI_ERRNO_FAULT);
  memset(&a, 0, sizeof a);
  a.tag = WX_AF_INET6;
  a.u.inet6.addr[15] = 1; /* ::1 on an inet4 socket */
  wx_check("sock_bind inet6 address on inet4 socket EINVAL", wx_sock_bind(fd, &a), __WASI_ERRNO_INVAL);

  /* wasix-libc's own probe (cloudlibc common/net.h is_wasi_port_ok): it
     stores sin_port = 9000, i.e. port 10275, reads it back with
     sock_addr_local and expects Wasmer's big-endian write: 9000 as a u16. */
  wx_addr4(&a, "0.0.0.0", 10275);
  if (wx_check("sock_bind 0.0.0.0:10275 (wasix-libc's port probe)", wx_sock_bind(fd, &a), 0)) {
    memset(&got, 0, sizeof got);
    if (wx_check("sock_addr_local after bind", wx_sock_addr_local(fd, &got), 0)) {
      check_u64("port written big-endian: bytes 0x28 0x23", (unsigned)got.u.bytes[0] << 8 | got.u.bytes[1], 0x2823);
      check_u64("port read as a u16 is 9000 (wasix-libc: no htons needed)", got.u.inet4.port, 9000);
    }
    check_status("sock_status bound (still a pre-socket: opening)", fd, WX_STATUS_OPENING);
  }
  /* Bind again: a pre-socket's address is replaced. */
  wx_addr4(&a, LOCAL, 0);
  if (wx_check("sock_bind again replaces the address", wx_sock_bind(fd, &a), 0)) {
    memset(&got, 0, sizeof got);
    if (wx_check("sock_addr_local after re-bind", wx_sock_addr_local(fd, &got), 0))
      check_true("re-bound address is 127.0.0.1", got.tag == WX_AF_INET4 && got.u.inet4.addr[0] == 127 && got.u.inet4.addr[3] == 1,
                 wx_addr_str(&got), "127.0.0.1:*");
  }

  /* Options on a pre-socket. */
  uint8_t flag = 9;
  wx_check("pre-socket set REUSE_PORT", wx_sock_set_opt_flag(fd, WX_OPT_REUSE_PORT, 1), 0);
  if (wx_check("pre-socket get REUSE_PORT", wx_sock_get_opt_flag(fd, WX_OPT_REUSE_PORT, &flag), 0))
    check_u64("REUSE_PORT reads 1", flag, 1);
  wx_check("pre-socket set DONT_ROUTE", wx_sock_set_opt_flag(fd, WX_OPT_DONT_ROUTE, 1), 0);
  wx_check("pre-socket get DONT_ROUTE EINVAL (Wasmer)", wx_sock_get_opt_flag(fd, WX_OPT_DONT_ROUTE, &flag), __WASI_ERRNO_INVAL);
  wx_check("pre-socket set BROADCAST EINVAL", wx_sock_set_opt_flag(fd, WX_OPT_BROADCAST, 1), __WASI_ERRNO_INVAL);
  wx_opt_time_t t = {.tag = 1, .ns = 2000000000ull};
  wx_check("pre-socket set CONNECT_TIMEOUT 2s", wx_sock_set_opt_time(fd, WX_OPT_CONNECT_TIMEOUT, &t), 0);
  memset(&t, 0xff, sizeof t);
  if (wx_check("pre-socket get CONNECT_TIMEOUT", wx_sock_get_opt_time(fd, WX_OPT_CONNECT_TIMEOUT, &t), 0)) {
    check_u64("CONNECT_TIMEOUT tag some", t.tag, 1);
    check_u64("CONNECT_TIMEOUT 2e9 ns", t.ns, 2000000000ull);
  }
  wx_check("pre-socket set LINGER EIO (Wasmer)", wx_sock_set_opt_time(fd, WX_OPT_LINGER, &t), __WASI_ERRNO_IO);
  wx_check("pre-socket set TTL EIO (Wasmer)", wx_sock_set_opt_size(fd, WX_OPT_TTL, 64), __WASI_ERRNO_IO);
  uint64_t size = 0;
  wx_check("pre-socket set RECV_BUF_SIZE 65536", wx_sock_set_opt_size(fd, WX_OPT_RECV_BUF_SIZE, 65536), 0);
  if (wx_check("pre-socket get RECV_BUF_SIZE", wx_sock_get_opt_size(fd, WX_OPT_RECV_BUF_SIZE, &size), 0))
    check_u64("pre-socket keeps RECV_BUF_SIZE as asked", size, 65536);
  close((int)fd);
}

/* Open, bind 127.0.0.1:0, listen; returns the fd and the port it got. */
static __wasi_fd_t listener(uint16_t *port_out) {
  __wasi_fd_t l = open_stream("sock_open listener");
  wx_check("listener set REUSE_ADDR before listen", wx_sock_set_opt_flag(l, WX_OPT_REUSE_ADDR, 1), 0);
  wx_addr_port_t a;
  wx_addr4(&a, LOCAL, 0);
  if (!wx_check("sock_bind 127.0.0.1:0", wx_sock_bind(l, &a), 0)) bail("sock_bind");
  if (!wx_check("sock_listen 5", wx_sock_listen(l, 5), 0)) bail("sock_listen");
  check_status("sock_status listener (opened)", l, WX_STATUS_OPENED);

  wx_addr_port_t got;
  memset(&got, 0, sizeof got);
  if (!wx_check("sock_addr_local listener", wx_sock_addr_local(l, &got), 0)) bail("sock_addr_local");
  *port_out = wx_port_written(&got);
  check_true("listener address 127.0.0.1:<port>", got.tag == WX_AF_INET4 && got.u.inet4.addr[0] == 127 && *port_out != 0,
             wx_addr_str(&got), "127.0.0.1 and a port");

  wx_check("sock_listen again ENOTSUP", wx_sock_listen(l, 5), __WASI_ERRNO_NOTSUP);
  wx_check("sock_bind listener ENOTSUP", wx_sock_bind(l, &a), __WASI_ERRNO_NOTSUP);
  wx_check("sock_connect listener ENOTSUP", wx_sock_connect(l, &got), __WASI_ERRNO_NOTSUP);
  char buf[4];
  size_t n = 0;
  wx_check("sock_recv listener ENOTSUP", recv1x(l, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTSUP);
  wx_check("sock_addr_peer listener ENOTSUP", wx_sock_addr_peer(l, &got), __WASI_ERRNO_NOTSUP);
  uint8_t flag = 0;
  wx_check("listener set REUSE_ADDR EINVAL", wx_sock_set_opt_flag(l, WX_OPT_REUSE_ADDR, 1), __WASI_ERRNO_INVAL);
  wx_check("listener get REUSE_ADDR ENOTSUP", wx_sock_get_opt_flag(l, WX_OPT_REUSE_ADDR, &flag), __WASI_ERRNO_NOTSUP);
  wx_opt_time_t t = {.tag = 1, .ns = 5000000000ull};
  wx_check("listener set ACCEPT_TIMEOUT", wx_sock_set_opt_time(l, WX_OPT_ACCEPT_TIMEOUT, &t), 0);
  memset(&t, 0, sizeof t);
  if (wx_check("listener get ACCEPT_TIMEOUT", wx_sock_get_opt_time(l, WX_OPT_ACCEPT_TIMEOUT, &t), 0))
    check_u64("ACCEPT_TIMEOUT reads 5e9 ns", t.ns, 5000000000ull);
  wx_check("listener set RECV_TIMEOUT EINVAL", wx_sock_set_opt_time(l, WX_OPT_RECV_TIMEOUT, &t), __WASI_ERRNO_INVAL);
  wx_check("listener get RECV_BUF_SIZE ENOTSUP", wx_sock_get_opt_size(l, WX_OPT_RECV_BUF_SIZE, &(uint64_t){0}), __WASI_ERRNO_NOTSUP);

  __wasi_fd_t nfd = 0;
  wx_check("sock_accept_v2 fdflags=NONBLOCK, nothing pending: EAGAIN",
           wx_sock_accept_v2(l, __WASI_FDFLAGS_NONBLOCK, &nfd, &got), __WASI_ERRNO_AGAIN);
  wx_check("sock_accept_v2 fdflags=APPEND EINVAL", wx_sock_accept_v2(l, __WASI_FDFLAGS_APPEND, &nfd, &got), __WASI_ERRNO_INVAL);
  return l;
}

static void connected(__wasi_fd_t l, uint16_t lport) {
  wx_addr_port_t to, got, peer;
  wx_addr4(&to, LOCAL, lport); /* written little-endian: the host must read it so */

  __wasi_fd_t c = open_stream("sock_open client");
  if (!wx_check("sock_connect blocking to own listener", wx_sock_connect(c, &to), 0)) bail("sock_connect");
  check_status("sock_status connected (opened)", c, WX_STATUS_OPENED);

  __wasi_fd_t s = 0;
  memset(&peer, 0xaa, sizeof peer);
  if (!wx_check("sock_accept_v2", wx_sock_accept_v2(l, 0, &s, &peer), 0)) bail("sock_accept_v2");
  check_u64("accepted fd blocking", nonblock_flag(s), 0);
  memset(&got, 0, sizeof got);
  if (wx_check("sock_addr_local client", wx_sock_addr_local(c, &got), 0))
    check_true("accept_v2 peer = client's local address", strcmp(wx_addr_str(&peer), wx_addr_str(&got)) == 0 && wx_port_written(&got) != 0,
               wx_addr_str(&peer), wx_addr_str(&got));
  memset(&got, 0, sizeof got);
  if (wx_check("sock_addr_peer client", wx_sock_addr_peer(c, &got), 0))
    check_true("client's peer is the listener", got.tag == WX_AF_INET4 && wx_port_written(&got) == lport, wx_addr_str(&got), "127.0.0.1:<listener>");
  memset(&got, 0, sizeof got);
  if (wx_check("sock_addr_local accepted", wx_sock_addr_local(s, &got), 0))
    check_u64("accepted local port = listener port", wx_port_written(&got), lport);

  /* A bad address pointer is EFAULT before the accept: the connection stays queued. */
  __wasi_fd_t c2 = open_stream("sock_open second client");
  wx_check("sock_connect second client", wx_sock_connect(c2, &to), 0);
  __wasi_fd_t s2 = 0;
  wx_addr_port_t peer2;
  wx_check("sock_accept ret_addr out of bounds EFAULT", wx_sock_accept(l, 0, &s2, BAD_PTR), __WASI_ERRNO_FAULT);
  if (wx_check("sock_accept (wasix_32v1 name, 4 params) after EFAULT", wx_sock_accept(l, 0, &s2, &peer2), 0)) {
    send_all("sock_send second client", c2, "2");
    recv_expect("second connection was not lost", s2, "2");
    close((int)s2);
  }
  close((int)c2);

  /* Data, flags. */
  send_all("sock_send client ping", c, "ping");
  recv_expect("sock_recv server ping", s, "ping");
  char buf[32];
  size_t n = 0;
  wx_check("sock_recv DONT_WAIT, nothing there: EAGAIN", recv1x(s, buf, sizeof buf, WX_RIFLAGS_DONT_WAIT, &n), __WASI_ERRNO_AGAIN);
  wx_check("sock_recv riflags 0x10 EINVAL", recv1x(s, buf, sizeof buf, 0x10, &n), __WASI_ERRNO_INVAL);
  wx_check("sock_send siflags 0x2 EINVAL", send1x(c, "x", 0x2, &n), __WASI_ERRNO_INVAL);
  if (wx_check("sock_send SEND_DONT_WAIT", send1x(c, "peek", WX_SIFLAGS_DONT_WAIT, &n), 0)) check_u64("SEND_DONT_WAIT count", n, 4);
  if (wx_check("sock_recv PEEK|WAITALL", recv1x(s, buf, 4, __WASI_RIFLAGS_RECV_PEEK | __WASI_RIFLAGS_RECV_WAITALL, &n), 0))
    check_bytes("PEEK sees the data", buf, n, "peek");
  __wasi_iovec_t iov = {.buf = (uint8_t *)buf, .buf_len = sizeof buf};
  uint16_t ro = 0xffff;
  wx_check("sock_recv ret_len out of bounds EFAULT", wx_sock_recv(s, &iov, 1, 0, BAD_PTR, &ro), __WASI_ERRNO_FAULT);
  memset(&got, 0xaa, sizeof got);
  if (wx_check("sock_recv_from on a stream", wx_sock_recv_from(s, &iov, 1, 0, &n, &ro, &got), 0)) {
    check_bytes("sock_recv_from data (not lost by the EFAULT)", buf, n, "peek");
    check_u64("sock_recv_from roflags 0", ro, 0);
    check_true("sock_recv_from on a stream gives the peer", strcmp(wx_addr_str(&got), wx_addr_str(&peer)) == 0, wx_addr_str(&got), wx_addr_str(&peer));
  }
  __wasi_ciovec_t ciov = {.buf = (const uint8_t *)"to", .buf_len = 2};
  wx_addr_port_t nowhere;
  wx_addr4(&nowhere, "10.9.8.7", 9);
  if (wx_check("sock_send_to on a stream ignores the address", wx_sock_send_to(c, &ciov, 1, 0, &nowhere, &n), 0))
    recv_expect("sock_send_to data arrives on the connection", s, "to");

  /* What a connection refuses. */
  wx_check("sock_bind connected ENOTSUP", wx_sock_bind(c, &to), __WASI_ERRNO_NOTSUP);
  wx_check("sock_listen connected ENOTSUP", wx_sock_listen(c, 1), __WASI_ERRNO_NOTSUP);
  wx_check("sock_connect connected ENOTSUP (not EISCONN)", wx_sock_connect(c, &to), __WASI_ERRNO_NOTSUP);
  wx_check("sock_accept_v2 on a connection ENOTSUP", wx_sock_accept_v2(c, 0, &s2, &got), __WASI_ERRNO_NOTSUP);

  /* Options on a connection. */
  uint8_t flag = 9;
  wx_check("stream set NO_DELAY", wx_sock_set_opt_flag(c, WX_OPT_NO_DELAY, 1), 0);
  if (wx_check("stream get NO_DELAY", wx_sock_get_opt_flag(c, WX_OPT_NO_DELAY, &flag), 0)) check_u64("NO_DELAY reads 1", flag, 1);
  wx_check("stream set KEEP_ALIVE", wx_sock_set_opt_flag(c, WX_OPT_KEEP_ALIVE, 1), 0);
  if (wx_check("stream get KEEP_ALIVE", wx_sock_get_opt_flag(c, WX_OPT_KEEP_ALIVE, &flag), 0)) check_u64("KEEP_ALIVE reads 1", flag, 1);
  wx_check("stream set REUSE_ADDR EINVAL", wx_sock_set_opt_flag(c, WX_OPT_REUSE_ADDR, 1), __WASI_ERRNO_INVAL);
  wx_check("set_opt_flag flag=2 EINVAL", wx_sock_set_opt_flag(c, WX_OPT_NO_DELAY, 2), __WASI_ERRNO_INVAL);
  wx_check("set_opt_flag option 99 EINVAL", wx_sock_set_opt_flag(c, 99, 1), __WASI_ERRNO_INVAL);
  wx_check("get_opt_flag out of bounds EFAULT", wx_sock_get_opt_flag(c, WX_OPT_NO_DELAY, BAD_PTR), __WASI_ERRNO_FAULT);
  wx_opt_time_t t = {.tag = 1, .ns = 1500000000ull};
  wx_check("stream set RECV_TIMEOUT 1.5s", wx_sock_set_opt_time(c, WX_OPT_RECV_TIMEOUT, &t), 0);
  memset(&t, 0xff, sizeof t);
  if (wx_check("stream get RECV_TIMEOUT", wx_sock_get_opt_time(c, WX_OPT_RECV_TIMEOUT, &t), 0)) {
    check_u64("RECV_TIMEOUT tag some", t.tag, 1);
    check_u64("RECV_TIMEOUT 1.5e9 ns", t.ns, 1500000000ull);
  }
  memset(&t, 0xff, sizeof t);
  if (wx_check("stream get SEND_TIMEOUT (never set)", wx_sock_get_opt_time(c, WX_OPT_SEND_TIMEOUT, &t), 0))
    check_u64("SEND_TIMEOUT tag none", t.tag, 0);
  t.tag = 2;
  wx_check("set_opt_time tag 2 EINVAL", wx_sock_set_opt_time(c, WX_OPT_RECV_TIMEOUT, &t), __WASI_ERRNO_INVAL);
  t.tag = 1;
  wx_check("set_opt_time NO_DELAY (not a time) EINVAL", wx_sock_set_opt_time(c, WX_OPT_NO_DELAY, &t), __WASI_ERRNO_INVAL);
  wx_check("stream set CONNECT_TIMEOUT EINVAL", wx_sock_set_opt_time(c, WX_OPT_CONNECT_TIMEOUT, &t), __WASI_ERRNO_INVAL);
  uint64_t size = 0;
  wx_check("stream set RECV_BUF_SIZE 65536", wx_sock_set_opt_size(c, WX_OPT_RECV_BUF_SIZE, 65536), 0);
  if (wx_check("stream get RECV_BUF_SIZE", wx_sock_get_opt_size(c, WX_OPT_RECV_BUF_SIZE, &size), 0))
    check_u64("stream RECV_BUF_SIZE reads 131072 (the host's setsockopt doubles it)", size, 131072);
  wx_check("set_opt_size NO_DELAY (not a size) EINVAL", wx_sock_set_opt_size(c, WX_OPT_NO_DELAY, 1), __WASI_ERRNO_INVAL);
  wx_check("get_opt_size PROTO EINVAL", wx_sock_get_opt_size(c, WX_OPT_PROTO, &size), __WASI_ERRNO_INVAL);
  uint8_t group[4] = {239, 1, 2, 3}, any[4] = {0, 0, 0, 0}, group6[24] = {0xff, 0x02};
  wx_check("sock_join_multicast_v4 ENOTSUP", wx_sock_join_multicast_v4(c, group, any), __WASI_ERRNO_NOTSUP);
  wx_check("sock_leave_multicast_v6 ENOTSUP", wx_sock_leave_multicast_v6(c, group6, 0), __WASI_ERRNO_NOTSUP);
  uint64_t sent = 0;
  wx_check("sock_send_file ENOTSUP", wx_sock_send_file(c, 0, 0, 10, &sent), __WASI_ERRNO_NOTSUP);

  /* Half-close: the client stops writing; the server reads EOF and can still send. */
  wx_check("sock_shutdown how=0 EINVAL", wx_sock_shutdown(c, 0), __WASI_ERRNO_INVAL);
  wx_check("sock_shutdown how=4 EINVAL", wx_sock_shutdown(c, 4), __WASI_ERRNO_INVAL);
  wx_check("sock_shutdown client WR", wx_sock_shutdown(c, __WASI_SDFLAGS_WR), 0);
  n = 99;
  if (wx_check("sock_recv server after client shutdown(WR)", recv1x(s, buf, sizeof buf, 0, &n), 0))
    check_u64("server reads EOF (0 bytes)", n, 0);
  send_all("sock_send server after client shutdown(WR)", s, "bye");
  recv_expect("client still reads after its shutdown(WR)", c, "bye");
  wx_check("sock_send after own shutdown(WR) EPIPE", send1x(c, "late", 0, &n), __WASI_ERRNO_PIPE);
  check_errno("fd_close client", __wasi_fd_close(c), 0);
  check_errno("fd_close accepted", __wasi_fd_close(s), 0);
}

/* Non-blocking connect and accept. */
static void nonblocking(__wasi_fd_t l, uint16_t lport) {
  wx_addr_port_t to, peer;
  wx_addr4(&to, LOCAL, lport);
  __wasi_fd_t c = 0, s = 0;
  if (!wx_check("sock_open SOCK_NONBLOCK client", wx_sock_open(WX_AF_INET4, WX_SOCK_STREAM | WX_SOCK_NONBLOCK, 0, &c), 0)) return;
  wx_check("sock_connect non-blocking EINPROGRESS", wx_sock_connect(c, &to), __WASI_ERRNO_INPROGRESS);
  check_errno("poll_oneoff fd_write after connect", wait_writable(c, 5000), 0);
  check_status("sock_status after the connect completed (opened)", c, WX_STATUS_OPENED);
  check_errno("poll_oneoff listener readable", wait_readable(l, 5000, NULL), 0);
  if (wx_check("sock_accept_v2 fdflags=NONBLOCK with one pending", wx_sock_accept_v2(l, __WASI_FDFLAGS_NONBLOCK, &s, &peer), 0)) {
    check_u64("accepted fd is NONBLOCK", nonblock_flag(s), 1);
    char buf[8];
    size_t n = 0;
    wx_check("sock_recv on the non-blocking accepted fd: EAGAIN", recv1x(s, buf, sizeof buf, 0, &n), __WASI_ERRNO_AGAIN);
    send_all("sock_send nb client", c, "n");
    check_errno("poll_oneoff accepted readable", wait_readable(s, 5000, NULL), 0);
    recv_expect("sock_recv from nb client", s, "n");
    close((int)s);
  }
  close((int)c);
}

/* UDP and resolve: checked once the kernel offers them. */
static void udp_and_resolve(void) {
  __wasi_fd_t u1 = 0, u2 = 0;
  wx_addr_port_t a, got;
  if (!wx_check("sock_open dgram", wx_sock_open(WX_AF_INET4, WX_SOCK_DGRAM, WX_PROTO_UDP, &u1), 0)) return;
  wx_check("sock_open dgram (proto 0)", wx_sock_open(WX_AF_INET4, WX_SOCK_DGRAM, 0, &u2), 0);
  wx_addr4(&a, LOCAL, 0);
  int32_t e = wx_sock_bind(u1, &a);
  if (e == 0) e = wx_sock_bind(u2, &a);
  __wasi_ciovec_t ciov = {.buf = (const uint8_t *)"dgram", .buf_len = 5};
  size_t n = 0;
  memset(&got, 0, sizeof got);
  if (e == 0) e = wx_sock_addr_local(u1, &got);
  /* The host wrote the port big-endian; it reads little-endian: re-encode before passing it back. */
  wx_addr_port_t dest;
  wx_addr4(&dest, LOCAL, wx_port_written(&got));
  if (e == 0) e = wx_sock_send_to(u2, &ciov, 1, 0, &dest, &n);
  if ((uint16_t)e == __WASI_ERRNO_NOSYS) {
    wx_skip("UDP send_to/recv_from", "the kernel has no UDP yet (ENOSYS)");
  } else if (wx_check("UDP bind, addr_local, send_to", e, 0)) {
    check_u64("UDP send_to count", n, 5);
    char buf[16];
    __wasi_iovec_t iov = {.buf = (uint8_t *)buf, .buf_len = sizeof buf};
    uint16_t ro = 0xffff;
    wx_addr_port_t from, u2local;
    if (wx_check("UDP recv_from", wx_sock_recv_from(u1, &iov, 1, 0, &n, &ro, &from), 0)) {
      check_bytes("UDP datagram", buf, n, "dgram");
      memset(&u2local, 0, sizeof u2local);
      if (wx_check("UDP sender addr_local", wx_sock_addr_local(u2, &u2local), 0))
        check_u64("UDP recv_from port = sender's port", wx_port_written(&from), wx_port_written(&u2local));
    }
    check_status("sock_status bound UDP (opened)", u1, WX_STATUS_OPENED);
  }
  close((int)u1);
  close((int)u2);

  wx_addr_ip_t ips[4];
  size_t count = 99;
  wx_check("resolve addrs out of bounds EFAULT", wx_resolve("localhost", 9, 0, BAD_PTR, 4, &count), __WASI_ERRNO_FAULT);
  e = wx_resolve("localhost", 9, 80, ips, 4, &count);
  if ((uint16_t)e == __WASI_ERRNO_NOSYS) {
    wx_skip("resolve localhost", "the kernel has no resolver yet (ENOSYS)");
  } else if (wx_check("resolve localhost", e, 0)) {
    int loop = 0;
    for (size_t i = 0; i < count && i < 4; i++)
      if ((ips[i].tag == WX_AF_INET4 && ips[i].u.inet4[0] == 127) || (ips[i].tag == WX_AF_INET6 && ips[i].u.inet6[15] == 1)) loop = 1;
    check_true("resolve localhost gives a loopback address", count >= 1 && count <= 4 && loop, "none", "127.x or ::1");
  }
}

int main(void) {
  linking();
  open_args();
  pre_socket();
  uint16_t lport = 0;
  __wasi_fd_t l = listener(&lport);
  connected(l, lport);
  nonblocking(l, lport);
  check_errno("fd_close listener", __wasi_fd_close(l), 0);
  udp_and_resolve();
  return finish();
}
