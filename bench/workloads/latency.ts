/**
 * One connection, blocking guest: sequential 1-byte ping-pongs (the next byte only after the
 * echo) against examples/echo-blocking.wasm (blocking accept/read/write) and its peers — the
 * round-trip time. The client is a separate process (bench/p2-echo-client.ts): preview2-shim
 * blocks its own event loop while its guest waits.
 * The component pair (wasock and preview2-shim) runs the same echo-server.component.wasm; what
 * one blocking call costs is measured on its own by the calls workload.
 */
import { dist } from "../lib/env.js";
import { runJsonClient, startServer, stopServer, withSpinners } from "../lib/proc.js";
import type { Workload } from "../lib/workload.js";
import { COMPONENT, NODE, OTHERS } from "./slots.js";

const counts = (quick: boolean): { warmup: number; count: number } => (quick ? { warmup: 500, count: 2000 } : { warmup: 2000, count: 10000 });

export const latency: Workload = {
  id: "latency",
  title: "One connection, 1-byte ping-pong (blocking guest)",
  kind: "echo",
  slots: [...NODE, ...COMPONENT, ...OTHERS],
  metrics: [
    { key: "rtUs", label: "mean round trip", unit: "µs", better: "lower", primary: true, digits: 1 },
    { key: "p50Us", label: "p50", unit: "µs", better: "lower", digits: 1 },
    { key: "p99Us", label: "p99", unit: "µs", better: "lower", digits: 1 },
  ],
  params: (o) => ({ ...counts(o.quick), spin: o.spin, client: "bench/p2-echo-client.ts latency" }),
  async measure(p, o) {
    const { warmup, count } = counts(o.quick);
    return withSpinners(o.spin, async () => {
      const s = await startServer(p.name, p.argv);
      try {
        const r = await runJsonClient([process.execPath, `${dist}/bench/p2-echo-client.js`, String(s.port), "latency", String(warmup), String(count), "--timeout", "120"], 130_000);
        return { sample: { rtUs: r.meanUs!, p50Us: r.p50Us!, p99Us: r.p99Us! } };
      } finally {
        await stopServer(s);
      }
    });
  },
};
