// The data path of a TCP socket: what a recv, a send or an accept answers now. The word says the
// state, the shutdowns and the peer's FIN (PEER_CLOSED); the host says what it holds (bytes
// buffered, a failure not yet reported, room to write, a queued connection) as IoHave bits; the core answers with the errno, or what the host does next: take
// (bytes, room, a connection), wait for a change and ask again, answer end-of-stream, or report the
// connection's own failure. One call per attempt, the state machine's step included: a recv or
// send that can complete now costs the host one call here and no allocation.
//
// A call that waits asks again on every change with IoHave.WOKEN: its step was taken when it began
// (the word may have moved since: a connect that failed, a close), so only the answers below apply.

import { Abi, TcpOp, Word } from "./enums";
import { Errno } from "./errno";
import { tcpStep, TcpState } from "./tcp";

/** What the host holds, as bits of `have`. (The peer's FIN is in the word: PEER_CLOSED.) */
export const enum IoHave {
  /** recv: bytes are buffered. accept: a connection is queued. */
  DATA = 0x1,
  /** recv: at least as many bytes are buffered as asked for (so also: asked for none). */
  ENOUGH = 0x2,
  /** recv: MSG_PEEK. */
  PEEK = 0x4,
  /** recv: MSG_WAITALL. */
  WAITALL = 0x8,
  /** The guest's call must not wait. */
  NONBLOCK = 0x10,
  /** The connection failed (reset, timeout, …). */
  FAILED = 0x20,
  /** Its failure has not been reported to the guest yet. */
  UNREPORTED = 0x40,
  /** The failure is a reset (send reports only a reset, once, then EPIPE). */
  RESET = 0x80,
  /** send: the send buffer has room. */
  ROOM = 0x100,
  /** The call waited and was woken: its step was taken when it began. */
  WOKEN = 0x200,
  ALL = 0x3ff,
}

/** What the host does next, in the low byte of an answer (errno 0). */
export const enum IoAnswer {
  /** recv: take up to max bytes (peek: copy). send: write the bytes. accept: take the connection. */
  TAKE = 0,
  /** Wait for a change on the socket, then ask again with WOKEN. */
  WAIT = 1,
  /** recv: answer zero bytes (orderly end, shut down for reading, or asked for none). */
  EOF = 2,
  /** Answer the connection's failure as its own errno (the host maps its code), now reported. */
  REPORT = 3,
}

/** For a woken call (no step to check them): abi in range, the word one byte in a known state. */
function valid(abi: i32, word: i32): bool {
  return <u32>abi < <u32>Abi.COUNT && <u32>word <= <u32>Word.MAX && (word & Word.STATE) < TcpState.COUNT;
}

function fail(errno: Errno): i32 {
  return <i32>errno << 8;
}

/** Connecting: a blocking call waits for the connect's outcome, a non-blocking one is EAGAIN. */
function pending(have: i32): i32 {
  return (have & IoHave.NONBLOCK) != 0 ? fail(Errno.AGAIN) : IoAnswer.WAIT;
}

/** (errno << 8) | IoAnswer for a stream recv. Out-of-range abi, word or have: EINVAL. */
export function streamRecv(abi: i32, word: i32, have: i32): i32 {
  if (<u32>have > <u32>IoHave.ALL) return fail(Errno.INVAL);
  if ((have & IoHave.WOKEN) == 0) {
    const e = tcpStep(abi, word, TcpOp.RECV) >>> 8;
    if (e != 0) return e << 8;
  } else if (!valid(abi, word)) return fail(Errno.INVAL);
  const state = word & Word.STATE;
  if (state == TcpState.CLOSED) return fail(Errno.BADF);
  if (state == TcpState.CONNECTING) return pending(have);
  if (state != TcpState.CONNECTED) return fail(Errno.NOTCONN); // a connect that failed meanwhile
  const ended = (have & IoHave.FAILED) != 0 || (word & (Word.SHUT_RD | Word.PEER_CLOSED)) != 0;
  if ((have & IoHave.DATA) != 0) {
    // MSG_WAITALL waits for all it asked for, unless it may not wait or no more can come.
    const waitall = (have & (IoHave.WAITALL | IoHave.NONBLOCK | IoHave.ENOUGH | IoHave.PEEK)) == IoHave.WAITALL;
    return waitall && !ended ? IoAnswer.WAIT : IoAnswer.TAKE;
  }
  if ((have & (IoHave.FAILED | IoHave.UNREPORTED)) == (IoHave.FAILED | IoHave.UNREPORTED)) return IoAnswer.REPORT;
  if (ended || (have & IoHave.ENOUGH) != 0) return IoAnswer.EOF;
  return pending(have);
}

/** (errno << 8) | IoAnswer for a stream send. EPIPE after this side's SHUT_WR is the step's. */
export function streamSend(abi: i32, word: i32, have: i32): i32 {
  if (<u32>have > <u32>IoHave.ALL) return fail(Errno.INVAL);
  if ((have & IoHave.WOKEN) == 0) {
    const e = tcpStep(abi, word, TcpOp.SEND) >>> 8;
    if (e != 0) return e << 8;
  } else if (!valid(abi, word)) return fail(Errno.INVAL);
  const state = word & Word.STATE;
  if (state == TcpState.CLOSED) return fail(Errno.BADF);
  if (state == TcpState.CONNECTING) return pending(have);
  if (state != TcpState.CONNECTED) return fail(Errno.PIPE); // a connect that failed meanwhile
  if ((have & IoHave.FAILED) != 0) {
    // Linux reports a reset once as ECONNRESET, then EPIPE.
    const once = IoHave.FAILED | IoHave.UNREPORTED | IoHave.RESET;
    return (have & once) == once ? IoAnswer.REPORT : fail(Errno.PIPE);
  }
  if ((word & Word.SHUT_WR) != 0) return fail(Errno.PIPE);
  if ((have & IoHave.ROOM) != 0) return IoAnswer.TAKE;
  return pending(have);
}

/** (errno << 8) | IoAnswer for an accept (DATA: a connection is queued). */
export function listenerAccept(abi: i32, word: i32, have: i32): i32 {
  if (<u32>have > <u32>IoHave.ALL) return fail(Errno.INVAL);
  if ((have & IoHave.WOKEN) == 0) {
    const e = tcpStep(abi, word, TcpOp.ACCEPT) >>> 8;
    if (e != 0) return e << 8;
  } else if (!valid(abi, word)) return fail(Errno.INVAL);
  if ((word & Word.STATE) != TcpState.LISTENING) return fail(Errno.BADF); // closed while waiting
  if ((have & IoHave.DATA) != 0) return IoAnswer.TAKE;
  return pending(have);
}
