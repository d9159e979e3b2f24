/**
 * The speed goals (issue 21), checked against a run's results: each goal, the peer it is about,
 * what was measured and whether it is met (a goal whose peers the run did not measure is left out).
 * Ratios are to raw node:net on the peer's own runtime, oriented so > 1 is better (report.ts).
 */
import { fmt } from "./rounds.js";
import type { Goal, PeerResult, WorkloadResult } from "./report.js";

type Find = (workload: string, peer: string) => PeerResult | undefined;

const JSPI = ["node26/wasock-jspi"];
const WORKER = ["node26/wasock-worker", "node20/wasock-worker"];

/** Met when the ratio is at least `min` (`beat`: above it). */
function ratioGoal(find: Find, goal: string, workload: string, metric: string, peers: string[], min: number, beat = false): Goal[] {
  return peers.flatMap((id) => {
    const p = find(workload, id);
    if (!p) return [];
    const r = p.ratio[metric]!;
    return [{ goal, peer: p.name, value: `${fmt(r, 2)} × raw node:net`, met: Number.isFinite(r) ? (beat ? r > min : r >= min) : false }];
  });
}

/** Met when the peer's value is at most its raw node:net baseline's plus `extra` (`unit` in the text). */
function beyondRaw(find: Find, goal: string, workload: string, metric: string, peers: string[], extra: number, unit: string, digits: number): Goal[] {
  return peers.flatMap((id) => {
    const p = find(workload, id);
    if (!p) return [];
    const mine = p.median[metric]!, raw = find(workload, p.baseline)?.median[metric] ?? NaN, over = mine - raw;
    const value = Number.isFinite(over) ? `${fmt(mine, digits)} vs raw ${fmt(raw, digits)} ${unit}: +${fmt(over, digits)}` : `not measured: ${p.notes.join("; ") || p.errors[0] || "no value"}`;
    return [{ goal, peer: p.name, value, met: Number.isFinite(over) ? over <= extra : false }];
  });
}

export function checkGoals(workloads: WorkloadResult[]): Goal[] {
  const find: Find = (w, id) => workloads.find((x) => x.id === w)?.peers.find((p) => p.id === id);
  const goals: Goal[] = [
    ...ratioGoal(find, "keep-alive HTTP ≥ 1.00 × raw (JSPI)", "http", "rps", JSPI, 1),
    ...ratioGoal(find, "keep-alive HTTP ≥ 0.85 × raw (worker)", "http", "rps", WORKER, 0.85),
    ...ratioGoal(find, "keep-alive HTTP ≥ 0.95 × raw (Deno, Bun)", "http", "rps", ["deno/wasock-jspi", "bun/wasock-jspi"], 0.95),
    ...ratioGoal(find, "1-byte ping-pong ≥ 0.95 × raw (JSPI)", "latency", "rtUs", JSPI, 0.95),
    ...ratioGoal(find, "1-byte ping-pong ≥ 0.70 × raw (worker)", "latency", "rtUs", WORKER, 0.7),
    ...ratioGoal(find, "accept ≥ 0.95 × raw (JSPI)", "accept", "cps", JSPI, 0.95),
    ...ratioGoal(find, "accept ≥ 0.60 × raw (worker)", "accept", "cps", WORKER, 0.6),
    ...ratioGoal(find, "bulk echo ≥ 0.90 × raw (JSPI)", "bulk", "mbPerS", JSPI, 0.9),
    ...ratioGoal(find, "bulk echo ≥ 0.50 × raw (worker)", "bulk", "mbPerS", WORKER, 0.5),
    // Every core: --workers 2 against one raw node:net process (the ratio is to raw's).
    ...ratioGoal(find, "--workers 2 beats one raw node:net process (> 1.00)", "http", "rps", ["node26/wasock-jspi-w2"], 1, true),
    ...beyondRaw(find, "idle connection ≤ raw + 1 KB (at the large step)", "idle", "bytesPerConnLarge", [...JSPI, ...WORKER], 1024, "B", 0),
    // Many connections: a request among 10,000 idle ones costs at most 1.2 × raw's (ratio raw/peer ≥ 1/1.2).
    ...ratioGoal(find, "a request among the large step's idle connections ≤ 1.2 × raw's time", "idle", "reqUsLarge", [...JSPI, ...WORKER], 1 / 1.2),
    ...beyondRaw(find, "start-up ≤ raw + 10 ms (to the listener line)", "startup", "lineMs", [...JSPI, ...WORKER, "deno/wasock-jspi", "bun/wasock-jspi"], 10, "ms", 1),
  ];

  // --instances: a one-client-at-a-time guest serves all 16 clients (the slowest is served).
  for (const id of ["node26/wasock-jspi-i16", "node26/wasock-worker-i16", "node20/wasock-worker-i16"]) {
    const p = find("clients", id);
    if (!p) continue;
    const slowest = p.median.perClientMin!;
    goals.push({ goal: "--instances 16: a one-client-at-a-time guest serves 16 clients at once", peer: p.name, value: `${fmt(p.ratio.rtps, 2)} × raw node:net; slowest client ${fmt(slowest, 0)} round trips/s`, met: slowest > 0 });
  }

  // One blocking component call that need not wait (the calls workload), against preview2-shim's
  // running the same component: plainly, and beside it what is left beyond the same send()/recv()
  // natively (gcc), which every host pays. The core guest's figures are for scale.
  const shim = find("calls", "node26/jco"), native = find("calls", "native");
  for (const id of ["node26/wasock-jspi-component", "node26/wasock-jspi"]) {
    const p = find("calls", id);
    if (!p || !shim) continue;
    for (const [key, what] of [["writeNs", "write"], ["readNs", "read"]] as const) {
      const w = p.median[key]!, j = shim.median[key]!, n = native?.median[key] ?? 0;
      const plain = j / w, beyond = (j - n) / (w - n);
      const added = w > n ? `beyond native's ${fmt(n, 0)} ns: ${fmt(beyond, 1)}×` : `below native's ${fmt(n, 0)} ns`;
      goals.push({
        goal: `one blocking ${id.endsWith("component") ? "component" : "core-guest"} call ≥ 50× cheaper than preview2-shim's (${what})`,
        peer: p.name,
        value: `${fmt(w, 0)} vs ${fmt(j, 0)} ns per call: ${fmt(plain, 1)}×; ${added}`,
        met: Number.isFinite(plain) ? plain >= 50 : false,
      });
    }
  }
  return goals;
}
