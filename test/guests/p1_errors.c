/*
 * p1_errors.c — preview1 socket errnos for bad fds, bad arguments and bad
 * pointers, asserted from inside the guest.
 *
 * Run with one pre-opened listener:  wasock run p1_errors.wasm --listen 127.0.0.1:0
 * fd 3 = the listener (blocking). Peer actions used: "connect", "send 0 ...".
 *
 * Error precedence checked throughout (docs/abi.md §1.3): unknown fd →
 * EBADF; not a socket → ENOTSOCK; then argument validation (EINVAL, EFAULT)
 * BEFORE the operation is attempted or waited for; then the operation.
 */
#include "check.h"

#define LISTENER 3
#define NO_FD 99
#define STDOUT 1

/* fd / socket-kind errors: no listener state is touched. */
static void bad_fds(void) {
  __wasi_fd_t fd = 0;
  size_t n = 0;
  char buf[8];

  /* The two wasi-testsuite cases (sock_shutdown-invalid_fd / -not_sock). */
  check_errno("sock_shutdown unknown fd", __wasi_sock_shutdown(NO_FD, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
  check_errno("sock_shutdown stdout", __wasi_sock_shutdown(STDOUT, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);

  check_errno("sock_accept unknown fd", __wasi_sock_accept(NO_FD, 0, &fd), __WASI_ERRNO_BADF);
  /* stdout is not a socket: must not block, must not crash the host. */
  check_errno("sock_accept stdout", __wasi_sock_accept(STDOUT, 0, &fd), __WASI_ERRNO_NOTSOCK);

  check_errno("sock_recv unknown fd", recv1(NO_FD, buf, sizeof buf, 0, &n), __WASI_ERRNO_BADF);
  check_errno("sock_recv stdout", recv1(STDOUT, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTSOCK);
  check_errno("sock_send unknown fd", send1(NO_FD, "x", &n), __WASI_ERRNO_BADF);
  check_errno("sock_send stdout", send1(STDOUT, "x", &n), __WASI_ERRNO_NOTSOCK);
}

/* Listener-only errors. Leaves fd 3 blocking again on return. */
static void listener_errors(void) {
  __wasi_fd_t fd = 0;
  size_t n = 0;
  char buf[8];
  __wasi_fdstat_t st;

  check_errno("fd_fdstat_set_flags listener NONBLOCK", __wasi_fd_fdstat_set_flags(LISTENER, __WASI_FDFLAGS_NONBLOCK), 0);

  /*
   * An undefined/unsupported new-fd flag (APPEND) is EINVAL. Checked while
   * the listener is non-blocking and idle so that a host that waits or
   * polls before validating answers EAGAIN here (a visible failure) instead
   * of hanging the whole test.
   */
  check_errno("sock_accept flags=APPEND", __wasi_sock_accept(LISTENER, __WASI_FDFLAGS_APPEND, &fd), __WASI_ERRNO_INVAL);

  /* Non-blocking listener, nothing pending → EAGAIN (not a wait). */
  check_errno("sock_accept nonblocking idle", __wasi_sock_accept(LISTENER, 0, &fd), __WASI_ERRNO_AGAIN);

  /* fdstat: a TCP listener is socket_stream and shows the NONBLOCK flag. */
  memset(&st, 0, sizeof st);
  if (check_errno("fd_fdstat_get listener", __wasi_fd_fdstat_get(LISTENER, &st), 0)) {
    check_u64("fd_fdstat_get listener filetype", st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);
    check_u64("fd_fdstat_get listener NONBLOCK", st.fs_flags & __WASI_FDFLAGS_NONBLOCK, __WASI_FDFLAGS_NONBLOCK);
  }

  /* Data calls on a listener: Linux gives ENOTCONN for recv, EPIPE for send. */
  check_errno("sock_recv listener", recv1(LISTENER, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTCONN);
  check_errno("sock_send listener", send1(LISTENER, "x", &n), __WASI_ERRNO_PIPE);
  check_errno("sock_shutdown listener WR", __wasi_sock_shutdown(LISTENER, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTCONN);

  /* Back to blocking; the flag must really be cleared. */
  check_errno("fd_fdstat_set_flags listener 0", __wasi_fd_fdstat_set_flags(LISTENER, 0), 0);
  memset(&st, 0, sizeof st);
  if (check_errno("fd_fdstat_get listener again", __wasi_fd_fdstat_get(LISTENER, &st), 0))
    check_u64("fd_fdstat_get listener blocking", st.fs_flags & __WASI_FDFLAGS_NONBLOCK, 0);

  /* Socket fds answer fd_prestat_get with success and a non-dir tag so that
     wasi-libc's start-up preopen scan skips them and keeps scanning. */
  __wasi_prestat_t pre;
  memset(&pre, 0, sizeof pre);
  if (check_errno("fd_prestat_get listener", __wasi_fd_prestat_get(LISTENER, &pre), 0))
    check_true("fd_prestat_get listener tag is not dir", pre.tag != __WASI_PREOPENTYPE_DIR, "tag 0 (dir)", "tag != 0");
}

/*
 * EFAULT on accept must not lose the pending connection: a client is made
 * pending first, the faulting accept fails, and a valid accept then gets the
 * same client (proved by receiving what client 0 sends).
 * Returns the accepted fd.
 */
static __wasi_fd_t accept_fault(void) {
  __wasi_fd_t fd = 0;
  peer("connect");
  if (wait_readable(LISTENER, 5000, NULL) != 0) bail("listener readable after connect");

  check_errno("sock_accept ret_fd out of bounds", __wasi_sock_accept(LISTENER, 0, (__wasi_fd_t *)BAD_PTR), __WASI_ERRNO_FAULT);
  if (!check_errno("sock_accept after EFAULT", __wasi_sock_accept(LISTENER, 0, &fd), 0)) bail("accept after EFAULT");
  return fd;
}

/* Argument errors on a connected stream (so ENOTCONN cannot be the answer). */
static void stream_arg_errors(__wasi_fd_t c) {
  char buf[8];
  size_t n = 0;
  __wasi_roflags_t ro = 0;

  /* Queue "hi" first so nothing below can block; the data must survive. */
  peer("send 0 hi");
  if (wait_readable(c, 5000, NULL) != 0) bail("client data readable");

  check_errno("sock_recv iovec array out of bounds", __wasi_sock_recv(c, (const __wasi_iovec_t *)BAD_PTR, 1, 0, &n, &ro), __WASI_ERRNO_FAULT);
  __wasi_iovec_t bad_buf = {.buf = (uint8_t *)BAD_PTR, .buf_len = 64};
  check_errno("sock_recv buffer out of bounds", __wasi_sock_recv(c, &bad_buf, 1, 0, &n, &ro), __WASI_ERRNO_FAULT);
  check_errno("sock_recv riflags=0x4", recv1(c, buf, sizeof buf, 0x4, &n), __WASI_ERRNO_INVAL);
  __wasi_ciovec_t x = {.buf = (const uint8_t *)"x", .buf_len = 1};
  check_errno("sock_send siflags=1", __wasi_sock_send(c, &x, 1, 1, &n), __WASI_ERRNO_INVAL);
  check_errno("sock_shutdown how=0", __wasi_sock_shutdown(c, 0), __WASI_ERRNO_INVAL);
  check_errno("sock_shutdown how=4", __wasi_sock_shutdown(c, 4), __WASI_ERRNO_INVAL);

  /* None of the failed calls consumed or lost the queued bytes. */
  n = 0;
  if (check_errno("sock_recv after EFAULT/EINVAL", recv1(c, buf, sizeof buf, 0, &n), 0))
    check_bytes("sock_recv data intact", buf, n, "hi");
}

int main(void) {
  bad_fds();
  listener_errors();

  __wasi_fd_t c = accept_fault();
  stream_arg_errors(c);
  check_errno("fd_close accepted", __wasi_fd_close(c), 0);

  /* A closed listener fd is just an unknown fd. */
  __wasi_fd_t fd = 0;
  check_errno("fd_close listener", __wasi_fd_close(LISTENER), 0);
  check_errno("sock_accept closed listener", __wasi_sock_accept(LISTENER, 0, &fd), __WASI_ERRNO_BADF);

  /* poll_oneoff with nothing to wait for would sleep forever: EINVAL. */
  __wasi_subscription_t sub;
  __wasi_event_t ev;
  __wasi_size_t nev = 0;
  check_errno("poll_oneoff 0 subscriptions", __wasi_poll_oneoff(&sub, &ev, 0, &nev), __WASI_ERRNO_INVAL);

  return finish();
}
