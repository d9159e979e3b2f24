import type { Sync } from "../util/sync.js";
import { PollBits } from "./api.js";
import type { Socket } from "./socket.js";
import type { Waitable } from "./readiness.js";
import { settled } from "./start-finish.js";
import { soon, timeout } from "../util/timer.js";

/** Changed sockets remembered between wakes; past this many a wake checks every polled socket. */
const DIRTY_MAX = 32;
/** Polls of at least this many sockets keep the sockets they found for the next call. */
const CACHE_FROM = 64;

/** Where `v` is in `list` from `from` on, or -1 (a typed array's or an array's own indexOf: a native scan). */
function indexIn(list: ArrayLike<number>, v: number, from: number): number {
  const own = (list as { indexOf?: (v: number, from: number) => number }).indexOf;
  if (own !== undefined) return own.call(list, v, from);
  for (let i = from; i < list.length; i++) if (list[i] === v) return i;
  return -1;
}

/**
 * poll_oneoff's waiting: which of a set of sockets is ready, now or once something changes.
 * Waiting pollers are re-checked once per event-loop turn, so every socket that became ready in
 * one I/O pass is reported in one wake, far fewer wakes than one per event (for a worker guest:
 * one read-ahead and one round trip per wake, bridge/read-ahead.ts).
 *
 * A guest polling many idle connections pays for each one on every call, so the per-socket
 * work is kept to a few loads: the sockets found for the last call's handles are kept and reused
 * where the handles are the same (most of a poll loop's set, call after call), and a wake looks
 * only at the sockets that changed since the poll began waiting (up to DIRTY_MAX of them; more,
 * and it checks them all).
 */
export class Poller {
  private readonly waiting = new Set<(dirty: Socket[] | undefined) => void>();
  private scheduled = false;
  /** The sockets of the last large poll's handles, by position (a socket closed since has handle -1). */
  private known: (Socket | undefined)[] = [];
  /** Sockets that changed while polls waited (until the wake that looks at them). */
  private dirty: Socket[] = [];
  private overflow = false;

  constructor(private readonly get: (handle: number) => Socket | undefined) {}

  /** Every socket calls this on any change (the kernel's sockets' Waitable.activity). */
  readonly onActivity = (s: Waitable): void => {
    if (this.waiting.size === 0) return;
    if (!this.overflow) {
      if (this.dirty.length < DIRTY_MAX) this.dirty.push(s as Socket);
      else this.overflow = true;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    soon(this.wakeAll);
  };

  private readonly wakeAll = (): void => {
    this.scheduled = false;
    const dirty = this.overflow ? undefined : this.dirty;
    this.dirty = [];
    this.overflow = false;
    for (const p of [...this.waiting]) p(dirty);
  };

  /** The socket of `handles[i]`: the last large call's at that place when it is still that handle's. */
  private socketAt(handles: ArrayLike<number>, i: number): Socket | undefined {
    const h = handles[i]!;
    const k = this.known[i];
    if (k !== undefined && k.handle === h) return k;
    const s = this.get(h);
    this.known[i] = s;
    return s;
  }

  /** Entry `i`'s readiness into `out` ([index, PollBits, nbytes]), if it is ready (or gone). */
  private checkOne(s: Socket | undefined, want: number, i: number, out: number[]): void {
    if (!s) {
      out.push(i, PollBits.INVALID, 0);
      return;
    }
    let bits = 0;
    if (want & PollBits.READ && s.readable()) bits |= PollBits.READ;
    if (want & PollBits.WRITE && s.writable()) bits |= PollBits.WRITE;
    if (want & PollBits.SETTLED && settled(s)) bits |= PollBits.SETTLED;
    if (bits === 0) return;
    if (s.hangup()) bits |= PollBits.HANGUP;
    const nbytes = s.listening ? s.listening.queue.length : bits & PollBits.READ ? s.conn?.rxBytes ?? 0 : Math.max(0, 65536 - (s.conn?.stream.bufferedAmount ?? 0));
    out.push(i, bits, nbytes);
  }

  /** Ready entries as [index, PollBits, nbytes]…, waiting up to `timeoutMs` (-1: forever) for one. */
  poll(handles: ArrayLike<number>, interests: ArrayLike<number>, timeoutMs: number): Sync<number[]> {
    const out: number[] = [];
    if (handles.length >= CACHE_FROM) {
      if (this.known.length > handles.length) this.known.length = handles.length; // hold no more than is polled
      for (let i = 0; i < handles.length; i++) this.checkOne(this.socketAt(handles, i), interests[i]!, i, out);
    } else {
      for (let i = 0; i < handles.length; i++) this.checkOne(this.get(handles[i]!), interests[i]!, i, out);
    }
    if (out.length > 0 || timeoutMs === 0) return out;
    // Waiting: the caller's lists stay as they are until it is answered (its guest waits for it).
    return new Promise((resolve) => {
      let cancel: (() => void) | undefined;
      const finish = (r: number[]): void => {
        this.waiting.delete(wake);
        cancel?.();
        resolve(r);
      };
      const wake = (dirty: Socket[] | undefined): void => {
        const r: number[] = [];
        // A socket closed meanwhile has no handle left to find it by: then every one is checked.
        if (dirty === undefined || dirty.some((d) => d.handle < 0)) {
          for (let i = 0; i < handles.length; i++) this.checkOne(this.get(handles[i]!), interests[i]!, i, r);
        } else {
          const at: number[] = [];
          for (const d of dirty) for (let i = indexIn(handles, d.handle, 0); i >= 0; i = indexIn(handles, d.handle, i + 1)) at.push(i);
          at.sort((x, y) => x - y);
          for (let k = 0; k < at.length; k++) if (k === 0 || at[k] !== at[k - 1]) this.checkOne(this.get(handles[at[k]!]!), interests[at[k]!]!, at[k]!, r);
        }
        if (r.length > 0) finish(r);
      };
      this.waiting.add(wake);
      if (timeoutMs > 0) cancel = timeout(() => finish([]), timeoutMs);
    });
  }
}
