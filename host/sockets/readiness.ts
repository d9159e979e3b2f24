import type { Sync } from "../util/sync.js";

/** Something a blocked call can wait on: every state change calls `notify()`, waiters re-check. */
export class Waitable {
  /** Made on the first wait: most sockets never have a blocked call (an event loop polls). */
  private waiters: Set<() => void> | undefined;
  /** Also told of every change (the kernel's poll wakes on any socket through this one hook). */
  activity: (() => void) | undefined;

  on(fn: () => void): void {
    (this.waiters ??= new Set()).add(fn);
  }

  off(fn: () => void): void {
    this.waiters?.delete(fn);
  }

  notify(): void {
    this.activity?.();
    if (this.waiters === undefined || this.waiters.size === 0) return;
    for (const fn of [...this.waiters]) fn();
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
