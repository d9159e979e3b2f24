/*
 * policy_bypass.c — attempts to get past wasock's allow rules, each asserted
 * from inside the guest (issue 7 §5). Not a conformance-runner guest (no
 * p1_/we_/wx_ prefix): test/e2e/policy-bypass.test.ts drives it.
 *
 *   wasock run test/guests/policy_bypass.wasm --allow-connect 127.0.0.1:8080 -- \
 *     "we connect ::ffff:127.0.0.2 8080 EACCES" "wx connect 0.0.0.0 8080 EACCES"
 *
 * Each argument is one step, words separated by spaces:
 *
 *   <abi> <op> <operands...> <WANT>
 *
 *   abi   we = the WasmEdge socket extension (wasi_snapshot_preview1 sock_*),
 *         wx = WASIX (wasix_32v1); both are offered to every guest.
 *   op    connect <ip> <port> [from <ip> <port>]   TCP: socket, (bind,) connect.
 *                 Connected: one greeting is read (2 s at most) and printed as
 *                 "# greeting <ip> <port>: <text>", then the socket is closed.
 *         listen <ip> <port>       TCP: socket, bind, listen (the first error)
 *         udp-bind <ip> <port>     UDP: socket, bind
 *         sendto <ip> <port>       UDP: send 1 byte from an unbound socket (wx:
 *                 bound to the wildcard, port 0, first: Wasmer needs it)
 *         udp-connect <ip> <port>  UDP: connect (set the default peer)
 *         resolve <name>           a name lookup (we: sock_getaddrinfo,
 *                 wx: resolve); found: "# resolved <name>: <addr>...", and
 *                 the addresses are kept for $N. In <name>, "\0" is a NUL byte
 *                 (a length-delimited ABI can pass one; argv cannot).
 *         wait     print "#peer next", then read one line from stdin (the
 *                 harness changes something in between); WANT is not given.
 *   ip    an IPv4 or IPv6 literal (inet_pton), $N (the Nth address of the
 *         last successful resolve) or $* (each of them: one check apiece;
 *         none, after a failed resolve: the step is an "ok … # SKIP").
 *   WANT  the errno expected, by name: ESUCCESS, EACCES, ECONNREFUSED, …
 *         (we: EAI_* for getaddrinfo's own codes); !NAME: anything but NAME
 *         (an allowed attempt whose outcome is the host's, not the policy's).
 *
 * Output as in check.h (`ok - <step>` / `not ok - <step>: got X want Y`);
 * exit 0 iff every check passed, 2 for a step that does not parse.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "wasix.h"
#include "wasmedge.h"

int32_t we_sock_send_to(__wasi_fd_t fd, const __wasi_ciovec_t *iov, uint32_t iovlen, const we_address_t *addr,
                        uint32_t port, uint32_t flags, uint32_t *ret_len) WE_IMPORT("sock_send_to");

/* One address in network order: 4 or 16 bytes. */
typedef struct {
  int family; /* 4 or 6 */
  uint8_t b[16];
} ip_t;

#define MAX_FOUND 8
static ip_t found[MAX_FOUND];
static int nfound;

__attribute__((noreturn)) static void bad_step(const char *step, const char *why) {
  say("not ok - %s: got unparsable step (%s) want a step", step, why);
  exit(2);
}

static int parse_ip(const char *s, ip_t *ip) {
  memset(ip, 0, sizeof *ip);
  if (inet_pton(AF_INET, s, ip->b) == 1) return ip->family = 4, 0;
  if (inet_pton(AF_INET6, s, ip->b) == 1) return ip->family = 6, 0;
  return -1;
}

static const char *ip_str(const ip_t *ip) {
  static char out[4][INET6_ADDRSTRLEN];
  static int slot;
  char *s = out[slot++ & 3];
  inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->b, s, INET6_ADDRSTRLEN);
  return s;
}

static int parse_port(const char *s, uint32_t *port) {
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (*s == 0 || *end != 0 || v > 65535) return -1;
  *port = (uint32_t)v;
  return 0;
}

/* The errno's name as this ABI's checks print it. */
static const char *name_of(int wx, unsigned e) {
  static const char *const ext[] = {"ESHUTDOWN", "EMEMVIOLATION", "EUNKNOWN", "EPENDING"};
  if (wx) return e >= 77 && e <= 80 ? ext[e - 77] : errno_name(e);
  return we_errno_name(e);
}

/* WANT: an errno's name, or !NAME for any result but that one. */
typedef struct {
  unsigned e;
  int not;
} want_t;

static want_t parse_want(int wx, const char *s, const char *step) {
  want_t w = {0, s[0] == '!'};
  for (unsigned e = 0; e < 100; e++)
    if (strcmp(name_of(wx, e), s + w.not) == 0) return w.e = e, w;
  bad_step(step, "unknown errno name");
}

static void verdict(int wx, const char *what, unsigned got, want_t want) {
  if ((got == want.e) != want.not) {
    say("ok - %s", what);
    return;
  }
  char g[24];
  snprintf(g, sizeof g, "%s", name_of(wx, got));
  say("not ok - %s: got %s want %s%s", what, g, want.not ? "anything but " : "", name_of(wx, want.e));
  check_failures++;
}

/* ---- the two ABIs' socket calls, on an ip_t ---- */

static unsigned sock_new(int wx, int family, int dgram, __wasi_fd_t *fd) {
  if (wx) return (uint16_t)wx_sock_open(family == 4 ? WX_AF_INET4 : WX_AF_INET6, dgram ? WX_SOCK_DGRAM : WX_SOCK_STREAM, 0, fd);
  return (uint16_t)we_sock_open(family == 4 ? WE_AF_INET4 : WE_AF_INET6, dgram ? WE_SOCK_DGRAM : WE_SOCK_STREAM, fd);
}

static void wx_addr(wx_addr_port_t *a, const ip_t *ip, uint32_t port) {
  memset(a, 0, sizeof *a);
  a->tag = ip->family == 4 ? WX_AF_INET4 : WX_AF_INET6;
  a->u.inet6.port = (uint16_t)port; /* Wasmer reads the port as a little-endian u16 */
  memcpy(a->u.inet6.addr, ip->b, ip->family == 4 ? 4 : 16);
}

static void we_addr(we_ip_t *a, const ip_t *ip) {
  memset(a, 0, sizeof *a);
  memcpy(a->bytes, ip->b, 16);
  a->a.buf = a->bytes;
  a->a.buf_len = ip->family == 4 ? 4 : 16;
}

static unsigned sock_bind_to(int wx, __wasi_fd_t fd, const ip_t *ip, uint32_t port) {
  if (wx) {
    wx_addr_port_t a;
    wx_addr(&a, ip, port);
    return (uint16_t)wx_sock_bind(fd, &a);
  }
  we_ip_t a;
  we_addr(&a, ip);
  return (uint16_t)we_sock_bind(fd, &a.a, port);
}

static unsigned sock_connect_to(int wx, __wasi_fd_t fd, const ip_t *ip, uint32_t port) {
  if (wx) {
    wx_addr_port_t a;
    wx_addr(&a, ip, port);
    return (uint16_t)wx_sock_connect(fd, &a);
  }
  we_ip_t a;
  we_addr(&a, ip);
  return (uint16_t)we_sock_connect(fd, &a.a, port);
}

static unsigned sock_listen_on(int wx, __wasi_fd_t fd) {
  return (uint16_t)(wx ? wx_sock_listen(fd, 16) : we_sock_listen(fd, 16));
}

static unsigned sock_send_one(int wx, __wasi_fd_t fd, const ip_t *ip, uint32_t port) {
  static const uint8_t x = 'x';
  __wasi_ciovec_t iov = {.buf = &x, .buf_len = 1};
  if (wx) {
    wx_addr_port_t a;
    size_t n;
    wx_addr(&a, ip, port);
    return (uint16_t)wx_sock_send_to(fd, &iov, 1, 0, &a, &n);
  }
  we_ip_t a;
  uint32_t n;
  we_addr(&a, ip);
  return (uint16_t)we_sock_send_to(fd, &iov, 1, &a.a, port, 0, &n);
}

/* Read what a server says first (it greets every connection) and print it. */
static void greeting(__wasi_fd_t fd, const ip_t *ip, uint32_t port) {
  char buf[128];
  size_t n = 0;
  unsigned e = wait_readable(fd, 2000, NULL);
  if (e == 0) e = recv1(fd, buf, sizeof buf - 1, 0, &n);
  if (e != 0) n = 0;
  for (size_t i = 0; i < n; i++)
    if (buf[i] < 32 || buf[i] > 126) buf[i] = '?';
  buf[n] = 0;
  if (n) say("# greeting %s %u: %s", ip_str(ip), (unsigned)port, buf);
  else say("# greeting %s %u: (none: %s)", ip_str(ip), (unsigned)port, e ? errno_name(e) : "EOF");
}

/* ---- name lookups ---- */

#define WE_MAXRES MAX_FOUND
static we_addrinfo_t we_nodes[WE_MAXRES];
static we_sockaddr_t we_addrs[WE_MAXRES];
static uint8_t we_data[WE_MAXRES][26];
static char we_canon[WE_MAXRES][256];

static unsigned lookup(int wx, const char *name, size_t len) {
  nfound = 0;
  if (wx) {
    static wx_addr_ip_t out[MAX_FOUND];
    size_t n = 0;
    unsigned e = (uint16_t)wx_resolve(name, len, 0, out, MAX_FOUND, &n);
    if (e != 0) return e;
    for (size_t i = 0; i < n && i < MAX_FOUND; i++) {
      ip_t *ip = &found[nfound++];
      memset(ip, 0, sizeof *ip);
      ip->family = out[i].tag == WX_AF_INET4 ? 4 : 6;
      memcpy(ip->b, ip->family == 4 ? out[i].u.inet4 : out[i].u.inet6, ip->family == 4 ? 4 : 16);
    }
    return 0;
  }
  memset(we_nodes, 0, sizeof we_nodes);
  for (int i = 0; i < WE_MAXRES; i++) {
    we_addrs[i].sa_data = we_data[i];
    we_addrs[i].sa_data_len = sizeof we_data[i];
    we_nodes[i].ai_addr = &we_addrs[i];
    we_nodes[i].ai_canonname = we_canon[i];
    we_nodes[i].ai_canonname_len = sizeof we_canon[i] - 1;
    we_nodes[i].ai_next = i + 1 < WE_MAXRES ? &we_nodes[i + 1] : NULL;
  }
  we_addrinfo_t hints, *first = &we_nodes[0];
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = WE_SOCK_STREAM;
  uint32_t n = 0;
  unsigned e = (uint16_t)we_sock_getaddrinfo(name, (uint32_t)len, "0", 1, &hints, &first, WE_MAXRES, &n);
  if (e != 0) return e;
  for (uint32_t i = 0; i < n && i < WE_MAXRES; i++) {
    ip_t *ip = &found[nfound++];
    memset(ip, 0, sizeof *ip);
    ip->family = we_addrs[i].sa_family == WE_AF_INET4 ? 4 : 6;
    /* sa_data: port (2) then the address; IPv6 adds flowinfo (4) first */
    memcpy(ip->b, we_data[i] + (ip->family == 4 ? 2 : 6), ip->family == 4 ? 4 : 16);
  }
  return 0;
}

/* "a\0b" → a NUL b; the length comes back. */
static size_t unescape(const char *in, char *out, size_t max) {
  size_t n = 0;
  for (const char *p = in; *p && n < max; p++) {
    if (p[0] == '\\' && p[1] == '0') out[n++] = 0, p++;
    else out[n++] = *p;
  }
  return n;
}

/* ---- steps ---- */

#define MAX_WORDS 10

static void run_step(const char *step) {
  char copy[512], *w[MAX_WORDS];
  int nw = 0;
  snprintf(copy, sizeof copy, "%s", step);
  for (char *t = strtok(copy, " "); t && nw < MAX_WORDS; t = strtok(NULL, " ")) w[nw++] = t;
  if (nw < 2) bad_step(step, "too few words");
  int wx;
  if (strcmp(w[0], "wx") == 0) wx = 1;
  else if (strcmp(w[0], "we") == 0) wx = 0;
  else bad_step(step, "abi is neither we nor wx");
  const char *op = w[1];

  if (strcmp(op, "wait") == 0) {
    peer("next");
    char c;
    size_t n;
    __wasi_iovec_t iov = {.buf = (uint8_t *)&c, .buf_len = 1};
    while (__wasi_fd_read(0, &iov, 1, &n) == 0 && n == 1 && c != '\n') {}
    return;
  }
  want_t want = parse_want(wx, w[nw - 1], step);

  if (strcmp(op, "resolve") == 0) {
    if (nw != 4) bad_step(step, "resolve <name> WANT");
    char name[300];
    size_t len = unescape(w[2], name, sizeof name);
    unsigned e = lookup(wx, name, len);
    if (e == 0) {
      char line[400];
      int at = snprintf(line, sizeof line, "# resolved %s:", w[2]);
      for (int i = 0; i < nfound && at < (int)sizeof line; i++) at += snprintf(line + at, sizeof line - (size_t)at, " %s", ip_str(&found[i]));
      say("%s", line);
    }
    verdict(wx, step, e, want);
    return;
  }

  if (nw != 5 && !(strcmp(op, "connect") == 0 && nw == 8 && strcmp(w[4], "from") == 0)) bad_step(step, "wrong number of words");
  uint32_t port;
  if (parse_port(w[3], &port) != 0) bad_step(step, "bad port");
  ip_t from;
  uint32_t from_port = 0;
  int bind_first = nw == 8;
  if (bind_first && (parse_ip(w[5], &from) != 0 || parse_port(w[6], &from_port) != 0)) bad_step(step, "bad from address");

  int dgram;
  if (strcmp(op, "connect") == 0 || strcmp(op, "listen") == 0) dgram = 0;
  else if (strcmp(op, "udp-bind") == 0 || strcmp(op, "sendto") == 0 || strcmp(op, "udp-connect") == 0) dgram = 1;
  else bad_step(step, "unknown op");

  /* the targets: one literal, or addresses of the last resolve */
  ip_t targets[MAX_FOUND];
  int nt = 0;
  if (w[2][0] == '$') {
    if (strcmp(w[2], "$*") == 0) {
      for (int i = 0; i < nfound; i++) targets[nt++] = found[i];
    } else {
      int i = atoi(w[2] + 1);
      if (i < 0 || i >= nfound) bad_step(step, "no such resolved address");
      targets[nt++] = found[i];
    }
    if (nt == 0) {
      say("ok - %s # SKIP nothing resolved", step);
      return;
    }
  } else if (parse_ip(w[2], &targets[nt++]) != 0) {
    bad_step(step, "bad address");
  }

  for (int t = 0; t < nt; t++) {
    const ip_t *ip = &targets[t];
    char what[600];
    if (w[2][0] == '$') snprintf(what, sizeof what, "%s (%s = %s)", step, w[2], ip_str(ip));
    else snprintf(what, sizeof what, "%s", step);
    __wasi_fd_t fd;
    unsigned e = sock_new(wx, bind_first ? from.family : ip->family, dgram, &fd);
    if (e != 0) {
      verdict(wx, what, e, want);
      continue;
    }
    if (bind_first) e = sock_bind_to(wx, fd, &from, from_port);
    if (e == 0) {
      if (strcmp(op, "connect") == 0) {
        e = sock_connect_to(wx, fd, ip, port);
        if (e == 0) greeting(fd, ip, port);
      } else if (strcmp(op, "listen") == 0) {
        e = sock_bind_to(wx, fd, ip, port);
        if (e == 0) e = sock_listen_on(wx, fd);
      } else if (strcmp(op, "udp-bind") == 0) {
        e = sock_bind_to(wx, fd, ip, port);
      } else if (strcmp(op, "sendto") == 0) {
        /* WASIX (Wasmer) sends only from a bound socket: bind the wildcard, port 0, as Linux's
           first send does by itself */
        ip_t any = {.family = ip->family};
        if (wx) e = sock_bind_to(wx, fd, &any, 0);
        if (e == 0) e = sock_send_one(wx, fd, ip, port);
      } else {
        e = sock_connect_to(wx, fd, ip, port);
      }
    }
    verdict(wx, what, e, want);
    (void)!__wasi_fd_close(fd);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) bad_step("(none)", "no steps given");
  for (int i = 1; i < argc; i++) run_step(argv[i]);
  return finish();
}
