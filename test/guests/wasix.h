/*
 * wasix.h — the WASIX socket ABI (Wasmer's module "wasix_32v1"), as a C
 * guest built with plain wasi-libc imports it.
 *
 * Reference: docs/abi.md §3 (wasix-libc @ 34178a6
 * api_wasix.h / __wasixlibc_real.c; Wasmer lib/wasix). Every import here
 * lives in module "wasix_32v1", takes i32s (i64 where marked) and returns an
 * i32 errno. wasix-libc itself takes sock_recv/sock_send/sock_shutdown from
 * wasi_snapshot_preview1; Wasmer's wasix_32v1 exports them too (and every
 * other preview1 name), in their WASIX forms:
 *   sock_accept      = sock_accept_v2: (fd, fdflags, *ret_fd, *ret_addr)
 *   sock_recv        riflags may add DATA_TRUNCATED 0x4, DONT_WAIT 0x8
 *   sock_send        siflags may be SEND_DONT_WAIT 0x1
 *
 * Numbering that differs from WasmEdge and from Linux:
 *   address family  1 inet4, 2 inet6, 3 unix
 *   socket type     1 stream, 2 dgram (3 raw, 4 seqpacket); binaries from
 *                   before 2023-05 send dgram as 0. SOCK_NONBLOCK 0x4000 and
 *                   SOCK_CLOEXEC 0x2000 ride in the type, as wasix-libc's
 *                   socket() forwards them.
 *   protocol        IANA: 6 TCP, 17 UDP (0 = the type's default)
 *   errno           preview1's 0..76, plus 77 shutdown, 78 memviolation,
 *                   79 unknown, 80 pending
 *
 * addr_port_t: 110 bytes (libc view; Wasmer touches the first 20): tag u8 @0,
 * pad, port u16 @2, IPv4 octets @4..7 / IPv6 bytes @4..19. The PORT BYTE
 * ORDER differs by direction, exactly as in Wasmer: the host READS the port
 * little-endian (a plain u16 store of the port number), and WRITES it
 * big-endian (bytes @2,@3 = port >> 8, port & 0xff). wx_addr4() and
 * wx_port_written() below encode that.
 */
#ifndef WASOCK_GUEST_WASIX_H
#define WASOCK_GUEST_WASIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "check.h"

/* ---- numbering (§3.2) ---- */
#define WX_AF_INET4 1u
#define WX_AF_INET6 2u
#define WX_AF_UNIX 3u
#define WX_SOCK_STREAM 1u
#define WX_SOCK_DGRAM 2u
#define WX_SOCK_RAW 3u
#define WX_SOCK_NONBLOCK 0x4000u
#define WX_SOCK_CLOEXEC 0x2000u
#define WX_PROTO_TCP 6u
#define WX_PROTO_UDP 17u

#define WX_STATUS_OPENING 0u
#define WX_STATUS_OPENED 1u
#define WX_STATUS_CLOSED 2u
#define WX_STATUS_FAILED 3u

#define WX_OPT_REUSE_PORT 1u
#define WX_OPT_REUSE_ADDR 2u
#define WX_OPT_NO_DELAY 3u
#define WX_OPT_DONT_ROUTE 4u
#define WX_OPT_ONLY_V6 5u
#define WX_OPT_BROADCAST 6u
#define WX_OPT_KEEP_ALIVE 12u
#define WX_OPT_LINGER 13u
#define WX_OPT_RECV_BUF_SIZE 15u
#define WX_OPT_SEND_BUF_SIZE 16u
#define WX_OPT_RECV_TIMEOUT 19u
#define WX_OPT_SEND_TIMEOUT 20u
#define WX_OPT_CONNECT_TIMEOUT 21u
#define WX_OPT_ACCEPT_TIMEOUT 22u
#define WX_OPT_TTL 23u
#define WX_OPT_PROTO 26u

#define WX_RIFLAGS_DATA_TRUNCATED 0x4u
#define WX_RIFLAGS_DONT_WAIT 0x8u
#define WX_SIFLAGS_DONT_WAIT 0x1u

#define WX_ERRNO_SHUTDOWN 77u
#define WX_ERRNO_MEMVIOLATION 78u
#define WX_ERRNO_UNKNOWN 79u
#define WX_ERRNO_PENDING 80u

/* ---- layouts (§3.2) ---- */

/* __wasi_addr_port_t: size 110, align 2. */
typedef struct {
  uint8_t tag;
  uint8_t pad;
  union {
    struct { uint16_t port; uint8_t addr[4]; } inet4;
    struct { uint16_t port; uint8_t addr[16]; uint16_t flow[2]; uint16_t scope[2]; } inet6;
    uint8_t bytes[108];
  } u;
} wx_addr_port_t;

/* __wasi_option_timestamp_t: size 16, align 8. */
typedef struct {
  uint8_t tag; /* 0 none, 1 some */
  uint64_t ns;
} wx_opt_time_t;

/* __wasi_addr_ip_t (resolve): size 18, align 2. */
typedef struct {
  uint8_t tag;
  uint8_t pad;
  union { uint8_t inet4[4]; uint8_t inet6[16]; uint16_t align; } u;
} wx_addr_ip_t;

_Static_assert(sizeof(wx_addr_port_t) == 110, "addr_port_t is 110 bytes");
_Static_assert(offsetof(wx_addr_port_t, u.inet4.port) == 2, "port @2");
_Static_assert(offsetof(wx_addr_port_t, u.inet4.addr) == 4, "inet4 @4");
_Static_assert(offsetof(wx_addr_port_t, u.inet6.flow) == 20, "flow @20");
_Static_assert(sizeof(wx_opt_time_t) == 16, "option_timestamp is 16 bytes");
_Static_assert(offsetof(wx_opt_time_t, ns) == 8, "ns @8");
_Static_assert(sizeof(wx_addr_ip_t) == 18, "addr_ip_t is 18 bytes");

/* ---- the imports (§3.1) ---- */
#define WX_IMPORT(name) __attribute__((import_module("wasix_32v1"), import_name(name)))

int32_t wx_sock_open(uint32_t af, uint32_t type, uint32_t proto, __wasi_fd_t *ret_fd) WX_IMPORT("sock_open");
int32_t wx_sock_pair(uint32_t af, uint32_t type, uint32_t proto, __wasi_fd_t *fd1, __wasi_fd_t *fd2) WX_IMPORT("sock_pair");
int32_t wx_sock_bind(__wasi_fd_t fd, const wx_addr_port_t *addr) WX_IMPORT("sock_bind");
int32_t wx_sock_listen(__wasi_fd_t fd, uint32_t backlog) WX_IMPORT("sock_listen");
int32_t wx_sock_accept_v2(__wasi_fd_t fd, uint32_t fdflags, __wasi_fd_t *ret_fd, wx_addr_port_t *ret_addr) WX_IMPORT("sock_accept_v2");
/* The same function under its plain name in wasix_32v1 (4 params, not preview1's 3). */
int32_t wx_sock_accept(__wasi_fd_t fd, uint32_t fdflags, __wasi_fd_t *ret_fd, wx_addr_port_t *ret_addr) WX_IMPORT("sock_accept");
int32_t wx_sock_connect(__wasi_fd_t fd, const wx_addr_port_t *addr) WX_IMPORT("sock_connect");
int32_t wx_sock_recv(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t n, uint32_t riflags, size_t *ret_len, uint16_t *ret_roflags) WX_IMPORT("sock_recv");
/* WASIX order (WasmEdge's sock_recv_from differs): ..., ret_len, ret_roflags, ret_addr. */
int32_t wx_sock_recv_from(__wasi_fd_t fd, const __wasi_iovec_t *iovs, size_t n, uint32_t riflags, size_t *ret_len, uint16_t *ret_roflags, wx_addr_port_t *ret_addr) WX_IMPORT("sock_recv_from");
int32_t wx_sock_send(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t n, uint32_t siflags, size_t *ret_len) WX_IMPORT("sock_send");
int32_t wx_sock_send_to(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t n, uint32_t siflags, const wx_addr_port_t *addr, size_t *ret_len) WX_IMPORT("sock_send_to");
/* (i32, i32, i64, i64, i32) */
int32_t wx_sock_send_file(__wasi_fd_t out, __wasi_fd_t in, uint64_t offset, uint64_t count, uint64_t *ret_sent) WX_IMPORT("sock_send_file");
int32_t wx_sock_shutdown(__wasi_fd_t fd, uint32_t how) WX_IMPORT("sock_shutdown");
int32_t wx_sock_status(__wasi_fd_t fd, uint8_t *ret_status) WX_IMPORT("sock_status");
int32_t wx_sock_addr_local(__wasi_fd_t fd, wx_addr_port_t *ret) WX_IMPORT("sock_addr_local");
int32_t wx_sock_addr_peer(__wasi_fd_t fd, wx_addr_port_t *ret) WX_IMPORT("sock_addr_peer");
int32_t wx_sock_set_opt_flag(__wasi_fd_t fd, uint32_t opt, uint32_t flag) WX_IMPORT("sock_set_opt_flag");
int32_t wx_sock_get_opt_flag(__wasi_fd_t fd, uint32_t opt, uint8_t *ret) WX_IMPORT("sock_get_opt_flag");
int32_t wx_sock_set_opt_time(__wasi_fd_t fd, uint32_t opt, const wx_opt_time_t *t) WX_IMPORT("sock_set_opt_time");
int32_t wx_sock_get_opt_time(__wasi_fd_t fd, uint32_t opt, wx_opt_time_t *ret) WX_IMPORT("sock_get_opt_time");
/* (i32, i32, i64) */
int32_t wx_sock_set_opt_size(__wasi_fd_t fd, uint32_t opt, uint64_t size) WX_IMPORT("sock_set_opt_size");
int32_t wx_sock_get_opt_size(__wasi_fd_t fd, uint32_t opt, uint64_t *ret) WX_IMPORT("sock_get_opt_size");
int32_t wx_sock_join_multicast_v4(__wasi_fd_t fd, const uint8_t group[4], const uint8_t iface[4]) WX_IMPORT("sock_join_multicast_v4");
int32_t wx_sock_leave_multicast_v6(__wasi_fd_t fd, const uint8_t group[24], uint32_t iface) WX_IMPORT("sock_leave_multicast_v6");
int32_t wx_resolve(const char *host, size_t host_len, uint32_t port, wx_addr_ip_t *addrs, size_t naddrs, size_t *ret_n) WX_IMPORT("resolve");

/* A few of the imports wasock links but does not implement (ENOSYS). */
int32_t wx_fd_pipe(__wasi_fd_t *a, __wasi_fd_t *b) WX_IMPORT("fd_pipe");
int32_t wx_thread_id(uint32_t *tid) WX_IMPORT("thread_id");
int32_t wx_epoll_create(__wasi_fd_t *ret) WX_IMPORT("epoll_create");
/* A preview1 name from the wasix_32v1 namespace. */
int32_t wx_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t n, size_t *ret) WX_IMPORT("fd_write");

/* ---- helpers ---- */

/* An inet4 addr_port_t from "a.b.c.d" and a port, as the host reads it
   (port as a plain little-endian u16). Returns 0, or -1 if malformed. */
HELPER int wx_addr4(wx_addr_port_t *a, const char *ip, uint16_t port) {
  unsigned b0, b1, b2, b3;
  char tail;
  memset(a, 0, sizeof *a);
  if (sscanf(ip, "%u.%u.%u.%u%c", &b0, &b1, &b2, &b3, &tail) != 4) return -1;
  if (b0 > 255 || b1 > 255 || b2 > 255 || b3 > 255) return -1;
  a->tag = WX_AF_INET4;
  a->u.inet4.port = port;
  a->u.inet4.addr[0] = (uint8_t)b0, a->u.inet4.addr[1] = (uint8_t)b1;
  a->u.inet4.addr[2] = (uint8_t)b2, a->u.inet4.addr[3] = (uint8_t)b3;
  return 0;
}

/* The port of an addr_port_t the host wrote (big-endian, as Wasmer writes). */
HELPER uint16_t wx_port_written(const wx_addr_port_t *a) {
  return (uint16_t)((a->u.bytes[0] << 8) | a->u.bytes[1]);
}

/* "a.b.c.d:port" of an inet4 addr_port_t the host wrote (rotating buffers). */
HELPER const char *wx_addr_str(const wx_addr_port_t *a) {
  static char out[4][40];
  static int slot;
  char *s = out[slot++ & 3];
  if (a->tag != WX_AF_INET4) {
    snprintf(s, 40, "tag %u", a->tag);
    return s;
  }
  snprintf(s, 40, "%u.%u.%u.%u:%u", a->u.inet4.addr[0], a->u.inet4.addr[1], a->u.inet4.addr[2],
           a->u.inet4.addr[3], wx_port_written(a));
  return s;
}

/* check_errno() for an i32 result, naming WASIX's 77..80 too. */
HELPER int wx_check(const char *name, int32_t got, unsigned want) {
  static const char *const ext[] = {"ESHUTDOWN", "EMEMVIOLATION", "EUNKNOWN", "EPENDING"};
  unsigned g = (unsigned)(uint16_t)got;
  if (g == want) {
    say("ok - %s", name);
    return 1;
  }
  char gs[24], ws[24];
  snprintf(gs, sizeof gs, "%s", g >= 77 && g <= 80 ? ext[g - 77] : errno_name(g));
  snprintf(ws, sizeof ws, "%s", want >= 77 && want <= 80 ? ext[want - 77] : errno_name(want));
  say("not ok - %s: got %s want %s", name, gs, ws);
  check_failures++;
  return 0;
}

/* A skipped check still reads as passed to the harness ("ok - ... # SKIP why"). */
#define wx_skip(name, why) say("ok - %s # SKIP %s", name, why)

#endif
