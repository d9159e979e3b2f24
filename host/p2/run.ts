/**
 * Running a component's `wasi:cli/run`: JSPI on this thread (the bindings suspend on the blocking
 * imports), or a worker thread over the worker bridge.
 */
import { GuestError } from "../bridge/link.js";
import { GuestTrap, runComponentWorker } from "../bridge/worker-host.js";
import type { LocalKernel } from "../sockets/kernel.js";
import { GuestStopped, ProcExit } from "../wasi/context.js";
import { instantiateRun, transpiled } from "./component.js";
import { componentImports } from "../abi/p2/imports.js";
import { STOP_GRACE_MS } from "../abi/stop-gate.js";

/** `run` returns `result` as jco lifts it: ok is undefined, err throws. Exit code 0 or 1. */
export function runResult(run: () => unknown): number | Promise<number> {
  const ok = (): number => 0;
  const err = (e: unknown): number => {
    if (e instanceof ProcExit) return e.code;
    if (e instanceof GuestStopped) return GuestStopped.EXIT_CODE;
    if (e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && e.constructor.name === "ComponentError") return 1;
    throw e;
  };
  try {
    const r = run();
    return r instanceof Promise ? r.then(ok, err) : ok();
  } catch (e) {
    return err(e);
  }
}

export async function runComponent(bytes: Uint8Array, kernel: LocalKernel, jspi: boolean, args: string[], env: string[]): Promise<number> {
  let dir: string;
  try {
    dir = await transpiled(bytes, jspi);
  } catch (e) {
    throw new GuestError(`cannot transpile the component: ${(e as Error)?.message ?? String(e)}`);
  }
  if (!jspi) return runComponentWorker(dir, kernel, args, env);
  // A stopped component is unwound at its next import (bridge/stop.ts), but jco's glue catches
  // what an import throws and leaves the component suspended on a promise that never settles:
  // so the run also ends, as stopped, a moment after the stop.
  let forget = (): void => {};
  const stopped = new Promise<number>((resolve) => {
    forget = kernel.onStop(() => setTimeout(() => resolve(GuestStopped.EXIT_CODE), 2 * STOP_GRACE_MS));
  });
  try {
    const run = await instantiateRun(dir, componentImports(kernel, { args, env }, true));
    return await Promise.race([runResult(run), stopped]);
  } catch (e) {
    if (e instanceof ProcExit) return e.code;
    if (e instanceof GuestStopped) return GuestStopped.EXIT_CODE;
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) throw new GuestTrap(String(e));
    if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) throw new GuestError(String(e));
    throw e;
  } finally {
    forget();
  }
}
