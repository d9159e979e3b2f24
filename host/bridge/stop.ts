/**
 * How a guest on this thread (JSPI) is ended when its runtime stops. Stopping closes the guest's
 * sockets, which answers most waits at once (EBADF, a hangup): those answers win, so a guest that
 * exits on them ends with its own exit code. A wait still pending a moment later (a sleep, a poll
 * that waits on again) is cut short by GuestStopped, and so is any wait begun after the stop,
 * and — once a short grace is over — any call at all, so a guest looping on its errors ends too.
 * (The worker bridge terminates its thread instead: bridge/worker-host.ts.)
 */
import type { Kernel } from "../sockets/api.js";
import { GuestStopped } from "../wasi/context.js";

/** How long a stopped guest may go on calling without waiting — it may be exiting. */
export const STOP_GRACE_MS = 100;

type Fn = (...a: never[]) => unknown;

export class StopGate {
  private stoppedAt = 0;

  private constructor(private readonly onStop: (fn: () => void) => () => void) {
    onStop(() => void (this.stoppedAt = performance.now()));
  }

  /** A gate for a kernel that can be stopped under its guest; undefined for one that cannot. */
  static of(kernel: Kernel): StopGate | undefined {
    return kernel.onStop ? new StopGate(kernel.onStop.bind(kernel)) : undefined;
  }

  private get over(): boolean {
    return this.stoppedAt !== 0 && performance.now() - this.stoppedAt >= STOP_GRACE_MS;
  }

  /** `fn` (a call that may wait) made to end when the runtime stops. */
  wrap<F extends Fn>(fn: F): F {
    return ((...args: never[]) => this.pass(fn(...args))) as F;
  }

  /** The answer of a call that may wait, passed through the gate. */
  pass<T>(r: T): T {
    if (!(r instanceof Promise)) {
      if (this.over) throw new GuestStopped();
      return r;
    }
    if (this.stoppedAt !== 0) throw new GuestStopped();
    return new Promise((resolve, reject) => {
      // Registered for this wait only, and taken back when it ends: nothing accumulates.
      const forget = this.onStop(() => void setTimeout(() => reject(new GuestStopped()), 0));
      r.then(
        (v: unknown) => (forget(), resolve(v)),
        (e: unknown) => (forget(), reject(e)),
      );
    }) as T;
  }
}
