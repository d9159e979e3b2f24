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
 * A blocking recv's answer carries the rest of what its socket had the same way, so a guest
 * reading 16 KiB at a time from 64 KiB arrivals pays one round trip for four reads.
 *
 * Records after the poll's [index, bits, nbytes] triples (or the recv's bytes, from the next
 * multiple of 4) in the data area: i32 index (into the poll's handles; 0 after a recv), i32
 * length, the bytes, padded to 4. Their count is the answer's A2.
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
  let at = ready.length * 4;
  let records = 0;
  for (let r = 0; r < ready.length; r += 3) {
    if ((ready[r + 1]! & (PollBits.READ | PollBits.INVALID)) !== PollBits.READ) continue;
    const next = appendAhead(ch, k, at, ready[r]!, handles[ready[r]!]!);
    if (next < 0) break;
    if (next === at) continue;
    at = next;
    records++;
  }
  return records;
}

/**
 * The host's end after a recv that left `at` bytes of answer: what else `h` has, as one record
 * (index 0); returns how many records (0 or 1). A blocking reader with a small buffer (16 KiB
 * against node's 64 KiB reads) then pays one round trip for several reads.
 */
export function writeAheadAfterRecv(ch: Channel, k: LocalKernel, at: number, h: number): number {
  const start = (at + 3) & ~3;
  return appendAhead(ch, k, start, 0, h) > start ? 1 : 0;
}

/** Append `h`'s waiting bytes at `at` as a record for `index`: the next offset (`at` if it had
 *  none), or -1 when there is no room left at all. */
function appendAhead(ch: Channel, k: LocalKernel, at: number, index: number, h: number): number {
  const room = Math.min(PER_SOCKET, DATA_BYTES - at - RECORD, AHEAD_MAX - Atomics.load(ch.i32, Slot.AHEAD));
  if (room <= 0) return -1;
  const data = k.takeAhead(h, room);
  if (data === undefined) return at;
  ch.dataView.setInt32(at, index, true);
  ch.dataView.setInt32(at + 4, data.length, true);
  ch.data.set(data, at + RECORD);
  Atomics.add(ch.i32, Slot.AHEAD, data.length);
  return at + RECORD + ((data.length + 3) & ~3);
}

/** The guest's end: the bytes read ahead, by socket handle. */
export class ReadAhead {
  private readonly held = new Map<number, { data: Uint8Array; at: number }>();

  constructor(private readonly ch: Channel) {}

  /** Take an answer's `records` (their indices into `handles`), written from byte `at` on. */
  fill(handles: ArrayLike<number>, at: number, records: number): void {
    at = (at + 3) & ~3;
    for (let n = 0; n < records; n++) {
      const h = handles[this.ch.dataView.getInt32(at, true)]!;
      const len = this.ch.dataView.getInt32(at + 4, true);
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
