/**
 * The worker bridge's read-ahead. When the host answers a poll, it also hands over the bytes
 * already received on each socket the poll found readable (up to PER_SOCKET each, AHEAD_MAX in
 * the guest's hands at once); the guest keeps them and answers its next recv()s on those
 * sockets itself. An event-loop guest then pays one round trip to the host thread per poll,
 * not one per poll plus one per read.
 *
 * The bytes are taken from the socket as a recv would take them (they count as read: the
 * socket's receive queue and the receive budget no longer hold them), so the guest's own
 * store is what bounds them: AHEAD (a channel slot) is the total it holds, added to by the host
 * and taken from by the guest as it reads, drops (shutdown SHUT_RD) or closes. Closing a socket
 * with bytes still unread in the store tells the host so, which resets the connection as Linux
 * does for unread data.
 *
 * Records after the poll's [index, bits, nbytes] triples in the data area: i32 index (into the
 * poll's handles), i32 length, the bytes, padded to 4. Their count is the answer's A2.
 */
import type { LocalKernel } from "../sockets/kernel.js";
import { PollBits } from "../sockets/api.js";
import { DATA_BYTES, Slot, type Channel } from "./channel.js";

/** At most this many bytes of one socket are read ahead by one poll. */
export const PER_SOCKET = 16 * 1024;
/** At most this many bytes are in the guest's store at once. */
export const AHEAD_MAX = 1 << 20;
const RECORD = 8;

/**
 * The host's end: after a poll answered `ready` ([index, bits, nbytes]…, written at the start of
 * the data area) for `handles`, append the read-ahead records; returns how many.
 */
export function writeAhead(ch: Channel, k: LocalKernel, handles: ArrayLike<number>, ready: number[]): number {
  const i32 = ch.i32;
  let at = ready.length * 4;
  let records = 0;
  for (let r = 0; r < ready.length; r += 3) {
    if ((ready[r + 1]! & (PollBits.READ | PollBits.INVALID)) !== PollBits.READ) continue;
    const room = Math.min(PER_SOCKET, DATA_BYTES - at - RECORD, AHEAD_MAX - Atomics.load(i32, Slot.AHEAD));
    if (room <= 0) break;
    const data = k.takeAhead(handles[ready[r]!]!, room);
    if (data === undefined) continue;
    const view = new DataView(ch.sab, ch.data.byteOffset + at, RECORD);
    view.setInt32(0, ready[r]!, true);
    view.setInt32(4, data.length, true);
    ch.data.set(data, at + RECORD);
    at += RECORD + ((data.length + 3) & ~3);
    Atomics.add(i32, Slot.AHEAD, data.length);
    records++;
  }
  return records;
}

/** The guest's end: the bytes read ahead, by socket handle. */
export class ReadAhead {
  private readonly held = new Map<number, { data: Uint8Array; at: number }>();

  constructor(private readonly ch: Channel) {}

  /** Take a poll answer's `records` for `handles`, written after its `triples` numbers. */
  fill(handles: ArrayLike<number>, triples: number, records: number): void {
    let at = triples * 4;
    for (let n = 0; n < records; n++) {
      const view = new DataView(this.ch.sab, this.ch.data.byteOffset + at, RECORD);
      const h = handles[view.getInt32(0, true)]!;
      const len = view.getInt32(4, true);
      const data = this.ch.data.slice(at + RECORD, at + RECORD + len);
      at += RECORD + ((len + 3) & ~3);
      const old = this.held.get(h);
      if (old === undefined) this.held.set(h, { data, at: 0 });
      else {
        // Only a socket with nothing held is read ahead, but keep order whatever happens.
        const joined = new Uint8Array(old.data.length - old.at + len);
        joined.set(old.data.subarray(old.at));
        joined.set(data, old.data.length - old.at);
        this.held.set(h, { data: joined, at: 0 });
      }
    }
  }

  /** Bytes held for `h`. */
  size(h: number): number {
    const e = this.held.get(h);
    return e === undefined ? 0 : e.data.length - e.at;
  }

  /** Up to `max` held bytes of `h` (kept with `peek`), or undefined when none are held. */
  take(h: number, max: number, peek: boolean): Uint8Array | undefined {
    const e = this.held.get(h);
    if (e === undefined) return undefined;
    const n = Math.min(max, e.data.length - e.at);
    const out = e.data.subarray(e.at, e.at + n);
    if (!peek) this.consume(h, e, n);
    return out;
  }

  /** Forget what is held for `h` (a close, or shutdown SHUT_RD); true if anything was. */
  drop(h: number): boolean {
    const e = this.held.get(h);
    if (e === undefined) return false;
    this.consume(h, e, e.data.length - e.at);
    return true;
  }

  private consume(h: number, e: { data: Uint8Array; at: number }, n: number): void {
    e.at += n;
    if (e.at === e.data.length) this.held.delete(h);
    Atomics.sub(this.ch.i32, Slot.AHEAD, n);
  }
}
