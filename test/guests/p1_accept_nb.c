/*
 * p1_accept_nb.c — sock_accept flags, listener readiness in poll_oneoff,
 * the accept queue and fd numbering.
 *
 * Run with one pre-opened listener:  wasock run p1_accept_nb.wasm --listen 127.0.0.1:0
 * Peer actions used: connect (clients 0..5).
 * fd 3 = the listener; it stays blocking for the whole test.
 */
#include "check.h"

#define LISTENER 3

static __wasi_fd_t accept_ok(const char *name, __wasi_fdflags_t flags) {
  __wasi_fd_t fd = 0;
  if (!check_errno(name, __wasi_sock_accept(LISTENER, flags, &fd), 0)) bail(name);
  return fd;
}

/* sock_accept(NONBLOCK) makes the NEW fd non-blocking, not the listener. */
static __wasi_fd_t accept_nonblock(void) {
  __wasi_fdstat_t st;
  char buf[8];
  size_t n = 0;

  peer("connect"); /* client 0 */
  __wasi_fd_t fd = accept_ok("sock_accept flags=NONBLOCK", __WASI_FDFLAGS_NONBLOCK);

  memset(&st, 0, sizeof st);
  if (check_errno("fd_fdstat_get accepted", __wasi_fd_fdstat_get(fd, &st), 0)) {
    check_u64("accepted filetype socket_stream", st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);
    check_u64("accepted fd has NONBLOCK", st.fs_flags & __WASI_FDFLAGS_NONBLOCK, __WASI_FDFLAGS_NONBLOCK);
  }
  /* ...and really behaves so: nothing was sent, so recv cannot wait. */
  check_errno("accepted fd recv nonblocking", recv1(fd, buf, sizeof buf, 0, &n), __WASI_ERRNO_AGAIN);

  memset(&st, 0, sizeof st);
  if (check_errno("fd_fdstat_get listener", __wasi_fd_fdstat_get(LISTENER, &st), 0))
    check_u64("listener still blocking", st.fs_flags & __WASI_FDFLAGS_NONBLOCK, 0);
  return fd;
}

/* A listener is fd_read-ready exactly when a connection is pending. */
static __wasi_fd_t poll_listener(void) {
  __wasi_event_t ev;

  /* Nothing pending: only the 50 ms clock may fire. */
  check_errno("poll listener idle times out", wait_readable(LISTENER, 50, NULL), __WASI_ERRNO_AGAIN);

  peer("connect"); /* client 1 */
  memset(&ev, 0, sizeof ev);
  if (check_errno("poll listener ready after connect", wait_readable(LISTENER, 5000, &ev), 0))
    check_u64("poll listener event type fd_read", ev.type, __WASI_EVENTTYPE_FD_READ);
  return accept_ok("sock_accept after poll", 0);
}

int main(void) {
  __wasi_fd_t fds[6];
  char name[64];

  fds[0] = accept_nonblock();
  fds[1] = poll_listener();

  /* Three connections queue up; three accepts in a row take them all. */
  peer("connect"); /* client 2 */
  peer("connect"); /* client 3 */
  peer("connect"); /* client 4 */
  for (int i = 0; i < 3; i++) {
    snprintf(name, sizeof name, "sock_accept queued %d of 3", i + 1);
    fds[2 + i] = accept_ok(name, 0);
  }

  /* Fds are small and dense: 3 is the listener, so 4, 5, 6, 7, 8 follow. */
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "accepted fd #%d number", i);
    check_u64(name, fds[i], 4 + (unsigned)i);
  }

  /* A freed number is reused first (lowest free). */
  __wasi_fd_t freed = fds[0];
  check_errno("fd_close first accepted", __wasi_fd_close(freed), 0);
  peer("connect"); /* client 5 */
  fds[0] = accept_ok("sock_accept after close", 0);
  check_u64("accept reuses lowest free fd", fds[0], freed);

  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "fd_close accepted #%d", i);
    check_errno(name, __wasi_fd_close(fds[i]), 0);
  }
  return finish();
}
