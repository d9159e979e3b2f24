import type { Core } from "../core/core.js";
import { forward } from "../util/forward.js";
import { Errno } from "../core/enums.js";
import { GuestMemory, MemoryFault } from "../wasm/guest-memory.js";
import type { Kernel } from "../sockets/kernel.js";
import type { Sync } from "../util/sync.js";
import { FdTable } from "./fd-table.js";
import { sendPath, type Gathering } from "../sockets/send-path.js";
import type { Preopen } from "./fs/handles.js";
import { NO_FILES, type Files } from "./files.js";

/** A guest called proc_exit: unwinds the guest's stack up to the runtime. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`guest exited with code ${code}`);
  }
}


export { GuestStopped } from "../sockets/stopped.js";

/** Everything one guest instance's imports share; `files` are its host's (files.ts: none unless
 *  the host's entry gives them). */
export class GuestContext {
  readonly mem = new GuestMemory();
  readonly fds: FdTable;
  /** Where a send's bytes are copied out of guest memory: the kernel's side decides (sockets/send-path.ts). */
  readonly sends: Gathering;

  constructor(
    readonly kernel: Kernel,
    readonly core: Core,
    readonly args: string[],
    readonly env: string[],
    maxFds = 1024,
    terminals: readonly number[] = [],
    readonly files: Files = NO_FILES,
  ) {
    this.fds = new FdTable(maxFds, terminals);
    this.sends = sendPath(kernel);
  }

  /** The pre-opened directories, in fd order. */
  readonly preopens: Preopen[] = [];

  /**
   * Give each pre-opened directory the next free fd, holding a host fd of it that this instance
   * owns (closed by closeFiles). Both bridges call this after inserting the pre-opened listeners,
   * so dirs follow sockets (3… listeners, then dirs), as in wasmtime. Throws PreopenError.
   */
  addPreopens(dirs: readonly Preopen[]): void {
    for (const p of dirs) {
      if (this.fds.nextFree() < 0) break;
      this.fds.insert({ kind: "dir", dir: this.files.open(p), flags: 0 });
      this.preopens.push(p);
    }
  }

  /** Close the host files and directories the guest left open (host fds are the process's: a
   *  guest's end, or its worker's, does not close them). Both bridges call this when it stops. */
  closeFiles(): void {
    for (const [, e] of this.fds.all()) {
      if (e.kind !== "file" && e.kind !== "dir") continue;
      try {
        this.files.release(e);
      } catch {
        // already closed by the host, or failing to flush: the guest is gone either way
      }
    }
  }
}

type Impl = (...args: never[]) => Sync<number>;

function onError(e: unknown): number {
  if (e instanceof MemoryFault) return Errno.FAULT;
  throw e; // ProcExit, or a host bug: surfaces as a trap named as such
}

/**
 * The import boundary: a guest memory fault becomes EFAULT (before any side effect, since
 * implementations check out-pointers first); anything else unwinds.
 */
export function guard<F extends Impl>(fn: F): F {
  return forward(fn, settle, onError);
}

function settle(r: Sync<number>): Sync<number> {
  return r instanceof Promise ? r.catch(onError) : r;
}
