/**
 * Bulk echo throughput: 1 GiB (--quick: 64 MiB) through one connection in 64 KiB client
 * writes, reading the echo concurrently, against examples/echo-blocking.wasm (16 KiB
 * read/write loop) and its peers. MB/s (10^6 bytes). A peer still writing after the time budget
 * (20 s; --quick 5 s) stops there and is rated on what it moved (recorded in MiB).
 */
import { dist } from "../lib/env.js";
import { runJsonClient, startServer, stopServer, withSpinners } from "../lib/proc.js";
import type { Workload } from "../lib/workload.js";
import { COMPONENT, NODE, OTHERS } from "./slots.js";

const budget = (quick: boolean): number => (quick ? 5 : 20);

export const bulk: Workload = {
  id: "bulk",
  title: "Bulk echo, one connection",
  kind: "echo",
  slots: [...NODE, ...COMPONENT, ...OTHERS],
  metrics: [
    { key: "mbPerS", label: "throughput", unit: "MB/s", better: "higher", primary: true, digits: 0 },
    { key: "mib", label: "moved", unit: "MiB", better: "higher", digits: 0 },
  ],
  params: (o) => ({ mib: o.bulkMiB, writeKiB: 64, budgetSeconds: budget(o.quick), spin: o.spin }),
  async measure(p, o) {
    return withSpinners(o.spin, async () => {
      const s = await startServer(p.name, p.argv);
      try {
        const b = budget(o.quick);
        const r = await runJsonClient(
          [process.execPath, `${dist}/bench/p2-echo-client.js`, String(s.port), "throughput", String(o.bulkMiB), "64", "--budget", String(b), "--timeout", String(b + 60)],
          (b + 70) * 1000,
        );
        const mib = r.bytes! / 2 ** 20;
        return { sample: { mbPerS: r.mbPerS!, mib }, note: mib < o.bulkMiB ? `time budget: ${Math.round(mib)} of ${o.bulkMiB} MiB` : undefined };
      } finally {
        await stopServer(s);
      }
    });
  },
};
