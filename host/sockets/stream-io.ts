/**
 * What a stream recv or send answers now, from its socket's state alone: the bytes, the count
 * taken, an errno (negative), or undefined when the call must wait for a change (LocalKernel
 * retries it on every one). Tried before anything is allocated, so a call that can complete at
 * once makes neither a closure nor a promise.
 */
import type { Core } from "../core/core.js";
import { Errno, TcpState, Word } from "../core/enums.js";
import type { TcpSocket } from "./tcp-socket.js";

const EMPTY = new Uint8Array(0);

/** A stream recv's answer now, or undefined to wait. */
export function recvNow(core: Core, s: TcpSocket, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Uint8Array | number | undefined {
  if (s.state === TcpState.CLOSED) return -Errno.BADF;
  if (s.state === TcpState.CONNECTING) return nonblock ? -Errno.AGAIN : undefined;
  if (s.state !== TcpState.CONNECTED) return -Errno.NOTCONN; // a connect that failed meanwhile
  const ended = s.eof || s.error !== undefined || (s.word & Word.SHUT_RD) !== 0;
  if (s.rxBytes > 0 && (!waitall || nonblock || ended || s.rxBytes >= max || peek)) return s.take(max, peek);
  if (s.rxBytes > 0) return undefined; // WAITALL: wait for the rest
  if (s.error !== undefined && !s.errorReported) {
    s.errorReported = true;
    return -core.errnoFromCode(s.error);
  }
  if (ended || max === 0) return EMPTY;
  return nonblock ? -Errno.AGAIN : undefined;
}

/** A stream send's answer now, or undefined to wait for room (or for a connect to finish). */
export function sendNow(s: TcpSocket, data: Uint8Array, nonblock: boolean): number | undefined {
  if (s.state === TcpState.CLOSED) return -Errno.BADF;
  if (s.state === TcpState.CONNECTING) return nonblock ? -Errno.AGAIN : undefined;
  if (s.state !== TcpState.CONNECTED) return -Errno.PIPE; // a connect that failed meanwhile
  if (s.error !== undefined) {
    // Linux reports a reset once as ECONNRESET, then EPIPE.
    if (!s.errorReported && s.error === "ECONNRESET") {
      s.errorReported = true;
      return -Errno.CONNRESET;
    }
    return -Errno.PIPE;
  }
  if (s.word & Word.SHUT_WR) return -Errno.PIPE;
  if (s.writable()) {
    if (data.length > 0) s.stream!.write(data);
    return data.length;
  }
  return nonblock ? -Errno.AGAIN : undefined;
}
