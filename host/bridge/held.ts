/**
 * What a guest holds of the kernel's sockets, closed when it ends as a process's fds are closed
 * when it exits, however it ends (an exit, a trap, a stop, a host error). A pre-opened listener
 * the guest was given drops only this guest's reference (LocalKernel.share). The runtime's own
 * stop closes everything besides; this is what lets one of several instances end alone.
 *
 * On JSPI the guest's fd table is at hand and says what it holds; on the worker bridge the table
 * is in the guest's thread, so the host follows the handles its calls open and close.
 */
import type { LocalKernel } from "../sockets/kernel.js";

export class Held {
  private readonly handles: Set<number>;

  constructor(private readonly kernel: LocalKernel, handles: Iterable<number> = []) {
    this.handles = new Set(handles);
  }

  /** The guest got `h` (an open, an accept). */
  add(h: number): void {
    this.handles.add(h);
  }

  /** The guest closed `h`: true if it held it. */
  delete(h: number): boolean {
    return this.handles.delete(h);
  }

  /** The guest has ended: close every socket it still holds. */
  release(): void {
    for (const h of this.handles) this.kernel.close(h);
    this.handles.clear();
  }
}
