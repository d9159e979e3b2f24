/**
 * Load generator for bench/p2-echo.ts: one TCP connection to an echo server on 127.0.0.1, one
 * workload, one JSON line on stdout. Runs in its own process, because a server under jco's
 * preview2-shim blocks its own event loop while the guest waits.
 *
 *   node dist/bench/p2-echo-client.js PORT latency [WARMUP COUNT]
 *     sequential 1-byte ping-pongs → {"meanUs","p50Us","p99Us","count"}
 *   node dist/bench/p2-echo-client.js PORT throughput [MIB CHUNK_KIB] [--budget S]
 *     MIB MiB written in CHUNK_KIB KiB writes while reading the echo concurrently → {"mbPerS","seconds","bytes"}
 *     With --budget, writing stops after S seconds (the echo of what was sent is still awaited):
 *     a slow server moves fewer bytes instead of taking minutes; "bytes" says how many it moved.
 *
 *   node dist/bench/p2-echo-client.js PORT clients [N SECONDS]
 *     N connections at once, each doing sequential 1-byte ping-pongs for SECONDS (after a 0.5 s
 *     warm-up) → {"rtps","perClientMin","perClientMax"}: round trips/s in all, and of the
 *     slowest and fastest client (a client never served shows as 0).
 *
 * Bounded: exits non-zero after --timeout seconds (default 120) whatever the state.
 */
import * as net from "node:net";

const argv = process.argv.slice(2);
const ti = argv.indexOf("--timeout");
const timeoutS = ti >= 0 ? Number(argv.splice(ti, 2)[1]) : 120;
const bi = argv.indexOf("--budget");
const budgetS = bi >= 0 ? Number(argv.splice(bi, 2)[1]) : Infinity;
const [portArg, mode = "latency", a1, a2] = argv;
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || port > 65535 || !["latency", "throughput", "clients"].includes(mode)) {
  console.error("usage: p2-echo-client PORT latency [WARMUP COUNT] | PORT throughput [MIB CHUNK_KIB] | PORT clients [N SECONDS] [--timeout S]");
  process.exit(2);
}

// The hard stop: a stuck server must not hang the benchmark.
const deadline = setTimeout(() => {
  console.error(`p2-echo-client: ${mode} timed out after ${timeoutS}s`);
  process.exit(3);
}, timeoutS * 1000);

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1", noDelay: true }, () => resolve(s));
    s.once("error", reject);
  });
}

/** One byte out, wait for one byte back, repeat; times each round trip after the warm-up. */
async function latency(warmup: number, count: number): Promise<object> {
  const s = await connect();
  const ping = Buffer.from([0x2a]);
  const samples = new Float64Array(count);
  let done = 0; // round trips finished, warm-up included
  let t0 = 0n;
  await new Promise<void>((resolve, reject) => {
    s.on("error", reject);
    s.on("close", () => reject(new Error(`connection closed after ${done} round trips`)));
    const send = (): void => {
      t0 = process.hrtime.bigint();
      s.write(ping);
    };
    s.on("data", (d: Buffer) => {
      // 1 byte per trip and the next ping only after the echo: a chunk is always exactly 1 byte.
      if (d.length !== 1) return reject(new Error(`expected 1 byte, got ${d.length}`));
      const dt = Number(process.hrtime.bigint() - t0) / 1000;
      if (done >= warmup) samples[done - warmup] = dt;
      if (++done === warmup + count) return resolve();
      send();
    });
    send();
  });
  s.removeAllListeners("close");
  s.destroy();
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.reduce((x, y) => x + y, 0) / count;
  const pct = (p: number): number => sorted[Math.min(count - 1, Math.floor(p * count))]!;
  return { meanUs: mean, p50Us: pct(0.5), p99Us: pct(0.99), count };
}

/** `n` connections ping-ponging at once for `seconds`: what a server serves concurrently. */
async function clients(n: number, seconds: number): Promise<object> {
  const socks = await Promise.all(Array.from({ length: n }, connect));
  const counts = new Array<number>(n).fill(0);
  let counting = false;
  const ping = Buffer.from([0x2a]);
  for (const [i, s] of socks.entries()) {
    s.on("error", () => {});
    s.on("data", () => {
      if (counting) counts[i]!++;
      s.write(ping);
    });
    s.write(ping);
  }
  await new Promise((r) => setTimeout(r, 500));
  counting = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const s of socks) s.destroy();
  const total = counts.reduce((a, b) => a + b, 0);
  return { rtps: total / dt, perClientMin: Math.min(...counts) / dt, perClientMax: Math.max(...counts) / dt };
}

/** Write `total` bytes in `chunk`-sized writes (honouring backpressure) while counting the echo. */
async function throughput(total: number, chunk: number): Promise<object> {
  const s = await connect();
  const block = Buffer.alloc(chunk, 0x61);
  let received = 0;
  let sent = 0;
  const t0 = process.hrtime.bigint();
  const stopAt = Date.now() + budgetS * 1000;
  await new Promise<void>((resolve, reject) => {
    s.on("error", reject);
    s.on("close", () => reject(new Error(`connection closed after ${received} of ${total} bytes`)));
    s.on("data", (d: Buffer) => {
      received += d.length;
      if (received >= total) resolve();
    });
    const pump = (): void => {
      while (sent < total) {
        if (Date.now() >= stopAt) {
          total = sent; // out of time: what was sent is what must come back
          if (received >= total) resolve();
          return;
        }
        sent += chunk;
        if (!s.write(block)) return void s.once("drain", pump);
      }
    };
    pump();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  s.removeAllListeners("close");
  s.destroy();
  return { mbPerS: total / 1e6 / seconds, seconds, bytes: total };
}

try {
  const result = mode === "latency"
    ? await latency(Number(a1 ?? 2000), Number(a2 ?? 20000))
    : mode === "clients"
    ? await clients(Number(a1 ?? 16), Number(a2 ?? 4))
    : await throughput(Number(a1 ?? 256) * 1024 * 1024, Number(a2 ?? 64) * 1024);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  clearTimeout(deadline);
} catch (e) {
  console.error(`p2-echo-client: ${mode}: ${(e as Error).message}`);
  process.exit(1);
}
