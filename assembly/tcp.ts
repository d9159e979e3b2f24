// The TCP state machine: for each (ABI, state, operation) the errno and the next state, as three
// tables. The host performs the I/O; it asks here first whether the call is legal in the state the
// socket is in and what state the socket is in afterwards. What a recv, send or accept answers
// once legal (take, wait, end-of-stream, the connection's failure) is stream.ts.
//
// A state word is one byte: the state in the low 4 bits, flags above (enums.ts Word). A cell of a
// table is a u16: [KEEP_PC] | errno << 8 | [CHECK_WR] | flags to set | next state (KEEP: stay, flags
// kept). Going to another state clears the flags, except that a connect's completion keeps the
// peer's close (KEEP_PC). An error never changes the word.
//
// How a host drives it: a step is a transaction. The host asks (tcp_step stores nothing), does
// the call's I/O and stores the new word only when the I/O succeeded, so a failure leaves the
// socket as it was. Events the host sees are steps too: a connect it started ends with CONNECT_OK
// or CONNECT_FAIL; the peer's FIN (or the connection's end) is PEER_CLOSED.
// * LINUX/WASIX: the word is stored when the call's I/O succeeded (a connect: at once, CONNECTING
//   is a state of its own).
// * P2: start-* and finish-* cells give the word the call leads to when its I/O succeeds. The host
//   commits it only then: a start-* whose I/O fails keeps the old word (wasmtime: a failed start-bind
//   stays unbound); a finish-* whose I/O is still pending answers would-block and keeps the old word;
//   a finish-* whose I/O failed steps FINISH_FAIL (bind → unbound, listen/connect → closed).
//   A connect's result is collected by finish-connect only (CONNECT_OK/CONNECT_FAIL = FINISH_CONNECT/
//   FINISH_FAIL there), so the socket is still connect-in-progress until the guest asks; the peer
//   may close meanwhile (PEER_CLOSED in CONNECTING), and finish-connect keeps that.
//   P2 errors are errnos errno_to_p2 maps one to one: EBADF = invalid-state, ESRCH =
//   not-in-progress, EALREADY = concurrency-conflict.

import { Abi, TcpOp, Word } from "./enums";
import { Errno } from "./errno";

/** The states of a TCP socket (low 4 bits of a state word). */
export const enum TcpState {
  /** Created, no address. Next: BOUND, CONNECTING, CLOSED; LINUX also LISTENING (auto-bind);
   *  P2 BIND_IN_PROGRESS instead of BOUND. */
  UNBOUND = 0,
  /** P2 only: start-bind done. Next: BOUND (finish-bind), UNBOUND (its I/O failed), CLOSED. */
  BIND_IN_PROGRESS = 1,
  /** Has a local address. Next: LISTENING (P2: LISTEN_IN_PROGRESS), CONNECTING, CLOSED;
   *  WASIX BOUND again (re-bind). */
  BOUND = 2,
  /** P2 only: start-listen done. Next: LISTENING (finish-listen), CLOSED (its I/O failed, or drop). */
  LISTEN_IN_PROGRESS = 3,
  /** Accepting connections. Next: CLOSED; LINUX/WASIX LISTENING again (LINUX: backlog update). */
  LISTENING = 4,
  /** A connect is under way. Next: CONNECTED, CLOSED; after a failure LINUX/WASIX BOUND
   *  (connect again), P2 CLOSED (a socket connects at most once). */
  CONNECTING = 5,
  /** Established (or accepted). Next: CLOSED; shutdown and the peer's close only set flags. */
  CONNECTED = 6,
  /** LINUX/WASIX: the fd was closed, every call is EBADF. P2: failed connect/listen or dropped;
   *  every method is invalid-state, every finish-* not-in-progress, only drop is allowed. */
  CLOSED = 7,
  COUNT = 8,
}

const KEEP: u16 = 0x0f;
/** SEND: EPIPE once this side has shut down writing. */
const CHECK_WR: u16 = 0x80;
/** A connect completes: the peer's close, reported while the guest had not yet taken the connect's
 *  outcome (wasi:sockets finish-connect), stays set in the new state. Above the errno's 7 bits. */
const KEEP_PC: u16 = 0x8000;
const ERRNO: i32 = 0x7f;

// Cells. Success: stay (OK) or go to a state; flags: set a shutdown/peer flag and stay.
const OK: u16 = KEEP;
const UNBND: u16 = <u16>TcpState.UNBOUND;
const BNDIP: u16 = <u16>TcpState.BIND_IN_PROGRESS;
const BOUND: u16 = <u16>TcpState.BOUND;
const LSNIP: u16 = <u16>TcpState.LISTEN_IN_PROGRESS;
const LSTNG: u16 = <u16>TcpState.LISTENING;
const CONNG: u16 = <u16>TcpState.CONNECTING;
const CONND: u16 = <u16>TcpState.CONNECTED;
const CLOSD: u16 = <u16>TcpState.CLOSED;
const CNDPC: u16 = CONND | KEEP_PC;
const SEND_: u16 = KEEP | CHECK_WR;
const SETRD: u16 = <u16>(KEEP | Word.SHUT_RD);
const SETWR: u16 = <u16>(KEEP | Word.SHUT_WR);
const SETRW: u16 = <u16>(KEEP | Word.SHUT_RD | Word.SHUT_WR);
const SETPC: u16 = <u16>(KEEP | Word.PEER_CLOSED);
// Errors.
const INVAL: u16 = <u16>((Errno.INVAL << 8) | KEEP);
const NCONN: u16 = <u16>((Errno.NOTCONN << 8) | KEEP);
const PIPE_: u16 = <u16>((Errno.PIPE << 8) | KEEP);
const ISCON: u16 = <u16>((Errno.ISCONN << 8) | KEEP);
const ALRDY: u16 = <u16>((Errno.ALREADY << 8) | KEEP);
const NOTSP: u16 = <u16>((Errno.NOTSUP << 8) | KEEP);
const BADF_: u16 = <u16>((Errno.BADF << 8) | KEEP);
// P2 errors (errno_to_p2 gives the error-code in the name).
const INVST: u16 = <u16>((Errno.BADF << 8) | KEEP);    // invalid-state
const NOTIP: u16 = <u16>((Errno.SRCH << 8) | KEEP);    // not-in-progress
const CNFLT: u16 = <u16>((Errno.ALREADY << 8) | KEEP); // concurrency-conflict

const STATES = <i32>TcpState.COUNT;
const OPS = <i32>TcpOp.COUNT;

// prettier-ignore
const TABLE: StaticArray<u16> = [
// ─── LINUX: preview1 + WasmEdge, as Linux 6.x does it (docs/abi.md §5) ──────────────────────────
//  BIND   LISTEN ACCEPT CONNECT CONN_OK CONN_FAIL RECV SEND  SHUT_RD SHUT_WR   (ops 0–9)
//  SHUT_RDWR LOCAL PEER F_BIND F_LISTEN F_CONN PEER_CLOSED SET_OPT CLOSE F_FAIL (ops 10–19)
/* UNBOUND */
    BOUND, LSTNG, INVAL, CONNG,  INVAL,  INVAL,    NCONN, PIPE_, NCONN, NCONN,
    NCONN, OK,    NCONN, NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* BIND_IN_PROGRESS (not a LINUX state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
/* BOUND */
    INVAL, LSTNG, INVAL, CONNG,  INVAL,  INVAL,    NCONN, PIPE_, NCONN, NCONN,
    NCONN, OK,    NCONN, NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* LISTEN_IN_PROGRESS (not a LINUX state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
/* LISTENING */
    INVAL, OK,    OK,    ISCON,  INVAL,  INVAL,    NCONN, PIPE_, NCONN, NCONN,
    NCONN, OK,    NCONN, NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* CONNECTING */
    INVAL, INVAL, INVAL, ALRDY,  CNDPC,  BOUND,    OK,    OK,    NCONN, NCONN,
    NCONN, OK,    NCONN, NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* CONNECTED */
    INVAL, INVAL, INVAL, ISCON,  INVAL,  INVAL,    OK,    SEND_, SETRD, SETWR,
    SETRW, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    SETPC, OK,    CLOSD, NOTSP,
/* CLOSED */
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,

// ─── WASIX: Wasmer (docs/abi.md §3.3; lib/wasix/src/net/socket.rs) ──────────────────────────────
//  BIND   LISTEN ACCEPT CONNECT CONN_OK CONN_FAIL RECV SEND  SHUT_RD SHUT_WR
//  SHUT_RDWR LOCAL PEER F_BIND F_LISTEN F_CONN PEER_CLOSED SET_OPT CLOSE F_FAIL
/* UNBOUND */
    BOUND, INVAL, NCONN, CONNG,  INVAL,  INVAL,    NCONN, NCONN, NCONN, NCONN,
    NCONN, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* BIND_IN_PROGRESS (not a WASIX state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
/* BOUND */
    OK,    LSTNG, NCONN, CONNG,  INVAL,  INVAL,    NCONN, NCONN, NCONN, NCONN,
    NCONN, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* LISTEN_IN_PROGRESS (not a WASIX state) */
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, INVAL, INVAL,
    INVAL, INVAL, INVAL, INVAL,  INVAL,  INVAL,    INVAL, INVAL, CLOSD, INVAL,
/* LISTENING */
    NOTSP, NOTSP, OK,    NOTSP,  INVAL,  INVAL,    NOTSP, NOTSP, NOTSP, NOTSP,
    NOTSP, OK,    NOTSP, NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* CONNECTING */
    ALRDY, ALRDY, NCONN, ALRDY,  CNDPC,  BOUND,    OK,    OK,    NCONN, NCONN,
    NCONN, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    INVAL, OK,    CLOSD, NOTSP,
/* CONNECTED */
    NOTSP, NOTSP, NOTSP, NOTSP,  INVAL,  INVAL,    OK,    SEND_, SETRD, SETWR,
    SETRW, OK,    OK,    NOTSP,  NOTSP,  NOTSP,    SETPC, OK,    CLOSD, NOTSP,
/* CLOSED */
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,
    BADF_, BADF_, BADF_, BADF_,  BADF_,  BADF_,    BADF_, BADF_, BADF_, BADF_,

// ─── P2: wasi:sockets 0.2 tcp-socket (docs/abi.md §4.2; wasmtime crates/wasi/src/sockets/tcp.rs) ─
//  BIND=start-bind LISTEN=start-listen CONNECT=start-connect, F_*=finish-*, CLOSE=drop
//  BIND   LISTEN ACCEPT CONNECT CONN_OK CONN_FAIL RECV SEND  SHUT_RD SHUT_WR
//  SHUT_RDWR LOCAL PEER F_BIND F_LISTEN F_CONN PEER_CLOSED SET_OPT CLOSE F_FAIL
/* UNBOUND */
    BNDIP, INVST, INVST, CONNG,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, NOTIP,
/* BIND_IN_PROGRESS */
    CNFLT, CNFLT, INVST, CNFLT,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, BOUND,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, UNBND,
/* BOUND */
    INVST, LSNIP, INVST, CONNG,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, OK,    INVST, NOTIP,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, NOTIP,
/* LISTEN_IN_PROGRESS */
    CNFLT, CNFLT, INVST, CNFLT,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  LSTNG,  NOTIP,    INVST, OK,    CLOSD, CLOSD,
/* LISTENING */
    INVST, INVST, OK,    INVST,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, OK,    INVST, NOTIP,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, NOTIP,
/* CONNECTING */
    CNFLT, CNFLT, INVST, CNFLT,  CNDPC,  CLOSD,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  NOTIP,  CNDPC,    SETPC, INVST, CLOSD, CLOSD,
/* CONNECTED */
    INVST, INVST, INVST, INVST,  NOTIP,  NOTIP,    OK,    SEND_, SETRD, SETWR,
    SETRW, OK,    OK,    NOTIP,  NOTIP,  NOTIP,    SETPC, OK,    CLOSD, NOTIP,
/* CLOSED */
    INVST, INVST, INVST, INVST,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVST, INVST, OK,    NOTIP,
// ─── P3: wasi:sockets 0.3 tcp-socket (docs/abi.md §4.6): P2's rows, run as one call each ────────
//  The host makes bind/listen/connect one call (the start, then the finish once settled).
//  BIND=start-bind LISTEN=start-listen CONNECT=start-connect, F_*=finish-*, CLOSE=drop
//  BIND   LISTEN ACCEPT CONNECT CONN_OK CONN_FAIL RECV SEND  SHUT_RD SHUT_WR
//  SHUT_RDWR LOCAL PEER F_BIND F_LISTEN F_CONN PEER_CLOSED SET_OPT CLOSE F_FAIL
/* UNBOUND: listen binds implicitly (to the wildcard address and an ephemeral port) */
    BNDIP, LSNIP, INVST, CONNG,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, NOTIP,
/* BIND_IN_PROGRESS */
    CNFLT, CNFLT, INVST, CNFLT,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, BOUND,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, UNBND,
/* BOUND */
    INVST, LSNIP, INVST, CONNG,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, OK,    INVST, NOTIP,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, NOTIP,
/* LISTEN_IN_PROGRESS */
    CNFLT, CNFLT, INVST, CNFLT,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  LSTNG,  NOTIP,    INVST, OK,    CLOSD, CLOSD,
/* LISTENING */
    INVST, INVST, OK,    INVST,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, OK,    INVST, NOTIP,  NOTIP,  NOTIP,    INVST, OK,    CLOSD, NOTIP,
/* CONNECTING */
    CNFLT, CNFLT, INVST, CNFLT,  CNDPC,  CLOSD,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  NOTIP,  CNDPC,    SETPC, INVST, CLOSD, CLOSD,
/* CONNECTED */
    INVST, INVST, INVST, INVST,  NOTIP,  NOTIP,    OK,    SEND_, SETRD, SETWR,
    SETRW, OK,    OK,    NOTIP,  NOTIP,  NOTIP,    SETPC, OK,    CLOSD, NOTIP,
/* CLOSED */
    INVST, INVST, INVST, INVST,  NOTIP,  NOTIP,    INVST, INVST, INVST, INVST,
    INVST, INVST, INVST, NOTIP,  NOTIP,  NOTIP,    INVST, INVST, OK,    NOTIP,
];

// Notes on the cells, and every place they part from POSIX (or from the brief's own source):
//
// LINUX
// * listen() on an unbound socket auto-binds (ip(7)); POSIX leaves it unspecified.
// * connect() on a listener is EISCONN on Linux; POSIX says EOPNOTSUPP.
// * send() on an unconnected socket is EPIPE, recv() ENOTCONN (both measured on Linux 6.18).
// * A failed connect goes back to BOUND, so connect can be repeated (repeatable ECONNREFUSED).
//   Linux releases an automatic (or port-0) binding there, so a later bind() succeeds on Linux
//   but is EINVAL here; a socket bound to a fixed port matches exactly.
// * shutdown() on a listener or a connecting socket is ENOTCONN here. Linux 6.18 answers 0 to both:
//   SHUT_RD/SHUT_RDWR stop a listener (the socket is unconnected again), SHUT_WR is ignored, and
//   any shutdown aborts a connect in progress. Kept as ENOTCONN per the project's contract.
// * recv/send while connecting are legal: the host waits (blocking) or answers EAGAIN.
// * Repeating a shutdown is fine (Linux); PEER_CLOSED stands for both FIN and reset, so after a
//   reset shutdown()/getpeername() still succeed here where Linux gives ENOTCONN.
// * FINISH_* and FINISH_FAIL are wasi:sockets operations: ENOTSUP. CONNECT_OK/CONNECT_FAIL/
//   PEER_CLOSED outside the states they report on are host bugs: EINVAL.
// * BIND_IN_PROGRESS and LISTEN_IN_PROGRESS are not states of this ABI: everything but CLOSE is EINVAL.
//
// WASIX (Wasmer): an unbound or bound TCP socket is a "pre-socket" that only records its address;
// the real bind happens at listen/connect.
// * bind on a bound socket replaces the address (ok); on a listener or connection ENOTSUP.
// * listen without bind is EINVAL (no auto-bind); listen again ENOTSUP.
// * accept on a pre-socket ENOTCONN, on a connection ENOTSUP; connect on a listener or
//   connection ENOTSUP (not EISCONN).
// * recv/send/shutdown on a pre-socket ENOTCONN (send is not EPIPE); on a listener ENOTSUP.
// * getpeername on a pre-socket succeeds (the host answers the unspecified address, port 0), as
//   Wasmer does; on a listener ENOTSUP.
// * send after SHUT_WR is EPIPE: WASIX's own 77 (shutdown) is outside 0–76, and Wasmer itself
//   reports the host's broken pipe.
// * Wasmer's connect blocks, so a guest never sees CONNECTING there; for a non-blocking connect
//   the host may offer, a second connect/bind/listen is EALREADY and the rest is a pre-socket's.
//
// P3 (wasi:sockets@0.3.0's WIT; wasmtime's p3 tcp.rs)
// * listen on an unbound socket binds it implicitly (the WIT: "If the socket is not already bound,
//   it will be bound implicitly"); P2's start-listen there is invalid-state. Everything else is P2's.
//
// P2 (wasmtime is the reference implementation)
// * A second start-* while any operation is in progress is concurrency-conflict (§4.2's rule);
//   wasmtime returns it for start-connect only and invalid-state for the others.
// * local-address is invalid-state until bound and also while listen-in-progress (wasmtime).
// * Options (SET_OPTION) are invalid-state while connecting and when closed (wasmtime's
//   as_std_view); the per-option rules (backlog after connect) are not in this table.
// * RECV/SEND stand for the streams: legal only when connected.
// * The peer's close keeps CONNECTED (with PEER_CLOSED set): wasmtime keeps the socket connected
//   and ends the input stream. A close seen before finish-connect is kept in CONNECTING and carried
//   into CONNECTED: the connection ended before the guest took it, its input stream ends at once.

/**
 * One step of the state machine: (errno << 8) | newWord. Out-of-range abi, op or state, or a word
 * that does not fit in a byte, is EINVAL with the word (masked to a byte) unchanged.
 */
export function tcpStep(abi: i32, word: i32, op: i32): i32 {
  const state = word & Word.STATE;
  if (<u32>abi >= <u32>Abi.COUNT || <u32>op >= <u32>OPS || state >= STATES || <u32>word > <u32>Word.MAX) {
    return (Errno.INVAL << 8) | (word & Word.MAX);
  }
  const cell = <i32>unchecked(TABLE[(abi * STATES + state) * OPS + op]);
  const errno = (cell >>> 8) & ERRNO;
  if (errno != 0) return (errno << 8) | word;
  if ((cell & CHECK_WR) != 0 && (word & Word.SHUT_WR) != 0) return (Errno.PIPE << 8) | word;
  const next = cell & KEEP;
  const set = cell & Word.FLAGS;
  if (next == KEEP) return word | set;
  return (cell & KEEP_PC) != 0 ? next | set | (word & Word.PEER_CLOSED) : next | set;
}
