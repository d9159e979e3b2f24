/**
 * How a guest on this thread (JSPI) is ended when its runtime stops. Stopping closes the guest's
 * sockets and wakes its sleeps, which answers every wait in progress (EBADF, a hangup, an early
 * wake-up), so a guest that exits on those ends with its own exit code. A wait begun after the
 * stop — a new call, or a poll or sleep waiting on inside one — unwinds the guest (GuestStopped,
 * thrown here or by the kernel: no timers, so no race with the answers),
 * and — once a grace of calls is used up — any call at all, so a guest looping on its errors ends
 * too. The grace is counted in calls, not time: a guest that is exiting makes a handful, one that
 * loops on EBADF makes thousands a millisecond, and a loaded machine changes neither.
 * (The worker bridge terminates its thread instead: bridge/worker-host.ts.)
 */
import type { Kernel } from "../sockets/api.js";
import { GuestStopped } from "../sockets/stopped.js";
import { forward } from "../util/forward.js";

/**
 * How many calls a stopped guest may go on making without waiting — it may be exiting: an exit
 * path that reports its error, closes its fds and flushes takes a handful. A server looping on
 * its accept's EBADF, printing each, is unwound after a few lines of that, not hundreds.
 */
const STOP_GRACE_CALLS = 32;

/** How long after a stop a component still suspended in jco's glue is given up on (p2/run.ts). */
export const STOP_GRACE_MS = 100;

type Fn = (...a: never[]) => unknown;

export class StopGate {
  private stopped = false;
  private callsSinceStop = 0;

  private constructor(onStop: (fn: () => void) => () => void) {
    onStop(() => void (this.stopped = true));
  }

  /** A gate for a kernel that can be stopped under its guest; undefined for one that cannot. */
  static of(kernel: Kernel): StopGate | undefined {
    return kernel.onStop ? new StopGate(kernel.onStop.bind(kernel)) : undefined;
  }

  private get over(): boolean {
    return this.stopped && ++this.callsSinceStop > STOP_GRACE_CALLS;
  }

  /** `fn` (a call that may wait) made to end when the runtime stops. */
  wrap<F extends Fn>(fn: F): F {
    return forward(fn, (r: unknown) => this.pass(r));
  }

  /** The answer of a call that may wait, passed through the gate. */
  pass<T>(r: T): T {
    if (!(r instanceof Promise)) {
      if (this.over) throw new GuestStopped();
      return r;
    }
    if (this.stopped) throw new GuestStopped();
    return r;
  }
}
