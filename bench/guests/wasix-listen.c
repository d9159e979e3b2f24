/*
 * wasix-listen.c — runs http-hello on a WASIX host that pre-opens no sockets (@wasmer/sdk):
 * main() opens a TCP listener on 127.0.0.1:0 through WASIX (module "wasix_32v1": sock_open,
 * sock_bind, sock_listen), hands its fd to the example as bench_listener_fd0 (the example's
 * "listeners[i] = 3 + i" reads it instead of 3: bench/guests/variants.sh, http_hello_fd0;
 * fd_renumber of a socket is ENOTSUP under the SDK, and its fds 3-5 are pre-opened dirs), sets
 * LISTEN_FDS=1 and calls the example's main, compiled as guest_main (-Dmain=guest_main).
 *
 * The WASIX declarations follow examples/c/wasix-echo-server.c (addr_port_t: tag @0, port
 * u16 @2, IPv4 octets @4, 110 bytes). The port is not printed: the SDK answers
 * sock_addr_local with port 0, so bench/wasmer-runner.ts reports the host listener's port.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WX_IMPORT(name) __attribute__((import_module("wasix_32v1"), import_name(name)))

typedef struct {
  uint8_t tag;
  uint8_t pad;
  uint16_t port;
  uint8_t addr[4];
  uint8_t rest[102];
} wx_addr_port_t;

int32_t wx_sock_open(uint32_t af, uint32_t type, uint32_t proto, __wasi_fd_t *fd) WX_IMPORT("sock_open");
int32_t wx_sock_bind(__wasi_fd_t fd, const wx_addr_port_t *addr) WX_IMPORT("sock_bind");
int32_t wx_sock_listen(__wasi_fd_t fd, uint32_t backlog) WX_IMPORT("sock_listen");

int guest_main(void);
int bench_listener_fd0 = 3;

static void fail(const char *what, int32_t e) {
  fprintf(stderr, "wasix-listen: %s: %s\n", what, strerror(e));
  exit(1);
}

int main(void) {
  wx_addr_port_t any = {.tag = 1, .addr = {127, 0, 0, 1}}; /* 127.0.0.1:0 */
  __wasi_fd_t l;
  int32_t e;
  if ((e = wx_sock_open(1 /* IPv4 */, 1 /* stream */, 6 /* TCP */, &l)) != 0) fail("sock_open", e);
  if ((e = wx_sock_bind(l, &any)) != 0) fail("sock_bind", e);
  if ((e = wx_sock_listen(l, 4096)) != 0) fail("sock_listen", e);
  bench_listener_fd0 = (int)l;
  setenv("LISTEN_FDS", "1", 1);
  return guest_main();
}
