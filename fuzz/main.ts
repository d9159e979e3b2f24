#!/usr/bin/env node
/**
 * npm run fuzz [-- --seed N --calls N --only sock_ --stop]
 *
 * Calls wasock's imports (every ABI: preview1, WasmEdge, WASIX, then wasi:sockets 0.2) with
 * hostile arguments — `--calls` of each — and reports every host fault with the seed and call
 * number that replay it. Exits 1 if there was any.
 */
import { parseArgs } from "node:util";
import { fuzz } from "./harness.js";
import { fuzzP2 } from "./p2.js";

const USAGE = `usage: npm run fuzz [-- options]   (node dist/fuzz/main.js [options])
  --seed <n>    the seed: the same seed replays the same calls (default 1)
  --calls <n>   calls of each ABI (default 1000000)
  --only <pfx>  only the imports whose names start with <pfx> (e.g. sock_)
  --stop        stop at the first host fault
  --help        this text
`;

/** The options, or exit: --help prints the usage, a bad option is one line and exit 2. */
function options(): { seed: string; calls: string; only?: string; stop: boolean } {
  try {
    const { values } = parseArgs({
      options: {
        seed: { type: "string", default: "1" },
        calls: { type: "string", default: "1000000" },
        only: { type: "string" },
        stop: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    return values;
  } catch (e) {
    console.error(`wasock: fuzz: ${(e as Error).message.split("\n")[0]} (see --help)`);
    process.exit(2);
  }
}

const values = options();
const seed = Number(values.seed);
const calls = Number(values.calls);
if (!Number.isInteger(seed) || !Number.isInteger(calls) || calls < 1) {
  console.error("wasock: fuzz: --seed and --calls take whole numbers");
  process.exit(2);
}

const started = performance.now();
const stats = await fuzz({ seed, calls, only: values.only, stopOnFault: values.stop });
const secs = (performance.now() - started) / 1000;
const top = [...stats.errnos].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([e, n]) => `${e}:${n}`).join(" ");
console.log(`seed ${seed}: ${stats.calls} calls in ${stats.worlds} worlds, ${secs.toFixed(1)} s (${Math.round(stats.calls / secs)}/s)`);
console.log(`  waited and stopped: ${stats.blocked}, exits: ${stats.exits}, errnos (most common): ${top}`);
const p2Started = performance.now();
const p2 = values.only === undefined ? await fuzzP2({ seed, calls }) : undefined;
if (p2) {
  const p2Secs = (performance.now() - p2Started) / 1000;
  const ok = [...p2.outcomes].filter(([k]) => k.endsWith(": ok")).reduce((n, [, v]) => n + v, 0);
  console.log(`wasi:sockets 0.2, seed ${seed}: ${p2.calls} calls in ${p2.worlds} worlds, ${p2Secs.toFixed(1)} s; ${ok} answered ok, ${p2.blocked} waited and stopped`);
}
const faults = [...stats.faults, ...(p2?.faults ?? [])];
for (const f of faults.slice(0, 20)) console.log(`FAULT call ${f.call} ${f.import}(${f.args}): ${f.problem}`);
if (faults.length > 20) console.log(`… and ${faults.length - 20} more`);
console.log(faults.length === 0 ? "no host faults" : `${faults.length} host fault(s)`);
process.exit(faults.length === 0 ? 0 : 1);
