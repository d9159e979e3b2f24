// Stopping a runtime from outside: a guest in the middle of a wait is unwound (exit 143, as a
// terminated process), on either bridge, and fast; a wait longer than a JS timer can hold
// neither fires early nor warns; a guest that reacts to its closed sockets keeps its own exit.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Runtime } from "../../host/entries/node.js";
import { BRIDGES, wasm } from "../helpers/guest.js";
import { connect } from "../helpers/clients.js";

const sleeper = new WebAssembly.Module(readFileSync(wasm("test/guests/sleeper.wasm")));
const echoPoll = new WebAssembly.Module(readFileSync(wasm("examples/echo-poll.wasm")));
const echoBlocking = new WebAssembly.Module(readFileSync(wasm("examples/echo-blocking.wasm")));
const component = readFileSync(wasm("examples/echo-server.component.wasm"));

/** Resolves with the guest's output once it has printed `line`. */
function output(): { sink: (d: Uint8Array) => void; seen: (line: string) => Promise<void>; text: () => string } {
  let text = "";
  const waiting: [string, () => void][] = [];
  return {
    sink: (d) => {
      text += new TextDecoder().decode(d);
      for (const [l, r] of waiting) if (text.includes(l)) r();
    },
    seen: (line) => new Promise((r) => (text.includes(line) ? r() : waiting.push([line, r]))),
    text: () => text,
  };
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

describe("a stopped guest looping on its errors", () => {
  for (const bridge of BRIDGES) {
    test(`a server looping on its accept's EBADF after stop() is unwound within a few calls, not hundreds (${bridge} bridge)`, async () => {
      let lines = 0;
      const count = (d: Uint8Array): void => void (lines += (new TextDecoder().decode(d).match(/Bad file descriptor/g) ?? []).length);
      const rt = new Runtime({ args: ["http-hello"], listen: ["127.0.0.1:0"], bridge, stdout: count, stderr: count });
      const run = rt.run(readFileSync(wasm("examples/http-hello.wasm")));
      await new Promise((r) => setTimeout(r, 300));
      await rt.stop();
      assert.deepEqual(await within(run, 10000, "the run"), { exitCode: 143 });
      // JSPI: 32 calls that do not wait (abi/stop-gate.ts), and each turn of its loop is an accept
      // and an fd_write; the worker bridge: 32 failures answered (bridge/worker-host.ts).
      assert.ok(lines <= 40, `${lines} lines of "accept: Bad file descriptor" after stop()`);
    });
  }
});

describe("stopping a runtime under a waiting guest", () => {
  for (const bridge of BRIDGES) {
    test(`a guest asleep for 30 days is unwound by stop(): exit 143 (${bridge} bridge)`, async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error): void => void warnings.push(w.name);
      process.on("warning", onWarning);
      try {
        const out = output();
        const rt = new Runtime({ args: ["sleeper"], bridge, stdout: out.sink, stderr: () => {} });
        const running = rt.run(sleeper);
        await out.seen("sleeping");
        await new Promise((r) => setTimeout(r, 100)); // asleep, and it stays asleep
        assert.doesNotMatch(out.text(), /woke/);
        rt.stop();
        assert.deepEqual(await within(running, 2000, "run() after stop()"), { exitCode: 143 });
        assert.doesNotMatch(out.text(), /woke/);
        assert.deepEqual(warnings.filter((w) => w === "TimeoutOverflowWarning"), []);
      } finally {
        process.off("warning", onWarning);
      }
    });

    test(`a short sleep still wakes on time (${bridge} bridge)`, async () => {
      const out = output();
      const rt = new Runtime({ args: ["sleeper", "1"], bridge, stdout: out.sink, stderr: () => {} });
      const t0 = performance.now();
      assert.deepEqual(await rt.run(sleeper), { exitCode: 0 });
      assert.ok(performance.now() - t0 >= 990, "slept a second");
      assert.match(out.text(), /woke/);
    });

    test(`a blocking server waiting in accept ends when stopped (${bridge} bridge)`, async () => {
      const rt = new Runtime({ args: ["echo-blocking"], listen: ["127.0.0.1:0"], bridge, stdout: () => {}, stderr: () => {} });
      await rt.start();
      const running = rt.run(echoBlocking);
      await new Promise((r) => setTimeout(r, 100));
      rt.stop();
      const { exitCode } = await within(running, 2000, "run() after stop()");
      assert.ok(exitCode === 143 || exitCode === 1, `exit ${exitCode}`);
    });

    test(`a wasi:sockets component serving forever ends when stopped (${bridge} bridge)`, async () => {
      const out = output();
      const rt = new Runtime({ args: ["echo-server", "0"], bridge, allow: { listen: ["127.0.0.1:*"] }, stdout: out.sink, stderr: () => {} });
      const running = rt.run(component);
      await within(out.seen("listening on"), 20000, "the component's listener");
      rt.stop();
      assert.deepEqual(await within(running, 3000, "run() after stop()"), { exitCode: 143 });
    });

    test(`a poll-loop server that exits on its closed listener keeps its own exit code (${bridge} bridge)`, async () => {
      const rt = new Runtime({ args: ["echo-poll"], listen: ["127.0.0.1:0"], bridge, stdout: () => {}, stderr: () => {} });
      const [l] = await rt.start();
      const running = rt.run(echoPoll);
      const c = await connect(l!.port);
      c.on("error", () => {}); // the stop may reset it
      c.write("x");
      await new Promise((r) => setTimeout(r, 50));
      rt.stop();
      assert.deepEqual(await within(running, 2000, "run() after stop()"), { exitCode: 0 });
      c.destroy();
    });
  }
});
