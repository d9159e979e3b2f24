/*
 * wasmedge.h — the WasmEdge socket extension, as a C guest imports it.
 *
 * Reference: docs/abi.md §2 (WasmEdge @ d516c5d,
 * lib/host/wasi/wasifunc.cpp). Every import lives in module
 * "wasi_snapshot_preview1", takes i32s and returns an i32 errno.
 *
 * Which body a host must give each import (§2.1): WasmEdge registers a V1
 * body under the plain name and a V2 body under "<name>_v2", and picks V2
 * for a plain name only when the guest's declared type does not match V1.
 * The plain names declared here therefore resolve to:
 *   sock_open, sock_bind, sock_connect, sock_listen   V1 (same type as V2;
 *       V1 accepts only 4- or 16-byte addresses, no 128-byte storage)
 *   sock_getlocaladdr, sock_getpeeraddr               V1 (4 params: addr,
 *       *type, *port; type is 4 or 6, not the family enum)
 *   sock_accept                                       V2 (3 params, the
 *       preview1 type) — called through wasi-libc's __wasi_sock_accept
 *   sock_recv, sock_send, sock_shutdown               preview1 types —
 *       called through wasi-libc's __wasi_sock_recv/_send/_shutdown
 *   sock_setsockopt, sock_getsockopt, sock_getaddrinfo  (single version)
 *
 * Numbering that differs from WASIX and from Linux:
 *   address family  1 = inet4, 2 = inet6
 *   socket type     1 = dgram, 2 = stream      (WASIX: 1 stream, 2 dgram)
 *   sockopt level   0 = SOL_SOCKET (the only one)
 *   sockopt name    0 SO_REUSEADDR, 1 SO_TYPE, 2 SO_ERROR, ... 7 SO_KEEPALIVE
 *
 * WasiAddress double indirection: the `addr` parameter points at an 8-byte
 * { u32 buf; u32 buf_len } whose `buf` points at the address bytes (network
 * order, 4 for IPv4, 16 for IPv6). The port is never in the buffer: it is a
 * separate host-order parameter (bind/connect) or a u32 out-pointer.
 *
 * Only the imports a guest actually calls end up in its .wasm, so declaring
 * sock_getaddrinfo here costs guests that do not use it nothing.
 */
#ifndef WASOCK_GUEST_WASMEDGE_H
#define WASOCK_GUEST_WASMEDGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "check.h"

/* ---- numbering (§2.3) ---- */
#define WE_AF_INET4 1u
#define WE_AF_INET6 2u
#define WE_SOCK_DGRAM 1u
#define WE_SOCK_STREAM 2u

#define WE_SOL_SOCKET 0u
#define WE_SO_REUSEADDR 0u
#define WE_SO_TYPE 1u
#define WE_SO_ERROR 2u
#define WE_SO_DONTROUTE 3u
#define WE_SO_BROADCAST 4u
#define WE_SO_SNDBUF 5u
#define WE_SO_RCVBUF 6u
#define WE_SO_KEEPALIVE 7u
#define WE_SO_OOBINLINE 8u
#define WE_SO_LINGER 9u
#define WE_SO_RCVLOWAT 10u
#define WE_SO_RCVTIMEO 11u
#define WE_SO_SNDTIMEO 12u
#define WE_SO_ACCEPTCONN 13u
#define WE_SO_BINDTODEVICE 14u

/* getaddrinfo enums (§2.3); the protocol numbers are NOT IANA numbers. */
#define WE_AI_PASSIVE 0x1u
#define WE_AI_CANONNAME 0x2u
#define WE_AI_NUMERICHOST 0x4u
#define WE_AI_NUMERICSERV 0x8u
#define WE_AI_V4MAPPED 0x10u
#define WE_AI_ALL 0x20u
#define WE_AI_ADDRCONFIG 0x40u
#define WE_AF_UNSPEC 0u
#define WE_SOCK_ANY 0u
#define WE_IPPROTO_IP 0u
#define WE_IPPROTO_TCP 1u
#define WE_IPPROTO_UDP 2u

/* WasmEdge-only errnos (77..87 collide with WASIX's 77..80). */
#define WE_ERRNO_AIADDRFAMILY 77u
#define WE_ERRNO_AIAGAIN 78u
#define WE_ERRNO_AIBADFLAG 79u
#define WE_ERRNO_AIFAIL 80u
#define WE_ERRNO_AIFAMILY 81u
#define WE_ERRNO_AIMEMORY 82u
#define WE_ERRNO_AINODATA 83u
#define WE_ERRNO_AINONAME 84u
#define WE_ERRNO_AISERVICE 85u
#define WE_ERRNO_AISOCKTYPE 86u
#define WE_ERRNO_AISYSTEM 87u

/* ---- layouts (§2.3) ---- */

/* __wasi_address_t: size 8, align 4. */
typedef struct {
  uint8_t *buf;
  uint32_t buf_len;
} we_address_t;

/* __wasi_sockaddr_t: size 12, align 4. sa_data receives the Linux sockaddr
   bytes after sin_family: IPv4 = port BE(2) + addr(4) + zero(8). */
typedef struct {
  uint8_t sa_family;
  uint32_t sa_data_len;
  uint8_t *sa_data;
} we_sockaddr_t;

/* __wasi_addrinfo_t: size 28, align 4. */
typedef struct we_addrinfo {
  uint16_t ai_flags;
  uint8_t ai_family;
  uint8_t ai_socktype;
  uint8_t ai_protocol;
  uint32_t ai_addrlen;
  we_sockaddr_t *ai_addr;
  char *ai_canonname;
  uint32_t ai_canonname_len;
  struct we_addrinfo *ai_next;
} we_addrinfo_t;

_Static_assert(sizeof(we_address_t) == 8, "WasiAddress is 8 bytes");
_Static_assert(offsetof(we_address_t, buf_len) == 4, "buf_len @4");
_Static_assert(sizeof(we_sockaddr_t) == 12, "__wasi_sockaddr_t is 12 bytes");
_Static_assert(offsetof(we_sockaddr_t, sa_data_len) == 4, "sa_data_len @4");
_Static_assert(offsetof(we_sockaddr_t, sa_data) == 8, "sa_data @8");
_Static_assert(sizeof(we_addrinfo_t) == 28, "__wasi_addrinfo_t is 28 bytes");
_Static_assert(offsetof(we_addrinfo_t, ai_family) == 2, "ai_family @2");
_Static_assert(offsetof(we_addrinfo_t, ai_socktype) == 3, "ai_socktype @3");
_Static_assert(offsetof(we_addrinfo_t, ai_protocol) == 4, "ai_protocol @4");
_Static_assert(offsetof(we_addrinfo_t, ai_addrlen) == 8, "ai_addrlen @8");
_Static_assert(offsetof(we_addrinfo_t, ai_addr) == 12, "ai_addr @12");
_Static_assert(offsetof(we_addrinfo_t, ai_canonname) == 16, "ai_canonname @16");
_Static_assert(offsetof(we_addrinfo_t, ai_canonname_len) == 20, "ai_canonname_len @20");
_Static_assert(offsetof(we_addrinfo_t, ai_next) == 24, "ai_next @24");

/* ---- the imports (§2.2) ---- */
#define WE_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

/* (i32,i32,i32)->i32: af, type, ret_fd */
int32_t we_sock_open(uint32_t af, uint32_t type, __wasi_fd_t *ret_fd)
    WE_IMPORT("sock_open");
/* (i32,i32,i32)->i32: fd, addr → WasiAddress, port (host order) */
int32_t we_sock_bind(__wasi_fd_t fd, const we_address_t *addr, uint32_t port)
    WE_IMPORT("sock_bind");
/* (i32,i32)->i32: fd, backlog (signed) */
int32_t we_sock_listen(__wasi_fd_t fd, int32_t backlog)
    WE_IMPORT("sock_listen");
/* (i32,i32,i32)->i32: fd, addr → WasiAddress, port (host order) */
int32_t we_sock_connect(__wasi_fd_t fd, const we_address_t *addr, uint32_t port)
    WE_IMPORT("sock_connect");
/* V1 (i32,i32,i32,i32)->i32: fd, addr → WasiAddress (buf_len 4 or 16),
   ret_type ← u32 (4 or 6), ret_port ← u32 (host order) */
int32_t we_sock_getlocaladdr(__wasi_fd_t fd, we_address_t *addr,
                             uint32_t *ret_type, uint32_t *ret_port)
    WE_IMPORT("sock_getlocaladdr");
int32_t we_sock_getpeeraddr(__wasi_fd_t fd, we_address_t *addr,
                            uint32_t *ret_type, uint32_t *ret_port)
    WE_IMPORT("sock_getpeeraddr");
/* (i32×5)->i32: fd, level, name, optval, optlen (by value) */
int32_t we_sock_setsockopt(__wasi_fd_t fd, uint32_t level, uint32_t name,
                           const void *optval, uint32_t optlen)
    WE_IMPORT("sock_setsockopt");
/* (i32×5)->i32: fd, level, name, optval, optlen (u32 in/out) */
int32_t we_sock_getsockopt(__wasi_fd_t fd, uint32_t level, uint32_t name,
                           void *optval, uint32_t *optlen)
    WE_IMPORT("sock_getsockopt");
/* (i32×8)->i32: node, node_len, service, service_len, hints,
   res (→ u32 holding the address of the first pre-linked addrinfo),
   max_res_len, ret_res_len ← u32 */
int32_t we_sock_getaddrinfo(const char *node, uint32_t node_len,
                            const char *service, uint32_t service_len,
                            const we_addrinfo_t *hints, we_addrinfo_t **res,
                            uint32_t max_res_len, uint32_t *ret_res_len)
    WE_IMPORT("sock_getaddrinfo");

/* ---- helpers ---- */

/* An address with its own byte buffer. `a.buf` points into the struct, so
   never copy a we_ip_t by value: fill it in place with we_ip4(). */
typedef struct {
  we_address_t a;
  uint8_t bytes[16];
} we_ip_t;

/* Parse "a.b.c.d" into `ip` (buf_len 4). Returns 0, or -1 if malformed. */
HELPER int we_ip4(we_ip_t *ip, const char *dotted) {
  unsigned part = 0, val = 0, digits = 0;
  memset(ip, 0, sizeof *ip);
  for (const char *p = dotted;; p++) {
    if (*p >= '0' && *p <= '9') {
      val = val * 10 + (unsigned)(*p - '0');
      if (++digits > 3 || val > 255) return -1;
    } else if (*p == '.' || *p == 0) {
      if (digits == 0 || part > 3) return -1;
      ip->bytes[part++] = (uint8_t)val;
      val = digits = 0;
      if (*p == 0) break;
    } else {
      return -1;
    }
  }
  if (part != 4) return -1;
  ip->a.buf = ip->bytes;
  ip->a.buf_len = 4;
  return 0;
}

/* An empty buffer of `len` bytes (4 or 16) for getlocaladdr/getpeeraddr. */
HELPER void we_ip_buf(we_ip_t *ip, uint32_t len) {
  memset(ip, 0, sizeof *ip);
  ip->a.buf = ip->bytes;
  ip->a.buf_len = len;
}

/* Parse "a.b.c.d:port" (port 0–65535). Returns 0, or -1 if malformed. */
HELPER int we_hostport(const char *s, we_ip_t *ip, uint32_t *port) {
  char host[32];
  const char *colon = strrchr(s, ':');
  if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = 0;
  if (we_ip4(ip, host) != 0) return -1;
  unsigned long v = 0;
  const char *p = colon + 1;
  if (!*p) return -1;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    v = v * 10 + (unsigned long)(*p - '0');
    if (v > 65535) return -1;
  }
  *port = (uint32_t)v;
  return 0;
}

/* "a.b.c.d" of the first 4 bytes (one static buffer per call site slot). */
HELPER const char *we_ip_str(const we_ip_t *ip) {
  static char out[4][16];
  static int slot;
  char *s = out[slot++ & 3];
  snprintf(s, 16, "%u.%u.%u.%u", ip->bytes[0], ip->bytes[1], ip->bytes[2],
           ip->bytes[3]);
  return s;
}

/*
 * The errno's name in E-form. Same as check.h's errno_name() except:
 *   58 (WASI `notsup`) → "EOPNOTSUPP": Linux has ENOTSUP == EOPNOTSUPP (95)
 *      and PHP only defines SOCKET_EOPNOTSUPP, so the differential runs
 *      (test/php/misuse.php) print that name for the same condition;
 *   77..87 → the WasmEdge getaddrinfo codes as "EAI_*".
 */
HELPER const char *we_errno_name(unsigned e) {
  static const char *const ai[] = {
      "EAI_ADDRFAMILY", "EAI_AGAIN", "EAI_BADFLAGS", "EAI_FAIL",
      "EAI_FAMILY",     "EAI_MEMORY", "EAI_NODATA",  "EAI_NONAME",
      "EAI_SERVICE",    "EAI_SOCKTYPE", "EAI_SYSTEM",
  };
  if (e == __WASI_ERRNO_NOTSUP) return "EOPNOTSUPP";
  if (e >= 77 && e <= 87) return ai[e - 77];
  return errno_name(e);
}

/* check_errno() with we_errno_name() (so 84 reads EAI_NONAME, not E#84). */
HELPER int we_check(const char *name, int32_t got, unsigned want) {
  unsigned g = (unsigned)(uint16_t)got;
  if (g == want) {
    say("ok - %s", name);
    return 1;
  }
  say("not ok - %s: got %s want %s", name, we_errno_name(g),
      we_errno_name(want));
  check_failures++;
  return 0;
}

#endif
