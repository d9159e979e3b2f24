import type { Sync } from "../util/sync.js";

/** Something a blocked call can wait on: every state change calls `notify()`, waiters re-check. */
export class Waitable {
  /** The waiter, while there is one (the usual case: one blocked call on a socket), and the
   *  rest, made only when a second waits at once: a blocking guest's every wait and wake then
   *  allocate nothing here. */
  private first: (() => void) | undefined;
  private more: Set<() => void> | undefined;
  /** Also told of every change (the kernel's poll wakes on any socket through this one hook). */
  activity: ((w: Waitable) => void) | undefined;

  on(fn: () => void): void {
    if (this.first === undefined) this.first = fn;
    else (this.more ??= new Set()).add(fn);
  }

  off(fn: () => void): void {
    if (this.first === fn) this.first = undefined;
    else this.more?.delete(fn);
  }

  notify(): void {
    this.activity?.(this);
    const first = this.first;
    if (this.more === undefined || this.more.size === 0) {
      first?.();
      return;
    }
    const all = [...this.more];
    first?.();
    for (const fn of all) fn();
  }
}

/**
 * Run `attempt` now; if it cannot complete (`undefined`), retry on every notification of `on`
 * until it can. A call that can complete now returns synchronously and never allocates a promise.
 */
export function block<T>(on: Waitable, attempt: () => T | undefined): Sync<T> {
  const now = attempt();
  if (now !== undefined) return now;
  return new Promise<T>((resolve) => {
    const retry = (): void => {
      const r = attempt();
      if (r === undefined) return;
      on.off(retry);
      resolve(r);
    };
    on.on(retry);
  });
}
