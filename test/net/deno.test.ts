// The Deno adapter (host/net/deno: Deno.listen / Deno.connect) under the guests the node:net suite
// serves: a C poll-loop server with many clients, half-close and resets, a WasmEdge client guest
// connecting out, and a wasi:sockets component. Runs under Deno; elsewhere there is no Deno API.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { Runtime } from "../../host/entries/deno.js";
import { BRIDGES, wasm } from "../helpers/guest.js";
import { connect, readBytes } from "../helpers/clients.js";
import { RUNTIME } from "../helpers/runtime.js";

const skip = RUNTIME === "deno" ? false : "the Deno adapter needs Deno's API (npm test runs this file under Deno too)";
const quiet = { stdout: () => {}, stderr: () => {} };

describe("the Deno adapter", { skip }, () => {
  for (const bridge of BRIDGES) {
    test(`echo-poll serves 30 clients at once, half-close and a reset (${bridge} bridge)`, async () => {
      const rt = new Runtime({ args: ["echo-poll"], listen: ["127.0.0.1:0"], bridge, ...quiet });
      const [l] = await rt.start();
      const running = rt.run(new WebAssembly.Module(readFileSync(wasm("examples/echo-poll.wasm"))));
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

    test(`a wasi:sockets component listens through Deno.listen (${bridge} bridge)`, async () => {
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
      s.write("over deno");
      assert.equal((await readBytes(s, 9)).toString(), "over deno");
      s.end();
      assert.deepEqual(await running, { exitCode: 0 });
    });
  }

  test("a port in use is EADDRINUSE at start", async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as net.AddressInfo).port;
    const rt = new Runtime({ listen: [`127.0.0.1:${port}`], ...quiet });
    await assert.rejects(rt.start(), (e: { code?: string }) => e.code === "AddrInUse" || e.code === "EADDRINUSE");
    taken.close();
  });
});
