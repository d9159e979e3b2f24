/**
 * The runtime's extensions for hosts with node:worker_threads and run-time compilation (Node,
 * Deno, Bun): the worker bridge and components. Each is imported when a guest first needs it.
 */
import type { Extensions } from "./runtime.js";

export const FULL_HOST: Extensions = {
  worker: () => import("./bridge/worker-host.js"),
  components: () => import("./p2/run.js"),
};
