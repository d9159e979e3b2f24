/*
 * wasix-client.c — a TCP client written against WASIX (Wasmer's module
 * "wasix_32v1"): sock_open + sock_connect, send a message, half-close,
 * print the reply until the server closes.
 *
 *   wasock run --allow-net examples/wasix-echo-server.wasm 127.0.0.1:7000 &
 *   wasock run --allow-net examples/wasix-client.wasm 127.0.0.1:7000 "hi there"
 *
 * argv[1] = "a.b.c.d:port" (required), argv[2] = the text to send (default
 * "hello"). Everything received is written to stdout unchanged; exit 0 on
 * EOF, 1 on any socket error.
 *
 * WASIX ABI notes: address family 1 = IPv4, socket type 1 = stream,
 * protocol 6 = TCP; the address is a 110-byte addr_port_t (tag @0, port as
 * a little-endian u16 @2, IPv4 octets @4). Sending, receiving and shutdown
 * are wasix_32v1's sock_send / sock_recv / sock_shutdown.
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
int32_t wx_sock_connect(__wasi_fd_t fd, const wx_addr_port_t *addr) WX_IMPORT("sock_connect");
int32_t wx_sock_recv(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t n, uint32_t riflags, size_t *ret_len, uint16_t *ret_roflags) WX_IMPORT("sock_recv");
int32_t wx_sock_send(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t n, uint32_t siflags, size_t *ret_len) WX_IMPORT("sock_send");
int32_t wx_sock_shutdown(__wasi_fd_t fd, uint32_t how) WX_IMPORT("sock_shutdown");

#define AF_INET4 1
#define STREAM 1
#define TCP 6

/* "a.b.c.d:port" → an addr_port_t. Returns 0, or -1 if malformed. */
static int parse(const char *s, wx_addr_port_t *a) {
  unsigned b0, b1, b2, b3, p;
  char tail;
  if (sscanf(s, "%u.%u.%u.%u:%u%c", &b0, &b1, &b2, &b3, &p, &tail) != 5) return -1;
  if (b0 > 255 || b1 > 255 || b2 > 255 || b3 > 255 || p == 0 || p > 65535) return -1;
  memset(a, 0, sizeof *a);
  a->tag = AF_INET4;
  a->port = (uint16_t)p;
  a->addr[0] = (uint8_t)b0, a->addr[1] = (uint8_t)b1, a->addr[2] = (uint8_t)b2, a->addr[3] = (uint8_t)b3;
  return 0;
}

static int fail(const char *what, int32_t e) {
  fprintf(stderr, "wasix-client: %s: %s\n", what, strerror(e));
  return 1;
}

int main(int argc, char **argv) {
  wx_addr_port_t addr;
  if (argc < 2 || parse(argv[1], &addr) != 0) {
    fprintf(stderr, "usage: wasix-client.wasm <a.b.c.d:port> [text]\n");
    return 2;
  }
  const char *text = argc > 2 ? argv[2] : "hello";

  __wasi_fd_t fd;
  int32_t e;
  if ((e = wx_sock_open(AF_INET4, STREAM, TCP, &fd)) != 0) return fail("sock_open", e);
  if ((e = wx_sock_connect(fd, &addr)) != 0) return fail("sock_connect", e);

  /* Send everything (sock_send may take only part of it). */
  size_t len = strlen(text), off = 0;
  while (off < len) {
    __wasi_ciovec_t iov = {.buf = (const uint8_t *)text + off, .buf_len = len - off};
    size_t n = 0;
    if ((e = wx_sock_send(fd, &iov, 1, 0, &n)) != 0) return fail("sock_send", e);
    off += n;
  }
  /* Half-close: the server sees EOF, we can still read its reply. */
  if ((e = wx_sock_shutdown(fd, __WASI_SDFLAGS_WR)) != 0) return fail("sock_shutdown", e);

  static uint8_t buf[16384];
  for (;;) {
    __wasi_iovec_t iov = {.buf = buf, .buf_len = sizeof buf};
    size_t n = 0;
    uint16_t ro = 0;
    e = wx_sock_recv(fd, &iov, 1, 0, &n, &ro);
    if (e == __WASI_ERRNO_INTR) continue;
    if (e != 0) return fail("sock_recv", e);
    if (n == 0) break;
    for (size_t w = 0; w < n;) {
      ssize_t k = write(1, buf + w, n - w);
      if (k <= 0) return 1;
      w += (size_t)k;
    }
  }
  close((int)fd);
  return 0;
}
