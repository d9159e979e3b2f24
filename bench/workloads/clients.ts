/**
 * Many clients, one-client-at-a-time guest: 16 connections at once, each doing sequential 1-byte
 * ping-pongs, against examples/echo-blocking.wasm run as 16 instances (`--instances 16`: each
 * blocks on its own, sharing the listener) and raw node:net's echo server. Round trips/s in all,
 * and the slowest client's (0 would mean a client never served). Without --instances the guest
 * serves one of them; the native build of the same C serves one too (it has no instances).
 */
import { dist } from "../lib/env.js";
import { runJsonClient, startServer, stopServer } from "../lib/proc.js";
import type { Workload } from "../lib/workload.js";

const CLIENTS = 16;

export const clients: Workload = {
  id: "clients",
  title: `${CLIENTS} clients at once, one-client-at-a-time guest (--instances ${CLIENTS})`,
  kind: "echo",
  slots: [
    { impl: "raw", rt: "node26" },
    { impl: "wasock", rt: "node26", bridge: "jspi", instances: CLIENTS },
    { impl: "wasock", rt: "node26", bridge: "worker", instances: CLIENTS },
    { impl: "raw", rt: "node20" },
    { impl: "wasock", rt: "node20", bridge: "worker", instances: CLIENTS },
  ],
  metrics: [
    { key: "rtps", label: "round trips/s", unit: "1/s", better: "higher", primary: true, digits: 0 },
    { key: "perClientMin", label: "slowest client", unit: "1/s", better: "higher", digits: 0 },
  ],
  params: (o) => ({ clients: CLIENTS, seconds: o.seconds, warmupSeconds: 0.5, client: `bench/p2-echo-client.ts clients ${CLIENTS}` }),
  async measure(p, o) {
    const s = await startServer(p.name, p.argv);
    try {
      const r = await runJsonClient([process.execPath, `${dist}/bench/p2-echo-client.js`, String(s.port), "clients", String(CLIENTS), String(o.seconds), "--timeout", "60"], 70_000);
      return { sample: { rtps: r.rtps!, perClientMin: r.perClientMin! } };
    } finally {
      await stopServer(s);
    }
  },
};
