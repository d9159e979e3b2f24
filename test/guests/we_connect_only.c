/*
 * we_connect_only.c — a host that can only connect out (workerd's
 * cloudflare:sockets), asserted from inside the guest through the WasmEdge
 * socket extension. Under such a host a guest must get errnos, never a crash:
 *
 *   - TCP bind to port 0 succeeds, listen → ENOTSUP
 *   - a UDP socket opens, its bind → ENOTSUP
 *   - connect from an explicitly bound local port → ENOTSUP
 *   - connect to a closed port → ECONNREFUSED
 *   - getaddrinfo of a name the host cannot resolve → EAI_FAIL (80)
 *   - real round trips: connect to argv[1]'s port on 127.0.0.1 and argv[3]'s
 *     on ::1, send, half-close, read the peer's whole reply ("got:" + sent)
 *
 *   argv[1] = port of a 127.0.0.1 peer that answers "got:" + what it read
 *   argv[2] = a loopback port nothing listens on
 *   argv[3] = port of the same kind of peer on ::1
 *
 * Output protocol as in check.h; exit 0 iff every check passed.
 */
#include "wasmedge.h"

static uint8_t LOOPBACK[4] = {127, 0, 0, 1};
static uint8_t LOOPBACK6[16] = {[15] = 1};

static int32_t open_tcp(__wasi_fd_t *fd) { return we_sock_open(WE_AF_INET4, WE_SOCK_STREAM, fd); }

/* Connect, send `text`, shut down writing, read until EOF: the reply must be "got:" + text. */
static void round_trip(const char *what, uint32_t af, const we_address_t *to, uint32_t port, const char *text) {
  char name[64], want[64], reply[64];
  __wasi_fd_t fd;
  snprintf(name, sizeof name, "%s: open", what);
  if (!check_errno(name, (unsigned)we_sock_open(af, WE_SOCK_STREAM, &fd), 0)) return;
  snprintf(name, sizeof name, "%s: connect to the peer", what);
  if (!check_errno(name, (unsigned)we_sock_connect(fd, to, port), 0)) return;
  size_t sent = 0;
  snprintf(name, sizeof name, "%s: send", what);
  check_errno(name, send1(fd, text, &sent), 0);
  snprintf(name, sizeof name, "%s: sent it all", what);
  check_u64(name, sent, strlen(text));
  snprintf(name, sizeof name, "%s: shutdown(WR)", what);
  check_errno(name, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR), 0);
  size_t got = 0;
  for (;;) {
    size_t r = 0;
    __wasi_errno_t e = recv1(fd, reply + got, sizeof reply - got, 0, &r);
    if (e != 0) {
      snprintf(name, sizeof name, "%s: recv", what);
      check_errno(name, e, 0);
      break;
    }
    if (r == 0) break;
    got += r;
  }
  snprintf(name, sizeof name, "%s: the peer's reply after our FIN", what);
  snprintf(want, sizeof want, "got:%s", text);
  check_bytes(name, reply, got, want);
  snprintf(name, sizeof name, "%s: close", what);
  check_errno(name, __wasi_fd_close(fd), 0);
}

int main(int argc, char **argv) {
  if (argc < 4) bail("usage: we_connect_only <peer port> <closed port> <ipv6 peer port>");
  uint32_t peer = (uint32_t)atoi(argv[1]), closed = (uint32_t)atoi(argv[2]);
  we_address_t lo = {.buf = LOOPBACK, .buf_len = 4};
  __wasi_fd_t fd;

  /* A server's first steps: bind works, listen is what the host cannot do. */
  check_errno("tcp open", (unsigned)open_tcp(&fd), 0);
  check_errno("tcp bind 127.0.0.1:0", (unsigned)we_sock_bind(fd, &lo, 0), 0);
  check_errno("listen is ENOTSUP", (unsigned)we_sock_listen(fd, 16), __WASI_ERRNO_NOTSUP);
  check_errno("close the would-be listener", __wasi_fd_close(fd), 0);

  __wasi_fd_t u;
  check_errno("udp open", (unsigned)we_sock_open(WE_AF_INET4, WE_SOCK_DGRAM, &u), 0);
  check_errno("udp bind is ENOTSUP", (unsigned)we_sock_bind(u, &lo, 0), __WASI_ERRNO_NOTSUP);
  check_errno("close the udp socket", __wasi_fd_close(u), 0);

  check_errno("tcp open (bound client)", (unsigned)open_tcp(&fd), 0);
  check_errno("bind 127.0.0.1:40000", (unsigned)we_sock_bind(fd, &lo, 40000), 0);
  check_errno("connect from a chosen port is ENOTSUP", (unsigned)we_sock_connect(fd, &lo, peer), __WASI_ERRNO_NOTSUP);
  check_errno("close the bound client", __wasi_fd_close(fd), 0);

  check_errno("tcp open (refused)", (unsigned)open_tcp(&fd), 0);
  check_errno("connect to a closed port", (unsigned)we_sock_connect(fd, &lo, closed), __WASI_ERRNO_CONNREFUSED);
  check_errno("close the refused socket", __wasi_fd_close(fd), 0);

  we_addrinfo_t hints;
  memset(&hints, 0, sizeof hints);
  we_sockaddr_t sa;
  uint8_t sa_data[26];
  we_addrinfo_t res = {.ai_addr = &sa};
  sa.sa_data = sa_data;
  sa.sa_data_len = sizeof sa_data;
  we_addrinfo_t *resp = &res;
  uint32_t n = 0;
  const char *name = "wasock.example";
  check_errno("getaddrinfo of a name is EAI_FAIL",
              (unsigned)we_sock_getaddrinfo(name, (uint32_t)strlen(name), "", 0, &hints, &resp, 1, &n),
              WE_ERRNO_AIFAIL);

  /* And what the host can do: connections out, both directions, half-close. */
  we_address_t lo6 = {.buf = LOOPBACK6, .buf_len = 16};
  round_trip("ipv4", WE_AF_INET4, &lo, peer, "ping");
  round_trip("ipv6", WE_AF_INET6, &lo6, (uint32_t)atoi(argv[3]), "six");
  return finish();
}
