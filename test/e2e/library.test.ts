import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { GuestError, LimitError, Runtime } from "../../host/entries/node.js";
import { parseNofile, UNLIMITED_FDS } from "../../host/net/node/os-limits.js";
import { BRIDGES, wasm } from "../helpers/guest.js";
import { connect, readBytes } from "../helpers/clients.js";

const echo = new WebAssembly.Module(readFileSync(wasm("examples/echo-blocking.wasm")));

for (const bridge of BRIDGES) {
  describe(`Runtime (${bridge} bridge)`, () => {
    test("the host's timers keep firing while the guest blocks in accept", async () => {
      const out: Uint8Array[] = [];
      let waiting!: () => void;
      const inAccept = new Promise<void>((r) => (waiting = r));
      const rt = new Runtime({ args: ["echo"], listen: ["127.0.0.1:0"], bridge, stdout: (d) => out.push(d), stderr: () => waiting() });
      const [l] = await rt.start();
      const running = rt.run(echo);
      // Counted from its "waiting for clients" line: a worker's start-up (Deno's blocks the main
      // thread for a moment under load) is not the wait this is about.
      await inAccept;
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await new Promise((r) => setTimeout(r, 300));
      clearInterval(timer);
      assert.ok(ticks >= 10, `only ${ticks} ticks in 300 ms while the guest waited in accept`);
      // the guest is really waiting in accept: it serves a client now
      const s = await connect(l!.port);
      s.write("ping");
      assert.equal((await readBytes(s, 4)).toString(), "ping");
      s.destroy();
      rt.stop(); // closing its listener makes the blocked accept fail; the guest exits
      const { exitCode } = await running;
      assert.equal(typeof exitCode, "number");
    });

    test("sockets() shows the listener and live connections like netstat", async () => {
      const rt = new Runtime({ args: ["echo"], listen: ["127.0.0.1:0"], bridge, stdout: () => {}, stderr: () => {} });
      const [l] = await rt.start();
      const running = rt.run(echo);
      const s = await connect(l!.port);
      s.write("x");
      await readBytes(s, 1);
      const rows = rt.sockets();
      const listener = rows.find((r) => r.state === "LISTEN");
      assert.ok(listener, JSON.stringify(rows));
      assert.equal(listener.local, `127.0.0.1:${l!.port}`);
      assert.equal(listener.fd, 3);
      const conn = rows.find((r) => r.state === "ESTABLISHED");
      assert.ok(conn, JSON.stringify(rows));
      assert.equal(conn.peer, `127.0.0.1:${s.localPort}`);
      assert.equal(conn.proto, "tcp");
      s.destroy();
      rt.stop();
      await running;
    });
  });
}

describe("Runtime: misuse is a thrown error naming the option and what it got", () => {
  const quiet = { stdout: () => {}, stderr: () => {} };
  const refused = (options: unknown, message: RegExp) =>
    assert.throws(() => new Runtime({ ...quiet, ...(options as object) }), (e: unknown) => e instanceof GuestError && message.test(e.message), JSON.stringify(options));

  test("bridge, backlog, somaxconn, env, listen: each checked by the constructor", () => {
    refused({ bridge: "nope" }, /^bridge: expected auto, jspi or worker, got "nope"$/);
    refused({ backlog: NaN }, /^backlog: expected a whole number, got NaN$/);
    refused({ backlog: 1.5 }, /^backlog: expected a whole number, got 1\.5$/);
    refused({ somaxconn: "abc" }, /^somaxconn: expected a whole number from 0 to 2147483647, got "abc"$/);
    refused({ env: ["noequals"] }, /^env\[0\]: expected "KEY=VALUE" strings, got "noequals"$/);
    refused({ env: "A=1" }, /^env: expected .*, got "A=1"$/);
    refused({ listen: "127.0.0.1:0" }, /^listen: expected an array of "host:port" strings, got "127\.0\.0\.1:0"$/);
    refused({ listen: [8080] }, /^listen\[0\]: expected "host:port" strings, got 8080$/);
    refused({ args: "app.wasm" }, /^args: expected an array of strings, got "app\.wasm"$/);
    refused({ allow: { connect: "*:*" } }, /^allow\.connect: expected an array of rules \(strings\), got "\*:\*"$/);
    refused({ stdout: "out.txt" }, /^stdout: expected a function, got "out\.txt"$/);
    // what is right is taken
    new Runtime({ ...quiet, bridge: "auto", backlog: -1, somaxconn: 128, env: ["A=1"], listen: ["127.0.0.1:0"] }).stop();
    new Runtime({ ...quiet, env: { A: "1" } }).stop();
  });

  test("limits: only the limits' own names (not toString, constructor, …)", () => {
    for (const name of ["toString", "constructor", "hasOwnProperty", "__proto__"]) {
      const limits = JSON.parse(`{"${name}": 1}`) as Record<string, number>;
      assert.throws(() => new Runtime({ ...quiet, limits }), (e: unknown) => e instanceof LimitError && e.message.startsWith(`unknown limit "${name}"`), name);
    }
  });
});

describe("Runtime: the fds limit defaults to the process's own open-files limit", () => {
  test("this process's soft RLIMIT_NOFILE where /proc/self/limits can be read, else 1024", () => {
    let soft: number | undefined;
    try {
      soft = parseNofile(readFileSync("/proc/self/limits", "utf8"));
    } catch {
      soft = undefined;
    }
    const rt = new Runtime({ stdout: () => {}, stderr: () => {} });
    assert.equal(rt.limits.fds, soft ?? 1024);
    rt.stop();
    assert.equal(new Runtime({ limits: { fds: 100 } }).limits.fds, 100); // a given one wins
  });

  test("/proc/self/limits' soft column is read; unlimited is 2^20 (Linux's nr_open)", () => {
    const row = (soft: string, hard: string) => `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft.padEnd(21)}${hard.padEnd(21)}files     \n`;
    assert.equal(parseNofile(row("20000", "40000")), 20000);
    assert.equal(parseNofile(row("unlimited", "unlimited")), UNLIMITED_FDS);
    assert.equal(UNLIMITED_FDS, 1048576);
    assert.equal(parseNofile("Max cpu time unlimited unlimited seconds\n"), undefined);
  });
});

describe("Runtime: an empty component (the 8 header bytes)", () => {
  for (const bridge of BRIDGES) {
    test(`is a GuestError, not a plain Error (${bridge} bridge)`, async () => {
      const rt = new Runtime({ bridge, stdout: () => {}, stderr: () => {} });
      await assert.rejects(rt.run(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 0x01, 0])), (e: unknown) => e instanceof GuestError && /exports no wasi:cli\/run/.test((e as Error).message));
      rt.stop();
    });
  }
});
