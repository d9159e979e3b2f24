/**
 * The worker bridge's wire: one SharedArrayBuffer per guest thread. The guest (worker) writes a
 * request and blocks in Atomics.wait; the host (main thread) serves it with Atomics.waitAsync, so
 * its event loop never stops, and notifies the answer.
 *
 * Beside the request slot, a ring of posted sends: a TCP send the host has said there is room for
 * (its SEND answer carries the room) is appended here and the guest goes on without waiting for
 * an answer. The host takes the ring, in order, before every request it serves and whenever the
 * guest rings (see post-ring.ts), so a posted send is never overtaken by a later call.
 *
 * What a request and its answer hold is declared once, in ops.ts (the ops) and wire.ts (where each
 * field lies); protocol.ts makes both ends from that.
 */

export const State = { IDLE: 0, REQUEST: 1, RESPONSE: 2, CLOSED: 3 } as const;

/**
 * Int32 slots of the header. EVENTS: what the host sleeps on, bumped (and notified) by the guest
 * with each request, and after a post while WAITING is 1 (the host is about to sleep or sleeps).
 * The ring's: TAIL (guest-written) and HEAD (host-written) byte offsets into it. REVOKED, bumped
 * by the host when a posted send failed: the guest then drops every credit it holds, and its
 * next call on the socket reports the error. AHEAD: bytes read ahead that the guest holds
 * (read-ahead.ts). STOPPED: set by the host when a stopped guest's grace is over; the guest's
 * yield points unwind it then, even in a loop that never calls (yield-points.ts).
 */
export const Slot = {
  STATE: 0, OP: 1, A0: 2, A1: 3, A2: 4, A3: 5, A4: 6, RESULT: 8, LEN: 9, TAIL: 10, HEAD: 11, WAITING: 12, REVOKED: 13,
  EVENTS: 14, AHEAD: 15, STOPPED: 16,
} as const;

/** Wake the host: a request, a post it may be sleeping through, or the channel's close. */
export function ring(i32: Int32Array): void {
  Atomics.add(i32, Slot.EVENTS, 1);
  Atomics.notify(i32, Slot.EVENTS);
}

export const HEADER_BYTES = 128;
/** Room kept at the end of the data area for an address's text (SEND_TO, RECV_FROM). */
export const HOST_BYTES = 64;
/** Largest payload of one call; bigger sends are split, bigger receives are capped. */
export const DATA_BYTES = 1 << 20;
/** The posted-send ring. */
export const RING_BYTES = 1 << 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Channel {
  readonly i32: Int32Array;
  readonly data: Uint8Array;
  /** The data area as i32 words (a poll's subscriptions and answers) and as records
   *  (read-ahead.ts): made once, not on every call. */
  readonly words: Int32Array;
  readonly dataView: DataView;
  readonly ring: Uint8Array;
  /** The ring's record headers, read and written through this (post-ring.ts). */
  readonly ringView: DataView;

  constructor(readonly sab: SharedArrayBuffer = new SharedArrayBuffer(HEADER_BYTES + DATA_BYTES + RING_BYTES)) {
    this.i32 = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(sab, HEADER_BYTES, DATA_BYTES);
    this.words = new Int32Array(sab, HEADER_BYTES, DATA_BYTES / 4);
    this.dataView = new DataView(sab, HEADER_BYTES, DATA_BYTES);
    this.ring = new Uint8Array(sab, HEADER_BYTES + DATA_BYTES, RING_BYTES);
    this.ringView = new DataView(sab, HEADER_BYTES + DATA_BYTES, RING_BYTES);
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
