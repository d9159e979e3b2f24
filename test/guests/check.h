/*
 * check.h — shared helpers for the preview1 conformance guests.
 *
 * Output protocol (parsed by the TypeScript harness, one line each, stdout):
 *   ok - <name>
 *   not ok - <name>: got <E...> want <E...>
 *   #peer <action>            ask the harness (the TCP peer) to do something
 * The guest exits 0 if every check passed, else 1 (see finish()).
 *
 * Every line is written with a single write(1, ...) so it is never buffered
 * inside the guest (stdio's stdout is fully buffered when fd 1 is not a tty,
 * and a "#peer" line must reach the harness before the guest blocks).
 *
 * The raw preview1 calls are made through wasi-libc's <wasi/api.h>
 * (`__wasi_sock_accept` etc.): those are thin wrappers that pass every
 * argument through unchanged and return the raw errno, so the checks see
 * exactly what the host returned — no libc validation in between.
 */
#ifndef WASOCK_GUEST_CHECK_H
#define WASOCK_GUEST_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

/* Not every guest uses every helper. */
#define HELPER static __attribute__((unused))

/* An address no 32-bit guest memory can contain (the host must say EFAULT). */
#define BAD_PTR ((void *)(uintptr_t)0xFFFFFFF0u)

HELPER int check_failures;

/* One formatted line, one write(2) call. */
HELPER void say(const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  for (int off = 0; off < n;) {
    ssize_t w = write(1, line + off, (size_t)(n - off));
    if (w <= 0) return;
    off += (int)w;
  }
}

/* "#peer <action>": the harness acts on it as soon as it reads the line. */
#define peer(...) say("#peer " __VA_ARGS__)

/* Preview1 errno names (index = errno value), spelled like POSIX. */
static const char *const errno_names[] = {
    "ESUCCESS", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL",
    "EAFNOSUPPORT", "EAGAIN", "EALREADY", "EBADF", "EBADMSG", "EBUSY",
    "ECANCELED", "ECHILD", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET",
    "EDEADLK", "EDESTADDRREQ", "EDOM", "EDQUOT", "EEXIST", "EFAULT", "EFBIG",
    "EHOSTUNREACH", "EIDRM", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO",
    "EISCONN", "EISDIR", "ELOOP", "EMFILE", "EMLINK", "EMSGSIZE", "EMULTIHOP",
    "ENAMETOOLONG", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE",
    "ENOBUFS", "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK", "ENOMEM",
    "ENOMSG", "ENOPROTOOPT", "ENOSPC", "ENOSYS", "ENOTCONN", "ENOTDIR",
    "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENXIO",
    "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPIPE", "EPROTO", "EPROTONOSUPPORT",
    "EPROTOTYPE", "ERANGE", "EROFS", "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT",
    "ETXTBSY", "EXDEV", "ENOTCAPABLE",
};

HELPER const char *errno_name(unsigned e) {
  static char other[16];
  if (e < sizeof errno_names / sizeof errno_names[0]) return errno_names[e];
  snprintf(other, sizeof other, "E#%u", e);
  return other;
}

/* Check a returned preview1 errno. Returns 1 when it matched. */
HELPER int check_errno(const char *name, unsigned got, unsigned want) {
  if (got == want) {
    say("ok - %s", name);
    return 1;
  }
  /* errno_name() reuses one buffer for unknown codes: format got first. */
  char g[16];
  snprintf(g, sizeof g, "%s", errno_name(got));
  say("not ok - %s: got %s want %s", name, g, errno_name(want));
  check_failures++;
  return 0;
}

/* Check a number (a count, a flag, an fd). Returns 1 when it matched. */
HELPER int check_u64(const char *name, uint64_t got, uint64_t want) {
  if (got == want) {
    say("ok - %s", name);
    return 1;
  }
  say("not ok - %s: got %llu want %llu", name, (unsigned long long)got,
      (unsigned long long)want);
  check_failures++;
  return 0;
}

/* Check a condition; `got`/`want` describe the failure in words. */
HELPER int check_true(const char *name, int cond, const char *got,
                      const char *want) {
  if (cond) {
    say("ok - %s", name);
    return 1;
  }
  say("not ok - %s: got %s want %s", name, got, want);
  check_failures++;
  return 0;
}

/* Check received bytes against the expected text. */
HELPER int check_bytes(const char *name, const void *buf, size_t len,
                       const char *want) {
  size_t wl = strlen(want);
  if (len == wl && memcmp(buf, want, wl) == 0) {
    say("ok - %s", name);
    return 1;
  }
  char got[80];
  size_t n = len < sizeof got - 3 ? len : sizeof got - 3;
  got[0] = '"';
  for (size_t i = 0; i < n; i++) {
    char c = ((const char *)buf)[i];
    got[i + 1] = (c >= 32 && c < 127) ? c : '?';
  }
  got[n + 1] = '"';
  got[n + 2] = 0;
  say("not ok - %s: got %s (%zu bytes) want \"%s\"", name, got, len, want);
  check_failures++;
  return 0;
}

/* A stop-the-test failure: report it and exit 1 (later checks would hang). */
HELPER void bail(const char *why) {
  say("not ok - %s: got aborted want completed", why);
  exit(1);
}

HELPER int finish(void) {
  return check_failures == 0 ? 0 : 1;
}

/* ---- small wrappers around the raw calls (single iovec) ---- */

HELPER __wasi_errno_t recv1(__wasi_fd_t fd, void *buf, size_t len,
                            __wasi_riflags_t flags, size_t *n) {
  __wasi_iovec_t iov = {.buf = buf, .buf_len = len};
  __wasi_roflags_t ro = 0;
  return __wasi_sock_recv(fd, &iov, 1, flags, n, &ro);
}

HELPER __wasi_errno_t send1(__wasi_fd_t fd, const char *text, size_t *n) {
  __wasi_ciovec_t iov = {.buf = (const uint8_t *)text, .buf_len = strlen(text)};
  return __wasi_sock_send(fd, &iov, 1, 0, n);
}

/*
 * Wait until `fd` is readable (listener: a connection is pending), at most
 * `ms` milliseconds. Returns the event's error (0 = ready) or EAGAIN on
 * timeout; `ev_out`, when given, receives the fd_read event.
 */
HELPER __wasi_errno_t wait_readable(__wasi_fd_t fd, uint64_t ms,
                                    __wasi_event_t *ev_out) {
  __wasi_subscription_t sub[2];
  memset(sub, 0, sizeof sub);
  sub[0].userdata = 1;
  sub[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  sub[0].u.u.fd_read.file_descriptor = fd;
  sub[1].userdata = 2;
  sub[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  sub[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub[1].u.u.clock.timeout = ms * 1000000ull;
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_poll_oneoff(sub, ev, 2, &n);
  if (e != 0) return e;
  for (__wasi_size_t i = 0; i < n; i++) {
    if (ev[i].userdata == 1) {
      if (ev_out) *ev_out = ev[i];
      return ev[i].error;
    }
  }
  return __WASI_ERRNO_AGAIN;
}

#endif
