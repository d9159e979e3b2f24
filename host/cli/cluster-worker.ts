/**
 * What a `--workers` process needs of the cluster: whether it is a worker, how it reports its
 * listeners to the primary, and the listener line. Kept apart from the primary (workers.ts) so a
 * plain run loads neither node:cluster nor node:child_process.
 */
import type { Listening } from "../runtime.js";

/** What a worker tells the primary once its listeners are open. */
export interface ListeningMessage {
  type: "wasock:listening";
  listeners: Listening[];
}

/**
 * Set by the primary in each worker's environment. node:cluster's own mark (NODE_UNIQUE_ID) is gone
 * by the time user code runs, and `cluster.isWorker` would load node:cluster; this one is read once
 * and removed, so nothing the worker starts inherits it.
 */
export const WORKER_ENV = "WASOCK_CLUSTER_WORKER";
const worker = process.env[WORKER_ENV] === "1";
delete process.env[WORKER_ENV];

export function isClusterWorker(): boolean {
  return worker;
}

/** In a worker: tell the primary the listeners are open (it prints them). */
export function reportListening(listeners: Listening[]): void {
  process.send?.({ type: "wasock:listening", listeners } satisfies ListeningMessage);
}

export function listenLine(l: Listening): string {
  const host = l.host.includes(":") ? `[${l.host}]` : l.host;
  return `wasock: fd ${l.fd} listening on tcp://${host}:${l.port}\n`;
}
