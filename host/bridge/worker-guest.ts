/** Entry point of a core module's worker thread (the worker bridge): the guest runs here and blocks here. */
import { Core } from "../core/core.js";
import { GuestContext, GuestStopped } from "../wasi/context.js";
import { guestImports } from "../abi/imports.js";
import { NODE_FILES } from "../wasi/fs/index.js";
import type { WorkerInit } from "./worker-host.js";
import { linkImports, startExport } from "./link.js";
import { HEADER_BYTES, Slot } from "./channel.js";
import { connectYieldPoints } from "./yield-points.js";
import { guestThread } from "./worker-thread.js";
import { BACKTRACE_FRAMES } from "../wasm/backtrace.js";

// The thread runs only the guest: its trap's backtrace may have as many frames as wasmtime shows.
Error.stackTraceLimit = Math.max(Error.stackTraceLimit, BACKTRACE_FRAMES);

await guestThread<WorkerInit>((init, kernel) => {
  const ctx = new GuestContext(kernel, Core.load(), init.args, init.env, init.maxFds, init.terminals, NODE_FILES);
  // Its host files are closed before the report: the host thread ends this one once it has it.
  try {
    for (const handle of init.preopens) ctx.fds.insert({ kind: "socket", handle, flags: 0 });
    ctx.addPreopens(init.dirs);
    const instance = new WebAssembly.Instance(init.module, linkImports(init.module, guestImports(ctx).modules));
    const stopped = new Int32Array(init.sab, 0, HEADER_BYTES / 4);
    connectYieldPoints(instance, () => {
      if (Atomics.load(stopped, Slot.STOPPED) !== 0) throw new GuestStopped();
    });
    startExport(instance, ctx)();
    return 0;
  } finally {
    ctx.closeFiles();
  }
});
