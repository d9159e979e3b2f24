// The UDP state machine: for each (ABI, state, operation) the errno and the next state, as three
// tables, like tcp.ts. The host performs the I/O; it asks here first whether the call is legal in the
// state the socket is in and what state the socket is in afterwards.
//
// States and word flags are TCP's numbers (enums.ts Word, tcp.ts TcpState); a UDP socket uses only
// UNBOUND, BIND_IN_PROGRESS (P2), BOUND, CONNECTED (a default peer is set) and CLOSED. A cell is a
// u16: errno << 8 | [CHECK_WR] | shutdown flags to set | next state (KEEP: stay).
//
// Differences from tcp.ts, all Linux's:
// * The flags outlive state changes: Linux never clears a UDP socket's shutdown bits, so they
//   survive connect and disconnect. Only CLOSE clears them.
// * A cell may carry an errno *and* flags: shutdown on an unconnected Linux UDP socket answers
//   ENOTCONN yet sets the bits (inet_shutdown falls through), so a later sendto is EPIPE. The host
//   stores newWord after every step; on every other error it is the old word.
//
// How a host drives it: LINUX/WASIX: step, store newWord, then do the I/O (SEND_TO from UNBOUND
// gives BOUND: bind to the wildcard address and an ephemeral port first). P2: as tcp.ts (start-bind
// and finish-bind commit on success; a failed finish-bind steps FINISH_FAIL).

import { Abi, UdpOp, Word } from "./enums";
import { Errno } from "./errno";

/** The states of a UDP socket: TcpState's numbers (the others are not UDP states). */
export const enum UdpState {
  /** Created, no address. Next: BOUND (bind; LINUX also sendto's auto-bind), CONNECTED (LINUX/WASIX
   *  connect auto-binds), CLOSED; P2 BIND_IN_PROGRESS instead of BOUND. */
  UNBOUND = 0,
  /** P2 only: start-bind done. Next: BOUND (finish-bind), UNBOUND (its I/O failed), CLOSED. */
  BIND_IN_PROGRESS = 1,
  /** Has a local address, no default peer. Next: CONNECTED, CLOSED. */
  BOUND = 2,
  /** Has a default peer: send goes there, only its datagrams are received. Next: BOUND
   *  (disconnect), CONNECTED (connect again: another peer), CLOSED. */
  CONNECTED = 6,
  /** LINUX/WASIX: the fd was closed, every call is EBADF. P2: dropped. */
  CLOSED = 7,
  COUNT = 8,
}

const KEEP: u16 = 0x0f;
/** SEND/SEND_TO: EPIPE once this side has shut down writing. */
const CHECK_WR: u16 = 0x80;
const SHUT: i32 = Word.SHUT_RD | Word.SHUT_WR;

// Cells. Success: stay (OK) or go to a state; SET*: set shutdown flags and stay.
const OK: u16 = KEEP;
const UNBND: u16 = <u16>UdpState.UNBOUND;
const BNDIP: u16 = <u16>UdpState.BIND_IN_PROGRESS;
const BOUND: u16 = <u16>UdpState.BOUND;
const CONND: u16 = <u16>UdpState.CONNECTED;
const CLOSD: u16 = <u16>UdpState.CLOSED;
const SEND_: u16 = KEEP | CHECK_WR;
/** sendto on an unbound socket: Linux binds it first (EPIPE still wins after SHUT_WR). */
const STO_B: u16 = BOUND | CHECK_WR;
const SETRD: u16 = <u16>(KEEP | Word.SHUT_RD);
const SETWR: u16 = <u16>(KEEP | Word.SHUT_WR);
const SETRW: u16 = <u16>(KEEP | Word.SHUT_RD | Word.SHUT_WR);
// Errors.
const INVAL: u16 = <u16>((Errno.INVAL << 8) | KEEP);
const NCONN: u16 = <u16>((Errno.NOTCONN << 8) | KEEP);
const NOTSP: u16 = <u16>((Errno.NOTSUP << 8) | KEEP);
const DADDR: u16 = <u16>((Errno.DESTADDRREQ << 8) | KEEP);
const BADF_: u16 = <u16>((Errno.BADF << 8) | KEEP);
// ENOTCONN that still sets the shutdown flags (LINUX, unconnected socket).
const NC_RD: u16 = <u16>(NCONN | Word.SHUT_RD);
const NC_WR: u16 = <u16>(NCONN | Word.SHUT_WR);
const NC_RW: u16 = <u16>(NCONN | Word.SHUT_RD | Word.SHUT_WR);
// P2 errors (errno_to_p2 gives the error-code in the name).
const INVST: u16 = <u16>((Errno.BADF << 8) | KEEP);    // invalid-state
const NOTIP: u16 = <u16>((Errno.SRCH << 8) | KEEP);    // not-in-progress
const CNFLT: u16 = <u16>((Errno.ALREADY << 8) | KEEP); // concurrency-conflict

const STATES = <i32>UdpState.COUNT;
const OPS = <i32>UdpOp.COUNT;
const ABIS = <i32>Abi.COUNT;

// prettier-ignore
const TABLE: StaticArray<u16> = [
// ─── LINUX: preview1 + WasmEdge, as Linux 6.18 does it (probed on loopback) ────────────────────
//  BIND   LISTEN ACCEPT CONNECT CONN_OK CONN_FAIL RECV  SEND   SHUT_RD SHUT_WR          (ops 0–9)
//  SHUT_RDWR LOCAL PEER F_BIND F_LISTEN F_CONN PEER_CLOSED SET_OPT CLOSE F_FAIL        (ops 10–19)
//  SEND_TO DISCONNECT                                                                  (ops 20–21)
/* UNBOUND */
    BOUND, NOTSP, NOTSP, CONND,  INVAL,  INVAL,    OK,   DADDR, NC_RD, NC_WR,
    NC_RW, OK,    NCONN, NOTSP,  NOTSP,  NOTSP,    INVAL, OK,   CLOSD, NOTSP,
    STO_B, OK,
/* BIND_IN_PROGRESS (not a LINUX state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* BOUND */
    INVAL, NOTSP, NOTSP, CONND,  INVAL,  INVAL,    OK,   DADDR, NC_RD, NC_WR,
    NC_RW, OK,    NCONN, NOTSP,  NOTSP,  NOTSP,    INVAL, OK,   CLOSD, NOTSP,
    SEND_, OK,
/* LISTEN_IN_PROGRESS (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* LISTENING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTED */
    INVAL, NOTSP, NOTSP, OK,     INVAL,  INVAL,    OK,   SEND_, SETRD, SETWR,
    SETRW, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    INVAL, OK,   CLOSD, NOTSP,
    SEND_, BOUND,
/* CLOSED */
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,
    BADF_, BADF_,

// ─── WASIX: Wasmer (docs/abi.md §3.3; lib/wasix/src/net/socket.rs) ──────────────────────────────
/* UNBOUND (a datagram pre-socket) */
    BOUND, NOTSP, NCONN, CONND,  INVAL,  INVAL,    NCONN, NCONN, NCONN, NCONN,
    NCONN, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    INVAL, OK,   CLOSD, NOTSP,
    NCONN, INVAL,
/* BIND_IN_PROGRESS (not a WASIX state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* BOUND */
    NOTSP, NOTSP, NOTSP, CONND,  INVAL,  INVAL,    OK,   NCONN, NOTSP, NOTSP,
    NOTSP, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    INVAL, OK,   CLOSD, NOTSP,
    OK,    INVAL,
/* LISTEN_IN_PROGRESS (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* LISTENING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTED */
    NOTSP, NOTSP, NOTSP, OK,     INVAL,  INVAL,    OK,   OK,    NOTSP, NOTSP,
    NOTSP, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    INVAL, OK,   CLOSD, NOTSP,
    OK,    INVAL,
/* CLOSED */
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,
    BADF_, BADF_,

// ─── P2: wasi:sockets 0.2 udp-socket (docs/abi.md §4.3; wasmtime crates/wasi/src/sockets/udp.rs) ─
//  BIND=start-bind, F_BIND=finish-bind, CONNECT=stream(some), DISCONNECT=stream(none),
//  RECV=incoming receive, SEND=outgoing send to the connected peer (no address, or the peer's),
//  SEND_TO=outgoing send to another address, CLOSE=drop. No listen/accept/shutdown methods.
/* UNBOUND */
    BNDIP, NOTSP, NOTSP, INVST,  NOTIP,  NOTIP,    INVST, INVST, NOTSP, NOTSP,
    NOTSP, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, NOTIP,
    INVST, INVST,
/* BIND_IN_PROGRESS */
    CNFLT, NOTSP, NOTSP, INVST,  NOTIP,  NOTIP,    INVST, INVST, NOTSP, NOTSP,
    NOTSP, INVST, INVST, BOUND,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, UNBND,
    INVST, INVST,
/* BOUND */
    INVST, NOTSP, NOTSP, CONND,  NOTIP,  NOTIP,    OK,   DADDR, NOTSP, NOTSP,
    NOTSP, OK,    INVST, NOTIP,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, NOTIP,
    OK,    OK,
/* LISTEN_IN_PROGRESS (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* LISTENING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTED */
    INVST, NOTSP, NOTSP, OK,     NOTIP,  NOTIP,    OK,   OK,    NOTSP, NOTSP,
    NOTSP, OK,    OK,    NOTIP,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, NOTIP,
    INVAL, BOUND,
/* CLOSED */
    INVST, NOTSP, NOTSP, INVST,  NOTIP,  NOTIP,    INVST, INVST, NOTSP, NOTSP,
    NOTSP, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVAL, INVST, OK,    NOTIP,
    INVST, INVST,
// ─── P3: wasi:sockets 0.3 udp-socket (docs/abi.md §4.6): P2's rows but implicit binds, DISCONNECT ─
//  CONNECT=connect, DISCONNECT=disconnect, SEND/SEND_TO=send with none/some address, RECV=receive.
//  BIND=start-bind, F_BIND=finish-bind, CONNECT=stream(some), DISCONNECT=stream(none),
//  RECV=incoming receive, SEND=outgoing send to the connected peer (no address, or the peer's),
//  SEND_TO=outgoing send to another address, CLOSE=drop. No listen/accept/shutdown methods.
/* UNBOUND: connect and send to an address bind implicitly (the host binds, AbiFlag.UDP_CONNECT_BINDS) */
    BNDIP, NOTSP, NOTSP, CONND,  NOTIP,  NOTIP,    INVST, DADDR, NOTSP, NOTSP,
    NOTSP, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, NOTIP,
    STO_B, INVST,
/* BIND_IN_PROGRESS */
    CNFLT, NOTSP, NOTSP, INVST,  NOTIP,  NOTIP,    INVST, INVST, NOTSP, NOTSP,
    NOTSP, INVST, INVST, BOUND,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, UNBND,
    INVST, INVST,
/* BOUND: disconnect without a peer is invalid-state */
    INVST, NOTSP, NOTSP, CONND,  NOTIP,  NOTIP,    OK,   DADDR, NOTSP, NOTSP,
    NOTSP, OK,    INVST, NOTIP,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, NOTIP,
    OK,    INVST,
/* LISTEN_IN_PROGRESS (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* LISTENING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTING (not a UDP state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
    INVAL, INVAL,
/* CONNECTED */
    INVST, NOTSP, NOTSP, OK,     NOTIP,  NOTIP,    OK,   OK,    NOTSP, NOTSP,
    NOTSP, OK,    OK,    NOTIP,  NOTIP,  NOTIP,    INVAL, OK,   CLOSD, NOTIP,
    INVAL, BOUND,
/* CLOSED */
    INVST, NOTSP, NOTSP, INVST,  NOTIP,  NOTIP,    INVST, INVST, NOTSP, NOTSP,
    NOTSP, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVAL, INVST, OK,    NOTIP,
    INVST, INVST,
];

// A table of the wrong size traps at instantiation, so it cannot load.
if (TABLE.length != ABIS * STATES * OPS) unreachable();

// Notes on the cells, and every place they part from POSIX or from the reference runtimes:
//
// LINUX (every cell probed with python3 sockets on loopback, Linux 6.18)
// * listen/accept: EOPNOTSUPP (= ENOTSUP). bind twice, or on a connected socket: EINVAL.
// * connect sets or changes the default peer, also from UNBOUND (Linux auto-binds) and again on a
//   connected socket; DISCONNECT (connect to AF_UNSPEC) drops it, also a no-op on an unconnected one.
//   Linux also releases an automatic or port-0 binding on disconnect (getsockname reads port 0, a
//   new bind succeeds); here the socket stays BOUND, as tcp.ts keeps a failed connect's binding.
// * send without a peer: EDESTADDRREQ, before EPIPE. sendto: allowed in every live state (the
//   address wins over the peer); from UNBOUND it auto-binds (-> BOUND). Linux auto-binds even when
//   the send then fails (EDESTADDRREQ, EPIPE); here a failing call leaves the socket UNBOUND.
// * recv on an unbound socket is allowed: it blocks (or EAGAIN) as Linux does. With SHUT_RD set,
//   Linux returns queued datagrams, then 0 at once when blocking (EAGAIN when non-blocking).
// * getpeername without a peer: ENOTCONN; getsockname always succeeds (0.0.0.0:0 unbound).
// * shutdown: on a connected socket it sets the flags; on an unconnected one it is ENOTCONN but the
//   flags are set all the same (so sendto is EPIPE after SHUT_WR). send/sendto after SHUT_WR: EPIPE,
//   even after a disconnect and a new connect (the bits are never cleared).
// * CONNECT_OK, CONNECT_FAIL, PEER_CLOSED are TCP events: EINVAL (host bug); FINISH_* ENOTSUP.
//
// WASIX (Wasmer): an unbound datagram socket is a pre-socket; bind creates the real socket.
// * pre-socket: accept, recv, send, send_to, shutdown: ENOTCONN; listen: ENOTSUP; connect auto-binds
//   and sets the peer (sock_connect's auto_bind_udp); getpeername answers the unspecified address.
// * bound or connected: bind, listen, accept, shutdown: ENOTSUP (Wasmer has no UDP shutdown);
//   send without a peer: ENOTCONN (virtual-net NotConnected), not EDESTADDRREQ; getpeername on a
//   socket without a peer succeeds (unspecified address, port 0).
// * DISCONNECT: Wasmer's read_ip_port takes no AF_UNSPEC address: EINVAL.
//
// P3 (wasi:sockets@0.3.0's WIT)
// * disconnect on a socket without a peer is invalid-state ("the socket is not connected"); P2's
//   stream(none) there is fine.
// * connect and send to an address on an unbound socket bind it implicitly (the WIT), to the
//   wildcard address and an ephemeral port: connect goes to CONNECTED (the host binds the OS socket
//   first, AbiFlag.UDP_CONNECT_BINDS), a send to BOUND (the host's auto-bind, as LINUX's). A send
//   without an address on an unbound socket has no peer: invalid-argument (EDESTADDRREQ), as on a
//   bound one (the WIT: "remote-address is none and the socket is not connected").
//
// P2 (wasmtime is the reference implementation)
// * stream(some) and stream(none) need a bound socket (invalid-state before finish-bind);
//   stream(none) on a bound socket keeps it bound.
// * A second start-bind while one is in progress is concurrency-conflict, as in tcp.ts (§4.2's
//   rule); wasmtime says invalid-state.
// * send without an address and not connected: EDESTADDRREQ (errno_to_p2: invalid-argument, as
//   the WIT says); to an address other than the connected peer: invalid-argument (EINVAL; the WIT
//   calls it EISCONN, which errno_to_p2 would make invalid-state).
// * local-address before finish-bind and remote-address without a peer: invalid-state.
// * Options are legal in every state but closed.

/**
 * One step of the UDP state machine: (errno << 8) | newWord. Out-of-range abi, op or state, or a word
 * that does not fit in a byte, is EINVAL with the word (masked to a byte) unchanged.
 */
export function udpStep(abi: i32, word: i32, op: i32): i32 {
  const state = word & Word.STATE;
  if (<u32>abi >= <u32>Abi.COUNT || <u32>op >= <u32>OPS || state >= STATES || <u32>word > <u32>Word.MAX) {
    return (Errno.INVAL << 8) | (word & Word.MAX);
  }
  const cell = <i32>unchecked(TABLE[(abi * STATES + state) * OPS + op]);
  const errno = cell >>> 8;
  const set = cell & SHUT;
  if (errno != 0) return (errno << 8) | word | set;
  if ((cell & CHECK_WR) != 0 && (word & Word.SHUT_WR) != 0) return (Errno.PIPE << 8) | word;
  const next = cell & KEEP;
  if (next == KEEP) return word | set;
  if (next == UdpState.CLOSED) return next;
  return next | (word & ~Word.STATE) | set;
}
