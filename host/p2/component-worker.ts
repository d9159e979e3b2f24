/**
 * Entry point of a component's worker thread (the worker bridge): the component's synchronous
 * bindings are instantiated over the thread's RemoteKernel, and it runs and blocks here.
 * p2/run.ts hands this file to the bridge (ComponentGuest.workerEntry).
 */
import type { ComponentWorkerInit } from "../bridge/bridge.js";
import { guestThread } from "../bridge/worker-thread.js";
import { instantiateRun } from "./component.js";
import { componentImports } from "../abi/p2/imports.js";

await guestThread<ComponentWorkerInit>(async (init, kernel) => {
  const run = await instantiateRun(init.dir, componentImports(kernel, { args: init.args, env: init.env }, false));
  await run();
  return 0;
});
