// The host's hot paths, kept free of per-call allocation: a socket's receive queue (chunks read
// in place, the queue restarting once drained) and poll_oneoff (subscriptions kept by index,
// userdata read back when events are written, even into the same buffer).
import assert from "node:assert/strict";
import { MemoryFault } from "../../host/wasm/guest-memory.js";
import { describe, it } from "node:test";
import { Connection } from "../../host/sockets/connection.js";
import { Socket } from "../../host/sockets/socket.js";
import type { NetStream } from "../../host/net/backend.js";
import { GuestContext, guard } from "../../host/wasi/context.js";
import { pollOneoff } from "../../host/abi/preview1/poll.js";
import { Core } from "../../host/core/core.js";
import { Errno } from "../../host/core/enums.js";
import { PollBits, type Kernel } from "../../host/sockets/kernel.js";
import { EVENT_SIZE, Eventtype, SUBSCRIPTION_SIZE } from "../../host/wasi/types.js";

/** A connection on a stream that does nothing but deliver what the test pushes. */
function connected(): { s: Connection; push: (bytes: number[]) => void } {
  const stream = {
    local: { host: "127.0.0.1", port: 1, family: 4 }, remote: { host: "127.0.0.1", port: 2, family: 4 },
    bufferedAmount: 0, write() {}, end() {}, pause() {}, resume() {}, close() {}, reset() {},
    setKeepAlive() {}, setNoDelay() {}, onData() {}, onEnd() {}, onDrain() {}, onError() {}, onClose() {},
  } as NetStream;
  const s = new Connection(new Socket(), stream);
  return { s, push: (bytes) => stream.onData(Uint8Array.from(bytes)) };
}

describe("receive queue", () => {
  it("reads across chunks in order, whatever the sizes asked", () => {
    const { s, push } = connected();
    let next = 0;
    let expect = 0;
    for (let round = 0; round < 50; round++) {
      // Chunks of 1..9 bytes, read back in pieces of 1..13, sometimes peeked first.
      for (let c = 0; c < (round % 4) + 1; c++) {
        const len = ((round * 7 + c) % 9) + 1;
        push(Array.from({ length: len }, () => next++ & 0xff));
      }
      while (s.rxBytes > 0) {
        const max = ((round + expect) % 13) + 1;
        const peeked = round % 3 === 0 ? [...s.take(max, true)] : undefined;
        const got = [...s.take(max, false)];
        if (peeked) assert.deepEqual(got, peeked, "a peek shows what the read then takes");
        assert.ok(got.length >= 1 && got.length <= max);
        for (const b of got) assert.equal(b, expect++ & 0xff);
      }
    }
    assert.equal(expect, next);
    assert.equal(s.take(10, false).length, 0);
  });

  it("hands a whole chunk over as it came, and a part as a view of it", () => {
    const { s, push } = connected();
    push([1, 2, 3]);
    const whole = s.take(100, false);
    assert.deepEqual([...whole], [1, 2, 3]);
    push([4, 5, 6, 7]);
    assert.deepEqual([...s.take(2, false)], [4, 5]);
    assert.deepEqual([...s.take(2, false)], [6, 7]);
    assert.equal(s.rxBytes, 0);
  });
});

/** A guest memory and context whose kernel reports `ready` ([index, bits, nbytes]…) for any poll. */
function pollGuest(ready: number[]) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const kernel = { poll: () => ready, sleep: () => undefined } as unknown as Kernel;
  const ctx = new GuestContext(kernel, Core.load(), [], []);
  ctx.mem.bind(memory);
  const dv = new DataView(memory.buffer);
  const sub = (at: number, userdata: bigint, type: number, fd: number): void => {
    dv.setBigUint64(at, userdata, true);
    dv.setUint8(at + 8, type);
    dv.setUint32(at + 16, fd, true);
  };
  return { ctx, dv, sub };
}

describe("poll_oneoff events", () => {
  const socketFd = (ctx: GuestContext, handle: number): number => ctx.fds.insert({ kind: "socket", handle, flags: 0 });

  it("carries each subscription's userdata, type, nbytes and hangup", () => {
    const { ctx, dv, sub } = pollGuest([1, PollBits.READ | PollBits.HANGUP, 7, 0, PollBits.WRITE, 5_000_000_000]);
    const a = socketFd(ctx, 10);
    const b = socketFd(ctx, 11);
    sub(0, 0xfedcba9876543210n, Eventtype.FD_WRITE, a);
    sub(SUBSCRIPTION_SIZE, 42n, Eventtype.FD_READ, b);
    const out = 1024;
    assert.equal(pollOneoff(ctx, 0, out, 2, 900), Errno.SUCCESS);
    assert.equal(dv.getUint32(900, true), 2);
    assert.equal(dv.getBigUint64(out, true), 42n);
    assert.equal(dv.getUint8(out + 10), Eventtype.FD_READ);
    assert.equal(dv.getBigUint64(out + 16, true), 7n);
    assert.equal(dv.getUint16(out + 24, true), 1);
    assert.equal(dv.getBigUint64(out + EVENT_SIZE, true), 0xfedcba9876543210n);
    assert.equal(dv.getUint8(out + EVENT_SIZE + 10), Eventtype.FD_WRITE);
    assert.equal(dv.getBigUint64(out + EVENT_SIZE + 16, true), 5_000_000_000n, "nbytes past 2^32");
  });

  it("a count whose subscriptions overrun memory is a fault, even where count × 48 wraps to 0 in 32 bits", () => {
    const { ctx } = pollGuest([]);
    // 2^29 subscriptions of 48 bytes: 24 GiB, which a 32-bit length would read as 0 bytes.
    assert.throws(() => pollOneoff(ctx, 15, 7, 536870912, 1024), (e: unknown) => e instanceof MemoryFault);
  });

  it("reads every subscription before writing events over them (one buffer for both)", () => {
    const n = 6;
    // Every socket ready, reported last-first, so later events come from subscriptions that the
    // first events' bytes already cover.
    const ready = Array.from({ length: n }, (_, i) => [n - 1 - i, PollBits.READ, i + 1]).flat();
    const { ctx, dv, sub } = pollGuest(ready);
    for (let i = 0; i < n; i++) sub(i * SUBSCRIPTION_SIZE, BigInt(1000 + i), Eventtype.FD_READ, socketFd(ctx, 100 + i));
    assert.equal(pollOneoff(ctx, 0, 0, n, 4000), Errno.SUCCESS);
    assert.equal(dv.getUint32(4000, true), n);
    for (let k = 0; k < n; k++) {
      assert.equal(dv.getBigUint64(k * EVENT_SIZE, true), BigInt(1000 + n - 1 - k));
      assert.equal(dv.getBigUint64(k * EVENT_SIZE + 16, true), BigInt(k + 1));
    }
  });

  it("answers a bad fd with an EBADF event and a bad type with EINVAL, at once", () => {
    const { ctx, dv, sub } = pollGuest([]);
    sub(0, 7n, Eventtype.FD_READ, 999);
    sub(SUBSCRIPTION_SIZE, 8n, 9, 0);
    assert.equal(pollOneoff(ctx, 0, 512, 2, 900), Errno.SUCCESS);
    assert.equal(dv.getUint32(900, true), 2);
    assert.deepEqual([dv.getBigUint64(512, true), dv.getUint16(512 + 8, true)], [7n, Errno.BADF]);
    assert.deepEqual([dv.getBigUint64(512 + EVENT_SIZE, true), dv.getUint16(512 + EVENT_SIZE + 8, true)], [8n, Errno.INVAL]);
  });
});

describe("guard", () => {
  it("passes every argument, up to eight by name and beyond through a rest parameter", () => {
    const seen: unknown[][] = [];
    const two = guard((a: number, b: number) => (seen.push([a, b]), 0));
    const nine = guard((...args: number[]) => (seen.push(args.slice(0, 9)), 0));
    const ten = guard((a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number) =>
      (seen.push([a, b, c, d, e, f, g, h, i, j]), 0));
    (two as (...a: number[]) => number)(1, 2);
    (nine as (...a: number[]) => number)(1, 2, 3, 4, 5, 6, 7, 8, 9);
    (ten as (...a: number[]) => number)(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assert.deepEqual(seen, [[1, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });

  it("turns a memory fault into EFAULT", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const ctx = new GuestContext({} as Kernel, Core.load(), [], []);
    ctx.mem.bind(memory);
    const f = guard((p: number) => (ctx.mem.setU32(p, 1), 0));
    assert.equal(f(65536), Errno.FAULT);
    assert.equal(f(0), 0);
  });
});
