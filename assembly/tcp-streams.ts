// wasi:sockets 0.3's two byte streams of a connection: `send` takes a stream the guest writes and
// `receive` gives one the guest reads, each once per socket and only while connected, and the end
// of the send stream is the connection's FIN. The state word (tcp.ts) has no room left for two more
// bits, and nothing else in the state machine depends on them, so the host keeps them beside the
// word, a byte of its own ("streams"), and asks here for each change.

import { Abi } from "./enums";
import { Errno } from "./errno";
import { TcpState } from "./tcp";
import { Word } from "./enums";

/** Bits of a socket's streams byte. */
export const enum Streams {
  /** The send stream was taken. */
  SEND = 0x1,
  /** The receive stream was taken. */
  RECEIVE = 0x2,
  /** The send stream ended: the host shuts down sending (TcpOp.SHUT_WR) when this bit appears. */
  FIN = 0x4,
  ALL = 0x7,
}

/** What happens to the streams. */
export const enum StreamOp {
  /** The guest calls send(data). */
  SEND = 0,
  /** The guest calls receive(). */
  RECEIVE = 1,
  /** The guest ended the stream it gave send (or dropped it). */
  SEND_END = 2,
  COUNT = 3,
}

/**
 * One step of a socket's streams: (errno << 8) | newStreams; on an error the streams are unchanged.
 * P3: SEND and RECEIVE are invalid-state (EBADF) unless the socket is connected (the peer's close
 * and this side's shutdowns do not matter) and that stream was not taken before; SEND_END sets FIN
 * (once; again it is kept). Other ABIs have no such calls: ENOTSUP. An abi, op, word or streams
 * out of range, or SEND_END before SEND (a host bug): EINVAL.
 */
export function tcpStream(abi: i32, word: i32, streams: i32, op: i32): i32 {
  if (<u32>abi >= <u32>Abi.COUNT || <u32>op >= <u32>StreamOp.COUNT || <u32>word > <u32>Word.MAX || (word & Word.STATE) >= TcpState.COUNT || <u32>streams > <u32>Streams.ALL) {
    return (Errno.INVAL << 8) | (streams & 0xff);
  }
  if (abi != Abi.P3) return (Errno.NOTSUP << 8) | streams;
  if (op == StreamOp.SEND_END) return (streams & Streams.SEND) != 0 ? streams | Streams.FIN : (Errno.INVAL << 8) | streams;
  const bit = op == StreamOp.SEND ? <i32>Streams.SEND : <i32>Streams.RECEIVE;
  if ((word & Word.STATE) != TcpState.CONNECTED || (streams & bit) != 0) return (Errno.BADF << 8) | streams;
  return streams | bit;
}
