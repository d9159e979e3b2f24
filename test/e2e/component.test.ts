import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Runtime } from "../../host/entries/node.js";
import { lendWrites, transpiled } from "../../host/p2/component.js";
import { BRIDGES, wasm } from "../helpers/guest.js";
import { connect, readBytes } from "../helpers/clients.js";

/**
 * The example WASI 0.2 component (examples/component/echo-server.c, wasi:sockets over
 * wasi:io/poll): transpiled by jco, run by the library on each bridge, served to node:net clients.
 */
const component = readFileSync(wasm("examples/echo-server.component.wasm"));

/** Run the echo component (argv: port 0, then `served` connections before it exits). */
async function start(bridge: "jspi" | "worker", served: number, allow = ["127.0.0.1:*"], tcp = true) {
  let out = "";
  let onPort: (p: number) => void = () => {};
  const port = new Promise<number>((resolve) => (onPort = resolve));
  const rt = new Runtime({
    args: ["echo-server", "0", String(served)],
    bridge,
    allow: { listen: allow, tcp },
    stdout: (d) => {
      out += Buffer.from(d).toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) onPort(Number(m[1]));
    },
    stderr: (d) => void (out += Buffer.from(d).toString()),
    onDeny: (m) => void (out += `${m}\n`),
  });
  const running = rt.run(component);
  return { rt, running, port, output: () => out };
}

for (const bridge of BRIDGES) {
  describe(`a wasi:sockets component (${bridge} bridge)`, () => {
    test("the host's timers keep firing while the component blocks in poll", async () => {
      const c = await start(bridge, 1);
      const port = await c.port;
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await new Promise((r) => setTimeout(r, 300));
      clearInterval(timer);
      assert.ok(ticks >= 10, `only ${ticks} ticks in 300 ms while the component waited`);
      const s = await connect(port);
      s.write("ping");
      assert.equal((await readBytes(s, 4)).toString(), "ping");
      s.end();
      assert.deepEqual(await c.running, { exitCode: 0 });
    });

    test("50 clients at once each get their 64 KiB back, then it exits 0", async () => {
      const c = await start(bridge, 50);
      const port = await c.port;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const s = await connect(port);
          const data = randomBytes(64 * 1024);
          s.write(data);
          assert.ok((await readBytes(s, data.length)).equals(data));
          s.end();
        }),
      );
      assert.deepEqual(await c.running, { exitCode: 0 }, c.output());
    });

    test("half-close: the client's FIN ends the component's read, the echo is complete", async () => {
      const c = await start(bridge, 1);
      const s = await connect(await c.port);
      const data = randomBytes(100_000);
      s.end(data); // write, then FIN at once
      assert.ok((await readBytes(s, data.length)).equals(data));
      assert.deepEqual(await c.running, { exitCode: 0 });
    });

    test("a client reset mid-stream leaves the others served", async () => {
      const c = await start(bridge, 2);
      const port = await c.port;
      const bad = await connect(port);
      bad.write("half a message");
      await new Promise((r) => setTimeout(r, 50));
      bad.resetAndDestroy();
      const good = await connect(port);
      good.write("still here");
      assert.equal((await readBytes(good, 10)).toString(), "still here");
      good.end();
      assert.deepEqual(await c.running, { exitCode: 0 });
    });

    test("without an allow rule it makes its socket, as under wasmtime, and its listen is denied: access-denied, one line naming the rule", async () => {
      const c = await start(bridge, 1, []);
      const { exitCode } = await c.running;
      assert.notEqual(exitCode, 0);
      assert.doesNotMatch(c.output(), /denied creating/);
      assert.match(c.output(), /wasock: denied listen on 127\.0\.0\.1:0: not allowed by any rule \(allow it with --allow-listen/);
      assert.match(c.output(), /access-denied/);
    });

    test("with TCP off (allow.tcp false, --no-tcp) it cannot create a socket: access-denied, one line naming the flag", async () => {
      const c = await start(bridge, 1, ["127.0.0.1:*"], false);
      const { exitCode } = await c.running;
      assert.notEqual(exitCode, 0);
      assert.match(c.output(), /wasock: denied creating a TCP socket: TCP is off \(--no-tcp\)/);
      assert.match(c.output(), /access-denied/);
    });
  });
}

// An output stream's write hands the kernel's side a view of guest memory, which copies it once
// where it keeps it (host/sockets/send-path.ts): jco's own copy of the bytes is taken out of the
// bindings (host/p2/component.ts: lendWrites). Should a jco upgrade write the lifting otherwise,
// the bytes would be copied twice again without any other test noticing.
test("the component's bindings lend a write's bytes: a view of guest memory, not jco's copy", async () => {
  for (const mode of ["jspi", "sync"] as const) {
    const js = readFileSync(join(await transpiled(component, mode), "component.js"), "utf8");
    const trampolines = js.split(/\n\s*const _trampoline\d+ = /);
    const writes = trampolines.filter((t) => /\.fnName = 'wasi:io\/streams@[\d.]+#(write|blockingWriteAndFlush)'/.test(t));
    assert.equal(writes.length, 2, "write and blocking-write-and-flush");
    for (const t of writes) {
      assert.match(t, /new Uint8Array\(memory\d+\.buffer\)\.subarray\(/);
      assert.doesNotMatch(t, /\.buffer\.slice\(/);
    }
  }
  // A view sees the bytes jco's copy had, for any pointer and length (i32 arguments: negative too).
  const memory = new WebAssembly.Memory({ initial: 1 });
  new Uint8Array(memory.buffer).forEach((_, k, a) => (a[k] = k * 7));
  for (const [ptr, len] of [[0, 5], [65530, 10], [70000, 3], [-6, 4], [-6, 100], [100, -3], [2 ** 31, 1], [65536, 0]] as const) {
    assert.deepEqual(new Uint8Array(memory.buffer).subarray(ptr, ptr + len * 1), new Uint8Array(memory.buffer.slice(ptr, ptr + len * 1)), `${ptr}, ${len}`);
  }
  // Every other list<u8> lifting is jco's as it was.
  const js = "const _trampoline1 = function(arg0) {\n  var r = new Uint8Array(memory0.buffer.slice(ptr3, ptr3 + len3 * 1));\n};\n  _trampoline1.fnName = 'wasi:filesystem/types@0.2.3#write';\n";
  assert.equal(lendWrites(js), js);
  assert.equal(lendWrites(js.replace("filesystem/types", "io/streams")), js.replace("filesystem/types", "io/streams").replace(".buffer.slice(ptr3, ptr3 + len3 * 1))", ".buffer).subarray(ptr3, ptr3 + len3 * 1)"));
});
