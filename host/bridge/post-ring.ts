/**
 * The worker bridge's posted sends: a single-producer (guest thread), single-consumer (host
 * thread) ring in the channel's SharedArrayBuffer. A TCP send that fits the room the host last
 * reported for its socket is appended here and the guest goes on at once, as a send() returns
 * once the kernel has the bytes; without it every send was a round trip to the host thread.
 *
 * A close is posted the same way (it cannot fail: the guest's fd table already knows the socket),
 * so it follows the socket's last sends and the guest goes on without a round trip.
 *
 * Records: i32 handle, i32 length, the bytes, padded to 4; a close is a length of CLOSED (or
 * CLOSED_UNREAD: bytes read ahead were still unread, read-ahead.ts) and no bytes. A record that
 * does not fit before the end starts again at 0, after a -1 handle (or, with under 8 bytes left,
 * nothing) at the end.
 */
import { ring, Slot, type Channel } from "./channel.js";
import type { Sync } from "../util/sync.js";
import { owned } from "./wire.js";
import type { Outgoing } from "../sockets/send-path.js";

/** The largest send that is posted; larger ones are a request of their own. */
export const MAX_POST = 64 * 1024;
const RECORD = 8;

const CLOSED = -2;
const CLOSED_UNREAD = -3;

const recordSize = (len: number): number => RECORD + (len > 0 ? (len + 3) & ~3 : 0);

/** The guest's end: appends records and rings the host if it sleeps. */
export class RingWriter {
  private tail = 0;
  /** The tail once the record being written is published. */
  private next = 0;

  constructor(private readonly ch: Channel) {}

  /** Append a send of `data` on handle `h`; false if the ring has no room for it now. */
  post(h: number, data: Uint8Array): boolean {
    const at = this.reserve(h, data.length);
    if (at < 0) return false;
    this.ch.ring.set(data, at);
    this.publish();
    return true;
  }

  /**
   * Append a send on handle `h` of bytes [from, from + len) of `src`, gathered straight into the
   * record (sockets/send-path.ts): the guest's only copy of them. False if the ring has no room now.
   */
  postGathered(h: number, src: Outgoing, from: number, len: number): boolean {
    const at = this.reserve(h, len);
    if (at < 0) return false;
    src.copyTo(this.ch.ring.subarray(at, at + len), from);
    this.publish();
    return true;
  }

  /** Append the close of handle `h`; false if the ring has no room for it now. */
  postClose(h: number, unread: boolean): boolean {
    if (this.reserve(h, unread ? CLOSED_UNREAD : CLOSED) < 0) return false;
    this.publish();
    return true;
  }

  /** Write a record's header; where its bytes go, or -1 if the ring has no room for it now. The
   *  host sees nothing of it before publish(). */
  private reserve(h: number, len: number): number {
    const size = recordSize(len), ringBytes = this.ch.ring.length;
    const i = this.ch.i32, view = this.ch.ringView;
    let t = this.tail;
    const toEnd = ringBytes - t;
    const used = (t - Atomics.load(i, Slot.HEAD) + ringBytes) % ringBytes;
    // Never fill it completely: tail == head means empty.
    if (used + size + (toEnd < size ? toEnd : 0) >= ringBytes) return -1;
    if (toEnd < size) {
      if (toEnd >= RECORD) view.setInt32(t, -1, true);
      t = 0;
    }
    view.setInt32(t, h, true);
    view.setInt32(t + 4, len, true);
    this.next = t + size === ringBytes ? 0 : t + size;
    return t + RECORD;
  }

  /** Hand the reserved record to the host. */
  private publish(): void {
    const i = this.ch.i32;
    this.tail = this.next;
    Atomics.store(i, Slot.TAIL, this.tail);
    if (Atomics.exchange(i, Slot.WAITING, 0) === 1) ring(i);
  }
}

/** What the host does with each record. */
export interface Posted {
  send(h: number, data: Uint8Array): Sync<void>;
  close(h: number, unread: boolean): void;
}

/**
 * The host's end: hand every record posted so far to `to`, in order (waiting for any send that
 * returns a promise before the next).
 */
export function takePosted(ch: Channel, to: Posted): Sync<void> {
  const { i32: i, ring, ringView: view } = ch, ringBytes = ring.length;
  for (;;) {
    let head = Atomics.load(i, Slot.HEAD);
    if (head === Atomics.load(i, Slot.TAIL)) return;
    if (ringBytes - head < RECORD || view.getInt32(head, true) === -1) head = 0;
    const h = view.getInt32(head, true), len = view.getInt32(head + 4, true);
    // The kernel keeps a send's bytes, and the record's room is the guest's again once HEAD moves on.
    const data = len > 0 ? owned(ring, head + RECORD, len) : undefined;
    head += recordSize(len);
    Atomics.store(i, Slot.HEAD, head === ringBytes ? 0 : head);
    if (data === undefined) {
      to.close(h, len === CLOSED_UNREAD);
      continue;
    }
    const r = to.send(h, data);
    if (r instanceof Promise) return r.then(() => takePosted(ch, to));
  }
}
