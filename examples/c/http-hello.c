/*
 * http-hello.c — an HTTP/1.1 "Hello, world!" server: one thread, one poll()
 * loop over the pre-opened listener(s) and every client.
 *
 *   wasock run --listen 127.0.0.1:8080 examples/http-hello.wasm
 *   curl http://127.0.0.1:8080/
 *
 * Listeners are fds 3 .. 3+LISTEN_FDS-1 (LISTEN_FDS defaults to 1). All fds
 * are non-blocking; each connection has its own input and output buffer, so
 * partial reads and writes, pipelined requests and a thousand concurrent
 * keep-alive clients are all handled by the same loop. Request bodies
 * (Content-Length) are read and discarded; chunked bodies are refused (501).
 * When accept() fails with EMFILE (the host's fd table is full) the listeners
 * are left out of poll() until a client closes or 1 s passes, so the pending
 * connection does not make poll() spin.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LISTENERS 16
#define MAX_CONNS 16384         /* poll() keeps 2 subscriptions per fd on the stack: 1.3 MiB of the 4 MiB */
#define MAX_HEAD (16 * 1024)    /* request line + headers */
#define OUT_HIGH (64 * 1024)    /* stop parsing (and reading) above this much output */

static const char BODY[] = "Hello, world!\n";

struct conn {
  int fd;
  char *in;                 /* unparsed request bytes */
  size_t in_len, in_cap;
  char *out;                /* response bytes not yet written */
  size_t out_off, out_len, out_cap;
  size_t skip;              /* request-body bytes still to discard */
  int peer_eof;             /* the client sent FIN */
  int closing;              /* close once `out` is flushed */
};

static int listeners[MAX_LISTENERS];
static int nlisteners;
static struct conn *conns[MAX_CONNS];
static int nconns;
static int accept_paused; /* out of fds (EMFILE): stop polling listeners until a client closes */
static struct pollfd pfds[MAX_LISTENERS + MAX_CONNS];

static int grow(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 1024;
  while (n < need) n *= 2;
  char *p = realloc(*buf, n);
  if (!p) return -1;
  *buf = p;
  *cap = n;
  return 0;
}

static void queue_out(struct conn *c, const char *data, size_t len) {
  if (c->out_off == c->out_len) c->out_off = c->out_len = 0;
  if (grow(&c->out, &c->out_cap, c->out_len + len) != 0) {
    c->closing = 1; /* out of memory: drop this client */
    return;
  }
  memcpy(c->out + c->out_len, data, len);
  c->out_len += len;
}

static void respond(struct conn *c, const char *status, int head_only, int keep_alive, int http10) {
  char hdr[256];
  int body = strcmp(status, "200 OK") == 0;
  const char *text = body ? BODY : "";
  size_t text_len = body ? sizeof BODY - 1 : 0;
  int n = snprintf(hdr, sizeof hdr,
                   "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n",
                   status, text_len,
                   !keep_alive ? "Connection: close\r\n" : http10 ? "Connection: keep-alive\r\n" : "");
  queue_out(c, hdr, (size_t)n);
  if (!head_only) queue_out(c, text, text_len);
  if (!keep_alive) c->closing = 1;
}

/* Does a comma-separated header value contain `token` (case-insensitive)? */
static int has_token(const char *v, size_t len, const char *token) {
  size_t tl = strlen(token);
  for (size_t i = 0; i + tl <= len; i++) {
    if (strncasecmp(v + i, token, tl) != 0) continue;
    int starts = i == 0 || v[i - 1] == ',' || v[i - 1] == ' ' || v[i - 1] == '\t';
    int ends = i + tl == len || v[i + tl] == ',' || v[i + tl] == ' ' || v[i + tl] == '\t' || v[i + tl] == '\r';
    if (starts && ends) return 1;
  }
  return 0;
}

/*
 * Parse one request head of `len` bytes (ending "\r\n\r\n") and queue the
 * response. Returns 0, or -1 when the connection must close after a 4xx/5xx.
 */
static int handle_request(struct conn *c, const char *req, size_t len) {
  const char *eol = memchr(req, '\n', len);
  const char *sp1 = memchr(req, ' ', (size_t)(eol - req));
  const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
  if (!sp1 || !sp2 || eol - sp2 < 9 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0) {
    respond(c, "400 Bad Request", 0, 0, 0);
    return -1;
  }
  int http10 = sp2[8] == '0';
  int head_only = sp1 - req == 4 && memcmp(req, "HEAD", 4) == 0;
  int keep_alive = !http10;
  size_t body = 0;

  /* Headers: one per line until the empty line. */
  for (const char *line = eol + 1; line < req + len;) {
    const char *end = memchr(line, '\n', (size_t)(req + len - line));
    const char *colon = memchr(line, ':', (size_t)(end - line));
    if (colon) {
      size_t nl = (size_t)(colon - line);
      const char *v = colon + 1;
      while (v < end && (*v == ' ' || *v == '\t')) v++;
      size_t vl = (size_t)(end - v);
      if (nl == 10 && strncasecmp(line, "connection", 10) == 0) {
        if (has_token(v, vl, "close")) keep_alive = 0;
        else if (has_token(v, vl, "keep-alive")) keep_alive = 1;
      } else if (nl == 14 && strncasecmp(line, "content-length", 14) == 0) {
        body = strtoul(v, NULL, 10);
      } else if (nl == 17 && strncasecmp(line, "transfer-encoding", 17) == 0) {
        respond(c, "501 Not Implemented", 0, 0, http10);
        return -1;
      }
    }
    line = end + 1;
  }
  respond(c, "200 OK", head_only, keep_alive, http10);
  c->skip = body;
  return 0;
}

/* Answer every complete request in the input buffer (pipelining). */
static void process(struct conn *c) {
  size_t pos = 0;
  while (!c->closing && c->out_len - c->out_off < OUT_HIGH) {
    if (c->skip) { /* discard a request body */
      size_t n = c->in_len - pos < c->skip ? c->in_len - pos : c->skip;
      pos += n;
      c->skip -= n;
      if (c->skip) break;
      continue;
    }
    const char *start = c->in + pos;
    size_t avail = c->in_len - pos;
    const char *end = NULL;
    for (size_t i = 3; i < avail; i++)
      if (start[i] == '\n' && start[i - 1] == '\r' && start[i - 2] == '\n' && start[i - 3] == '\r') {
        end = start + i + 1;
        break;
      }
    if (!end) {
      if (avail > MAX_HEAD) respond(c, "431 Request Header Fields Too Large", 0, 0, 0);
      break;
    }
    pos += (size_t)(end - start);
    handle_request(c, start, (size_t)(end - start));
  }
  memmove(c->in, c->in + pos, c->in_len - pos);
  c->in_len -= pos;
}

/* Read what is there. Returns -1 on a reset/error (close now). */
static int do_read(struct conn *c) {
  if (grow(&c->in, &c->in_cap, c->in_len + 4096) != 0) return -1;
  ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
  if (n > 0) c->in_len += (size_t)n;
  else if (n == 0) c->peer_eof = 1;
  else if (errno != EAGAIN && errno != EINTR) return -1;
  return 0;
}

/* Write what is pending. Returns -1 when the peer is gone. */
static int do_write(struct conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
    c->out_off += (size_t)n;
  }
  return 0;
}

/*
 * Answer and flush as far as possible: parse, write, and parse again while
 * the output drains completely and requests keep being consumed.
 * Returns -1 when the peer is gone.
 */
static int pump(struct conn *c) {
  for (;;) {
    size_t before = c->in_len;
    process(c);
    if (do_write(c) != 0) return -1;
    if (c->out_off < c->out_len || c->in_len == before) return 0;
  }
}

/* `graceful`: everything was answered; send FIN explicitly before closing. */
static void drop(int i, int graceful) {
  struct conn *c = conns[i];
  if (graceful) shutdown(c->fd, SHUT_WR);
  close(c->fd);
  free(c->in);
  free(c->out);
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
        if (!accept_paused) fprintf(stderr, "http-hello: accept: %s; pausing accepts\n", strerror(errno));
        accept_paused = 1;
      } else if (errno != EAGAIN && errno != EINTR) {
        perror("http-hello: accept");
      }
      return;
    }
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
      close(fd);
      return;
    }
    c->fd = fd;
    conns[nconns++] = c;
  }
}

int main(void) {
  const char *env = getenv("LISTEN_FDS");
  nlisteners = env ? atoi(env) : 1;
  if (nlisteners < 1 || nlisteners > MAX_LISTENERS) {
    fprintf(stderr, "http-hello: LISTEN_FDS must be 1..%d\n", MAX_LISTENERS);
    return 2;
  }
  for (int i = 0; i < nlisteners; i++) {
    listeners[i] = 3 + i;
    if (fcntl(listeners[i], F_SETFL, O_NONBLOCK) != 0) { /* accept_all drains to EAGAIN */
      fprintf(stderr, "http-hello: fd %d: %s\n", listeners[i], strerror(errno));
      return 1;
    }
  }
  fprintf(stderr, "http-hello: serving on %d listener(s)\n", nlisteners);

  for (;;) {
    /* pfds = listeners (while there is room), then one entry per client. */
    int np = 0, first = nconns < MAX_CONNS && !accept_paused ? nlisteners : 0;
    for (int i = 0; i < first; i++) pfds[np++] = (struct pollfd){.fd = listeners[i], .events = POLLIN};
    for (int i = 0; i < nconns; i++) {
      struct conn *c = conns[i];
      short ev = c->out_off < c->out_len ? POLLOUT : 0;
      if (!c->peer_eof && !c->closing && c->out_len - c->out_off < OUT_HIGH) ev |= POLLIN;
      pfds[np++] = (struct pollfd){.fd = c->fd, .events = ev ? ev : POLLIN};
    }
    /* While accepts are paused, retry them once a second even if no client closes. */
    int ready = poll(pfds, (nfds_t)np, accept_paused ? 1000 : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("http-hello: poll");
      return 1;
    }
    if (ready == 0) accept_paused = 0;

    /* Clients first (indices match pfds until the first drop), back to front. */
    for (int i = nconns - 1; i >= 0; i--) {
      struct conn *c = conns[i];
      short re = pfds[first + i].revents;
      if (!re) continue;
      int bad = 0;
      if ((re & (POLLIN | POLLHUP | POLLERR)) && !c->peer_eof && !c->closing) bad = do_read(c);
      if (!bad) bad = pump(c);
      int done = c->out_off == c->out_len && (c->closing || c->peer_eof);
      if (bad || done || (re & POLLNVAL)) drop(i, !bad && done);
    }
    for (int i = 0; i < first; i++)
      if (pfds[i].revents) accept_all(listeners[i]);
  }
}
