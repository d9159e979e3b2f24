/**
 * How long `wasock run` takes to end after SIGTERM under a guest that never waits
 * (test/guests/spinner.c): a `poll(fds, n, 0)` loop and a loop that calls nothing, on every
 * runtime and bridge here. The clock runs from the kill to the process's exit (its own exit
 * included), over several launches; medians and ranges in ms.
 *
 *   node dist/bench/stop-time.js [--launches N]
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { dist, findRuntimes, root } from "./lib/env.js";

const launches = Number(process.argv[process.argv.indexOf("--launches") + 1]) || 5;
const cli = join(dist, "cli/main.js");
const spinner = join(root, "test/guests/spinner.wasm");

/** One launch: start, wait for "spinning", SIGTERM, time to exit (ms) and the exit code. */
function once(argv: string[]): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "ignore"] });
    const guard = setTimeout(() => (p.kill("SIGKILL"), reject(new Error(`${argv.join(" ")}: no exit`))), 20_000);
    let t0 = 0;
    p.stdout.on("data", (d: Buffer) => {
      if (t0 !== 0 || !d.toString().includes("spinning")) return;
      setTimeout(() => {
        t0 = performance.now();
        p.kill("SIGTERM");
      }, 200); // let it spin a while first
    });
    p.once("exit", (code) => {
      clearTimeout(guard);
      resolve({ ms: performance.now() - t0, code });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

console.log(`| runtime | bridge | guest | SIGTERM → exit, median (range), ms | exit code |`);
console.log(`|---|---|---|---|---|`);
for (const rt of findRuntimes().values()) {
  for (const bridge of rt.jspi ? ["jspi", "worker"] : ["worker"]) {
    for (const mode of ["poll0", "compute"]) {
      const argv = rt.argv(cli, ["run", "--listen", "127.0.0.1:0", "--bridge", bridge, spinner, mode]);
      const runs = [];
      for (let i = 0; i < launches; i++) runs.push(await once(argv));
      const ms = runs.map((r) => r.ms);
      const codes = [...new Set(runs.map((r) => r.code))].join(", ");
      console.log(`| ${rt.id} ${rt.version} | ${bridge} | ${mode} | ${median(ms).toFixed(0)} (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}) | ${codes} |`);
    }
  }
}
