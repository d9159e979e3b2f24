/**
 * What a workload is to the suite: the peers it compares (slots resolved by lib/peers.ts), the
 * metrics one measurement yields, and how to take one measurement of one peer. The runner
 * (lib/rounds.ts) alternates the peers, A B C A B C, and takes medians.
 */
import type { GuestKind, Peer, Slot } from "./peers.js";

export interface Options {
  quick: boolean;
  rounds: number;
  /** Seconds of each wrk run (HTTP and accept workloads). */
  seconds: number;
  spin: boolean;
  only: string[];
  /** Peer ids to keep (with their baselines); empty: all. */
  peers: string[];
  /** Bulk echo total, MiB. */
  bulkMiB: number;
  /** Idle connections (the large step; the small step is min(1000, this)). */
  idle: number;
  /** Start-up launches per peer per round. */
  launches: number;
}

export interface Metric {
  key: string;
  label: string;
  unit: string;
  better: "higher" | "lower";
  /** Rated: drawn in results.svg and given a ratio column in the table (else a plain column). */
  primary?: boolean;
  digits?: number;
}

export type Sample = Record<string, number>;

export interface Measured {
  sample: Sample;
  /** Something a reader must know about this measurement (e.g. fewer connections held). */
  note?: string;
}

export interface Workload {
  id: string;
  title: string;
  kind: GuestKind;
  slots: Slot[];
  metrics: Metric[];
  /** The parameters, for the table heading and results.json. */
  params(o: Options): Record<string, string | number | boolean>;
  measure(p: Peer, o: Options): Promise<Measured>;
}

/** Every peer that is not raw node:net on its own runtime, against its baseline. */
export function ratio(m: Metric, value: number, base: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(base) || value <= 0 || base <= 0) return NaN;
  return m.better === "higher" ? value / base : base / value;
}
