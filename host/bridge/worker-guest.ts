/** Entry point of a guest worker thread (the worker bridge): the guest runs here and blocks here. */
import { parentPort, workerData } from "node:worker_threads";
import { Core } from "../core/core.js";
import { GuestContext, GuestStopped, ProcExit } from "../wasi/context.js";
import { guestImports } from "../abi/imports.js";
import type { WorkerInit, WorkerReport } from "./worker-host.js";
import { GuestError, linkImports, startExport } from "./link.js";
import { RemoteKernel } from "./remote-kernel.js";
import { HEADER_BYTES, Slot } from "./channel.js";
import { connectYieldPoints } from "./yield-points.js";

const init = workerData as WorkerInit;

function report(r: WorkerReport): void {
  parentPort!.postMessage(r);
}

let ctx: GuestContext | undefined;

/** Close the guest's host files first: the main thread ends this worker once it has the report. */
function finish(r: WorkerReport): void {
  ctx?.closeFiles();
  report(r);
}

try {
  ctx = new GuestContext(new RemoteKernel(init.sab), Core.load(), init.args, init.env, init.maxFds, init.terminals);
  for (const handle of init.preopens) ctx.fds.insert({ kind: "socket", handle, flags: 0 });
  ctx.addPreopens(init.dirs);
  const instance = new WebAssembly.Instance(init.module, linkImports(init.module, guestImports(ctx).modules));
  const stopped = new Int32Array(init.sab, 0, HEADER_BYTES / 4);
  connectYieldPoints(instance, () => {
    if (Atomics.load(stopped, Slot.STOPPED) !== 0) throw new GuestStopped();
  });
  startExport(instance, ctx)();
  finish({ type: "exit", code: 0 });
} catch (e) {
  if (e instanceof ProcExit) finish({ type: "exit", code: e.code });
  else if (e instanceof GuestStopped) finish({ type: "exit", code: GuestStopped.EXIT_CODE });
  else if (e instanceof GuestError) finish({ type: "guest-error", message: e.message });
  else if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) finish({ type: "trap", message: String(e) });
  else if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) finish({ type: "guest-error", message: String(e) });
  else finish({ type: "host-error", message: String(e), stack: (e as Error)?.stack });
}
