/**
 * Load generator for bench/p3-echo.ts's UDP echo servers: one UDP socket to 127.0.0.1:PORT, one
 * workload, one JSON line on stdout (a separate process, as bench/p2-echo-client.ts).
 *
 *   node dist/bench/p3-udp-client.js PORT probe
 *     a 1-byte datagram every 50 ms until one comes back → {"ok":true}: the server is serving
 *   node dist/bench/p3-udp-client.js PORT latency [WARMUP COUNT]
 *     sequential 1-byte ping-pongs → {"meanUs","p50Us","p99Us","count"}
 *   node dist/bench/p3-udp-client.js PORT throughput [SECONDS SIZE WINDOW]
 *     datagrams of SIZE bytes, WINDOW in flight, for SECONDS → {"mbPerS","bytes","lost"}: bytes
 *     echoed per second (one way, as the TCP bench's). A datagram not back within 200 ms counts
 *     as lost and is replaced, so a drop slows the run instead of stalling it.
 *
 * Bounded: exits non-zero after --timeout seconds (default 120) whatever the state.
 */
import * as dgram from "node:dgram";

const argv = process.argv.slice(2);
const ti = argv.indexOf("--timeout");
const timeoutS = ti >= 0 ? Number(argv.splice(ti, 2)[1]) : 120;
const [portArg, mode = "latency", a1, a2, a3] = argv;
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || port > 65535 || !["probe", "latency", "throughput"].includes(mode)) {
  console.error("usage: p3-udp-client PORT probe | latency [WARMUP COUNT] | throughput [SECONDS SIZE WINDOW] [--timeout S]");
  process.exit(2);
}
const deadline = setTimeout(() => {
  console.error(`p3-udp-client: ${mode} timed out after ${timeoutS}s`);
  process.exit(3);
}, timeoutS * 1000);

const sock = dgram.createSocket("udp4");
const send = (b: Buffer): void => sock.send(b, port, "127.0.0.1");

async function probe(): Promise<object> {
  const ping = Buffer.from([0x2a]);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => send(ping), 50);
    sock.once("message", () => {
      clearInterval(timer);
      resolve();
    });
    send(ping);
  });
  return { ok: true };
}

async function latency(warmup: number, count: number): Promise<object> {
  const ping = Buffer.from([0x2a]);
  const samples = new Float64Array(count);
  let done = 0;
  let t0 = 0n;
  await new Promise<void>((resolve) => {
    const go = (): void => {
      t0 = process.hrtime.bigint();
      send(ping);
    };
    sock.on("message", () => {
      const dt = Number(process.hrtime.bigint() - t0) / 1000;
      if (done >= warmup) samples[done - warmup] = dt;
      if (++done === warmup + count) return resolve();
      go();
    });
    go();
  });
  const sorted = Float64Array.from(samples).sort();
  const pct = (p: number): number => sorted[Math.min(count - 1, Math.floor(p * count))]!;
  return { meanUs: samples.reduce((x, y) => x + y, 0) / count, p50Us: pct(0.5), p99Us: pct(0.99), count };
}

async function throughput(seconds: number, size: number, window: number): Promise<object> {
  const block = Buffer.alloc(size, 0x61);
  let bytes = 0;
  let lost = 0;
  let inFlight = 0;
  let last = Date.now();
  const t0 = process.hrtime.bigint();
  const stopAt = Date.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const fill = (): void => {
      while (inFlight < window && Date.now() < stopAt) {
        inFlight++;
        send(block);
      }
      if (inFlight === 0) resolve();
    };
    sock.on("message", (d: Buffer) => {
      bytes += d.length;
      inFlight = Math.max(0, inFlight - 1);
      last = Date.now();
      fill();
    });
    const watch = setInterval(() => {
      if (Date.now() - last < 200) return;
      lost += inFlight; // nothing came back for 200 ms: what is in flight is gone
      inFlight = 0;
      last = Date.now();
      if (Date.now() >= stopAt) {
        clearInterval(watch);
        resolve();
      } else fill();
    }, 50);
    fill();
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { mbPerS: bytes / 1e6 / s, bytes, lost };
}

try {
  const r = mode === "probe" ? await probe()
    : mode === "latency" ? await latency(Number(a1 ?? 500), Number(a2 ?? 5000))
    : await throughput(Number(a1 ?? 3), Number(a2 ?? 16384), Number(a3 ?? 8));
  process.stdout.write(`${JSON.stringify(r)}\n`);
  clearTimeout(deadline);
  sock.close();
} catch (e) {
  console.error(`p3-udp-client: ${mode}: ${(e as Error).message}`);
  process.exit(1);
}
