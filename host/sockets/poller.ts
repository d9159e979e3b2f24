import type { Sync } from "../util/sync.js";
import { PollBits } from "./api.js";
import type { Socket } from "./socket.js";
import { settled } from "./start-finish.js";
import { soon, timeout } from "../util/timer.js";

/**
 * poll_oneoff's waiting: which of a set of sockets is ready, now or once something changes.
 * Waiting pollers are re-checked once per event-loop turn, so every socket that became ready in
 * one I/O pass is reported in one wake, far fewer wakes than one per event (for a worker guest:
 * one read-ahead and one round trip per wake, bridge/read-ahead.ts).
 */
export class Poller {
  private readonly waiting = new Set<() => void>();
  private scheduled = false;

  constructor(private readonly get: (handle: number) => Socket | undefined) {}

  /** Every socket calls this on any change. */
  readonly onActivity = (): void => {
    if (this.waiting.size === 0 || this.scheduled) return;
    this.scheduled = true;
    soon(() => {
      this.scheduled = false;
      for (const p of [...this.waiting]) p();
    });
  };

  /** Ready entries as [index, PollBits, nbytes]…, waiting up to `timeoutMs` (-1: forever) for one. */
  poll(handles: ArrayLike<number>, interests: ArrayLike<number>, timeoutMs: number): Sync<number[]> {
    const check = (): number[] => {
      const out: number[] = [];
      for (let i = 0; i < handles.length; i++) {
        const s = this.get(handles[i]!);
        if (!s) {
          out.push(i, PollBits.INVALID, 0);
          continue;
        }
        const want = interests[i]!;
        let bits = 0;
        if (want & PollBits.READ && s.readable()) bits |= PollBits.READ;
        if (want & PollBits.WRITE && s.writable()) bits |= PollBits.WRITE;
        if (want & PollBits.SETTLED && settled(s)) bits |= PollBits.SETTLED;
        if (bits !== 0) {
          if (s.hangup()) bits |= PollBits.HANGUP;
          const nbytes = s.listening ? s.listening.queue.length : bits & PollBits.READ ? s.conn?.rxBytes ?? 0 : Math.max(0, 65536 - (s.conn?.stream.bufferedAmount ?? 0));
          out.push(i, bits, nbytes);
        }
      }
      return out;
    };
    const now = check();
    if (now.length > 0 || timeoutMs === 0) return now;
    return new Promise((resolve) => {
      let cancel: (() => void) | undefined;
      const finish = (r: number[]): void => {
        this.waiting.delete(wake);
        cancel?.();
        resolve(r);
      };
      const wake = (): void => {
        const r = check();
        if (r.length > 0) finish(r);
      };
      this.waiting.add(wake);
      if (timeoutMs > 0) cancel = timeout(() => finish([]), timeoutMs);
    });
  }
}
