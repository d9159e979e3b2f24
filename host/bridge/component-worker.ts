/** Entry point of a component's worker thread (the worker bridge): the component runs and blocks here. */
import { parentPort, workerData } from "node:worker_threads";
import { RemoteKernel } from "./remote-kernel.js";
import type { ComponentWorkerInit, WorkerReport } from "./worker-host.js";
import { ProcExit } from "../wasi/context.js";
import { GuestError } from "./link.js";
import { instantiateRun } from "../p2/component.js";
import { componentImports } from "../abi/p2/imports.js";
import { runResult } from "../p2/run.js";

const init = workerData as ComponentWorkerInit;

function report(r: WorkerReport): void {
  parentPort!.postMessage(r);
}

try {
  const run = await instantiateRun(init.dir, componentImports(new RemoteKernel(init.sab), { args: init.args, env: init.env }, false));
  report({ type: "exit", code: runResult(run) as number });
} catch (e) {
  if (e instanceof ProcExit) report({ type: "exit", code: e.code });
  else if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) report({ type: "trap", message: String(e) });
  else if (e instanceof GuestError) report({ type: "guest-error", message: e.message });
  else if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) report({ type: "guest-error", message: String(e) });
  else report({ type: "host-error", message: String(e), stack: (e as Error)?.stack });
}
