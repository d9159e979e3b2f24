/*
 * wasix-echo-server.c — an echo server that opens its own listener through
 * WASIX (Wasmer's module "wasix_32v1": sock_open / sock_bind / sock_listen /
 * sock_accept_v2), the calls wasix-libc's socket()/bind()/listen()/accept()
 * make, declared by hand so it builds with plain wasi-libc.
 *
 *   wasock run --allow-net examples/wasix-echo-server.wasm 127.0.0.1:7000
 *   nc 127.0.0.1 7000
 *
 * argv[1] = "a.b.c.d:port" to listen on (default 127.0.0.1:0 = any free
 * port). Prints "listening on <ip>:<port>" (the address sock_addr_local
 * reports, so port 0 shows the real port) on stdout, then serves one client
 * at a time with blocking calls: accept, echo until the client half-closes
 * or closes, close, next client. Each client is logged on stderr as
 * "client <ip>:<port>" (the address sock_accept_v2 returns).
 *
 * WASIX ABI notes (see test/guests/wasix.h for the whole module): address
 * family 1 = IPv4, socket type 1 = stream, protocol 6 = TCP. Addresses are
 * a 110-byte addr_port_t: tag @0, port u16 @2, IPv4 octets @4. The host
 * reads the port as a little-endian u16 and writes it big-endian, as Wasmer
 * does. Unlike Linux, listen() needs a bind() first (no auto-bind: EINVAL).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define WX_IMPORT(name) __attribute__((import_module("wasix_32v1"), import_name(name)))

typedef struct {
  uint8_t tag;
  uint8_t pad;
  uint16_t port; /* as the host reads it: little-endian */
  uint8_t addr[4];
  uint8_t rest[102];
} wx_addr_port_t;

int32_t wx_sock_open(uint32_t af, uint32_t type, uint32_t proto, __wasi_fd_t *fd) WX_IMPORT("sock_open");
int32_t wx_sock_bind(__wasi_fd_t fd, const wx_addr_port_t *addr) WX_IMPORT("sock_bind");
int32_t wx_sock_listen(__wasi_fd_t fd, uint32_t backlog) WX_IMPORT("sock_listen");
int32_t wx_sock_accept_v2(__wasi_fd_t fd, uint32_t fdflags, __wasi_fd_t *ret_fd, wx_addr_port_t *ret_addr) WX_IMPORT("sock_accept_v2");
int32_t wx_sock_addr_local(__wasi_fd_t fd, wx_addr_port_t *ret) WX_IMPORT("sock_addr_local");
int32_t wx_sock_recv(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t n, uint32_t riflags, size_t *ret_len, uint16_t *ret_roflags) WX_IMPORT("sock_recv");
int32_t wx_sock_send(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t n, uint32_t siflags, size_t *ret_len) WX_IMPORT("sock_send");

#define AF_INET4 1
#define STREAM 1
#define TCP 6

/* "a.b.c.d:port" → an addr_port_t. Returns 0, or -1 if malformed. */
static int parse(const char *s, wx_addr_port_t *a) {
  unsigned b0, b1, b2, b3, p;
  char tail;
  if (sscanf(s, "%u.%u.%u.%u:%u%c", &b0, &b1, &b2, &b3, &p, &tail) != 5) return -1;
  if (b0 > 255 || b1 > 255 || b2 > 255 || b3 > 255 || p > 65535) return -1;
  memset(a, 0, sizeof *a);
  a->tag = AF_INET4;
  a->port = (uint16_t)p;
  a->addr[0] = (uint8_t)b0, a->addr[1] = (uint8_t)b1, a->addr[2] = (uint8_t)b2, a->addr[3] = (uint8_t)b3;
  return 0;
}

/* The port of an address the host wrote (big-endian). */
static unsigned written_port(const wx_addr_port_t *a) {
  const uint8_t *p = (const uint8_t *)&a->port;
  return (unsigned)p[0] << 8 | p[1];
}

static void fail(const char *what, int32_t e) {
  fprintf(stderr, "wasix-echo-server: %s: %s\n", what, strerror(e));
  exit(1);
}

/* sock_send may take only part of the buffer: loop until all of it is sent. */
static int32_t send_all(__wasi_fd_t fd, const uint8_t *p, size_t len) {
  while (len > 0) {
    __wasi_ciovec_t iov = {.buf = p, .buf_len = len};
    size_t n = 0;
    int32_t e = wx_sock_send(fd, &iov, 1, 0, &n);
    if (e == __WASI_ERRNO_INTR) continue;
    if (e != 0) return e;
    p += n;
    len -= n;
  }
  return 0;
}

int main(int argc, char **argv) {
  wx_addr_port_t where;
  if (parse(argc > 1 ? argv[1] : "127.0.0.1:0", &where) != 0) {
    fprintf(stderr, "usage: wasix-echo-server.wasm [a.b.c.d:port]\n");
    return 2;
  }

  __wasi_fd_t l;
  int32_t e;
  if ((e = wx_sock_open(AF_INET4, STREAM, TCP, &l)) != 0) fail("sock_open", e);
  if ((e = wx_sock_bind(l, &where)) != 0) fail("sock_bind", e);
  if ((e = wx_sock_listen(l, 128)) != 0) fail("sock_listen", e);

  wx_addr_port_t local;
  if ((e = wx_sock_addr_local(l, &local)) != 0) fail("sock_addr_local", e);
  printf("listening on %u.%u.%u.%u:%u\n", local.addr[0], local.addr[1], local.addr[2], local.addr[3], written_port(&local));
  fflush(stdout);

  static uint8_t buf[16384];
  for (;;) {
    __wasi_fd_t client;
    wx_addr_port_t peer;
    e = wx_sock_accept_v2(l, 0, &client, &peer);
    if (e == __WASI_ERRNO_INTR || e == __WASI_ERRNO_CONNABORTED) continue;
    if (e != 0) fail("sock_accept_v2", e);
    fprintf(stderr, "client %u.%u.%u.%u:%u\n", peer.addr[0], peer.addr[1], peer.addr[2], peer.addr[3], written_port(&peer));

    for (;;) {
      __wasi_iovec_t iov = {.buf = buf, .buf_len = sizeof buf};
      size_t n = 0;
      uint16_t ro = 0;
      e = wx_sock_recv(client, &iov, 1, 0, &n, &ro);
      if (e == __WASI_ERRNO_INTR) continue;
      if (e != 0 || n == 0) break; /* reset, or the client is done sending */
      if (send_all(client, buf, n) != 0) break;
    }
    close((int)client);
  }
}
