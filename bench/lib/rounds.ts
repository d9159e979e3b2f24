/**
 * Rounds: every peer of a workload measured once per round, in the same order each round
 * (A B C … A B C …), so a slow drift of the machine touches every peer alike; a failed
 * measurement is kept as an error and the round goes on. Medians over the rounds.
 */
import type { Peer } from "./peers.js";
import { ratio, type Metric, type Options, type Sample, type Workload } from "./workload.js";

export interface PeerRun {
  peer: Peer;
  samples: Sample[];
  errors: string[];
  notes: string[];
  median: Sample;
  /** Per metric: the ratio to the baseline peer's median (>1 = better than raw node:net). */
  ratio: Sample;
}

export const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const fmt = (x: number | undefined, digits = 1): string =>
  x !== undefined && Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "—";

function summary(w: Workload, run: PeerRun): string {
  const s = run.samples[run.samples.length - 1]!;
  return w.metrics.map((m) => `${fmt(s[m.key], m.digits ?? 1)} ${m.unit}`).join(", ");
}

export async function alternate(w: Workload, peers: Peer[], o: Options, log: (s: string) => void): Promise<PeerRun[]> {
  const runs = peers.map((peer): PeerRun => ({ peer, samples: [], errors: [], notes: [], median: {}, ratio: {} }));
  for (let round = 1; round <= o.rounds; round++) {
    for (const run of runs) {
      try {
        const m = await w.measure(run.peer, o);
        run.samples.push(m.sample);
        if (m.note && !run.notes.includes(m.note)) run.notes.push(m.note);
        log(`  ${w.id} round ${round}/${o.rounds} ${run.peer.name}: ${summary(w, run)}${m.note ? ` (${m.note})` : ""}`);
      } catch (e) {
        const msg = (e as Error).message.split("\n")[0]!.slice(0, 300);
        run.errors.push(msg);
        log(`  ${w.id} round ${round}/${o.rounds} ${run.peer.name}: FAILED: ${msg}`);
      }
    }
  }
  for (const run of runs) for (const m of w.metrics) run.median[m.key] = median(run.samples.map((s) => s[m.key] ?? NaN));
  const byId = new Map(runs.map((r) => [r.peer.id, r]));
  for (const run of runs) {
    const base = byId.get(run.peer.baseline);
    for (const m of w.metrics) run.ratio[m.key] = base ? ratio(m, run.median[m.key]!, base.median[m.key]!) : NaN;
  }
  return runs;
}

/** The metrics a workload's chart and ratio columns use. */
export const rated = (w: { metrics: Metric[] }): Metric[] => w.metrics.filter((m) => m.primary);
