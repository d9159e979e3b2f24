/**
 * What one subscription costs a preview1 poll_oneoff, against what one fd costs Linux's poll():
 * N idle connected sockets (wasock: the in-memory network, so only the host's own work is
 * measured; native: socketpairs) and a zero timeout, polled over and over; ns per subscription.
 * The guest's own side (wasi-libc turning pollfds into subscriptions and back) is not counted.
 *
 *   node dist/bench/poll-cost.js [--n 100,1000,10000]
 *
 * The native side is bench/native/poll-cost.c, compiled here with cc when there is one.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pollOneoff } from "../host/abi/preview1/poll.js";
import { Core } from "../host/core/core.js";
import { MemoryNetwork } from "../host/net/memory/network.js";
import { LocalKernel } from "../host/sockets/kernel.js";
import { GuestContext } from "../host/wasi/context.js";
import { Eventtype, SUBSCRIPTION_SIZE } from "../host/wasi/types.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const at = process.argv.indexOf("--n");
const sizes = (at > 0 ? process.argv[at + 1]! : "100,1000,10000").split(",").map(Number);

async function wasock(n: number): Promise<number> {
  const net = new MemoryNetwork();
  const kernel = new LocalKernel(net.backend(), 65535, { stdout() {}, stderr() {} });
  const ctx = new GuestContext(kernel, Core.load(), [], [], n + 64, []);
  const mem = new WebAssembly.Memory({ initial: Math.ceil(((n + 1) * (SUBSCRIPTION_SIZE + 32) + 2048) / 65536) });
  ctx.mem.bind(mem);
  const listener = await kernel.preopen("127.0.0.1", 7000, 65535, 3);
  const fds: number[] = [];
  for (let i = 0; i < n; i++) {
    net.connect("127.0.0.1", 7000);
    await new Promise((r) => setImmediate(r));
    const h = await kernel.accept(listener, true, -1);
    if (h < 0) throw new Error(`accept: ${-h}`);
    fds.push(ctx.fds.insert({ kind: "socket", handle: h, flags: 0 }));
  }
  const dv = new DataView(mem.buffer);
  const inPtr = 1024, outPtr = inPtr + (n + 1) * SUBSCRIPTION_SIZE, retPtr = 16;
  for (let i = 0; i <= n; i++) {
    const p = inPtr + i * SUBSCRIPTION_SIZE;
    dv.setBigUint64(p, BigInt(i), true);
    dv.setUint8(p + 8, i < n ? Eventtype.FD_READ : Eventtype.CLOCK);
    dv.setUint32(p + 16, i < n ? fds[i]! : 1, true); // the clock: monotonic, timeout 0 (bytes 24-31 stay 0)
  }
  const iters = Math.max(50, Math.floor(2e6 / n));
  const run = async (k: number): Promise<void> => {
    for (let i = 0; i < k; i++) {
      const r = pollOneoff(ctx, inPtr, outPtr, n + 1, retPtr);
      if (r instanceof Promise) await r;
    }
  };
  await run(iters); // warm up
  const t0 = process.hrtime.bigint();
  await run(iters);
  return Number(process.hrtime.bigint() - t0) / iters / (n + 1);
}

function native(n: number): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), "wasock-poll-"));
  const bin = join(dir, "poll-cost");
  if (spawnSync("cc", ["-O2", "-o", bin, join(root, "bench/native/poll-cost.c")]).status !== 0) return undefined;
  const out = spawnSync(bin, [String(n)], { encoding: "utf8" }).stdout ?? "";
  const m = /([\d.]+) ns per fd/.exec(out);
  return m ? Number(m[1]) : undefined;
}

console.log("| subscriptions | wasock poll_oneoff, ns each | native poll(), ns per fd |\n|---|---|---|");
for (const n of sizes) {
  const nat = native(n);
  console.log(`| ${n.toLocaleString("en")} | ${(await wasock(n)).toFixed(1)} | ${nat === undefined ? "— (cc or the fd limit)" : nat.toFixed(1)} |`);
}
process.exit(0);
