// The numbers shared by core.wasm and the host (docs/core-interface.md). The TypeScript mirror is
// host/core/enums.ts; test/unit checks the two against each other through the compiled core.

/** Which guest ABI's rules a call follows. */
export const enum Abi {
  /** wasi_snapshot_preview1 and the WasmEdge socket extension: Linux semantics (docs/abi.md §5). */
  LINUX = 0,
  /** WASIX as Wasmer implements it (docs/abi.md §3.3). */
  WASIX = 1,
  /** wasi:sockets 0.2 (docs/abi.md §4.2). */
  P2 = 2,
  /** wasi:sockets 0.3: P2's rules, but for the implicit binds and the calls it drops (docs/abi.md §4.6). */
  P3 = 3,
  COUNT = 4,
}

/** wasi:sockets, either version: the rules P2 and P3 share (options, flags, addresses, backlog). */
@inline export function wasiSockets(abi: i32): bool {
  return abi == Abi.P2 || abi == Abi.P3;
}

/** Bits of a TCP state word above the state (low 4 bits). */
export const enum Word {
  STATE = 0x0f,
  /** This side shut down reading. */
  SHUT_RD = 0x10,
  /** This side shut down writing. */
  SHUT_WR = 0x20,
  /** The peer finished sending, or the connection was terminated. */
  PEER_CLOSED = 0x40,
  FLAGS = 0x70,
  /** A word is one byte: tcp_step packs it under the errno. */
  MAX = 0xff,
}

/** An operation asked of the TCP state machine (one column of the tables in tcp.ts). */
export const enum TcpOp {
  BIND = 0,
  LISTEN = 1,
  ACCEPT = 2,
  /** Start a connect. */
  CONNECT = 3,
  /** The connect the host started succeeded. */
  CONNECT_OK = 4,
  /** The connect the host started failed. */
  CONNECT_FAIL = 5,
  RECV = 6,
  SEND = 7,
  SHUT_RD = 8,
  SHUT_WR = 9,
  SHUT_RDWR = 10,
  LOCAL_ADDR = 11,
  PEER_ADDR = 12,
  /** wasi:sockets finish-bind / finish-listen / finish-connect. */
  FINISH_BIND = 13,
  FINISH_LISTEN = 14,
  FINISH_CONNECT = 15,
  /** The host saw the peer's FIN or a reset. */
  PEER_CLOSED = 16,
  SET_OPTION = 17,
  CLOSE = 18,
  /** Added to the contract: the I/O behind a wasi:sockets finish-* failed. */
  FINISH_FAIL = 19,
  COUNT = 20,
}

/** preview1 `fdflags` (u16). */
export const enum FdFlags {
  APPEND = 0x1,
  DSYNC = 0x2,
  NONBLOCK = 0x4,
  RSYNC = 0x8,
  SYNC = 0x10,
}

/** preview1 `riflags` (u16) plus WASIX's two extensions. */
export const enum RiFlags {
  RECV_PEEK = 0x1,
  RECV_WAITALL = 0x2,
  /** WASIX: MSG_TRUNC as an input flag. */
  RECV_DATA_TRUNCATED = 0x4,
  /** WASIX: MSG_DONTWAIT. */
  RECV_DONT_WAIT = 0x8,
}

/** preview1 `sdflags` (u8). */
export const enum SdFlags {
  RD = 0x1,
  WR = 0x2,
}

/** wasi:sockets `shutdown-type` discriminants. */
export const enum ShutdownType {
  RECEIVE = 0,
  SEND = 1,
  BOTH = 2,
}

/** What a capability-policy rule allows (policy.ts). Resolving names has its own table. */
export const enum PolicyKind {
  /** Bind/listen on a local address. */
  LISTEN = 0,
  /** Connect to a remote address (UDP send_to too). */
  CONNECT = 1,
  COUNT = 2,
}

/**
 * An operation asked of the UDP state machine (udp.ts). The numbers are TcpOp's where the operation
 * means the same; a UDP socket has no use for the others (CONNECT_OK, CONNECT_FAIL, FINISH_LISTEN,
 * FINISH_CONNECT, PEER_CLOSED: host bugs; LISTEN, ACCEPT: the guest's error).
 */
export const enum UdpOp {
  BIND = 0,
  LISTEN = 1,
  ACCEPT = 2,
  /** Set (or change) the default peer: connect(2); wasi:sockets `stream(some(remote))`. */
  CONNECT = 3,
  CONNECT_OK = 4,
  CONNECT_FAIL = 5,
  RECV = 6,
  /** Send to the default peer: send(2) or sendto(2) without an address. */
  SEND = 7,
  SHUT_RD = 8,
  SHUT_WR = 9,
  SHUT_RDWR = 10,
  LOCAL_ADDR = 11,
  PEER_ADDR = 12,
  FINISH_BIND = 13,
  FINISH_LISTEN = 14,
  FINISH_CONNECT = 15,
  PEER_CLOSED = 16,
  SET_OPTION = 17,
  CLOSE = 18,
  FINISH_FAIL = 19,
  /** Send to an explicit address: sendto(2), sock_send_to. P2: an address that is not the
   *  connected peer's (the same address is SEND). */
  SEND_TO = 20,
  /** Drop the default peer: connect(2) to AF_UNSPEC; wasi:sockets `stream(none)`. */
  DISCONNECT = 21,
  COUNT = 22,
}

/**
 * Socket options, by the kernel's own ids (host/sockets/api.ts `SockOpt` 1–15, extended). Each ABI
 * layer maps its guest's numbering here (option_from_abi does WasmEdge's and WASIX's); options.ts
 * decides which exist per ABI and socket kind, their defaults and their values.
 */
export const enum SockOpt {
  /** WASIX `noop` (sock_option 0): no option at all. */
  NOOP = 0,
  ERROR = 1,
  TYPE = 2,
  ACCEPTCONN = 3,
  REUSEADDR = 4,
  KEEPALIVE = 5,
  RCVBUF = 6,
  SNDBUF = 7,
  NODELAY = 8,
  LINGER = 9,
  BROADCAST = 10,
  DONTROUTE = 11,
  OOBINLINE = 12,
  RCVLOWAT = 13,
  RCVTIMEO = 14,
  SNDTIMEO = 15,
  KEEPIDLE = 16,
  KEEPINTVL = 17,
  KEEPCNT = 18,
  /** IP_TTL; wasi:sockets hop-limit / unicast-hop-limit. */
  TTL = 19,
  V6ONLY = 20,
  /** wasi:sockets set-listen-backlog-size (no Linux option). */
  LISTEN_BACKLOG = 21,
  REUSEPORT = 22,
  SNDLOWAT = 23,
  MULTICAST_LOOP_V4 = 24,
  MULTICAST_LOOP_V6 = 25,
  MULTICAST_TTL_V4 = 26,
  /** WASIX connect_timeout / accept_timeout / promiscuous (no Linux option). */
  CONNECT_TIMEOUT = 27,
  ACCEPT_TIMEOUT = 28,
  PROMISCUOUS = 29,
  /** SO_PROTOCOL (6 TCP, 17 UDP). */
  PROTOCOL = 30,
  /** SO_BINDTODEVICE (WasmEdge name 14); its value is the device name's length. */
  BINDTODEVICE = 31,
  COUNT = 32,
}

/** What a socket is, for the option tables. Bit INET6 marks an IPv6 socket (LINUX rules differ). */
export const enum SockKind {
  /** A TCP socket that is not listening or connected (unbound, bound, connecting: Wasmer's pre-socket). */
  TCP = 0,
  LISTENER = 1,
  /** A TCP connection (connecting on P2, connected, accepted). */
  STREAM = 2,
  UDP = 3,
  COUNT = 4,
  INET6 = 4,
}

/** WASIX's three option families, in bits 8–9 of an option id (sock_{get,set}_opt_{flag,time,size}). */
export const enum OptClass {
  /** The option's own family (the kernel's view, and every non-WASIX ABI). */
  ANY = 0,
  FLAG = 1,
  TIME = 2,
  SIZE = 3,
  SHIFT = 8,
}
