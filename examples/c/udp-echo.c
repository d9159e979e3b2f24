/*
 * udp-echo.c — a UDP echo server written against the WasmEdge socket
 * extension: sock_open(dgram) + sock_bind, then sock_recv_from / sock_send_to.
 *
 *   wasock run --allow-listen '127.0.0.1:*' --allow-connect '127.0.0.1:*' examples/udp-echo.wasm 127.0.0.1:0
 *
 * argv[1] = "a.b.c.d:port" to bind (default 127.0.0.1:0). Prints
 * "listening on udp://a.b.c.d:port", then sends every datagram back to its
 * sender. A datagram "quit" ends the program (exit 0).
 *
 * WasmEdge ABI notes: family 1 = IPv4, type 1 = dgram (stream is 2); an
 * address is a pointer to { u8 *buf; u32 buf_len } (4 bytes, network order)
 * with the port passed separately in host order. sock_recv_from_v2 writes the
 * sender's port as the raw sin_port bytes (network order) — WasmEdge's own
 * behaviour — so it is swapped here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WE(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

typedef struct { uint8_t *buf; uint32_t buf_len; } wasi_address_t;
typedef struct { const void *buf; uint32_t len; } iovec_t;

WE("sock_open") int32_t sock_open(int32_t af, int32_t type, int32_t *fd);
WE("sock_bind") int32_t sock_bind(int32_t fd, wasi_address_t *addr, int32_t port);
WE("sock_getlocaladdr") int32_t sock_getlocaladdr(int32_t fd, wasi_address_t *addr, uint32_t *type, uint32_t *port);
WE("sock_recv_from_v2") int32_t sock_recv_from(int32_t fd, iovec_t *iov, int32_t iovlen, wasi_address_t *addr,
                                                 int32_t flags, uint16_t *port, uint32_t *len, uint16_t *oflags);
WE("sock_send_to") int32_t sock_send_to(int32_t fd, const iovec_t *iov, int32_t iovlen, wasi_address_t *addr,
                                         int32_t port, int32_t flags, uint32_t *len);

static int parse(const char *s, uint8_t ip[4], int *port) {
  unsigned a, b, c, d, p;
  if (sscanf(s, "%u.%u.%u.%u:%u", &a, &b, &c, &d, &p) != 5 || a > 255 || b > 255 || c > 255 || d > 255 || p > 65535) return -1;
  ip[0] = a, ip[1] = b, ip[2] = c, ip[3] = d, *port = (int)p;
  return 0;
}

static int fail(const char *what, int32_t err) {
  fprintf(stderr, "udp-echo: %s failed: errno %d\n", what, err);
  return 1;
}

int main(int argc, char **argv) {
  uint8_t ip[4];
  int port, fd;
  int32_t err;
  if (parse(argc > 1 ? argv[1] : "127.0.0.1:0", ip, &port) != 0) return fail("parse address", 28);
  if ((err = sock_open(1, 1, &fd))) return fail("sock_open", err);
  wasi_address_t addr = {ip, 4};
  if ((err = sock_bind(fd, &addr, port))) return fail("sock_bind", err);
  uint8_t local[4];
  uint32_t type, lport;
  wasi_address_t la = {local, 4};
  if ((err = sock_getlocaladdr(fd, &la, &type, &lport))) return fail("sock_getlocaladdr", err);
  printf("listening on udp://%u.%u.%u.%u:%u\n", local[0], local[1], local[2], local[3], lport);
  fflush(stdout);

  static char buf[65536];
  for (;;) {
    uint8_t from[4];
    wasi_address_t fa = {from, 4};
    iovec_t iov = {buf, sizeof buf};
    uint16_t raw_port, oflags;
    uint32_t n, sent;
    if ((err = sock_recv_from(fd, &iov, 1, &fa, 0, &raw_port, &n, &oflags))) return fail("sock_recv_from", err);
    if (n == 4 && memcmp(buf, "quit", 4) == 0) return 0;
    int from_port = (raw_port >> 8) | ((raw_port & 0xff) << 8);
    iovec_t out = {buf, n};
    if ((err = sock_send_to(fd, &out, 1, &fa, from_port, 0, &sent))) return fail("sock_send_to", err);
  }
}
