/**
 * Running a component's `wasi:cli/run` on the runtime's bridge: it is transpiled for that bridge
 * (bindings that suspend under JSPI, synchronous ones for a worker thread), then handed over as
 * what either bridge needs of it (bridge/bridge.ts: ComponentGuest). The bridges know nothing of
 * components: this side imports them, never the other way.
 */
import type { Bridge } from "../bridge/bridge.js";
import { GuestError } from "../bridge/link.js";
import type { LocalKernel } from "../sockets/kernel.js";
import { importsInterface } from "./detect.js";
import { instantiateRun, isP3Component, transpiled } from "./component.js";
import { TranspilerMissingError } from "./errors.js";
import { componentInstance } from "../abi/p2/imports.js";
import { p3ComponentInstance } from "../abi/p3/imports.js";
import type { Files } from "../wasi/files.js";
import type { Preopen } from "../wasi/fs/handles.js";

/** A 0.3 component that imports this is served wasi:filesystem@0.3 (abi/p3/imports.ts). */
const FILESYSTEM_03 = "wasi:filesystem/types@0.3.";
const FILESYSTEM_02 = "wasi:filesystem/types@0.2.";

/** The thread entry that runs a component in a worker (beside this file, bundled or not). */
const WORKER_ENTRY = new URL("./component-worker.js", import.meta.url);

export async function runComponent(
  bytes: Uint8Array, kernel: LocalKernel, bridge: Bridge, args: string[], env: string[], fs: { files?: Files; dirs: readonly Preopen[] } = { dirs: [] },
): Promise<number> {
  const p3 = isP3Component(bytes);
  // jco's 0.3 glue is JSPI's (Suspending at instantiation), and a guest's wait must not block.
  if (p3 && !bridge.suspends) throw new GuestError(`a WASI 0.3 component needs JSPI (Node ≥ 24.20, Deno, Bun); the ${bridge.kind} bridge has none`);
  // jco hands both versions one Descriptor class and one getDirectories (its keys have no
  // version), and their calls share names and arguments: no host can tell whose call it is.
  const filesystem03 = p3 && importsInterface(bytes, FILESYSTEM_03);
  if (filesystem03 && importsInterface(bytes, FILESYSTEM_02)) {
    throw new GuestError("the component imports wasi:filesystem 0.2 and 0.3 both, which wasock cannot serve together (jco gives them one Descriptor and one getDirectories)");
  }
  let dir: string;
  try {
    dir = await transpiled(bytes, p3 ? "p3" : bridge.suspends ? "jspi" : "sync");
  } catch (e) {
    if (e instanceof TranspilerMissingError) throw e; // its message says all: what to install
    throw new GuestError(`cannot transpile the component: ${(e as Error)?.message ?? String(e)}`);
  }
  return bridge.runComponent(kernel, {
    dir,
    args,
    env,
    dirs: [...fs.dirs],
    // On this thread: the instance's host fds close when its run ends, or its runtime stops.
    instantiate: async (k) => {
      const instance = p3
        ? p3ComponentInstance(k, { args, env }, bridge.suspends, fs, filesystem03)
        : componentInstance(k, { args, env }, bridge.suspends, fs);
      const forget = kernel.onStop(instance.close);
      const done = (): void => {
        forget();
        instance.close();
      };
      try {
        const run = await instantiateRun(dir, instance.imports, p3);
        return async () => {
          try {
            return await run();
          } finally {
            done();
          }
        };
      } catch (e) {
        done();
        throw e;
      }
    },
    workerEntry: WORKER_ENTRY,
  });
}
