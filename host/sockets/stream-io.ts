/**
 * A stream's recv and send as the core answers them: the host says what it holds (IoHave: bytes
 * buffered, a failure not yet reported, room to write; the peer's FIN is in the socket's word) and
 * does what the core says (take, wait, end-of-stream, report the failure, or the errno). The
 * answer is the bytes, the count taken, an errno (negative), or undefined when the call must wait
 * for a change (then retried on every one, `woken`). Nothing is allocated on the way, so a call
 * that can complete at once makes neither a closure nor a promise. Also a stream's shutdown, and
 * the bytes the worker bridge reads ahead.
 */
import { stepErrno, stepWord, type Core } from "../core/core.js";
import { IoAnswer, IoHave, StreamBit, TcpOp, TcpState, Word } from "../core/enums.js";
import { after, type Sync } from "../util/sync.js";
import type { Datagram } from "./api.js";
import type { Connection } from "./connection.js";
import { block } from "./readiness.js";
import type { Socket } from "./socket.js";
import type { SocketTable } from "./socket-table.js";

const EMPTY = new Uint8Array(0);

/** The connection's failure, if it failed (its FIN is in the word). */
function connectionHave(c: Connection | undefined): number {
  if (c === undefined || c.error === undefined) return 0;
  let have = IoHave.FAILED;
  if (!c.errorReported) have |= IoHave.UNREPORTED;
  if (c.error === "ECONNRESET") have |= IoHave.RESET;
  return have;
}

/** The connection's failure as its errno, reported once (the core asks only when there is one). */
function report(core: Core, c: Connection | undefined): number {
  if (c !== undefined) c.errorReported = true;
  return -core.errnoFromCode(c?.error ?? "");
}

/** A stream recv's answer now, or undefined to wait. */
export function recvNow(core: Core, s: Socket, max: number, peek: boolean, waitall: boolean, nonblock: boolean, woken: boolean): Uint8Array | number | undefined {
  const c = s.conn;
  const buffered = c === undefined ? 0 : c.rxBytes;
  let have = connectionHave(c);
  if (buffered > 0) have |= IoHave.DATA;
  if (buffered >= max) have |= IoHave.ENOUGH;
  if (peek) have |= IoHave.PEEK;
  if (waitall) have |= IoHave.WAITALL;
  if (nonblock) have |= IoHave.NONBLOCK;
  if (woken) have |= IoHave.WOKEN;
  const r = core.streamRecv(s.abi, s.word, have);
  if (r > 0xff) return -(r >>> 8);
  switch (r) {
    case IoAnswer.TAKE: return c === undefined ? EMPTY : c.take(max, peek);
    case IoAnswer.EOF: return EMPTY;
    case IoAnswer.REPORT: return report(core, c);
    default: return undefined;
  }
}

/** A stream send's answer now, or undefined to wait for room (or for a connect to finish). */
export function sendNow(core: Core, s: Socket, data: Uint8Array, nonblock: boolean, woken: boolean): number | undefined {
  const c = s.conn;
  let have = connectionHave(c);
  if (s.writable()) have |= IoHave.ROOM;
  if (nonblock) have |= IoHave.NONBLOCK;
  if (woken) have |= IoHave.WOKEN;
  const r = core.streamSend(s.abi, s.word, have);
  if (r > 0xff) return -(r >>> 8);
  switch (r) {
    case IoAnswer.TAKE:
      if (data.length > 0) c?.stream.write(data);
      return data.length;
    case IoAnswer.REPORT: return report(core, c);
    default: return undefined;
  }
}

/** Room a send could take now without waiting (below the send limit), or -1 when a send would
 *  fail or wait for something other than room (not connected, a failure, shut down). */
export function sendRoom(core: Core, s: Socket): number {
  const c = s.conn;
  const r = core.streamSend(s.abi, s.word, connectionHave(c) | IoHave.ROOM | IoHave.NONBLOCK);
  // (A connected stream always has its connection: the core takes a send only when connected.)
  return r === IoAnswer.TAKE && c !== undefined ? Math.max(0, c.txLimit - c.stream.bufferedAmount) : -1;
}

/** Up to `max` bytes (empty = orderly EOF), or -errno: tried at once, so a recv of data already
 *  there makes no closure and no promise. */
export function recv(core: Core, s: Socket, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
  const now = recvNow(core, s, max, peek, waitall, nonblock, false);
  return now !== undefined ? now : recvWait(core, s, max, peek, waitall, nonblock);
}

function recvWait(core: Core, s: Socket, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
  return block(s, () => recvNow(core, s, max, peek, waitall, nonblock, true));
}

/** recv_from on a stream: its bytes as a datagram from the peer, as Linux answers recvfrom(2). */
export function recvFrom(core: Core, s: Socket, max: number, peek: boolean, nonblock: boolean): Sync<Datagram | number> {
  return after(recv(core, s, max, peek, false, nonblock), (r) =>
    typeof r === "number" ? r : { data: r, from: s.remote ?? { host: "0.0.0.0", port: 0, family: 4 }, truncated: false });
}

/** Bytes accepted for sending, or -errno; tried at once as recv is. */
export function send(core: Core, s: Socket, data: Uint8Array, nonblock: boolean): Sync<number> {
  const now = sendNow(core, s, data, nonblock, false);
  return now !== undefined ? now : sendWait(core, s, data, nonblock);
}

function sendWait(core: Core, s: Socket, data: Uint8Array, nonblock: boolean): Sync<number> {
  return block(s, () => sendNow(core, s, data, nonblock, true));
}

/** `op` is TcpOp.SHUT_RD/SHUT_WR/SHUT_RDWR: the core's step, then its connection's part (a FIN
 *  sent, the bytes buffered dropped). 0 or -errno. */
export function shutdown(t: SocketTable, s: Socket, op: number): number {
  const before = s.word;
  const e = t.step(s, op);
  if (e !== 0) return -e;
  if (s.word & Word.SHUT_WR && !(before & Word.SHUT_WR)) s.conn?.stream.end();
  if (s.word & Word.SHUT_RD && !(before & Word.SHUT_RD)) s.conn?.discard();
  s.notify();
  return 0;
}

/**
 * wasi:sockets 0.3's send/receive streams (`op` StreamOp): the core's tcp_stream answers from the
 * word and the streams byte; when the send stream's end sets FIN, sending is shut down.
 */
export function stream(t: SocketTable, s: Socket, op: number): number {
  const r = t.core.tcpStream(s.abi, s.word, s.streams, op);
  if (stepErrno(r) !== 0) return -stepErrno(r);
  const before = s.streams;
  s.streams = stepWord(r);
  return s.streams & StreamBit.FIN && !(before & StreamBit.FIN) ? shutdown(t, s, TcpOp.SHUT_WR) : 0;
}

/**
 * Bytes a guest on another thread takes ahead of its recv()s (the worker bridge's read-ahead):
 * taken as a recv takes them, up to `max`; undefined unless `s` is a connected stream with bytes
 * waiting.
 */
export function takeAhead(t: SocketTable, s: Socket, max: number): Uint8Array | undefined {
  const c = s.conn;
  if (c === undefined || s.state !== TcpState.CONNECTED || c.rxBytes === 0) return undefined;
  if (t.step(s, TcpOp.RECV) !== 0) return undefined;
  return c.take(max, false);
}
