import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { BRIDGES, startGuest, wasm, type RunningGuest } from "../helpers/guest.js";
import { keepAliveGets } from "../helpers/clients.js";

const run = promisify(execFile);

for (const bridge of BRIDGES) {
  describe(`http-hello example (${bridge} bridge)`, () => {
    let g: RunningGuest;
    before(async () => { g = await startGuest(wasm("examples/http-hello.wasm"), { bridge }); });
    after(async () => { await g.stop(); });

    test("prints the exact listener line", () => {
      assert.match(g.listenLines[0]!, /^wasock: fd 3 listening on tcp:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(g.ports[0]! > 0);
    });

    test("curl gets the page", async () => {
      const { stdout } = await run("curl", ["-s", "-i", "--max-time", "10", `http://127.0.0.1:${g.ports[0]}/`]);
      assert.match(stdout, /^HTTP\/1\.1 200/);
      assert.match(stdout, /Hello, world!\n$/);
    });

    test("200 concurrent keep-alive connections, 3 requests each", async () => {
      const results = await Promise.all(Array.from({ length: 200 }, () => keepAliveGets(g.ports[0]!, 3)));
      assert.equal(results.flat().length, 600);
      for (const body of results.flat()) assert.equal(body, "Hello, world!\n");
    });
  });
}
