/**
 * A stream recv or send, and an accept, as the core answers them: the host says what it holds
 * (IoHave: bytes buffered, a failure not yet reported, room to write, a queued connection; the
 * peer's FIN is in the socket's word) and does what the core says (take, wait, end-of-stream, report the failure, or the
 * errno). The answer is the bytes, the count taken, an errno (negative), or undefined when the call
 * must wait for a change (LocalKernel retries it on every one, `woken`). Nothing is allocated on
 * the way, so a call that can complete at once makes neither a closure nor a promise.
 */
import type { Core } from "../core/core.js";
import { IoAnswer, IoHave } from "../core/enums.js";
import type { Connection } from "./connection.js";
import type { Socket } from "./socket.js";

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

/** Whether an accept on listener `l` takes a connection now (1), must wait (undefined), or -errno. */
export function acceptNow(core: Core, l: Socket, nonblock: boolean, woken: boolean): number | undefined {
  let have = (l.listening?.queue.length ?? 0) > 0 ? IoHave.DATA : 0;
  if (nonblock) have |= IoHave.NONBLOCK;
  if (woken) have |= IoHave.WOKEN;
  const r = core.listenerAccept(l.abi, l.word, have);
  if (r > 0xff) return -(r >>> 8);
  return r === IoAnswer.TAKE ? 1 : undefined;
}
