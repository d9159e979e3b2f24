/**
 * Running a component's `wasi:cli/run` on the runtime's bridge: it is transpiled for that bridge
 * (bindings that suspend under JSPI, synchronous ones for a worker thread), then handed over as
 * what either bridge needs of it (bridge/bridge.ts: ComponentGuest). The bridges know nothing of
 * components: this side imports them, never the other way.
 */
import type { Bridge } from "../bridge/bridge.js";
import { GuestError } from "../bridge/link.js";
import type { LocalKernel } from "../sockets/kernel.js";
import { instantiateRun, transpiled } from "./component.js";
import { TranspilerMissingError } from "./errors.js";
import { componentImports } from "../abi/p2/imports.js";

/** The thread entry that runs a component in a worker (beside this file, bundled or not). */
const WORKER_ENTRY = new URL("./component-worker.js", import.meta.url);

export async function runComponent(bytes: Uint8Array, kernel: LocalKernel, bridge: Bridge, args: string[], env: string[]): Promise<number> {
  let dir: string;
  try {
    dir = await transpiled(bytes, bridge.suspends);
  } catch (e) {
    if (e instanceof TranspilerMissingError) throw e; // its message says all: what to install
    throw new GuestError(`cannot transpile the component: ${(e as Error)?.message ?? String(e)}`);
  }
  return bridge.runComponent(kernel, {
    dir,
    args,
    env,
    instantiate: (k) => instantiateRun(dir, componentImports(k, { args, env }, bridge.suspends)),
    workerEntry: WORKER_ENTRY,
  });
}
