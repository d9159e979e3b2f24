/**
 * Issue 6's goals, checked against a run's results: each goal, the peer it is about, what was
 * measured and whether it is met (null when the run did not measure it).
 */
import { fmt } from "./rounds.js";
import type { Goal, PeerResult, WorkloadResult } from "./report.js";

type Find = (workload: string, peer: string) => PeerResult | undefined;

/** Met when the ratio is at least `min` (`beat`: above it). */
function ratioGoal(find: Find, goal: string, workload: string, metric: string, peers: string[], min: number, beat = false): Goal[] {
  return peers.flatMap((id) => {
    const p = find(workload, id);
    if (!p) return [];
    const r = p.ratio[metric]!;
    return [{ goal, peer: p.name, value: `${fmt(r, 2)} × raw node:net`, met: Number.isFinite(r) ? (beat ? r > min : r >= min) : false }];
  });
}

export function checkGoals(workloads: WorkloadResult[]): Goal[] {
  const find: Find = (w, id) => workloads.find((x) => x.id === w)?.peers.find((p) => p.id === id);
  const goals: Goal[] = [
    ...ratioGoal(find, "keep-alive HTTP ≥ 0.90 × raw (JSPI)", "http", "rps", ["node26/wasock-jspi", "deno/wasock-jspi", "bun/wasock-jspi"], 0.9),
    ...ratioGoal(find, "keep-alive HTTP ≥ 0.50 × raw (worker)", "http", "rps", ["node26/wasock-worker", "node20/wasock-worker"], 0.5),
    ...ratioGoal(find, "single connection round trip ≥ 0.90 × raw", "latency", "rtUs", ["node26/wasock-jspi", "node26/wasock-worker", "node20/wasock-worker"], 0.9),
    ...ratioGoal(find, "accept rate ≥ 0.80 × raw", "accept", "cps", ["node26/wasock-jspi", "node26/wasock-worker", "node20/wasock-worker"], 0.8),
    ...ratioGoal(find, "bulk throughput ≥ 0.80 × raw", "bulk", "mbPerS", ["node26/wasock-jspi", "node26/wasock-worker", "node20/wasock-worker"], 0.8),
  ];

  // Every core: --workers 2 against one raw node:net process (the ratio is to raw's).
  goals.push(...ratioGoal(find, "--workers 2 beats one raw node:net process (> 1.00)", "http", "rps", ["node26/wasock-jspi-w2"], 1, true));
  // --instances: a one-client-at-a-time guest serves all 16 clients (the slowest is served).
  for (const id of ["node26/wasock-jspi-i16", "node26/wasock-worker-i16", "node20/wasock-worker-i16"]) {
    const p = find("clients", id);
    if (!p) continue;
    const slowest = p.median.perClientMin!;
    goals.push({ goal: "--instances 16: a one-client-at-a-time guest serves 16 clients at once", peer: p.name, value: `${fmt(p.ratio.rtps, 2)} × raw node:net; slowest client ${fmt(slowest, 0)} round trips/s`, met: slowest > 0 });
  }

  // Idle memory: bytes per connection beyond raw node:net's on the same runtime.
  for (const id of ["node26/wasock-jspi", "node26/wasock-worker", "node20/wasock-worker"]) {
    const p = find("idle", id);
    if (!p) continue;
    const base = find("idle", p.baseline);
    for (const [key, label] of [["bytesPerConnLarge", "at the large step"], ["bytesPerConn1k", "at 1,000"]] as const) {
      const extra = p.median[key]! - (base?.median[key] ?? NaN);
      goals.push({
        goal: `≤ 2 KB host memory per idle connection beyond node's own (${label})`,
        peer: p.name,
        value: Number.isFinite(extra) ? `${fmt(extra, 0)} B beyond raw (${fmt(p.median[key], 0)} vs ${fmt(base?.median[key], 0)} B)` : `not measured: ${p.notes.join("; ") || p.errors[0] || "no value"}`,
        met: Number.isFinite(extra) ? extra <= 2048 : false,
      });
    }
  }

  // Start-up: the absolute time to the listener line, and what wasock adds to raw node:net's.
  for (const id of ["node26/wasock-jspi", "node26/wasock-worker", "node20/wasock-worker", "deno/wasock-jspi", "bun/wasock-jspi"]) {
    const p = find("startup", id);
    if (!p) continue;
    const base = find("startup", p.baseline);
    const ms = p.median.lineMs!, extra = ms - (base?.median.lineMs ?? NaN);
    goals.push({ goal: "start-up ≤ 50 ms (to the listener line)", peer: p.name, value: `${fmt(ms, 1)} ms (raw node:net ${fmt(base?.median.lineMs, 1)} ms: +${fmt(extra, 1)} ms)`, met: Number.isFinite(ms) ? ms <= 50 : false });
  }

  // A blocking call: the component pair, (round trip − raw's) / 3 calls per round trip.
  const raw = find("latency", "node26/raw"), comp = find("latency", "node26/wasock-jspi-component"), shim = find("latency", "node26/jco");
  if (raw && comp && shim) {
    const call = (p: PeerResult): number => (p.median.rtUs! - raw.median.rtUs!) / 3;
    const w = call(comp), j = call(shim), x = j / w;
    goals.push({
      goal: "a blocking socket call ≥ 50× cheaper than preview2-shim's",
      peer: comp.name,
      value: `${fmt(w, 2)} µs vs ${fmt(j, 2)} µs per call: ${fmt(x, 1)}×`,
      met: Number.isFinite(x) && w > 0 ? x >= 50 : w <= 0 ? true : false,
    });
  }
  return goals;
}
