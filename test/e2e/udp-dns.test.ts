import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as dgram from "node:dgram";
import { BRIDGES, runCli, wasm } from "../helpers/guest.js";
import { cli } from "../helpers/runtime.js";

const udpEcho = wasm("examples/udp-echo.wasm");

function startUdpEcho(flags: string[], bridge: string): Promise<{ port: number; exited: Promise<number | null>; stderr: () => string; kill: () => void }> {
  const proc = spawn(...cli(["run", "--bridge", bridge, ...flags, udpEcho, "127.0.0.1:0"]), { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  const exited = new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
  proc.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 10000);
    proc.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(t); resolve({ port: Number(m[1]), exited, stderr: () => err, kill: () => proc.kill("SIGKILL") }); }
    });
  });
}

/** Send datagrams one by one and collect each answer. */
async function exchange(port: number, messages: Buffer[]): Promise<Buffer[]> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
  try {
    const out: Buffer[] = [];
    for (const m of messages) {
      const reply = new Promise<Buffer>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("no reply")), 5000);
        sock.once("message", (d) => { clearTimeout(t); resolve(d); });
      });
      sock.send(m, port, "127.0.0.1");
      out.push(await reply);
    }
    return out;
  } finally {
    sock.close();
  }
}

for (const bridge of BRIDGES) {
  describe(`UDP through the WasmEdge ABI (${bridge} bridge)`, () => {
    test("a guest echoes datagrams of every size, empty ones included, to their senders", async () => {
      const g = await startUdpEcho(["--allow-listen", "127.0.0.1:*", "--allow-connect", "127.0.0.1:*"], bridge);
      try {
        const msgs = [Buffer.from("hello"), Buffer.alloc(0), Buffer.alloc(65507, 7), Buffer.from("again")];
        const replies = await exchange(g.port, msgs);
        replies.forEach((r, i) => assert.ok(r.equals(msgs[i]!), `datagram ${i}: ${r.length} bytes`));
        const q = dgram.createSocket("udp4");
        await new Promise<void>((r) => q.send("quit", g.port, "127.0.0.1", () => r()));
        q.close();
        assert.equal(await g.exited, 0);
      } finally {
        g.kill();
      }
    });

    test("send_to a destination no rule allows is EACCES, named on stderr", async () => {
      const g = await startUdpEcho(["--allow-listen", "127.0.0.1:*"], bridge);
      try {
        const sock = dgram.createSocket("udp4");
        await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
        const from = sock.address().port;
        sock.send("ping", g.port, "127.0.0.1");
        assert.notEqual(await g.exited, 0);
        sock.close();
        assert.match(g.stderr(), new RegExp(`^wasock: denied connect on 127\\.0\\.0\\.1:${from}: .*--allow-connect 127\\.0\\.0\\.1:${from}\\)$`, "m"));
      } finally {
        g.kill();
      }
    });

    test("sock_getaddrinfo: numeric, localhost and every error path", async () => {
      const r = await runCli(["run", "--bridge", bridge, "--allow-resolve=localhost", wasm("test/guests/we_getaddrinfo.wasm")]);
      assert.equal(r.stdout.split("\n").filter((l) => l.startsWith("not ok")).join("\n"), "");
      assert.ok(r.stdout.split("\n").filter((l) => l.startsWith("ok - ")).length >= 20, r.stdout);
      assert.equal(r.code, 0, r.stderr);
    });

    test("resolving a name no rule allows is refused with one line; IP literals need no rule", async () => {
      const r = await runCli(["run", "--bridge", bridge, "--allow-resolve=example.org", wasm("test/guests/we_getaddrinfo.wasm")]);
      assert.match(r.stderr, /^wasock: denied resolving localhost: not allowed \(allow it with --allow-resolve=localhost\)$/m);
      const failed = r.stdout.split("\n").filter((l) => l.startsWith("not ok"));
      assert.deepEqual(failed, ["not ok - getaddrinfo localhost inet4 stream: got EACCES want ESUCCESS"]);
      assert.match(r.stdout, /^ok - getaddrinfo 127\.0\.0\.1:8080 numeric$/m);
    });
  });
}
