/**
 * The cost of one blocking socket call that need not wait: bench/guests/calls-core.c (wasi-libc
 * send()/recv(), i.e. preview1 sock_send/sock_recv) and its WASI 0.2 twin bench/guests/calls.c
 * (blocking-write-and-flush / blocking-read) each time 20,000 one-byte writes while the client
 * reads, then 20,000 one-byte reads of bytes already there, and print ns per call. Under wasock
 * (core guest on each bridge, the component on JSPI), preview2-shim (the component) and natively
 * (calls-core.c, gcc: the cost of the send()/recv() syscalls alone, the floor).
 *
 * No raw node:net peer (node has no blocking call), so no ratio column: the goal compares these
 * medians with preview2-shim's (lib/goals.ts).
 */
import * as net from "node:net";
import { startServer, stopServer } from "../lib/proc.js";
import type { Workload } from "../lib/workload.js";

/** The guests' CALLS. */
const CALLS = 20000;

/** Read the guest's CALLS bytes, send CALLS back in one write, wait for the guest to close. */
function drive(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    let got = 0;
    s.on("data", (d: Buffer) => {
      got += d.length;
      if (got === CALLS) s.write(Buffer.alloc(CALLS, 0x79));
    });
    s.once("close", () => (got >= CALLS ? resolve() : reject(new Error(`the guest closed after ${got} of ${CALLS} bytes`))));
    s.once("error", reject);
    s.setTimeout(60_000, () => s.destroy(new Error("no progress for 60 s")));
  });
}

/** The guest's report line, once it has printed it (it exits right after). */
async function report(output: () => string, exited: Promise<unknown>): Promise<{ writeNs: number; readNs: number }> {
  const re = /calls: write (\d+) ns, read (\d+) ns per call/;
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  const m = re.exec(output());
  if (!m) throw new Error(`no report line: ${output().trim().slice(-300)}`);
  return { writeNs: Number(m[1]), readNs: Number(m[2]) };
}

export const calls: Workload = {
  id: "calls",
  title: "One blocking socket call that need not wait (1 byte)",
  kind: "calls",
  slots: [
    { impl: "wasock", rt: "node26", bridge: "jspi" },
    { impl: "wasock", rt: "node26", bridge: "worker" },
    { impl: "wasock", rt: "node20", bridge: "worker" },
    { impl: "wasock", rt: "node26", bridge: "jspi", component: true },
    { impl: "jco" },
    { impl: "native" },
  ],
  metrics: [
    { key: "writeNs", label: "blocking write", unit: "ns", better: "lower", digits: 0 },
    { key: "readNs", label: "blocking read, data there", unit: "ns", better: "lower", digits: 0 },
  ],
  params: () => ({ calls: CALLS, guests: "bench/guests/calls-core.c, bench/guests/calls.c (component)" }),
  async measure(p) {
    const s = await startServer(p.name, p.argv);
    try {
      const exited = new Promise((r) => s.proc.once("exit", r));
      await drive(s.port);
      return { sample: await report(s.output, exited) };
    } finally {
      await stopServer(s);
    }
  },
};
