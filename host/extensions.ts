/**
 * The services of hosts with node:fs, node:worker_threads and run-time compilation (Node, Deno,
 * Bun): files beneath pre-opened directories, the process's stdio, the worker bridge and
 * components. The worker bridge and components are imported when a guest first needs them.
 */
import type { HostServices, HostStdio } from "./services.js";
import { NODE_FILES } from "./wasi/fs/index.js";

/** The process's own stdout and stderr. */
function processStdio(): HostStdio {
  const stream = (fd: 1 | 2): { isTTY?: boolean } | undefined => (fd === 1 ? globalThis.process?.stdout : globalThis.process?.stderr);
  return {
    stdout: (d) => void process.stdout.write(d),
    stderr: (d) => void process.stderr.write(d),
    note: (line) => void process.stderr.write(`${line}\n`),
    terminal: (fd) => stream(fd)?.isTTY === true,
  };
}

export const FULL_HOST: HostServices = {
  worker: () => import("./bridge/worker-host.js"),
  components: () => import("./p2/run.js"),
  files: NODE_FILES,
  stdio: processStdio,
};
