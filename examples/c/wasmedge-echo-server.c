/*
 * wasmedge-echo-server.c — an echo server that opens its own listener with
 * the WasmEdge socket extension (sock_open / sock_bind / sock_listen), the
 * way programs built for WasmEdge do, instead of using a pre-opened fd.
 *
 *   wasock run --allow-net examples/wasmedge-echo-server.wasm 127.0.0.1:7000
 *   nc 127.0.0.1 7000
 *
 * argv[1] = "a.b.c.d:port" to listen on (default 127.0.0.1:0 = any free
 * port). Prints "listening on <ip>:<port>" (the address sock_getlocaladdr
 * reports, so port 0 shows the real port) on stdout, then serves one client
 * at a time with blocking calls: accept, echo until the client half-closes
 * or closes, close, next client.
 *
 * WasmEdge ABI notes (see test/guests/wasmedge.h for the whole extension):
 * address family 1 = IPv4, socket type 2 = stream; addresses are passed as a
 * pointer to { u8 *buf; u32 buf_len } with the 4 address bytes in network
 * order and the port as a separate host-order argument; sock_getlocaladdr
 * (V1) returns the address type as 4/6 and the port as a u32.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define WE_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

typedef struct {
  uint8_t *buf;
  uint32_t buf_len;
} we_address_t;

int32_t we_sock_open(uint32_t af, uint32_t type, __wasi_fd_t *fd) WE_IMPORT("sock_open");
int32_t we_sock_bind(__wasi_fd_t fd, const we_address_t *addr, uint32_t port) WE_IMPORT("sock_bind");
int32_t we_sock_listen(__wasi_fd_t fd, int32_t backlog) WE_IMPORT("sock_listen");
int32_t we_sock_getlocaladdr(__wasi_fd_t fd, we_address_t *addr, uint32_t *type, uint32_t *port)
    WE_IMPORT("sock_getlocaladdr");

#define AF_INET4 1
#define STREAM 2

/* "a.b.c.d:port" → 4 bytes + port. Returns 0, or -1 if malformed. */
static int parse(const char *s, uint8_t ip[4], uint32_t *port) {
  unsigned a, b, c, d, p;
  char tail;
  if (sscanf(s, "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &p, &tail) != 5) return -1;
  if (a > 255 || b > 255 || c > 255 || d > 255 || p > 65535) return -1;
  ip[0] = (uint8_t)a, ip[1] = (uint8_t)b, ip[2] = (uint8_t)c, ip[3] = (uint8_t)d;
  *port = p;
  return 0;
}

static void fail(const char *what, int32_t e) {
  fprintf(stderr, "wasmedge-echo-server: %s: %s\n", what, strerror(e));
  exit(1);
}

/* write() may take only part of the buffer: loop until all of it is sent. */
static int write_all(int fd, const char *p, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *where = argc > 1 ? argv[1] : "127.0.0.1:0";
  uint8_t ip[4];
  uint32_t port;
  if (parse(where, ip, &port) != 0) {
    fprintf(stderr, "usage: wasmedge-echo-server.wasm [a.b.c.d:port]\n");
    return 2;
  }

  __wasi_fd_t l;
  int32_t e;
  if ((e = we_sock_open(AF_INET4, STREAM, &l)) != 0) fail("sock_open", e);
  we_address_t addr = {.buf = ip, .buf_len = 4};
  if ((e = we_sock_bind(l, &addr, port)) != 0) fail("sock_bind", e);
  if ((e = we_sock_listen(l, 128)) != 0) fail("sock_listen", e);

  uint8_t got[4] = {0};
  we_address_t local = {.buf = got, .buf_len = 4};
  uint32_t type = 0, lport = 0;
  if ((e = we_sock_getlocaladdr(l, &local, &type, &lport)) != 0) fail("sock_getlocaladdr", e);
  printf("listening on %u.%u.%u.%u:%u\n", got[0], got[1], got[2], got[3], (unsigned)lport);
  fflush(stdout);

  static char buf[16384];
  for (;;) {
    __wasi_fd_t client;
    e = __wasi_sock_accept(l, 0, &client);
    if (e == __WASI_ERRNO_INTR || e == __WASI_ERRNO_CONNABORTED) continue;
    if (e != 0) fail("sock_accept", e);

    for (;;) {
      ssize_t n = read((int)client, buf, sizeof buf);
      if (n == 0) break; /* the client is done sending */
      if (n < 0) {
        if (errno == EINTR) continue;
        break; /* reset: drop this client */
      }
      if (write_all((int)client, buf, (size_t)n) != 0) break;
    }
    close((int)client);
  }
}
