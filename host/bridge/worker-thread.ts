/**
 * The guest's side of a worker thread (worker-guest.ts for a core module, p2/component-worker.ts
 * for a component): run the guest over a RemoteKernel on the thread's channel, then post how it
 * ended (outcome.ts) to the host thread, which ends the thread once it has it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { outcomeOf, type Outcome } from "./outcome.js";
import { RemoteKernel } from "./remote-kernel.js";

/** Run `main` (the guest; its exit code) with the thread's init and kernel; post its Outcome. */
export async function guestThread<I extends { sab: SharedArrayBuffer }>(main: (init: I, kernel: RemoteKernel) => number | Promise<number>): Promise<void> {
  const init = workerData as I;
  let outcome: Outcome;
  try {
    outcome = { type: "exit", code: await main(init, new RemoteKernel(init.sab)) };
  } catch (e) {
    outcome = outcomeOf(e);
  }
  parentPort!.postMessage(outcome);
}
