// The in-memory network (host/net/memory): the same guests as over node:net — a C poll-loop echo
// server, a UDP echo, a wasi:sockets component — served to host code in this process, no OS socket.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { MemoryNetwork, Runtime, type NetStream } from "../../host/entries/memory.js";
import { BRIDGES, wasm } from "../helpers/guest.js";

/** Collect what a stream receives; `read(n)` waits for n bytes, `ended` for the peer's FIN. */
function reader(s: NetStream) {
  let buf = Buffer.alloc(0);
  let wake = (): void => {};
  let fin = false;
  s.onData = (d) => {
    buf = Buffer.concat([buf, d]);
    wake();
  };
  s.onEnd = () => {
    fin = true;
    wake();
  };
  const until = (ok: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out with ${buf.length} bytes`)), 10_000);
      const check = (): void => {
        if (!ok()) return;
        clearTimeout(t);
        resolve();
      };
      wake = check;
      check();
    });
  return {
    read: async (n: number) => (await until(() => buf.length >= n), buf.subarray(0, n)),
    ended: () => until(() => fin),
  };
}

const quiet = { stdout: () => {}, stderr: () => {} };

for (const bridge of BRIDGES) {
  describe(`the in-memory network (${bridge} bridge)`, () => {
    test("a C poll-loop server echoes 20 host connections at once; half-close ends each echo", async () => {
      const net = new MemoryNetwork();
      const rt = new Runtime(net, { args: ["echo-poll"], listen: ["127.0.0.1:7000"], bridge, ...quiet });
      const [l] = await rt.start();
      assert.equal(l!.port, 7000); // any port: nothing on the machine is bound
      const running = rt.run(new WebAssembly.Module(readFileSync(wasm("examples/echo-poll.wasm"))));
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const c = net.connect("127.0.0.1", 7000);
          const r = reader(c);
          const data = randomBytes(32 * 1024);
          c.write(data);
          c.end();
          assert.ok((await r.read(data.length)).equals(data));
          await r.ended();
        }),
      );
      rt.stop();
      await running;
    });

    test("a port in use is EADDRINUSE; nobody listening is ECONNREFUSED", async () => {
      const net = new MemoryNetwork();
      net.listen("127.0.0.1", 7001);
      const rt = new Runtime(net, { listen: ["127.0.0.1:7001"], bridge, ...quiet });
      await assert.rejects(rt.start(), (e: { code?: string }) => e.code === "EADDRINUSE");
      assert.throws(() => net.connect("127.0.0.1", 7002), (e: { code?: string }) => e.code === "ECONNREFUSED");
    });

    test("a UDP guest echoes datagrams from host code", async () => {
      const net = new MemoryNetwork();
      let out = "";
      let announced: (port: number) => void = () => {};
      const port = new Promise<number>((r) => (announced = r));
      const rt = new Runtime(net, {
        args: ["udp-echo", "127.0.0.1:0"], bridge, allow: { net: true }, stderr: () => {},
        stdout: (d) => {
          out += Buffer.from(d).toString();
          const m = /udp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) announced(Number(m[1]));
        },
      });
      const running = rt.run(new WebAssembly.Module(readFileSync(wasm("examples/udp-echo.wasm"))));
      const at = await port;
      const me = net.bindUdp("127.0.0.1", 0);
      const got = new Promise<string>((resolve) => (me.onMessage = (d) => resolve(Buffer.from(d).toString())));
      me.send(Buffer.from("ping"), "127.0.0.1", at, () => {});
      assert.equal(await got, "ping");
      me.send(Buffer.from("quit"), "127.0.0.1", at, () => {});
      assert.deepEqual(await running, { exitCode: 0 });
    });

    test("a wasi:sockets component serves over it", async () => {
      const net = new MemoryNetwork();
      let out = "";
      let announced: (port: number) => void = () => {};
      const port = new Promise<number>((r) => (announced = r));
      const rt = new Runtime(net, {
        args: ["echo-server", "0", "1"], bridge, allow: { listen: ["127.0.0.1:*"] }, stderr: () => {},
        stdout: (d) => {
          out += Buffer.from(d).toString();
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) announced(Number(m[1]));
        },
      });
      const running = rt.run(readFileSync(wasm("examples/echo-server.component.wasm")));
      const c = net.connect("127.0.0.1", await port);
      const r = reader(c);
      c.write(Buffer.from("hello, memory"));
      assert.equal((await r.read(13)).toString(), "hello, memory");
      c.end();
      assert.deepEqual(await running, { exitCode: 0 });
    });
  });
}
