/**
 * HTTP/1.1 keep-alive: wrk with 64 connections against the poll() event-loop guest
 * (examples/http-hello.wasm) and its peers. Requests/s, and latency percentiles (wrk --latency).
 * A 1 s wrk run first warms each server up (JIT, connections) and is not counted.
 */
import { startServer, stopServer } from "../lib/proc.js";
import { wrk } from "../lib/wrk.js";
import type { Workload } from "../lib/workload.js";
import { DENO_BUN, NODE, OTHERS } from "./slots.js";

export const http: Workload = {
  id: "http",
  title: "HTTP/1.1 keep-alive, 64 connections",
  kind: "http",
  // Every core: two node:cluster processes against one raw node:net process.
  slots: [...NODE, { impl: "wasock", rt: "node26", bridge: "jspi", workers: 2 }, ...DENO_BUN, ...OTHERS, { impl: "jco" }],
  metrics: [
    { key: "rps", label: "req/s", unit: "req/s", better: "higher", primary: true, digits: 0 },
    { key: "p50Us", label: "p50", unit: "µs", better: "lower", digits: 0 },
    { key: "p99Us", label: "p99", unit: "µs", better: "lower", digits: 0 },
  ],
  params: (o) => ({ load: "wrk -t1 -c64 --latency", seconds: o.seconds, warmupSeconds: 1 }),
  async measure(p, o) {
    const s = await startServer(p.name, p.argv);
    try {
      await wrk({ port: s.port, connections: 64, seconds: 1 });
      const r = await wrk({ port: s.port, connections: 64, seconds: o.seconds, latency: true });
      const bad = r.errors + r.non2xx;
      return { sample: { rps: r.rps, p50Us: r.p50Us, p99Us: r.p99Us, errors: bad }, note: bad ? `${bad} wrk errors` : undefined };
    } finally {
      await stopServer(s);
    }
  },
};
