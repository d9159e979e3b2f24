/**
 * `wasock run --workers N`: N processes (node:cluster), each running the guest on the same
 * pre-opened listeners, so every core serves. node:cluster shares a listener between its
 * processes only when they open it with node:net, so the workers use the node:net adapter
 * whichever runtime runs them (WASOCK_NET=node). This process, the primary, runs no guest: it
 * starts the workers, prints the listener lines once they all listen, and ends with them.
 *
 * Outcomes follow `--instances`: a worker that exits 0 leaves the others serving, and the run
 * ends when the last one does; the first to fail (a non-zero exit or a signal) stops the others
 * and its status is the run's. SIGINT/SIGTERM stop every worker (130/143).
 */
import cluster, { type Worker } from "node:cluster";
import { constants } from "node:os";
import type { Listening } from "../runtime.js";
import { listenLine, WORKER_ENV, type ListeningMessage } from "./cluster-worker.js";

/** A worker that was asked to stop and has not exited by then is killed. */
const STOP_KILL_MS = 3000;

/** Exit status of a process ended by `signal`, as a shell reports it. */
function signalStatus(signal: string): number {
  return 128 + ((constants.signals as Record<string, number>)[signal] ?? 0);
}

/** Run `count` workers on this process's own command line; resolves with the run's exit code. */
export function runPrimary(count: number): Promise<number> {
  cluster.setupPrimary({ exec: process.argv[1], args: process.argv.slice(2), stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const workers = new Set<Worker>();
  let outcome: number | undefined; // set by the first failure, or by a signal
  let killTimer: NodeJS.Timeout | undefined;

  return new Promise<number>((resolve) => {
    const stopAll = (code: number): void => {
      if (outcome !== undefined) return;
      outcome = code;
      for (const w of workers) w.process.kill("SIGTERM");
      killTimer = setTimeout(() => {
        for (const w of workers) w.process.kill("SIGKILL");
      }, STOP_KILL_MS);
      killTimer.unref();
    };
    const onSignal = (signal: NodeJS.Signals, code: number) => (): void => {
      process.stderr.write(`wasock: ${signal}, stopping ${workers.size} workers\n`);
      stopAll(code);
    };
    const onInt = onSignal("SIGINT", 130), onTerm = onSignal("SIGTERM", 143);
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    // Each worker prints its own table (its pid heads it).
    const onUsr2 = (): void => { for (const w of workers) w.process.kill("SIGUSR2"); };
    process.on("SIGUSR2", onUsr2);

    const fork = (): Promise<Listening[] | undefined> =>
      new Promise((listening) => {
        const w = cluster.fork({ WASOCK_NET: "node", [WORKER_ENV]: "1" });
        workers.add(w);
        w.on("message", (m: ListeningMessage) => {
          if (m?.type === "wasock:listening") listening(m.listeners);
        });
        w.once("exit", (code, signal) => {
          workers.delete(w);
          listening(undefined);
          const status = signal ? signalStatus(signal) : (code ?? 1);
          if (status !== 0) stopAll(status);
          if (workers.size > 0) return;
          clearTimeout(killTimer);
          process.off("SIGINT", onInt);
          process.off("SIGTERM", onTerm);
          process.off("SIGUSR2", onUsr2);
          resolve(outcome ?? 0);
        });
      });

    // One worker first: it opens the listeners (a port 0 becomes a port, an address in use is
    // its one error line); the others then share them.
    void (async () => {
      const first = await fork();
      if (first === undefined || outcome !== undefined) return;
      const rest = await Promise.all(Array.from({ length: count - 1 }, fork));
      if (rest.includes(undefined) || outcome !== undefined) return;
      for (const l of first) process.stderr.write(listenLine(l));
      process.stderr.write(`wasock: ${count} workers serving (node:cluster)\n`);
    })();
  });
}
