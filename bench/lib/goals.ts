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

  // A blocking call that need not wait (the calls workload): per call, against preview2-shim's;
  // "beyond the syscall" takes off what the same send()/recv() costs natively (gcc), which every
  // host pays. The core guest is wasock's own path; the component shares jco's glue with the shim.
  const shim = find("calls", "node26/jco"), native = find("calls", "native");
  for (const id of ["node26/wasock-jspi", "node26/wasock-jspi-component", "node26/wasock-worker", "node20/wasock-worker"]) {
    const p = find("calls", id);
    if (!p || !shim) continue;
    for (const [key, what] of [["writeNs", "write"], ["readNs", "read"]] as const) {
      const w = p.median[key]!, j = shim.median[key]!, n = native?.median[key] ?? 0;
      // At or below native's cost the guest pays nothing beyond the system call (a posted send
      // on the worker bridge: the host thread makes the call).
      const plain = j / w, beyond = (j - n) / (w - n);
      const added = w > n ? `beyond native's ${fmt(n, 0)} ns: ${fmt(beyond, 1)}×` : `below native's ${fmt(n, 0)} ns`;
      goals.push({
        goal: `a blocking socket call ≥ 50× cheaper than preview2-shim's (${what}, beyond the syscall)`,
        peer: p.name,
        value: `${fmt(w, 0)} vs ${fmt(j, 0)} ns per call: ${fmt(plain, 1)}×; ${added}`,
        met: !Number.isFinite(w) || !Number.isFinite(j) ? false : w <= n || beyond >= 50,
      });
    }
  }
  return goals;
}
