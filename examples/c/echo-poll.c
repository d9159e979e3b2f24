/*
 * echo-poll.c — a multi-client echo server: one thread, one poll() loop.
 *
 *   wasock run --listen 127.0.0.1:7000 examples/echo-poll.wasm
 *   nc 127.0.0.1 7000
 *
 * Listeners are fds 3 .. 3+LISTEN_FDS-1 (LISTEN_FDS defaults to 1).
 * - Binary-safe: bytes go back exactly as they came, in order.
 * - Bounded: each client has a BUF_CAP buffer of received-but-not-yet-echoed
 *   bytes; while it is full the client is not polled for POLLIN, so a fast
 *   sender that does not read its echo is throttled by TCP, not by our memory.
 * - Half-close: when a client shuts down its write side (read → 0), the rest
 *   of its data is still echoed, then we shutdown(SHUT_WR) and close.
 * - No busy loop: poll() waits without a timeout and every fd is polled only
 *   for what it can make progress on (after an EMFILE from accept() the
 *   listeners are left out until a client closes or 1 s passes).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LISTENERS 16
#define MAX_CONNS 4096
#define BUF_CAP (64 * 1024)

struct conn {
  int fd;
  int rd_eof;       /* the client half-closed; finish echoing, then close */
  size_t off, len;  /* pending bytes are buf[off .. off+len) */
  char buf[BUF_CAP];
};

static int listeners[MAX_LISTENERS];
static int nlisteners;
static struct conn *conns[MAX_CONNS];
static int nconns;
static int accept_paused; /* out of fds (EMFILE): stop polling listeners until a client closes */
static struct pollfd pfds[MAX_LISTENERS + MAX_CONNS];

static void drop(int i) {
  struct conn *c = conns[i];
  close(c->fd);
  free(c);
  conns[i] = conns[--nconns];
  accept_paused = 0;
}

static void accept_all(int lfd) {
  while (nconns < MAX_CONNS) {
    struct sockaddr_storage sa; /* wasi-libc's accept4 writes through these */
    socklen_t sl = sizeof sa;
    int fd = accept4(lfd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
        /* The connection stays queued and the listener stays readable:
           polling it again now would spin. Resume when an fd is freed. */
        if (!accept_paused) fprintf(stderr, "echo-poll: accept: %s; pausing accepts\n", strerror(errno));
        accept_paused = 1;
      } else if (errno == EBADF) {
        /* The host closed the listener (its runtime stopped): nothing is left to serve. */
        fprintf(stderr, "echo-poll: listener closed, exiting\n");
        exit(0);
      } else if (errno != EAGAIN && errno != EINTR) {
        perror("echo-poll: accept");
      }
      return;
    }
    struct conn *c = malloc(sizeof *c);
    if (!c) {
      close(fd);
      return;
    }
    c->fd = fd;
    c->rd_eof = 0;
    c->off = c->len = 0;
    conns[nconns++] = c;
  }
}

/* Read into the free tail of the buffer. Returns -1 on error/reset. */
static int do_read(struct conn *c) {
  if (c->off > 0 && c->len > 0 && c->off + c->len == BUF_CAP) { /* compact */
    memmove(c->buf, c->buf + c->off, c->len);
    c->off = 0;
  }
  if (c->len == 0) c->off = 0;
  size_t room = BUF_CAP - c->off - c->len;
  if (room == 0) return 0;
  ssize_t n = read(c->fd, c->buf + c->off + c->len, room);
  if (n > 0) c->len += (size_t)n;
  else if (n == 0) c->rd_eof = 1;
  else if (errno != EAGAIN && errno != EINTR) return -1;
  return 0;
}

/* Write as much pending data as the socket takes. Returns -1 on error. */
static int do_write(struct conn *c) {
  while (c->len > 0) {
    ssize_t n = write(c->fd, c->buf + c->off, c->len);
    if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
    c->off += (size_t)n;
    c->len -= (size_t)n;
  }
  c->off = 0;
  return 0;
}

int main(void) {
  const char *env = getenv("LISTEN_FDS");
  nlisteners = env ? atoi(env) : 1;
  if (nlisteners < 1 || nlisteners > MAX_LISTENERS) {
    fprintf(stderr, "echo-poll: LISTEN_FDS must be 1..%d\n", MAX_LISTENERS);
    return 2;
  }
  for (int i = 0; i < nlisteners; i++) {
    listeners[i] = 3 + i;
    if (fcntl(listeners[i], F_SETFL, O_NONBLOCK) != 0) {
      fprintf(stderr, "echo-poll: fd %d: %s\n", listeners[i], strerror(errno));
      return 1;
    }
  }
  fprintf(stderr, "echo-poll: serving on %d listener(s)\n", nlisteners);

  for (;;) {
    int np = 0, first = nconns < MAX_CONNS && !accept_paused ? nlisteners : 0;
    for (int i = 0; i < first; i++) pfds[np++] = (struct pollfd){.fd = listeners[i], .events = POLLIN};
    for (int i = 0; i < nconns; i++) {
      struct conn *c = conns[i];
      /* Never both empty: rd_eof with len == 0 was closed already, and a
         full buffer (no POLLIN) has len > 0 (POLLOUT). */
      short ev = 0;
      if (!c->rd_eof && c->len < BUF_CAP) ev |= POLLIN;
      if (c->len > 0) ev |= POLLOUT;
      pfds[np++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    /* While accepts are paused, retry them once a second even if no client closes. */
    int ready = poll(pfds, (nfds_t)np, accept_paused ? 1000 : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("echo-poll: poll");
      return 1;
    }
    if (ready == 0) accept_paused = 0;

    /* Back to front, so drop()'s swap only moves already-handled entries. */
    for (int i = nconns - 1; i >= 0; i--) {
      struct conn *c = conns[i];
      short re = pfds[first + i].revents;
      if (!re) continue;
      if (re & POLLNVAL) {
        drop(i);
        continue;
      }
      int bad = 0;
      /* POLLHUP/POLLERR: the read (or write) below reports what happened. */
      if ((re & (POLLIN | POLLHUP | POLLERR)) && !c->rd_eof) bad = do_read(c);
      if (!bad) bad = do_write(c); /* echo at once, no extra poll round */
      if (!bad && c->rd_eof && c->len == 0) {
        shutdown(c->fd, SHUT_WR); /* everything echoed: pass the EOF on */
        drop(i);
      } else if (bad) {
        drop(i);
      }
    }
    for (int i = 0; i < first; i++)
      if (pfds[i].revents) accept_all(listeners[i]);
  }
}
