import { BLOCKING_IMPORTS, preview1 } from "./preview1.js";
import { wasix, WASIX_BLOCKING_IMPORTS } from "../abi/wasix.js";
import { GuestStopped, type GuestContext } from "./context.js";

type Module = Record<string, (...a: never[]) => unknown>;

/**
 * Every import module wasock offers a guest, by module name, with the names of the imports
 * that may wait (the JSPI bridge makes those suspending). One place to add an ABI.
 */
export function guestImports(ctx: GuestContext): { modules: Record<string, Module>; blocking: Record<string, readonly string[]> } {
  const base = preview1(ctx);
  const modules: Record<string, Module> = { wasi_snapshot_preview1: base, wasix_32v1: wasix(ctx, base) };
  const blocking = { wasi_snapshot_preview1: BLOCKING_IMPORTS, wasix_32v1: WASIX_BLOCKING_IMPORTS };
  const kernel = ctx.kernel;
  if (kernel.onStop) {
    const onStop = kernel.onStop.bind(kernel);
    let stoppedAt = 0;
    onStop(() => void (stoppedAt = performance.now()));
    const state = (): Stopped => (stoppedAt === 0 ? Stopped.NO : performance.now() - stoppedAt < STOP_GRACE_MS ? Stopped.GRACE : Stopped.OVER);
    for (const [name, names] of Object.entries(blocking)) {
      const m = (modules[name] = { ...modules[name]! });
      for (const b of names) if (m[b]) m[b] = stoppable(m[b], onStop, state);
    }
  }
  return { modules, blocking };
}

/** How long a stopped guest may go on calling without waiting — it may be exiting. */
const STOP_GRACE_MS = 100;

const enum Stopped {
  NO,
  /** Stopped just now: calls that answer at once still do. */
  GRACE,
  /** Stopped a while ago: every call unwinds (a guest looping on EBADF is ended too). */
  OVER,
}

/**
 * A call that may wait, made to end when the runtime stops. Stopping closes the guest's sockets,
 * which answers most waits at once (EBADF, a hangup): those answers win, so a guest that exits
 * on them ends with its own exit code. A wait still pending a moment later (a sleep, a poll that
 * waits on again) is cut short by GuestStopped, and so is any wait begun after the stop, and —
 * once the grace is over — any call at all, so a guest that loops on its EBADFs ends too.
 */
function stoppable(
  fn: (...a: never[]) => unknown,
  onStop: (fn: () => void) => () => void,
  stopped: () => Stopped,
): (...a: never[]) => unknown {
  return (...args: never[]) => {
    const r = fn(...args);
    if (!(r instanceof Promise)) {
      if (stopped() === Stopped.OVER) throw new GuestStopped();
      return r;
    }
    if (stopped() !== Stopped.NO) throw new GuestStopped();
    return new Promise((resolve, reject) => {
      // Registered for this wait only, and taken back when it ends: nothing accumulates.
      const forget = onStop(() => void setTimeout(() => reject(new GuestStopped()), 0));
      r.then(
        (v) => (forget(), resolve(v)),
        (e: unknown) => (forget(), reject(e)),
      );
    });
  };
}
