// The numbers shared by core.wasm and the host (docs/core-interface.md). The TypeScript mirror is
// host/core/enums.ts; test/unit checks the two against each other through the compiled core.

/** Which guest ABI's rules a call follows. */
export const enum Abi {
  /** wasi_snapshot_preview1 and the WasmEdge socket extension: Linux semantics (abi/README §5). */
  LINUX = 0,
  /** WASIX as Wasmer implements it (abi/README §3.3). */
  WASIX = 1,
  /** wasi:sockets 0.2 (abi/README §4.2). */
  P2 = 2,
  COUNT = 3,
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
