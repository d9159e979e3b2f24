/**
 * Load generator for the idle-connections workload: opens connections to 127.0.0.1:PORT and
 * keeps them open, sending nothing. Talks in lines: stdin commands, one JSON line answered each.
 *
 *   node dist/bench/clients/idle-client.js PORT
 *     "open N"  → open connections until N are open (at most 256 connects in flight), answer
 *                 {"open": connections open now, "failed": connects refused/reset so far}
 *     "count"   → {"open", "closed": connections the server closed or reset after they opened}
 *     "probe"   → one GET on the oldest and the newest connection: {"answered": 0..2}
 *     "time N"  → N GETs one after another on a connection of its own (opened for them, then
 *                 closed): {"meanUs", "p50Us"}, µs from each request's write to its response
 *     "quit"    → exits
 *
 * Needs a file-descriptor limit above the connection count (the suite runs it under ulimit -n).
 */
import * as net from "node:net";
import { createInterface } from "node:readline";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("usage: idle-client PORT");
  process.exit(2);
}

const open: net.Socket[] = [];
let failed = 0;
let closed = 0;

function connectOne(): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    let up = false;
    s.once("connect", () => {
      up = true;
      open.push(s);
      resolve();
    });
    s.on("error", () => {});
    s.once("close", () => {
      const i = open.indexOf(s);
      if (up && i >= 0) {
        closed++;
        open.splice(i, 1);
      } else if (!up) {
        failed++;
        resolve();
      }
    });
  });
}

async function openUpTo(n: number): Promise<void> {
  let attempts = 0, inflight = 0;
  const limit = n * 2; // refused connects are retried, up to twice the target in all
  const worker = async (): Promise<void> => {
    while (open.length + inflight < n && attempts < limit) {
      attempts++;
      inflight++;
      await connectOne();
      inflight--;
    }
  };
  await Promise.all(Array.from({ length: 256 }, worker));
}

/** One request on a connection: did an HTTP response come back within 5 s? */
function probe(s: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), 5000);
    const onData = (d: Buffer): void => done(d.toString("latin1").startsWith("HTTP/1.1 200"));
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      s.off("data", onData);
      resolve(ok);
    };
    s.on("data", onData);
    s.write("GET / HTTP/1.1\r\nHost: bench\r\n\r\n");
  });
}

/** N sequential requests on a fresh keep-alive connection, each timed from write to response. */
async function timeRequests(n: number): Promise<{ meanUs: number; p50Us: number }> {
  const before = open.length;
  await openUpTo(before + 1);
  const s = open[open.length - 1]!;
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    if (!(await probe(s))) throw new Error(`request ${i} unanswered`);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  open.splice(open.indexOf(s), 1); // closed by us: not counted as closed by the server
  s.destroy();
  us.sort((a, b) => a - b);
  return { meanUs: us.reduce((a, b) => a + b, 0) / n, p50Us: us[n >> 1]! };
}

const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === "open") {
    await openUpTo(Number(arg));
    say({ open: open.length, failed });
  } else if (cmd === "count") {
    say({ open: open.length, closed });
  } else if (cmd === "probe") {
    const targets = open.length > 1 ? [open[0]!, open[open.length - 1]!] : open.slice();
    const answers = await Promise.all(targets.map(probe));
    say({ answered: answers.filter(Boolean).length });
  } else if (cmd === "time") {
    say(await timeRequests(Number(arg)));
  } else if (cmd === "quit") {
    break;
  }
}
for (const s of open) s.destroy();
process.exit(0);
