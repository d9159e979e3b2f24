import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BRIDGES, startGuest, wasm, type RunningGuest } from "../helpers/guest.js";
import { connect, echoRoundTrip, ended, readBytes } from "../helpers/clients.js";

for (const bridge of BRIDGES) {
  describe(`echo-poll example (${bridge} bridge)`, () => {
    let g: RunningGuest;
    before(async () => { g = await startGuest(wasm("examples/echo-poll.wasm"), { bridge }); });
    after(async () => { await g.stop(); });

    test("200 concurrent connections all get their bytes back", async () => {
      await Promise.all(Array.from({ length: 200 }, () => echoRoundTrip(g.ports[0]!, 4096)));
    });

    test("50 parallel 1 MiB echoes arrive intact", async () => {
      await Promise.all(Array.from({ length: 50 }, () => echoRoundTrip(g.ports[0]!, 1 << 20)));
    });

    test("half-close: the client's FIN still gets every byte back, then the guest's FIN", async () => {
      const s = await connect(g.ports[0]!);
      const payload = randomBytes(300_000);
      const reading = readBytes(s, payload.length);
      s.end(payload);
      assert.ok((await reading).equals(payload));
      await ended(s);
      s.destroy();
    });

    test("a peer that resets mid-stream does not disturb the others", async () => {
      const victim = await connect(g.ports[0]!);
      victim.on("error", () => {});
      victim.write(randomBytes(200_000));
      const others = Promise.all(Array.from({ length: 20 }, () => echoRoundTrip(g.ports[0]!, 100_000)));
      victim.resetAndDestroy();
      await others;
      await echoRoundTrip(g.ports[0]!, 10);
    });
  });
}

describe("one-connection-at-a-time guests", () => {
  for (const [name, file] of [["C blocking echo", "examples/echo-blocking.wasm"], ["Rust std echo", "examples/rust-echo.wasm"], ["AssemblyScript echo", "examples/as-echo.wasm"]] as const) {
    for (const bridge of BRIDGES) {
      test(`${name} (${bridge} bridge) echoes sequential clients`, async () => {
        const g = await startGuest(wasm(file), { bridge });
        try {
          for (let i = 0; i < 3; i++) await echoRoundTrip(g.ports[0]!, 70_000, true);
        } finally {
          await g.stop();
        }
      });
    }
  }
});
