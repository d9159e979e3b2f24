/**
 * The numbers core.wasm and the host share (docs/core-interface.md). Plain `as const` objects, so
 * they survive type stripping; each has a type of the same name for its values. test/unit checks
 * them against the compiled core.
 */

/** WASI preview1 errno (docs/abi.md §1.4), named as in the spec (`Errno.ADDRINUSE`, `Errno["2BIG"]`). */
export const Errno = {
  SUCCESS: 0,
  "2BIG": 1,
  ACCES: 2,
  ADDRINUSE: 3,
  ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5,
  AGAIN: 6,
  ALREADY: 7,
  BADF: 8,
  BADMSG: 9,
  BUSY: 10,
  CANCELED: 11,
  CHILD: 12,
  CONNABORTED: 13,
  CONNREFUSED: 14,
  CONNRESET: 15,
  DEADLK: 16,
  DESTADDRREQ: 17,
  DOM: 18,
  DQUOT: 19,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  HOSTUNREACH: 23,
  IDRM: 24,
  ILSEQ: 25,
  INPROGRESS: 26,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISCONN: 30,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  MSGSIZE: 35,
  MULTIHOP: 36,
  NAMETOOLONG: 37,
  NETDOWN: 38,
  NETRESET: 39,
  NETUNREACH: 40,
  NFILE: 41,
  NOBUFS: 42,
  NODEV: 43,
  NOENT: 44,
  NOEXEC: 45,
  NOLCK: 46,
  NOLINK: 47,
  NOMEM: 48,
  NOMSG: 49,
  NOPROTOOPT: 50,
  NOSPC: 51,
  NOSYS: 52,
  NOTCONN: 53,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTRECOVERABLE: 56,
  NOTSOCK: 57,
  NOTSUP: 58,
  NOTTY: 59,
  NXIO: 60,
  OVERFLOW: 61,
  OWNERDEAD: 62,
  PERM: 63,
  PIPE: 64,
  PROTO: 65,
  PROTONOSUPPORT: 66,
  PROTOTYPE: 67,
  RANGE: 68,
  ROFS: 69,
  SPIPE: 70,
  SRCH: 71,
  STALE: 72,
  TIMEDOUT: 73,
  TXTBSY: 74,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;
export type Errno = (typeof Errno)[keyof typeof Errno];

/** Which guest ABI's rules the core applies. */
export const Abi = {
  /** wasi_snapshot_preview1 and the WasmEdge socket extension: Linux semantics. */
  LINUX: 0,
  /** WASIX as Wasmer implements it. */
  WASIX: 1,
  /** wasi:sockets 0.2. */
  P2: 2,
  /** wasi:sockets 0.3: P2's rows but for an implicit bind at listen and disconnect's invalid-state. */
  P3: 3,
} as const;
export type Abi = (typeof Abi)[keyof typeof Abi];

/** TCP states: the low 4 bits of a state word (`word & Word.STATE`). */
export const TcpState = {
  UNBOUND: 0,
  BIND_IN_PROGRESS: 1,
  BOUND: 2,
  LISTEN_IN_PROGRESS: 3,
  LISTENING: 4,
  CONNECTING: 5,
  CONNECTED: 6,
  CLOSED: 7,
} as const;
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/** Bits of a state word. */
export const Word = {
  /** Mask of the TcpState. */
  STATE: 0x0f,
  /** This side shut down reading. */
  SHUT_RD: 0x10,
  /** This side shut down writing. */
  SHUT_WR: 0x20,
  /** The peer finished sending, or the connection was terminated. */
  PEER_CLOSED: 0x40,
  /** Mask of the three flags. */
  FLAGS: 0x70,
} as const;

/** Bits of a socket's streams byte (`Core.tcpStream`; wasi:sockets 0.3), kept beside its word. */
export const StreamBit = {
  /** The send stream was taken. */
  SEND: 0x1,
  /** The receive stream was taken. */
  RECEIVE: 0x2,
  /** The send stream ended: when this bit appears the host shuts down sending (TcpOp.SHUT_WR). */
  FIN: 0x4,
} as const;

/** What happens to a socket's streams (`Core.tcpStream`). */
export const StreamOp = {
  /** The guest calls send(data). */
  SEND: 0,
  /** The guest calls receive(). */
  RECEIVE: 1,
  /** The stream the guest gave send ended. */
  SEND_END: 2,
} as const;

/** Operations of the TCP state machine (`Core.tcpStep`). */
export const TcpOp = {
  BIND: 0,
  LISTEN: 1,
  ACCEPT: 2,
  /** Start a connect. */
  CONNECT: 3,
  /** The connect the host started succeeded. */
  CONNECT_OK: 4,
  /** The connect the host started failed. */
  CONNECT_FAIL: 5,
  RECV: 6,
  SEND: 7,
  SHUT_RD: 8,
  SHUT_WR: 9,
  SHUT_RDWR: 10,
  LOCAL_ADDR: 11,
  PEER_ADDR: 12,
  /** wasi:sockets finish-bind / finish-listen / finish-connect. */
  FINISH_BIND: 13,
  FINISH_LISTEN: 14,
  FINISH_CONNECT: 15,
  /** The peer's FIN or a reset was seen. */
  PEER_CLOSED: 16,
  SET_OPTION: 17,
  CLOSE: 18,
  /** The I/O behind a wasi:sockets finish-* failed. */
  FINISH_FAIL: 19,
} as const;
export type TcpOp = (typeof TcpOp)[keyof typeof TcpOp];

/** preview1 `fdflags` (u16). */
export const FdFlags = {
  APPEND: 0x1,
  DSYNC: 0x2,
  NONBLOCK: 0x4,
  RSYNC: 0x8,
  SYNC: 0x10,
} as const;

/** preview1 `riflags` (u16); the last two are WASIX extensions. */
export const RiFlags = {
  RECV_PEEK: 0x1,
  RECV_WAITALL: 0x2,
  RECV_DATA_TRUNCATED: 0x4,
  RECV_DONT_WAIT: 0x8,
} as const;

/** preview1 `roflags` (u16, output of sock_recv). */
export const RoFlags = {
  RECV_DATA_TRUNCATED: 0x1,
} as const;

/** preview1 `sdflags` (u8). */
export const SdFlags = {
  RD: 0x1,
  WR: 0x2,
} as const;

/** wasi:sockets `shutdown-type`. */
export const ShutdownType = {
  RECEIVE: 0,
  SEND: 1,
  BOTH: 2,
} as const;

/** wasi:sockets 0.2 `error-code` discriminants (docs/abi.md §4.1); `Core.p2Name` gives the WIT names. */
export const ErrorCode = {
  UNKNOWN: 0,
  ACCESS_DENIED: 1,
  NOT_SUPPORTED: 2,
  INVALID_ARGUMENT: 3,
  OUT_OF_MEMORY: 4,
  TIMEOUT: 5,
  CONCURRENCY_CONFLICT: 6,
  NOT_IN_PROGRESS: 7,
  WOULD_BLOCK: 8,
  INVALID_STATE: 9,
  NEW_SOCKET_LIMIT: 10,
  ADDRESS_NOT_BINDABLE: 11,
  ADDRESS_IN_USE: 12,
  REMOTE_UNREACHABLE: 13,
  CONNECTION_REFUSED: 14,
  CONNECTION_RESET: 15,
  CONNECTION_ABORTED: 16,
  DATAGRAM_TOO_LARGE: 17,
  NAME_UNRESOLVABLE: 18,
  TEMPORARY_RESOLVER_FAILURE: 19,
  PERMANENT_RESOLVER_FAILURE: 20,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What a capability-policy rule allows (`Core.policyAdd`/`policyCheck`; host/policy.ts). */
export const PolicyKind = {
  /** Bind/listen on a local address. */
  LISTEN: 0,
  /** Connect to a remote address (UDP send_to too). */
  CONNECT: 1,
} as const;
export type PolicyKind = (typeof PolicyKind)[keyof typeof PolicyKind];

/** What a wasi:sockets address is for (core p2_check_address). */
export const P2AddrUse = {
  /** start-bind: a local address. */
  BIND: 0,
  /** start-connect, udp stream(remote), send to an explicit remote: a peer. */
  REMOTE: 1,
} as const;

/** UDP states: TcpState's numbers (`word & Word.STATE`); a UDP socket never listens or connects. */
export const UdpState = {
  UNBOUND: 0,
  /** wasi:sockets only: start-bind done, finish-bind not yet. */
  BIND_IN_PROGRESS: 1,
  BOUND: 2,
  /** A default peer is set (connect; wasi:sockets `stream(some)`). */
  CONNECTED: 6,
  CLOSED: 7,
} as const;
export type UdpState = (typeof UdpState)[keyof typeof UdpState];

/** Operations of the UDP state machine (`Core.udpStep`): TcpOp's numbers, plus SEND_TO and DISCONNECT. */
export const UdpOp = {
  BIND: 0,
  LISTEN: 1,
  ACCEPT: 2,
  /** Set or change the default peer (wasi:sockets `stream(some(remote))`). */
  CONNECT: 3,
  CONNECT_OK: 4,
  CONNECT_FAIL: 5,
  RECV: 6,
  /** Send to the default peer (no address; P2: also the connected peer's own address). */
  SEND: 7,
  SHUT_RD: 8,
  SHUT_WR: 9,
  SHUT_RDWR: 10,
  LOCAL_ADDR: 11,
  PEER_ADDR: 12,
  FINISH_BIND: 13,
  FINISH_LISTEN: 14,
  FINISH_CONNECT: 15,
  PEER_CLOSED: 16,
  SET_OPTION: 17,
  CLOSE: 18,
  FINISH_FAIL: 19,
  /** Send to an explicit address (P2: one that is not the connected peer's). */
  SEND_TO: 20,
  /** Drop the default peer (connect to AF_UNSPEC; wasi:sockets `stream(none)`). */
  DISCONNECT: 21,
} as const;
export type UdpOp = (typeof UdpOp)[keyof typeof UdpOp];

/** Socket options by the kernel's ids (`Core.optionGet`/`optionSet`/`optionDefault`); 1–15 are host/sockets/api.ts's. */
export const SockOpt = {
  /** WASIX `noop`: no option. */
  NOOP: 0,
  ERROR: 1,
  TYPE: 2,
  ACCEPTCONN: 3,
  REUSEADDR: 4,
  KEEPALIVE: 5,
  RCVBUF: 6,
  SNDBUF: 7,
  NODELAY: 8,
  /** 0 = off, 1 + seconds = on. */
  LINGER: 9,
  BROADCAST: 10,
  DONTROUTE: 11,
  OOBINLINE: 12,
  RCVLOWAT: 13,
  /** Milliseconds, 0 = none (also SNDTIMEO, CONNECT_TIMEOUT, ACCEPT_TIMEOUT). */
  RCVTIMEO: 14,
  SNDTIMEO: 15,
  /** Seconds (also KEEPINTVL). */
  KEEPIDLE: 16,
  KEEPINTVL: 17,
  KEEPCNT: 18,
  /** IP_TTL; wasi:sockets (unicast-)hop-limit. */
  TTL: 19,
  V6ONLY: 20,
  /** wasi:sockets set-listen-backlog-size. */
  LISTEN_BACKLOG: 21,
  REUSEPORT: 22,
  SNDLOWAT: 23,
  MULTICAST_LOOP_V4: 24,
  MULTICAST_LOOP_V6: 25,
  MULTICAST_TTL_V4: 26,
  CONNECT_TIMEOUT: 27,
  ACCEPT_TIMEOUT: 28,
  PROMISCUOUS: 29,
  /** SO_PROTOCOL: 6 TCP, 17 UDP. */
  PROTOCOL: 30,
  /** SO_BINDTODEVICE; the value is the device name's length. */
  BINDTODEVICE: 31,
} as const;
export type SockOpt = (typeof SockOpt)[keyof typeof SockOpt];

/** What the host does, or asks, for a socket of an ABI (`Core.abiFlags`; assembly/rules.ts). */
export const AbiFlag = {
  /** Bind, connect and send addresses go through `Core.p2CheckAddress`. */
  ADDRESS_RULES: 0x2,
  /** A UDP socket's default peer is an OS connect too (the OS picks the source address). */
  UDP_CONNECT_OS: 0x4,
  /** A UDP socket's receive/send buffer sizes are set on the OS socket as asked. */
  UDP_OS_BUFFERS: 0x8,
  /** A UDP connect on an unbound socket binds its OS socket first (wasi:sockets 0.3). */
  UDP_CONNECT_BINDS: 0x10,
} as const;

/** What a socket is, for the option tables; OR in INET6 for an IPv6 socket. */
export const SockKind = {
  /** TCP, neither listening nor connected (unbound, bound; connecting too, except for P2 rules that look at the word). */
  TCP: 0,
  LISTENER: 1,
  /** A TCP connection (connecting or connected; accepted). */
  STREAM: 2,
  UDP: 3,
  /** Bit: an IPv6 socket. */
  INET6: 4,
} as const;
export type SockKind = (typeof SockKind)[keyof typeof SockKind];

/** WASIX option families: `opt | cls << OptClass.SHIFT` tells the core which sock_*_opt_* the guest called. */
export const OptClass = {
  /** The option's own family (every non-WASIX call, and the kernel's view). */
  ANY: 0,
  FLAG: 1,
  TIME: 2,
  SIZE: 3,
  SHIFT: 8,
} as const;
export type OptClass = (typeof OptClass)[keyof typeof OptClass];

/** What the host holds when a guest calls recv, send or accept (`Core.streamRecv` … `have` bits).
 *  The peer's FIN is not one: it is in the word (Word.PEER_CLOSED). */
export const IoHave = {
  /** recv: bytes are buffered. accept: a connection is queued. */
  DATA: 0x1,
  /** recv: at least as many bytes are buffered as asked for (so also: asked for none). */
  ENOUGH: 0x2,
  /** recv: MSG_PEEK. */
  PEEK: 0x4,
  /** recv: MSG_WAITALL. */
  WAITALL: 0x8,
  /** The guest's call must not wait. */
  NONBLOCK: 0x10,
  /** The connection failed (reset, timeout, …). */
  FAILED: 0x20,
  /** Its failure has not been reported to the guest yet. */
  UNREPORTED: 0x40,
  /** The failure is a reset. */
  RESET: 0x80,
  /** send: the send buffer has room. */
  ROOM: 0x100,
  /** The call waited and was woken: its step was taken when it began. */
  WOKEN: 0x200,
} as const;

/** What the host does next (the low byte of a data-path answer whose errno is 0). */
export const IoAnswer = {
  /** recv: take up to max bytes (peek: copy). send: write the bytes. accept: take the connection. */
  TAKE: 0,
  /** Wait for a change on the socket, then ask again with IoHave.WOKEN. */
  WAIT: 1,
  /** recv: answer zero bytes. */
  EOF: 2,
  /** Answer the connection's failure as its own errno, now reported. */
  REPORT: 3,
} as const;
