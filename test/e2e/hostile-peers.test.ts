// Hostile peers against real guests over real sockets (small and fast here; bench/ has the large
// ones): a client that never reads, one that sends without end, a slowloris, a flood past the
// backlog, a reset mid-request. The guest keeps serving the others, and what the host buffers
// stays within the runtime's limits (rt.sockets() shows every queue).
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Runtime } from "../../host/entries/node.js";
import { BRIDGES, wasm } from "../helpers/guest.js";
import { connect, readBytes } from "../helpers/clients.js";
import { RUNTIME } from "../helpers/runtime.js";

const quiet = { stdout: () => {}, stderr: () => {} };
const echoPoll = new WebAssembly.Module(readFileSync(wasm("examples/echo-poll.wasm")));
const echoBlocking = new WebAssembly.Module(readFileSync(wasm("examples/echo-blocking.wasm")));
const httpHello = new WebAssembly.Module(readFileSync(wasm("examples/http-hello.wasm")));
const KiB = 1024;
/**
 * How far past a limit one connection's queue may get before backpressure holds: a read or a
 * write the host had under way. Node and Deno deliver at most 64 KiB per read; Bun's node:net
 * hands over up to 128 KiB per read and keeps delivering what it had read for a while after
 * pause() (measured: about 550 KiB beyond a 64 KiB limit).
 */
const SLACK = RUNTIME === "bun" ? 1024 * KiB : 64 * KiB;

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every runtime a test started, stopped after it whatever happened (a failed test must not leave a guest running). */
const started: { rt: Runtime; running: Promise<unknown> }[] = [];
afterEach(async () => {
  for (const { rt, running } of started.splice(0)) {
    rt.stop();
    await running.catch(() => {});
  }
});

/** Start `module` on a pre-opened listener: the runtime, its port and its run. */
async function serve(module: WebAssembly.Module, options: ConstructorParameters<typeof Runtime>[0]): Promise<{ rt: Runtime; port: number; running: Promise<{ exitCode: number }> }> {
  const rt = new Runtime({ listen: ["127.0.0.1:0"], ...quiet, ...options });
  const [l] = await rt.start();
  const running = rt.run(module);
  started.push({ rt, running });
  return { rt, port: l!.port, running };
}

/** One echo round trip on a fresh connection: the guest is still serving. */
async function echoes(port: number, text = "still here"): Promise<void> {
  const s = await connect(port);
  s.end(text);
  assert.equal((await readBytes(s, text.length, 5000)).toString(), text);
  s.destroy();
}

/** Largest queues across the guest's connections, sampled while `during` runs. */
async function sampleQueues(rt: Runtime, during: Promise<unknown>): Promise<{ recvQ: number; sendQ: number; totalRecvQ: number }> {
  const max = { recvQ: 0, sendQ: 0, totalRecvQ: 0 };
  let running = true;
  void during.finally(() => (running = false));
  while (running) {
    const rows = rt.sockets().filter((r) => r.proto === "tcp" && r.state !== "LISTEN");
    for (const r of rows) {
      max.recvQ = Math.max(max.recvQ, r.recvQ);
      max.sendQ = Math.max(max.sendQ, r.sendQ);
    }
    max.totalRecvQ = Math.max(max.totalRecvQ, rows.reduce((n, r) => n + r.recvQ, 0));
    await pause(5);
  }
  return max;
}

describe("hostile peers", () => {
  for (const bridge of BRIDGES) {
    test(`a client that never reads: the guest's sends back up, the host holds at most its limits, others are served (${bridge})`, async () => {
      const limits = { receiveBuffer: 64 * KiB, sendBuffer: 64 * KiB };
      const { rt, port, running } = await serve(echoPoll, { args: ["echo-poll"], bridge, limits });
      const hog = await connect(port);
      hog.on("error", () => {});
      hog.pause(); // never reads: the guest's echo can only go as far as the buffers
      const flood = (async () => {
        const chunk = randomBytes(64 * KiB);
        for (let i = 0; i < 64 && !hog.destroyed; i++) { // 4 MiB offered
          if (!hog.write(chunk)) await Promise.race([new Promise((r) => hog.once("drain", r)), pause(200)]);
        }
        await pause(300);
      })();
      const queues = sampleQueues(rt, flood);
      await echoes(port);
      await flood;
      const max = await queues;
      assert.ok(max.sendQ <= limits.sendBuffer + SLACK, `send queue reached ${max.sendQ}`);
      assert.ok(max.recvQ <= limits.receiveBuffer + SLACK, `receive queue reached ${max.recvQ}`);
      await echoes(port, "and still");
      hog.destroy();
      rt.stop();
      assert.deepEqual(await running, { exitCode: 0 });
    });

    test(`queued clients sending without end: all the guest's unread bytes stay under totalReceive (${bridge})`, async () => {
      // echo-blocking serves one connection at a time: the others wait in the accept queue,
      // their bytes buffered by the host on the guest's account.
      const limits = { receiveBuffer: 128 * KiB, totalReceive: 256 * KiB };
      const { rt, port, running } = await serve(echoBlocking, { args: ["echo-blocking"], bridge, limits });
      const first = await connect(port); // the one being served, idle
      const senders = await Promise.all(Array.from({ length: 8 }, () => connect(port)));
      const pushing = Promise.all(senders.map(async (s) => {
        s.on("error", () => {});
        const chunk = randomBytes(32 * KiB);
        // 2 MiB offered by each
        for (let i = 0; i < 64; i++) if (!s.write(chunk)) await Promise.race([new Promise((r) => s.once("drain", r)), pause(100)]);
      }));
      try {
        const max = await sampleQueues(rt, Promise.all([pushing, pause(800)]));
        assert.ok(max.totalRecvQ <= limits.totalReceive + 8 * SLACK, `unread total reached ${max.totalRecvQ} of 16 MiB offered`);
        assert.ok(max.totalRecvQ >= limits.totalReceive / 2, `the queued connections buffered ${max.totalRecvQ}`);
        for (const s of senders) s.destroy();
        first.end("done");
        assert.equal((await readBytes(first, 4, 5000)).toString(), "done");
        first.destroy();
      } finally {
        rt.stop();
        await running;
      }
    });
  }

  test("a slowloris holding a request open a byte at a time does not hold up the others", async () => {
    const { rt, port, running } = await serve(httpHello, { args: ["http-hello"] });
    const slow = await connect(port);
    let dripping = true;
    const drip = (async () => {
      for (const ch of "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ") {
        if (!dripping) break;
        slow.write(ch);
        await pause(20);
      }
    })();
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 200);
      await res.text();
    }
    assert.ok(performance.now() - t0 < 5000, "twenty requests served while the slow one drips");
    dripping = false;
    await drip;
    slow.destroy();
    rt.stop();
    await running;
  });

  test("a flood past the backlog is refused and counted; the guest is unaffected", async () => {
    // (A refused connect fails in connect() itself or a moment after, as the RST races the handshake.)
    const { rt, port, running } = await serve(echoBlocking, { args: ["echo-blocking"], backlog: 2 });
    const held = await connect(port); // being served: the rest queue behind it
    held.on("error", () => {});
    await pause(50);
    const flood = await Promise.allSettled(Array.from({ length: 40 }, () => connect(port).then((s) => {
      s.on("error", () => {});
      return s;
    })));
    await pause(200);
    const listener = rt.sockets().find((r) => r.state === "LISTEN")!;
    assert.ok(listener.refused > 0, `refused ${listener.refused}`);
    assert.ok(listener.recvQ <= 3, `queue ${listener.recvQ}`); // Linux queues backlog + 1
    for (const f of flood) if (f.status === "fulfilled") f.value.destroy();
    held.end("served");
    assert.equal((await readBytes(held, 6, 5000)).toString(), "served");
    held.destroy();
    // The guest works through what the flood left queued (each an immediate EOF), then serves anew.
    for (let i = 0; i < 200 && (rt.sockets().find((r) => r.state === "LISTEN")?.recvQ ?? 0) > 0; i++) await pause(10);
    await echoes(port, "after the flood");
    rt.stop();
    await running;
  });

  test("a reset in the middle of a request costs only that connection", async () => {
    const { rt, port, running } = await serve(echoPoll, { args: ["echo-poll"] });
    for (let i = 0; i < 5; i++) {
      const bad = await connect(port);
      bad.write(randomBytes(10 * KiB));
      bad.resetAndDestroy();
    }
    await Promise.all(Array.from({ length: 10 }, (_, i) => echoes(port, `client ${i}`)));
    rt.stop();
    assert.deepEqual(await running, { exitCode: 0 });
  });

  test("64 MiB through one connection while another client is served; nothing lost", async () => {
    const { rt, port, running } = await serve(echoPoll, { args: ["echo-poll"] });
    const big = await connect(port);
    const size = 64 * 1024 * KiB;
    const data = randomBytes(1024 * KiB);
    const reading = readBytes(big, size, 60000);
    const writing = (async () => {
      for (let i = 0; i < 64; i++) if (!big.write(data)) await new Promise((r) => big.once("drain", r));
      big.end();
    })();
    await echoes(port, "alongside");
    const [back] = await Promise.all([reading, writing]);
    assert.equal(back.length, size);
    for (let i = 0; i < 64; i++) assert.ok(back.subarray(i * data.length, (i + 1) * data.length).equals(data), `MiB ${i}`);
    big.destroy();
    rt.stop();
    await running;
  });
});

describe("limits", () => {
  test("fds: a server at its fd limit leaves the rest queued and serves them as others close", async () => {
    // 3 stdio + the listener + 2 connections: http-hello gets EMFILE for the third and waits.
    const { port } = await serve(httpHello, { args: ["http-hello"], limits: { fds: 6 } });
    const statuses = await Promise.all(Array.from({ length: 8 }, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } });
      await res.text();
      return res.status;
    }));
    assert.deepEqual(statuses, Array(8).fill(200));
  });

  test("dnsAnswers: a name with a hundred addresses gives the guest the first few", async () => {
    const { LocalKernel } = await import("../../host/sockets/kernel.js");
    const { MemoryNetwork } = await import("../../host/entries/memory.js");
    const { limitsFrom } = await import("../../host/sockets/limits.js");
    const network = new MemoryNetwork();
    network.names.set("many.test", Array.from({ length: 100 }, (_, i) => `10.0.${i >> 8}.${i & 255}`));
    const kernel = new LocalKernel(network.backend(), 128, {}, undefined, limitsFrom({ dnsAnswers: 3 }));
    kernel.resolveAccess = () => 0;
    const got = await kernel.resolve("many.test");
    assert.deepEqual(Array.isArray(got) ? got.map((a) => a.host) : got, ["10.0.0.0", "10.0.0.1", "10.0.0.2"]);
  });

  test("a bad limit is a LimitError at construction, naming it", async () => {
    const { LimitError } = await import("../../host/entries/node.js");
    assert.throws(() => new Runtime({ limits: { fds: 0 } }), LimitError);
    assert.throws(() => new Runtime({ limits: { sendBuffer: 1.5 } }), /sendBuffer/);
    assert.throws(() => new Runtime({ limits: { nonsense: 1 } as never }), /unknown limit "nonsense"/);
  });
});
