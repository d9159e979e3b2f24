/**
 * Start-up: from spawn() to the listener line (the server's "listening on tcp://127.0.0.1:PORT"),
 * and to the first HTTP response (a client connecting in a loop from the moment the line
 * appears), for a ~210 KB guest of real code (bench/guests/http-hello-200k.wasm) and its peers.
 * Each round launches every peer --launches times (default 5) and keeps the median.
 */
import * as net from "node:net";
import { performance } from "node:perf_hooks";
import { startServer, stopServer, sleep } from "../lib/proc.js";
import { median } from "../lib/rounds.js";
import type { Workload } from "../lib/workload.js";
import { DENO_BUN, NODE, OTHERS } from "./slots.js";

/** One GET; resolves true on an HTTP 200, false on refusal/reset. */
function get(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.once("connect", () => s.write("GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"));
    s.once("data", (d: Buffer) => done(d.toString("latin1").startsWith("HTTP/1.1 200")));
    s.once("error", () => done(false));
    s.setTimeout(10_000, () => done(false));
  });
}

export const startup: Workload = {
  id: "startup",
  title: "Start-up to the listener line (~210 KB guest)",
  kind: "startup",
  slots: [...NODE, ...DENO_BUN, ...OTHERS, { impl: "jco" }],
  metrics: [
    { key: "lineMs", label: "to listener line", unit: "ms", better: "lower", primary: true, digits: 1 },
    { key: "firstMs", label: "to first response", unit: "ms", better: "lower", digits: 1 },
  ],
  params: (o) => ({ launchesPerRound: o.launches, guest: "bench/guests/http-hello-200k.wasm" }),
  async measure(p, o) {
    const line: number[] = [], first: number[] = [];
    for (let i = 0; i < o.launches; i++) {
      const s = await startServer(p.name, p.argv);
      try {
        line.push(s.readyMs);
        let ok = false;
        for (let tries = 0; !ok && tries < 200; tries++) {
          ok = await get(s.port);
          if (!ok) await sleep(5);
        }
        if (!ok) throw new Error("no HTTP response after the listener line");
        first.push(performance.now() - s.t0);
      } finally {
        await stopServer(s);
      }
    }
    return { sample: { lineMs: median(line), firstMs: median(first) } };
  },
};
