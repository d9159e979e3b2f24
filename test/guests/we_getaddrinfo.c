/*
 * we_getaddrinfo.c — WasmEdge's sock_getaddrinfo, asserted from inside the
 * guest. Self-contained (no argv, no network beyond the host's resolver for
 * "localhost").
 *
 *   wasock run test/guests/we_getaddrinfo.wasm
 *
 * Output protocol as in check.h; exit 0 iff every check passed. Error names
 * for the WasmEdge-only codes print as EAI_* (77..87, see wasmedge.h).
 *
 * Layout (docs/abi.md §2.3, WasmEdge wasifunc.cpp / inode-linux.cpp):
 * the guest pre-links max_res_len addrinfo nodes through ai_next, each with
 * its own sockaddr (ai_addr), sa_data buffer and canonname buffer; `res`
 * points at a u32 holding the first node's address. The host fills up to
 * max_res_len nodes in place and writes the count. For IPv4, sa_data gets
 * the 14 Linux sockaddr_in bytes after sin_family (port big-endian, address,
 * 8 zero bytes) and sa_data_len = 14; ai_addrlen is the Linux one (16);
 * family/socktype/protocol come back as WasmEdge enums (1 inet4, 2 stream,
 * 1 tcp).
 *
 * Validation order in WasmEdge (each checked here): node and service both
 * empty → EAI_NONAME; max_res_len 0 → EAI_MEMORY; unknown ai_flags bits →
 * EAI_BADFLAGS; AI_CANONNAME with an empty node → EAI_BADFLAGS; hint family
 * not 0/1/2 → EAI_FAMILY; hint protocol not 0/1/2 → ENOSYS (!); hint
 * socktype not 0/1/2 → ENOSYS (!).
 */
#include "wasmedge.h"

#define MAXRES 4

static we_addrinfo_t nodes[MAXRES];
static we_sockaddr_t addrs[MAXRES];
static uint8_t sa_data[MAXRES][26];
static char canon[MAXRES][256];

/* Re-link the result nodes (the host may have rewritten fields). */
static we_addrinfo_t *fresh_results(void) {
  memset(nodes, 0, sizeof nodes);
  memset(addrs, 0, sizeof addrs);
  memset(sa_data, 0xAA, sizeof sa_data);
  memset(canon, 0, sizeof canon);
  for (int i = 0; i < MAXRES; i++) {
    addrs[i].sa_data = sa_data[i];
    addrs[i].sa_data_len = sizeof sa_data[i];
    nodes[i].ai_addr = &addrs[i];
    nodes[i].ai_canonname = canon[i];
    nodes[i].ai_canonname_len = sizeof canon[i] - 1;
    nodes[i].ai_next = i + 1 < MAXRES ? &nodes[i + 1] : NULL;
  }
  return &nodes[0];
}

static int32_t gai(const char *node, const char *service, uint16_t flags,
                   uint8_t family, uint8_t socktype, uint8_t protocol,
                   uint32_t max, uint32_t *count) {
  we_addrinfo_t hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = flags;
  hints.ai_family = family;
  hints.ai_socktype = socktype;
  hints.ai_protocol = protocol;
  we_addrinfo_t *first = fresh_results();
  *count = 0xFFFFFFFFu;
  return we_sock_getaddrinfo(node, (uint32_t)strlen(node), service,
                             (uint32_t)strlen(service), &hints, &first, max,
                             count);
}

static void numeric(void) {
  uint32_t n = 0;
  if (!we_check("getaddrinfo 127.0.0.1:8080 numeric", gai("127.0.0.1", "8080", WE_AI_NUMERICHOST | WE_AI_NUMERICSERV, WE_AF_INET4, WE_SOCK_STREAM, 0, MAXRES, &n), 0))
    return;
  check_u64("getaddrinfo numeric count", n, 1);
  check_u64("ai_family inet4 (1)", nodes[0].ai_family, WE_AF_INET4);
  check_u64("ai_socktype stream (2)", nodes[0].ai_socktype, WE_SOCK_STREAM);
  check_u64("ai_protocol tcp (1)", nodes[0].ai_protocol, WE_IPPROTO_TCP);
  check_u64("ai_addrlen 16 (Linux sockaddr_in)", nodes[0].ai_addrlen, 16);
  check_u64("sa_family inet4 (1)", addrs[0].sa_family, WE_AF_INET4);
  check_u64("sa_data_len 14", addrs[0].sa_data_len, 14);
  static const uint8_t want[14] = {0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  check_true("sa_data = port BE 8080 + 127.0.0.1 + 8 zeros", memcmp(sa_data[0], want, 14) == 0, "other bytes", "1f 90 7f 00 00 01 00…");
  check_true("ai_next still links node 1", nodes[0].ai_next == &nodes[1], "changed", "&nodes[1]");
}

static void localhost(void) {
  uint32_t n = 0;
  if (!we_check("getaddrinfo localhost inet4 stream", gai("localhost", "80", 0, WE_AF_INET4, WE_SOCK_STREAM, 0, MAXRES, &n), 0))
    return;
  check_true("getaddrinfo localhost count >= 1", n >= 1 && n <= MAXRES, "0 or > max", "1..4");
  check_u64("localhost ai_family inet4", nodes[0].ai_family, WE_AF_INET4);
  check_true("localhost sa_data port 80 + 127.x.x.x", sa_data[0][0] == 0 && sa_data[0][1] == 80 && sa_data[0][2] == 127, "other bytes", "00 50 7f …");
}

static void errors(void) {
  uint32_t n = 0;
  we_check("getaddrinfo empty node and service", gai("", "", 0, 0, 0, 0, MAXRES, &n), WE_ERRNO_AINONAME);
  we_check("getaddrinfo max_res_len 0", gai("127.0.0.1", "80", 0, 0, 0, 0, 0, &n), WE_ERRNO_AIMEMORY);
  we_check("getaddrinfo ai_flags 0x80", gai("127.0.0.1", "80", 0x80, 0, 0, 0, MAXRES, &n), WE_ERRNO_AIBADFLAG);
  we_check("getaddrinfo CANONNAME with empty node", gai("", "80", WE_AI_CANONNAME, 0, 0, 0, MAXRES, &n), WE_ERRNO_AIBADFLAG);
  we_check("getaddrinfo hint family 9", gai("127.0.0.1", "80", 0, 9, 0, 0, MAXRES, &n), WE_ERRNO_AIFAMILY);
  we_check("getaddrinfo hint protocol 9", gai("127.0.0.1", "80", 0, 0, 0, 9, MAXRES, &n), __WASI_ERRNO_NOSYS);
  we_check("getaddrinfo hint socktype 9", gai("127.0.0.1", "80", 0, 0, 9, 0, MAXRES, &n), __WASI_ERRNO_NOSYS);
  /* Linux getaddrinfo: a non-numeric node with AI_NUMERICHOST → EAI_NONAME. */
  we_check("getaddrinfo NUMERICHOST with a name", gai("example.invalid", "80", WE_AI_NUMERICHOST, WE_AF_INET4, WE_SOCK_STREAM, 0, MAXRES, &n), WE_ERRNO_AINONAME);
}

int main(void) {
  numeric();
  localhost();
  errors();
  return finish();
}
