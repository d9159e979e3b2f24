/**
 * Turns: a guest running on the host's thread (the JSPI bridge) gives the event loop a turn at
 * least every SLICE_MS, whatever it does. A call that can be answered at once never suspends, so
 * a guest that only makes such calls — `poll(fds, n, 0)` in a loop, a non-blocking accept retried
 * on EAGAIN, EMFILE retried — or calls nothing at all would otherwise hold the thread for good: no
 * byte or connection would arrive (not even its own client's), no signal handler, timer or
 * `stop()` would run. With turns it spins as it would on Linux, but it is served.
 *
 * Three places give the turn, and all ask `due()` (a component's wasi:io/poll is the third):
 *  - a call that may wait (the `Suspending` imports): when the slice is over it answers after a
 *    turn, with what the turn brought (`fair`); it looks at the clock once every CHECK_EVERY calls;
 *  - a yield point the module was given at every loop top and tail call (wasm/preempt.ts), reached
 *    once every FUEL iterations, for guests that compute or call only imports that never wait.
 * A slice is counted from the first look after a turn: a marker set with the first look fires on
 * the next turn, so a guest parked in a real wait starts afresh, and no timer runs while idle.
 * One Turns serves every guest on the thread (`--instances` share it): it is the thread's time.
 */

import { soon } from "./timer.js";

/** The longest a guest on the host's thread holds it before the event loop runs (ms). */
export const SLICE_MS = 1;

/** Calls between looks at the clock (a power of two, less one: a mask). */
const CHECK_EVERY = 63;

/** Loop iterations between yield points' looks at the clock (the fuel a yield point refills). */
export const FUEL = 10_000;

type Eight = (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown) => unknown;

/** A promise of the event loop's next turn (after its I/O pass). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => soon(resolve));

export class Turns {
  /** The thread's one instance. */
  static readonly thread = new Turns();

  private calls = 0;
  /** When the current slice began (performance.now()); meaningful while `marked`. */
  private since = 0;
  /** A marker is set to fire on the next turn, which ends the slice. */
  private marked = false;
  private readonly turned = (): void => void (this.marked = false);

  private constructor() {}

  /** Whether the slice is over: the thread has run guests for SLICE_MS with no turn. */
  due(): boolean {
    const now = performance.now();
    if (this.marked) return now - this.since > SLICE_MS;
    this.marked = true;
    this.since = now;
    soon(this.turned);
    return false;
  }

  /** A promise of the next turn when the slice is over, else undefined (a yield point's answer). */
  yieldPoint(): Promise<void> | undefined {
    return this.due() ? nextTurn() : undefined;
  }

  /**
   * `fn` (a call that may wait) made fair: once the slice is over, it is answered after a turn,
   * with what the turn brought. Parameters are passed by name, as forward() does (no rest array),
   * but to a function declaring none or more than eight: those count their arguments (the
   * WasmEdge calls whose arity picks their form).
   */
  fair<F extends (...a: never[]) => unknown>(fn: F): F {
    if (fn.length === 0 || fn.length > 8) {
      return ((...args: never[]) => {
        if ((++this.calls & CHECK_EVERY) === 0 && this.due()) return nextTurn().then(() => fn(...args));
        return fn(...args);
      }) as F;
    }
    const f = fn as unknown as Eight;
    return ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown, h: unknown, i: unknown) => {
      if ((++this.calls & CHECK_EVERY) === 0 && this.due()) return nextTurn().then(() => f(a, b, c, d, e, g, h, i));
      return f(a, b, c, d, e, g, h, i);
    }) as unknown as F;
  }
}
