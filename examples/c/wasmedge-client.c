/*
 * wasmedge-client.c — a TCP client written against the WasmEdge socket
 * extension: sock_open + sock_connect, send a message, half-close, print
 * the reply until the server closes.
 *
 *   wasock run --allow-net examples/wasmedge-echo-server.wasm 127.0.0.1:7000 &
 *   wasock run --allow-net examples/wasmedge-client.wasm 127.0.0.1:7000 "hi there"
 *
 * argv[1] = "a.b.c.d:port" (required), argv[2] = the text to send (default
 * "hello"). Everything received is written to stdout unchanged; exit 0 on
 * EOF, 1 on any socket error.
 *
 * WasmEdge ABI notes: address family 1 = IPv4, socket type 2 = stream; the
 * address is a pointer to { u8 *buf; u32 buf_len } (4 bytes, network order)
 * and the port a separate host-order argument. Sending, receiving and
 * shutdown are the preview1 calls (sock_send/sock_recv/sock_shutdown).
 */
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
int32_t we_sock_connect(__wasi_fd_t fd, const we_address_t *addr, uint32_t port) WE_IMPORT("sock_connect");

#define AF_INET4 1
#define STREAM 2

/* "a.b.c.d:port" → 4 bytes + port. Returns 0, or -1 if malformed. */
static int parse(const char *s, uint8_t ip[4], uint32_t *port) {
  unsigned a, b, c, d, p;
  char tail;
  if (sscanf(s, "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &p, &tail) != 5) return -1;
  if (a > 255 || b > 255 || c > 255 || d > 255 || p == 0 || p > 65535) return -1;
  ip[0] = (uint8_t)a, ip[1] = (uint8_t)b, ip[2] = (uint8_t)c, ip[3] = (uint8_t)d;
  *port = p;
  return 0;
}

static int fail(const char *what, int32_t e) {
  fprintf(stderr, "wasmedge-client: %s: %s\n", what, strerror(e));
  return 1;
}

int main(int argc, char **argv) {
  uint8_t ip[4];
  uint32_t port;
  if (argc < 2 || parse(argv[1], ip, &port) != 0) {
    fprintf(stderr, "usage: wasmedge-client.wasm <a.b.c.d:port> [text]\n");
    return 2;
  }
  const char *text = argc > 2 ? argv[2] : "hello";

  __wasi_fd_t fd;
  int32_t e;
  if ((e = we_sock_open(AF_INET4, STREAM, &fd)) != 0) return fail("sock_open", e);
  we_address_t addr = {.buf = ip, .buf_len = 4};
  if ((e = we_sock_connect(fd, &addr, port)) != 0) return fail("sock_connect", e);

  /* Send everything (sock_send may take only part of it). */
  size_t len = strlen(text), off = 0;
  while (off < len) {
    __wasi_ciovec_t iov = {.buf = (const uint8_t *)text + off, .buf_len = len - off};
    size_t n = 0;
    if ((e = __wasi_sock_send(fd, &iov, 1, 0, &n)) != 0) return fail("sock_send", e);
    off += n;
  }
  /* Half-close: the server sees EOF, we can still read its reply. */
  if ((e = __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR)) != 0) return fail("sock_shutdown", e);

  static uint8_t buf[16384];
  for (;;) {
    __wasi_iovec_t iov = {.buf = buf, .buf_len = sizeof buf};
    size_t n = 0;
    __wasi_roflags_t ro = 0;
    e = __wasi_sock_recv(fd, &iov, 1, 0, &n, &ro);
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
