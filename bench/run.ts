/**
 * The benchmark suite (`npm run bench`): every workload against every peer in the same run,
 * alternating A B C … over the rounds, medians, ratios to raw node:net on the same runtime.
 * Writes results.json and results.svg and prints markdown tables.
 *
 *   node dist/bench/run.js [--quick] [--only http,latency,...] [--rounds N] [--seconds S]
 *                          [--spin] [--mib M] [--idle N] [--launches K] [--out FILE.json]
 *                          [--peers ID,...] [--base DIR]
 *
 * Workloads: http, latency, accept, bulk, idle, startup, clients, calls (bench/workloads/). --quick: one round
 * of short runs (a smoke test). A full run (no --quick, no --only) writes bench/results.json and
 * bench/results.svg; otherwise the output goes to the temp dir unless --out says where.
 * --peers keeps only the peers with those ids (e.g. node26/wasock-jspi; their raw node:net
 * baselines always stay): for an A B of one change. --base DIR adds, beside each wasock peer, its
 * twin `ID@base` running the CLI another checkout built (DIR/dist/cli/main.js, e.g. a worktree
 * of the commit before the change): the A B in one run. --spin keeps every core busy with nice-19 loops during the latency and bulk workloads.
 */
import { writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { checkout, findRuntimes, machine, root, which } from "./lib/env.js";
import { checkGoals } from "./lib/goals.js";
import { resolvePeers, Tools, type Peer } from "./lib/peers.js";
import { markdown, workloadResult, workloadTable, type Results, type WorkloadResult } from "./lib/report.js";
import { alternate } from "./lib/rounds.js";
import { chart } from "./lib/svg.js";
import type { Options, Workload } from "./lib/workload.js";
import { accept } from "./workloads/accept.js";
import { bulk } from "./workloads/bulk.js";
import { clients } from "./workloads/clients.js";
import { calls } from "./workloads/calls.js";
import { http } from "./workloads/http.js";
import { idle } from "./workloads/idle.js";
import { latency } from "./workloads/latency.js";
import { startup } from "./workloads/startup.js";

const WORKLOADS: Workload[] = [http, latency, accept, bulk, idle, startup, clients, calls];

function parse(argv: string[]): Options & { out?: string; base?: string } {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number): number => {
    const v = value(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${v}: expected a positive number`);
    return n;
  };
  const quick = argv.includes("--quick");
  const only = argv.flatMap((a, i) => (argv[i - 1] === "--only" ? a.split(",") : [])).filter(Boolean);
  for (const o of only) if (!WORKLOADS.some((w) => w.id === o)) throw new Error(`--only ${o}: workloads are ${WORKLOADS.map((w) => w.id).join(", ")}`);
  const peers = value("peers")?.split(",").filter(Boolean) ?? [];
  return {
    quick,
    only,
    peers,
    rounds: num("rounds", quick ? 1 : 3),
    seconds: num("seconds", quick ? 1 : 4),
    spin: argv.includes("--spin"),
    bulkMiB: num("mib", quick ? 64 : 1024),
    idle: num("idle", quick ? 2000 : 10000),
    launches: num("launches", quick ? 2 : 5),
    out: value("out"),
    base: value("base"),
  };
}

const NOTES = [
  "One wrk thread (-t1) on a 2-core machine: wrk holds one core and the server the other (wasock's worker bridge runs a second thread on the same two cores).",
  "Native, PHP, preview2-shim and @wasmer/sdk are rated against raw node:net on Node 26; wasock on each runtime against raw node:net on that runtime.",
  "The echo workloads run examples/echo-blocking.wasm under wasock, raw-echo-server on node:net, echo-blocking.c natively, bench/php/echo.php, examples/wasix-echo-server.wasm (the same blocking one-client loop through WASIX) under @wasmer/sdk, and examples/echo-server.component.wasm under wasock and preview2-shim.",
  "Blocking-call cost (calls): ns per call as the guest times it (20,000 one-byte calls); the goal compares it with preview2-shim's, plainly and beyond what the same send()/recv() costs natively.",
];

/** `p` run by another checkout's build of the CLI (--base). */
function baseTwin(p: Peer, dir: string): Peer {
  const cli = join(dir, "dist/cli/main.js");
  return { ...p, id: `${p.id}@base`, name: `${p.name} (base)`, argv: p.argv.map((a) => (a.endsWith("dist/cli/main.js") ? cli : a)) };
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const log = (s: string): void => console.log(s);
  const runtimes = findRuntimes();
  log(`bench: ${[...runtimes.values()].map((r) => `${r.id} ${r.version}${r.jspi ? " (JSPI)" : ""}`).join(", ")}; rounds ${o.rounds}, wrk ${o.seconds} s${o.quick ? ", quick" : ""}${o.spin ? ", spin" : ""}`);
  const tools = new Tools(runtimes, (s) => log(`bench: ${s}`));
  const m = machine();
  const started = performance.now();
  const results: WorkloadResult[] = [];
  for (const w of WORKLOADS.filter((w) => o.only.length === 0 || o.only.includes(w.id))) {
    const t0 = performance.now();
    const resolved = resolvePeers(w.kind, w.slots, tools);
    const { skipped } = resolved;
    const keep = new Set(resolved.peers.filter((p) => o.peers.includes(p.id)).flatMap((p) => [p.id, p.baseline]));
    const kept = o.peers.length === 0 ? resolved.peers : resolved.peers.filter((p) => keep.has(p.id));
    const peers = o.base === undefined ? kept : kept.flatMap((p) => (p.impl === "wasock" ? [p, baseTwin(p, o.base!)] : [p]));
    if (peers.length === 0) {
      log(`bench: ${w.id}: no peer left by --peers (this workload's: ${resolved.peers.map((p) => p.id).join(", ")})`);
      continue;
    }
    if ((w.id === "http" || w.id === "accept") && !which("wrk")) {
      log(`bench: ${w.id}: skipped, wrk not on PATH (apt-get install wrk)`);
      continue;
    }
    log(`\nbench: ${w.title}: ${peers.length} peers${skipped.length ? `, ${skipped.length} skipped` : ""}`);
    const runs = await alternate(w, peers, o, log);
    const r = workloadResult(w, o, runs, skipped, (performance.now() - t0) / 1000);
    results.push(r);
    log(`\n${workloadTable(r)}`);
  }
  const res: Results = {
    suite: "wasock bench/run.ts",
    date: new Date().toISOString(),
    machine: { ...m, loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    versions: tools.versions(),
    checkout: checkout(),
    options: o,
    ratioNote: "× raw = ratio to raw node:net on the same runtime, > 1 better (throughput: peer/raw; time and memory: raw/peer).",
    workloads: results,
    goals: checkGoals(results),
    notes: [...NOTES, `Total ${Math.round((performance.now() - started) / 1000)} s.`],
  };
  const full = !o.quick && o.only.length === 0 && o.peers.length === 0;
  const out = o.out ?? (full ? join(root, "bench/results.json") : join(tmpdir(), "wasock-bench-results.json"));
  writeFileSync(out, `${JSON.stringify(res, null, 2)}\n`);
  writeFileSync(out.replace(/\.json$/, "") + ".svg", chart(res));
  log(`\n${markdown(res)}\n\nbench: wrote ${out} and ${out.replace(/\.json$/, "")}.svg`);
}

await main();
