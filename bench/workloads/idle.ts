/**
 * Idle connections: host memory per connection. Each server (the http-hello guest with room
 * for 16384 clients, and its peers) first answers one request, then the client opens 1,000
 * connections that send nothing, then up to 10,000 (--idle); after each step, once the
 * listener's accept queue is empty and the server's RSS has stopped moving, the RSS delta from
 * before the first step is divided by the connections added. The server and the client each run
 * with the open-files limit raised to the hard limit (`ulimit -n hard`: 20,000 here, where root
 * has no CAP_SYS_RESOURCE to go higher). A server that cannot hold a step is rated only on the
 * steps it held.
 * With the connections held, it also times requests (200 GETs one after another on a connection
 * of their own, write to response): once with one idle connection, once with the large step's;
 * what a server pays per request for the connections it is not serving (a poll() guest reads
 * every one of them each call; node:net's epoll does not).
 */
import { spawnSync } from "node:child_process";
import { dist } from "../lib/env.js";
import { hardNofile, rssBytes, sleep, startClient, startServer, stopServer, type Client, type Server } from "../lib/proc.js";
import type { Workload } from "../lib/workload.js";
import { NODE, OTHERS } from "./slots.js";


/** Connections waiting in the listener's accept queue (ss: a listener's Recv-Q). */
function acceptQueue(port: number): number {
  const out = spawnSync("ss", ["-Hltn", `sport = :${port}`], { encoding: "utf8" }).stdout ?? "";
  return out.split("\n").filter(Boolean).reduce((n, l) => n + Number(l.trim().split(/\s+/)[1] ?? 0), 0);
}

/** The line of a server's output that says why it stopped (PHP's FD_SETSIZE warning, a poll error, …). */
function why(output: string): string {
  const lines = output.trim().split("\n");
  for (const re of [/FD_SETSIZE/, /poll|select|accept|EMFILE|Too many/i]) {
    const l = lines.findLast((x) => re.test(x));
    if (l) return l.trim().replace(/^PHP Warning:\s+/, "").slice(0, 140);
  }
  return lines[lines.length - 1]?.trim() ?? "";
}

/** Wait for an empty accept queue, then for the RSS to hold still (±0.5% over 0.5 s; ≤ 10 s). */
async function settledRss(s: Server): Promise<number> {
  const rss = (): number => {
    if (s.proc.exitCode !== null || s.proc.signalCode !== null) throw new Error(`server exited (${s.proc.exitCode ?? s.proc.signalCode})`);
    return rssBytes(s.pid);
  };
  for (let i = 0; i < 100 && acceptQueue(s.port) > 0; i++) await sleep(100);
  let prev = rss();
  for (let i = 0; i < 20; i++) {
    await sleep(500);
    const now = rss();
    if (Math.abs(now - prev) <= prev * 0.005) return now;
    prev = now;
  }
  return prev;
}

/** Requests timed one after another, at each end of the run. */
const REQUESTS = 200;

async function ask(c: Client, cmd: string): Promise<Record<string, number>> {
  c.send(`${cmd}\n`);
  return JSON.parse(await c.line()) as Record<string, number>;
}

export const idle: Workload = {
  id: "idle",
  title: "Idle connections: host memory per connection, and a request's time among them",
  kind: "idle",
  slots: [...NODE, ...OTHERS, { impl: "jco" }],
  metrics: [
    { key: "bytesPerConnLarge", label: "bytes/conn (large step)", unit: "B", better: "lower", primary: true, digits: 0 },
    { key: "bytesPerConn1k", label: "bytes/conn (1,000)", unit: "B", better: "lower", primary: true, digits: 0 },
    { key: "reqUsLarge", label: "request at the large step", unit: "µs", better: "lower", primary: true, digits: 0 },
    { key: "reqUs1", label: "request, 1 idle", unit: "µs", better: "lower", digits: 0 },
    { key: "held", label: "held", unit: "conns", better: "higher", digits: 0 },
  ],
  params: (o) => ({ steps: `${Math.min(1000, o.idle)}, ${o.idle}`, nofile: hardNofile(), measure: "VmRSS delta / connections", requests: REQUESTS }),
  async measure(p, o) {
    const small = Math.min(1000, o.idle);
    if (hardNofile() < o.idle + 100) throw new Error(`the hard open-files limit (${hardNofile()}) is below ${o.idle} connections`);
    const s = await startServer(p.name, p.argv, { nofile: true });
    const c = startClient([process.execPath, `${dist}/bench/clients/idle-client.js`, String(s.port)], { timeoutMs: 300_000, nofile: true, stdin: true });
    try {
      await ask(c, "open 1");
      if ((await ask(c, "probe")).answered !== 1) throw new Error("no answer to the warm-up request");
      const reqUs1 = (await ask(c, `time ${REQUESTS}`)).meanUs!;
      const rss0 = await settledRss(s);
      await ask(c, `open ${small + 1}`);
      const rss1 = await settledRss(s);
      const held1 = (await ask(c, "count")).open! - 1;
      // The large step: a server that falls over here still has its 1,000-connection figure.
      let rss2 = NaN, held2 = 0, answered = 0, reqUsLarge = NaN;
      const notes: string[] = [];
      try {
        await ask(c, `open ${o.idle + 1}`);
        rss2 = await settledRss(s);
        held2 = (await ask(c, "count")).open! - 1;
        answered = (await ask(c, "probe")).answered!;
        reqUsLarge = (await ask(c, `time ${REQUESTS}`)).meanUs!;
      } catch (e) {
        await sleep(300); // what it printed on the way out can arrive after its exit
        const exited = /^server exited/.test((e as Error).message);
        notes.push(`large step: ${(e as Error).message.slice(0, 200)}${exited ? `: ${why(s.output())}` : ""}`);
      }
      if (held1 < small) notes.push(`held ${held1} of ${small}`);
      if (held2 < o.idle && Number.isFinite(rss2)) notes.push(`held ${held2} of ${o.idle}`);
      if (answered < 2 && Number.isFinite(rss2)) notes.push(`${2 - answered} of the oldest/newest connections unanswered`);
      if (/EMFILE|Too many open files|pausing accepts/.test(s.output())) notes.push("server: accept EMFILE");
      const ok2 = held2 >= o.idle && answered === 2;
      return {
        sample: {
          bytesPerConnLarge: ok2 ? (rss2 - rss0) / o.idle : NaN,
          bytesPerConn1k: held1 >= small ? (rss1 - rss0) / small : NaN,
          reqUsLarge: ok2 ? reqUsLarge : NaN,
          reqUs1,
          held: held2,
          rss0,
        },
        note: notes.join("; ") || undefined,
      };
    } finally {
      c.send("quit\n");
      await c.done.catch(() => {});
      await stopServer(s);
    }
  },
};
