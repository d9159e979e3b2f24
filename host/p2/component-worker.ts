/**
 * Entry point of a component's worker thread (the worker bridge): the component's synchronous
 * bindings are instantiated over the thread's RemoteKernel, and it runs and blocks here.
 * p2/run.ts hands this file to the bridge (ComponentGuest.workerEntry).
 */
import type { ComponentWorkerInit } from "../bridge/bridge.js";
import { guestThread } from "../bridge/worker-thread.js";
import { instantiateRun } from "./component.js";
import { componentInstance } from "../abi/p2/imports.js";
import { NODE_FILES } from "../wasi/fs/index.js";

await guestThread<ComponentWorkerInit>(async (init, kernel) => {
  // Files through node:fs on this thread, as a core module's worker has them (worker-guest.ts);
  // its host fds are closed before the report (the host thread ends this one once it has it).
  const instance = componentInstance(kernel, { args: init.args, env: init.env }, false, { files: NODE_FILES, dirs: init.dirs ?? [] });
  try {
    const run = await instantiateRun(init.dir, instance.imports);
    await run();
    return 0;
  } finally {
    instance.close();
  }
});
