/**
 * The worker bridge's wire: one SharedArrayBuffer per guest thread. The guest (worker) writes a
 * request and blocks in Atomics.wait; the host (main thread) serves it with Atomics.waitAsync, so
 * its event loop never stops, and notifies the answer.
 */

export const Op = {
  ACCEPT: 1, RECV: 2, SEND: 3, SHUTDOWN: 4, CLOSE: 5, POLL: 6, WRITE_STDIO: 7, READ_STDIN: 8,
  OPEN: 9, BIND: 10, LISTEN: 11, CONNECT: 12, LOCAL_ADDR: 13, PEER_ADDR: 14, GET_OPTION: 15, SET_OPTION: 16,
  SEND_TO: 17, RECV_FROM: 18, RESOLVE: 19, FINISH: 20, DISCONNECT: 21,
} as const;

export const State = { IDLE: 0, REQUEST: 1, RESPONSE: 2, CLOSED: 3 } as const;

/** Int32 slots of the header. */
export const Slot = { STATE: 0, OP: 1, A0: 2, A1: 3, A2: 4, A3: 5, A4: 6, RESULT: 8, LEN: 9 } as const;

export const HEADER_BYTES = 64;
/** Room kept at the end of the data area for an address's text (SEND_TO, RECV_FROM). */
export const HOST_BYTES = 64;
/** Largest payload of one call; bigger sends are split, bigger receives are capped. */
export const DATA_BYTES = 1 << 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Channel {
  readonly i32: Int32Array;
  readonly data: Uint8Array;

  constructor(readonly sab: SharedArrayBuffer = new SharedArrayBuffer(HEADER_BYTES + DATA_BYTES)) {
    this.i32 = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(sab, HEADER_BYTES);
  }

  /** Put an address's host text in the data area; returns its length. */
  putHost(host: string): number {
    return encoder.encodeInto(host, this.data).written;
  }

  host(len: number, at = 0): string {
    return decoder.decode(this.data.slice(at, at + len));
  }

  /** Host text in the tail of the data area (beside a payload at its start). */
  putTailHost(host: string): number {
    return encoder.encodeInto(host, this.data.subarray(this.data.length - HOST_BYTES)).written;
  }

  tailHost(len: number): string {
    return this.host(len, this.data.length - HOST_BYTES);
  }
}
