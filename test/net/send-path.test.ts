// A send's bytes are copied once on each side of the worker bridge (docs/bridges.md, "Bytes across
// the channel"): the guest's ABI gathers them out of guest memory straight into the channel or the
// post ring (host/sockets/send-path.ts, RemoteKernel), and the host copies them out once, for the
// kernel to keep. Counted here in bytes copied (every copy is a Uint8Array set()), for each ABI's
// sender, with sends larger than the channel and guest pointers past the end of memory (EFAULT,
// nothing sent, nothing copied). In-process, the one copy is the ABI's into owned memory. And the
// other way, a datagram's bytes are copied once on the guest's thread, into guest memory.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { Channel, ring, Slot, State } from "../../host/bridge/channel.js";
import { takePosted, type Posted } from "../../host/bridge/post-ring.js";
import { Dispatch } from "../../host/bridge/protocol.js";
import { Core } from "../../host/core/core.js";
import { Errno } from "../../host/core/enums.js";
import type { Addr, Datagram, Kernel, LocalKernel } from "../../host/sockets/kernel.js";
import { GuestContext } from "../../host/wasi/context.js";
import { guestImports } from "../../host/abi/imports.js";
import { sendPath } from "../../host/sockets/send-path.js";
import { datagram, pattern, RECV_P2, RECV_WX, SCENARIOS, STDOUT, type Received as Receipt, type Result } from "../helpers/send-path-guest.js";

/** What the kernel was handed, per handle (stdout as STDOUT). */
interface Received {
  chunks: Map<number, Uint8Array[]>;
  addrs: (Addr | undefined)[];
  /** Datagrams waiting to be received, per handle. */
  datagrams: Map<number, Uint8Array[]>;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The bytes `iovs` hold in the guest's memory (see pattern()). */
function expected(iovs: readonly [number, number][]): Uint8Array {
  const out = new Uint8Array(iovs.reduce((n, [, len]) => n + len, 0));
  let o = 0;
  for (const [p, len] of iovs) for (let k = 0; k < len; k++) out[o++] = pattern(p + k);
  return out;
}

/** A kernel that takes every send whole, keeping what it is given as it is. */
function recordingKernel(got: Received, room: number) {
  const keep = (h: number, d: Uint8Array): void => {
    const list = got.chunks.get(h) ?? [];
    list.push(d);
    got.chunks.set(h, list);
  };
  return {
    hasStopped: false,
    send: (h: number, d: Uint8Array): number => (keep(h, d), d.length),
    sendTo: (h: number, d: Uint8Array, addr: Addr | undefined): number => (keep(h, d), got.addrs.push(addr), d.length),
    writeStdio: (fd: number, d: Uint8Array): void => keep(fd === 1 ? STDOUT : -fd, d),
    sendRoom: (): number => room,
    recvFrom: (h: number): Datagram | number => {
      const d = got.datagrams.get(h)?.shift();
      return d ? { data: d, from: { host: "10.0.0.9", port: 53, family: 4 }, truncated: false } : -Errno.AGAIN;
    },
    close: (): number => 0,
  };
}

/**
 * Serve `ch` until `done` settles, as worker-host.ts does (posted sends before each request),
 * counting the bytes this thread copies while it serves (`copies.n`).
 */
async function serve(ch: Channel, kernel: LocalKernel, done: Promise<unknown>, copies: { n: number }): Promise<void> {
  const i = ch.i32;
  const dispatch = new Dispatch(ch, kernel);
  const posted: Posted = { send: (h, d) => void kernel.send(h, d, false), close: () => {} };
  let over = false;
  void done.finally(() => {
    over = true;
    ring(i);
  });
  const set = Uint8Array.prototype.set;
  // Counted only inside this thread's synchronous steps, where nothing else runs.
  const counted = <T>(f: () => T): T => {
    Uint8Array.prototype.set = function (this: Uint8Array, from: ArrayLike<number>, at?: number): void {
      copies.n += from.length;
      set.call(this, from, at);
    } as typeof set;
    try {
      return f();
    } finally {
      Uint8Array.prototype.set = set;
    }
  };
  // Deno counts no Atomics.waitAsync as pending work (worker-host.ts does the same).
  const keepAlive = setInterval(() => {}, 1 << 30);
  while (!over) {
    const events = Atomics.load(i, Slot.EVENTS);
    const s = Atomics.load(i, Slot.STATE);
    counted(() => takePosted(ch, posted));
    if (s === State.REQUEST) {
      const r = counted(() => dispatch.serve(i[Slot.OP]!));
      assert.equal(typeof r, "number", "the recording kernel never waits");
      i[Slot.RESULT] = r as number;
      Atomics.store(i, Slot.STATE, State.RESPONSE);
      Atomics.notify(i, Slot.STATE);
      continue;
    }
    Atomics.store(i, Slot.WAITING, 1);
    if (Atomics.load(i, Slot.TAIL) === Atomics.load(i, Slot.HEAD)) {
      const w = Atomics.waitAsync(i, Slot.EVENTS, events, 5000);
      if (w.async) await w.value;
    }
    Atomics.store(i, Slot.WAITING, 0);
  }
  counted(() => takePosted(ch, posted));
  clearInterval(keepAlive);
}

describe("send path", () => {
  it("across the worker bridge, every sender's bytes are copied once by the guest's thread and once by the host's", async () => {
    const ch = new Channel();
    const got: Received = { chunks: new Map(), addrs: [], datagrams: new Map() };
    got.datagrams.set(RECV_WX, [datagram(0)]);
    got.datagrams.set(RECV_P2, [datagram(1), datagram(2), datagram(3)]);
    const kernel = recordingKernel(got, 256 * 1024) as unknown as LocalKernel;
    const worker = new Worker(new URL("../helpers/send-path-guest.js", import.meta.url), { workerData: { sendPath: true, sab: ch.sab } });
    const results = new Promise<{ sends: Result[]; receives: Receipt[] }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    const host = { n: 0 };
    try {
      await serve(ch, kernel, results, host);
    } finally {
      await worker.terminate();
    }
    const { sends: res, receives } = await results;

    let total = 0;
    const want = new Map<number, Uint8Array[]>();
    SCENARIOS.forEach((sc, k) => {
      const r = res[k]!;
      const bytes = expected(sc.iovs);
      assert.equal(r.errno, sc.errno, `${sc.name}: errno`);
      if (sc.errno !== Errno.SUCCESS) {
        assert.equal(r.copied, 0, `${sc.name}: nothing copied`);
        assert.equal(r.n, 0xdeadbeef, `${sc.name}: no count written`);
        return;
      }
      assert.equal(r.n, bytes.length, `${sc.name}: the count`);
      assert.equal(r.copied, bytes.length, `${sc.name}: the guest's thread copies each byte once`);
      total += bytes.length;
      want.set(sc.handle, [...(want.get(sc.handle) ?? []), bytes]);
    });
    for (const [h, parts] of want) {
      const chunks = got.chunks.get(h) ?? [];
      const [a, b] = [concat(chunks), concat(parts)];
      assert.equal(a.length, b.length, `handle ${h}: the kernel got every byte`);
      const wrong = a.findIndex((x, k) => x !== b[k]);
      assert.equal(wrong, -1, `handle ${h}: the kernel got every byte in order (first wrong: ${wrong})`);
      for (const c of chunks) assert.notEqual(c.buffer, ch.sab, "the kernel keeps bytes of its own, not the channel's");
    }
    assert.deepEqual([...got.chunks.keys()].sort(), [...want.keys()].sort(), "nothing sent on a fault");
    const answered = [0, 1, 2, 3].reduce((n, k) => n + datagram(k).length, 0);
    assert.equal(host.n, total + answered, "the host's thread copies each byte once: a send's out of the channel, a datagram's into it");
    const to = { host: "127.0.0.1", port: 5353, family: 4 };
    assert.deepEqual(got.addrs, [to, to, to]);

    // Received datagrams are a view of the channel, copied once into guest memory; a wasi:sockets
    // receive of several keeps all but the last (lowered by jco after it returns) past the next call.
    assert.deepEqual(receives[0], { right: [true], copied: 0 }, "WASIX sock_recv_from: one copy, into guest memory");
    assert.deepEqual(receives[1], { right: [true, true, true], copied: datagram(1).length + datagram(2).length },
      "a wasi:sockets receive of three: the first two kept, each right");
  });

  it("in-process, the ABI's one copy is of the kernel's own: later guest writes leave it as it was", () => {
    const got: Received = { chunks: new Map(), addrs: [], datagrams: new Map() };
    const kernel = recordingKernel(got, 0) as unknown as Kernel;
    const ctx = new GuestContext(kernel, Core.load(), [], []);
    const memory = new WebAssembly.Memory({ initial: 4 });
    ctx.mem.bind(memory);
    const u8 = new Uint8Array(memory.buffer), dv = new DataView(memory.buffer);
    const sock = guestImports(ctx).modules.wasi_snapshot_preview1.sock_send as (...a: number[]) => number;
    const fd = ctx.fds.insert({ kind: "socket", handle: 5, flags: 0 });
    assert.notEqual(sendPath(kernel), kernel, "a kernel without the capability gets copies into owned memory");
    // Small (carved from a slab), larger (its own buffer), larger than a piece (pieces of their
    // own), and one straddling the end of memory.
    const sends = [[1000, 5, 0], [1000, 3000, 0], [1000, 100_000, 0], [4 * 65536 - 100, 101, Errno.FAULT]] as const;
    for (const [at, len, errno] of sends) {
      if (errno === 0) u8.fill(len & 0xff, at, at + len);
      dv.setUint32(16, at, true);
      dv.setUint32(20, len, true);
      assert.equal(sock(fd, 16, 1, 0, 8), errno);
    }
    u8.fill(0xee);
    const sent = concat(got.chunks.get(5)!);
    assert.equal(sent.length, 5 + 3000 + 100_000);
    assert.ok(sent.subarray(0, 5).every((b) => b === 5), "a small copy kept");
    assert.ok(sent.subarray(5, 3005).every((b) => b === (3000 & 0xff)), "a larger copy kept");
    assert.ok(sent.subarray(3005).every((b) => b === (100_000 & 0xff)), "the pieces kept");
  });
});
