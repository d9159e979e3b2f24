/**
 * results.json's shape, built from the rounds, and the markdown tables printed from it.
 * Ratios are to raw node:net on the peer's own runtime (Node 26 for native, PHP, preview2-shim
 * and Wasmer), oriented so that > 1 is better than raw node:net whichever way the metric goes.
 */
import type { Machine } from "./env.js";
import type { Impl, Skipped } from "./peers.js";
import { fmt, type PeerRun } from "./rounds.js";
import type { Metric, Options, Sample, Workload } from "./workload.js";

export interface PeerResult {
  id: string;
  name: string;
  impl: Impl;
  runtime?: string;
  bridge?: string;
  serves: string;
  baseline: string;
  median: Sample;
  ratio: Sample;
  rounds: Sample[];
  errors: string[];
  notes: string[];
}

export interface WorkloadResult {
  id: string;
  title: string;
  params: Record<string, string | number | boolean>;
  metrics: Metric[];
  peers: PeerResult[];
  skipped: Skipped[];
  seconds: number;
}

export interface Goal {
  goal: string;
  peer: string;
  value: string;
  met: boolean | null;
}

export interface Results {
  suite: string;
  date: string;
  machine: Machine & { loadavgAtEnd: number[] };
  versions: Record<string, string>;
  checkout: { commit: string; dirty: string[] };
  options: Options;
  ratioNote: string;
  workloads: WorkloadResult[];
  goals: Goal[];
  notes: string[];
}

export function workloadResult(w: Workload, o: Options, runs: PeerRun[], skipped: Skipped[], seconds: number): WorkloadResult {
  return {
    id: w.id,
    title: w.title,
    params: w.params(o),
    metrics: w.metrics,
    skipped,
    seconds: Math.round(seconds),
    peers: runs.map((r) => ({
      id: r.peer.id, name: r.peer.name, impl: r.peer.impl, runtime: r.peer.runtime, bridge: r.peer.bridge,
      serves: r.peer.serves, baseline: r.peer.baseline,
      median: r.median, ratio: r.ratio, rounds: r.samples, errors: r.errors, notes: r.notes,
    })),
  };
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

/** One table per workload: every peer, each metric's median, the ratio of each primary metric. */
export function workloadTable(w: WorkloadResult): string {
  const params = Object.entries(w.params).map(([k, v]) => `${k} ${v}`).join(", ");
  const head = ["peer", ...w.metrics.flatMap((m) => (m.primary ? [`${m.label} (${m.unit})`, "× raw"] : [`${m.label} (${m.unit})`])), "ok rounds", "notes"];
  const lines = [`### ${w.title} (\`${w.id}\`; ${params}; ${w.seconds} s)`, "", `| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const p of w.peers) {
    const cells = [p.name];
    for (const m of w.metrics) {
      cells.push(fmt(p.median[m.key], m.digits ?? 1));
      if (m.primary) cells.push(p.id === p.baseline ? "1.00" : fmt(p.ratio[m.key], 2));
    }
    const total = p.rounds.length + p.errors.length;
    cells.push(`${p.rounds.length}/${total}`);
    const notes = [...p.notes, ...(p.errors.length ? [`failed: ${p.errors[0]}`] : [])];
    cells.push(notes.join("; "));
    lines.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  for (const s of w.skipped) lines.push(`| ${cell(s.name)} | ${w.metrics.flatMap((m) => (m.primary ? ["—", "—"] : ["—"])).join(" | ")} | 0/0 | ${cell(`skipped: ${s.reason}`)} |`);
  return lines.join("\n");
}

export function goalsTable(goals: Goal[]): string {
  const lines = ["### Goals (issue 21)", "", "| goal | peer | measured | met |", "|---|---|---|---|"];
  for (const g of goals) lines.push(`| ${cell(g.goal)} | ${cell(g.peer)} | ${cell(g.value)} | ${g.met === null ? "n/a" : g.met ? "yes" : "**no**"} |`);
  return lines.join("\n");
}

export function markdown(r: Results): string {
  const m = r.machine;
  const head = [
    `## wasock benchmark suite — ${r.date}`,
    "",
    `${m.cpus} × ${m.model}, ${m.memGiB} GiB, Linux ${m.kernel}; load average ${m.loadavgAtStart.join("/")} at start, ${m.loadavgAtEnd.join("/")} at end.`,
    `Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join("; ")}.`,
    `Commit ${r.checkout.commit.slice(0, 12)}${r.checkout.dirty.length ? ` + uncommitted: ${r.checkout.dirty.join(", ")}` : ""}; ${r.options.rounds} rounds alternating, medians. ${r.ratioNote}`,
  ];
  return [...head, "", ...r.workloads.map(workloadTable).flatMap((t) => [t, ""]), goalsTable(r.goals), "", ...r.notes.map((n) => `- ${n}`)].join("\n");
}
