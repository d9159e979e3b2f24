// The Bun adapter (host/net/bun: Bun.listen / Bun.connect) under the guests the node:net suite
// serves: a C poll-loop server with many clients, half-close and resets, a WasmEdge client guest
// connecting out, a wasi:sockets component, and a client that sends a lot and reads slowly (the
// adapter's queues stay bounded). Runs under Bun; elsewhere there is no Bun API.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { Runtime } from "../../host/entries/bun.js";
import { RX_HIGH_WATER, TX_HIGH_WATER } from "../../host/sockets/connection.js";
import { BRIDGES, wasm } from "../helpers/guest.js";
import { connect, readBytes } from "../helpers/clients.js";
import { RUNTIME } from "../helpers/runtime.js";

const skip = RUNTIME === "bun" ? false : "the Bun adapter needs Bun's API (npm test runs this file under Bun too)";
const quiet = { stdout: () => {}, stderr: () => {} };
const echoPoll = (): WebAssembly.Module => new WebAssembly.Module(readFileSync(wasm("examples/echo-poll.wasm")));

/** A node:net echo server in this process that ends when its client does. */
async function echoServer(): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on("data", (d) => s.write(d));
    s.on("end", () => s.end());
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
}

const portOf = (s: net.Server): number => (s.address() as net.AddressInfo).port;

describe("the Bun adapter", { skip }, () => {
  for (const bridge of BRIDGES) {
    test(`echo-poll serves 30 clients at once, half-close and a reset (${bridge} bridge)`, async () => {
      const rt = new Runtime({ args: ["echo-poll"], listen: ["127.0.0.1:0"], bridge, ...quiet });
      const [l] = await rt.start();
      const running = rt.run(echoPoll());
      const bad = await connect(l!.port);
      bad.write("half");
      bad.resetAndDestroy();
      await Promise.all(
        Array.from({ length: 30 }, async () => {
          const s = await connect(l!.port);
          const data = randomBytes(64 * 1024);
          s.end(data);
          assert.ok((await readBytes(s, data.length)).equals(data));
        }),
      );
      rt.stop();
      assert.deepEqual(await running, { exitCode: 0 });
    });

    test(`a WasmEdge client guest connects out through Bun.connect (${bridge} bridge)`, async () => {
      const server = await echoServer();
      const port = portOf(server);
      let out = "";
      const rt = new Runtime({
        args: ["wasmedge-client", `127.0.0.1:${port}`, "over bun"], bridge, allow: { connect: [`127.0.0.1:${port}`] },
        stdout: (d) => (out += new TextDecoder().decode(d)), stderr: () => {},
      });
      const r = await rt.run(new WebAssembly.Module(readFileSync(wasm("examples/wasmedge-client.wasm"))));
      server.close();
      assert.deepEqual(r, { exitCode: 0 });
      assert.equal(out, "over bun");
    });

    test(`a server that answers and ends before the client guest reads: all of it arrives (${bridge} bridge)`, async () => {
      // The greeting and the FIN can come before the socket layer is attached to the new stream.
      const server = net.createServer({ allowHalfOpen: true }, (s) => {
        s.on("error", () => {});
        s.resume();
        s.end("greeting");
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = portOf(server);
      let out = "";
      const rt = new Runtime({
        args: ["wasmedge-client", `127.0.0.1:${port}`], bridge, allow: { connect: [`127.0.0.1:${port}`] },
        stdout: (d) => (out += new TextDecoder().decode(d)), stderr: () => {},
      });
      const r = await rt.run(new WebAssembly.Module(readFileSync(wasm("examples/wasmedge-client.wasm"))));
      server.close();
      assert.deepEqual(r, { exitCode: 0 });
      assert.equal(out, "greeting");
    });

    test(`a client guest connecting to a closed port fails (${bridge} bridge)`, async () => {
      const server = await echoServer();
      const port = portOf(server);
      await new Promise((r) => server.close(r));
      const rt = new Runtime({ args: ["wasmedge-client", `127.0.0.1:${port}`], bridge, allow: { connect: [`127.0.0.1:${port}`] }, ...quiet });
      const r = await rt.run(new WebAssembly.Module(readFileSync(wasm("examples/wasmedge-client.wasm"))));
      assert.deepEqual(r, { exitCode: 1 });
    });

    test(`a wasi:sockets component listens through Bun.listen (${bridge} bridge)`, async () => {
      let out = "";
      let announced: (p: number) => void = () => {};
      const port = new Promise<number>((r) => (announced = r));
      const rt = new Runtime({
        args: ["echo-server", "0", "1"], bridge, allow: { listen: ["127.0.0.1:*"] }, stderr: () => {},
        stdout: (d) => {
          out += new TextDecoder().decode(d);
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) announced(Number(m[1]));
        },
      });
      const running = rt.run(readFileSync(wasm("examples/echo-server.component.wasm")));
      const s = await connect(await port);
      s.write("over bun");
      assert.equal((await readBytes(s, 8)).toString(), "over bun");
      s.end();
      assert.deepEqual(await running, { exitCode: 0 });
    });

    test(`a client that sends a lot and reads slowly: the queues stay bounded (${bridge} bridge)`, async () => {
      const rt = new Runtime({ args: ["echo-poll"], listen: ["127.0.0.1:0"], bridge, ...quiet });
      const [l] = await rt.start();
      const running = rt.run(echoPoll());
      const s = await connect(l!.port);
      const total = 24 * 1024 * 1024;
      const payload = randomBytes(total);
      let maxSendQ = 0, maxRecvQ = 0;
      const sampler = setInterval(() => {
        for (const row of rt.sockets()) {
          if (row.proto !== "tcp" || row.state === "LISTEN") continue;
          maxSendQ = Math.max(maxSendQ, row.sendQ);
          maxRecvQ = Math.max(maxRecvQ, row.recvQ);
        }
      }, 5);
      // Nothing is read until the adapter's send queue is seen in use (every buffer on the way
      // full: how fast a loaded machine lets the guest echo does not matter), then at 16 MB/s (a
      // pause after each chunk as long as the chunk takes at that rate).
      const hash = createHash("sha256");
      let got = 0;
      s.pause();
      const echoed = new Promise<void>((resolve, reject) => {
        s.on("data", (d: Buffer) => {
          hash.update(d);
          got += d.length;
          if (got >= total) return resolve();
          s.pause();
          setTimeout(() => s.resume(), d.length / 16_000);
        });
        s.once("error", reject);
      });
      void (async () => {
        for (const deadline = Date.now() + 20_000; maxSendQ <= 64 * 1024 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
        s.resume();
      })();
      // Write as fast as the connection takes it (node:net's own buffer kept small by 'drain').
      for (let off = 0; off < total; off += 256 * 1024) {
        if (!s.write(payload.subarray(off, off + 256 * 1024))) await new Promise((r) => s.once("drain", r));
      }
      s.end();
      await echoed;
      clearInterval(sampler);
      assert.equal(hash.digest("hex"), createHash("sha256").update(payload).digest("hex"));
      // What wasock holds stays bounded (Bun's socket holds nothing: its write takes what the OS
      // takes): the guest's writes wait past TX_HIGH_WATER (echo-poll writes ≤ 64 KiB at a time),
      // and its receive side pauses the Bun socket past RX_HIGH_WATER. Unbounded queueing would
      // show here as a send queue of many megabytes.
      assert.ok(maxSendQ > 64 * 1024, `the adapter's send queue was used (max ${maxSendQ})`);
      assert.ok(maxSendQ <= TX_HIGH_WATER + 64 * 1024, `send queue ${maxSendQ}`);
      assert.ok(maxRecvQ <= RX_HIGH_WATER + 1024 * 1024, `receive queue ${maxRecvQ}`);
      s.destroy();
      rt.stop();
      assert.deepEqual(await running, { exitCode: 0 });
    });
  }

  test("a port in use is EADDRINUSE at start", async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const rt = new Runtime({ listen: [`127.0.0.1:${portOf(taken)}`], ...quiet });
    await assert.rejects(rt.start(), (e: { code?: string }) => e.code === "EADDRINUSE");
    taken.close();
  });
});
