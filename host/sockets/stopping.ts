import type { Sync } from "../util/sync.js";
import { timeout } from "../util/timer.js";
import { GuestStopped } from "./stopped.js";

/**
 * The kernel's waits once the runtime is stopped: sleeps in progress end early (their timers
 * cleared), a wait begun after the stop unwinds the guest instead (GuestStopped), and whoever
 * asked (onStop) is told, so that a guest still waiting is unwound rather than left suspended.
 */
export class Stopping {
  /** Sleeps in progress, ended early when the runtime stops. */
  private readonly sleeping = new Set<() => void>();
  private readonly watchers = new Set<() => void>();
  private isStopped = false;

  get stopped(): boolean {
    return this.isStopped;
  }

  /** A poll's answer: once stopped every socket is closed, so one that would still wait waits
   *  for nothing and unwinds the guest instead. */
  wait<T>(r: Sync<T>): Sync<T> {
    if (this.isStopped && r instanceof Promise) return Promise.reject(new GuestStopped());
    return r;
  }

  sleep(ms: number): Sync<void> {
    if (ms <= 0) return;
    // Stopped: a wait begun now (a sleep, or a poll waiting on) unwinds the guest instead.
    if (this.isStopped) return Promise.reject(new GuestStopped());
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.sleeping.delete(wake);
        cancel();
        resolve();
      };
      const cancel = timeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  onStop(fn: () => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /** The runtime stopped: sleeps end now, and every watcher is told once. */
  stop(): void {
    this.isStopped = true;
    for (const wake of [...this.sleeping]) wake();
    for (const fn of [...this.watchers]) fn();
    this.watchers.clear();
  }
}
