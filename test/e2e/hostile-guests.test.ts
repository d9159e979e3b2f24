// Guests that never wait — they spin on calls that answer at once, or compute and call nothing —
// must not hold the host: under JSPI they share the host's thread, which gives the event loop a
// turn every millisecond whatever they do (host/bridge/turns.ts, host/wasm/preempt.ts). Each
// test/guests/spinner.c mode is such a guest: the serving ones end only if their client's
// connection arrives while they spin, the computing ones only if SIGTERM, SIGINT or stop() does.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type net from "node:net";
import { Runtime } from "../../host/entries/node.js";
import { BRIDGES, startGuest, wasm, type RunningGuest } from "../helpers/guest.js";
import { connect, readBytes } from "../helpers/clients.js";
import { RUNTIME } from "../helpers/runtime.js";

const SPINNER = wasm("test/guests/spinner.wasm");

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

/** Start the spinner in `mode` and wait until it says it spins. */
async function spin(mode: string, bridge: "jspi" | "worker", extra: string[] = []): Promise<RunningGuest> {
  let spinning!: () => void;
  const started = new Promise<void>((r) => (spinning = r));
  const g = await startGuest(SPINNER, { bridge, args: [mode], extra, onLine: (l) => l === "spinning" && spinning() });
  await within(started, 10000, "the guest's first line");
  return g;
}

describe("a guest that never waits is still served", () => {
  for (const bridge of BRIDGES) {
    for (const mode of ["poll0", "accept-nb", "yield", "clock", "we-accept", "wx-accept"]) {
      test(`${mode}: its client is answered while it spins (${bridge} bridge)`, async () => {
        const g = await spin(mode, bridge);
        try {
          const s = await connect(g.ports[0]!);
          assert.equal((await readBytes(s, 5, 10000)).toString(), "spun\n");
          s.destroy();
          assert.deepEqual(await within(g.exited, 10000, "exit"), { code: 0, signal: null });
        } finally {
          await g.stop();
        }
      });
    }

    test(`out of fds, a poll loop retrying accept spins until its peers leave, then serves (${bridge} bridge)`, async () => {
      const g = await spin("emfile", bridge, ["--limit", "fds=8"]);
      const idle: net.Socket[] = [];
      try {
        for (let i = 0; i < 20; i++) idle.push(await connect(g.ports[0]!));
        await new Promise((r) => setTimeout(r, 200)); // the guest holds its fds and spins on EMFILE
        for (const s of idle) s.destroy();
        const s = await connect(g.ports[0]!);
        s.write("x");
        assert.equal((await readBytes(s, 5, 10000)).toString(), "spun\n");
        s.destroy();
        assert.deepEqual(await within(g.exited, 10000, "exit"), { code: 0, signal: null });
      } finally {
        for (const s of idle) s.destroy();
        await g.stop();
      }
    });
  }
});

describe("what a guest sent leaves though it never waits again", () => {
  for (const bridge of BRIDGES) {
    // Sends are coalesced until the guest next waits (host/net/node/stream.ts); a guest that
    // computes after its send reaches a yield point within ~10,000 loop iterations, which lets
    // the coalesced bytes go.
    test(`send-compute: its client gets the bytes while it computes (${bridge} bridge)`, async () => {
      const g = await spin("send-compute", bridge);
      try {
        const s = await connect(g.ports[0]!);
        assert.equal((await readBytes(s, 5, 10000)).toString(), "sent\n");
        s.destroy();
      } finally {
        await g.stop();
      }
    });
  }
});

test("a compiled Module (no yield points) spinning on poll(0) is still served: its calls give the turns", { skip: !BRIDGES.includes("jspi") }, async () => {
  const rt = new Runtime({ args: ["spinner", "poll0"], listen: ["127.0.0.1:0"], bridge: "jspi", stdout: () => {}, stderr: () => {} });
  const [l] = await rt.start();
  const running = rt.run(new WebAssembly.Module(readFileSync(SPINNER)));
  const s = await connect(l!.port);
  assert.equal((await readBytes(s, 5, 10000)).toString(), "spun\n");
  s.destroy();
  assert.deepEqual(await within(running, 10000, "run()"), { exitCode: 0 });
});

describe("a guest that never waits still ends on a signal or stop()", () => {
  for (const bridge of BRIDGES) {
    for (const mode of ["compute", "tail", "poll0"]) {
      for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
        test(`${mode}: ${signal} ends it with exit ${code} (${bridge} bridge)`, async () => {
          const g = await spin(mode, bridge);
          try {
            g.proc.kill(signal);
            const exit = await within(g.exited, 10000, `exit after ${signal}`);
            // Deno's child_process reports a child it signalled as killed by that signal, whatever
            // its exit status; the stop line shows the signal was handled.
            if (RUNTIME === "deno") assert.ok(exit.code === code || exit.signal === signal, JSON.stringify(exit));
            else assert.deepEqual(exit, { code, signal: null });
            assert.match(g.stderr(), new RegExp(`wasock: ${signal}, closing sockets`));
          } finally {
            await g.stop();
          }
        });
      }
    }

    test(`busy-exit: a SIGTERM while the guest spins towards its own exit 0 is not lost: 143 (${bridge} bridge)`, async () => {
      const g = await spin("busy-exit", bridge);
      try {
        await new Promise((r) => setTimeout(r, 100));
        g.proc.kill("SIGTERM");
        const exit = await within(g.exited, 10000, "exit after SIGTERM");
        if (RUNTIME === "deno") assert.ok(exit.code === 143 || exit.signal === "SIGTERM", JSON.stringify(exit));
        else assert.deepEqual(exit, { code: 143, signal: null });
      } finally {
        await g.stop();
      }
    });

    test(`compute: a library stop() from a timer ends run() with 143 (${bridge} bridge)`, async () => {
      let spinning!: () => void;
      const started = new Promise<void>((r) => (spinning = r));
      const rt = new Runtime({
        args: ["spinner", "compute"], listen: ["127.0.0.1:0"], bridge, stderr: () => {},
        stdout: (d) => new TextDecoder().decode(d).includes("spinning") && spinning(),
      });
      const running = rt.run(readFileSync(SPINNER));
      await within(started, 10000, "the guest's first line");
      setTimeout(() => rt.stop(), 50);
      assert.deepEqual(await within(running, 10000, "run() after stop()"), { exitCode: 143 });
    });
  }
});
