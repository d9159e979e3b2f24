import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { BRIDGES, runCli, wasm } from "../helpers/guest.js";
import { cli } from "../helpers/runtime.js";
import { connect, echoRoundTrip, readBytes } from "../helpers/clients.js";

const server = wasm("examples/wasix-echo-server.wasm");
const client = wasm("examples/wasix-client.wasm");

/** Start the WASIX echo server guest; resolves with its port once it prints "listening on". */
function startServer(flags: string[], bridge: string): Promise<{ port: number; stop: () => void; stderr: () => string }> {
  const proc = spawn(...cli(["run", "--bridge", bridge, ...flags, server, "127.0.0.1:0"]), { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  proc.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 10000);
    proc.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ port: Number(m[1]), stop: () => proc.kill("SIGKILL"), stderr: () => err });
      }
    });
    proc.once("exit", () => { clearTimeout(t); reject(new Error(`server exited; stderr: ${err}`)); });
  });
}

/** Wait until `pred` holds (polling), at most `ms`. */
async function until(pred: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return pred();
}

for (const bridge of BRIDGES) {
  describe(`WASIX guests (wasix_32v1) that open their own sockets (${bridge} bridge)`, () => {
    test("a guest server serves node:net clients and a guest client, each allowed by its own rule", async () => {
      const s = await startServer(["--allow-listen", "127.0.0.1:*"], bridge);
      try {
        await echoRoundTrip(s.port, 100_000, true);
        const r = await runCli(["run", "--bridge", bridge, "--allow-connect", `127.0.0.1:${s.port}`, client, `127.0.0.1:${s.port}`, "hi there"]);
        assert.equal(r.stdout, "hi there");
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
      } finally {
        s.stop();
      }
    });

    test("sock_accept_v2 reports the client's address, port as the client sees it", async () => {
      const s = await startServer(["--allow-listen", "127.0.0.1:*"], bridge);
      try {
        const c = await connect(s.port);
        try {
          const reading = readBytes(c, 4);
          c.write("ping");
          assert.equal((await reading).toString(), "ping");
          const line = `client 127.0.0.1:${c.localPort}`;
          assert.ok(await until(() => s.stderr().split("\n").includes(line)), `want "${line}" in stderr: ${s.stderr()}`);
        } finally {
          c.destroy();
        }
      } finally {
        s.stop();
      }
    });

    test("connect is denied without a rule, with one line naming the rule to add", async () => {
      const s = await startServer(["--allow-listen", "127.0.0.1:*"], bridge);
      try {
        for (const flags of [[], ["--allow-connect", `127.0.0.1:${s.port + 1}`], ["--allow-listen", "*:*"], ["--allow-connect", "10.0.0.0/8:*"]]) {
          const r = await runCli(["run", "--bridge", bridge, ...flags, client, `127.0.0.1:${s.port}`]);
          assert.notEqual(r.code, 0, flags.join(" "));
          const denied = r.stderr.split("\n").filter((l) => l.startsWith("wasock: denied"));
          assert.deepEqual(denied, [`wasock: denied connect on 127.0.0.1:${s.port}: not allowed by any rule (allow it with --allow-connect 127.0.0.1:${s.port})`], flags.join(" "));
          assert.match(r.stderr, /^wasix-client: sock_connect: Permission denied$/m, flags.join(" "));
          assert.equal(r.stdout, "");
        }
      } finally {
        s.stop();
      }
    });

    test("listen is denied without a rule, and a rule for another address does not cover it", async () => {
      for (const flags of [[], ["--allow-connect", "*:*"], ["--allow-listen", "127.0.0.2:*"], ["--allow-listen", "127.0.0.1:1-1023"]]) {
        const r = await runCli(["run", "--bridge", bridge, ...flags, server, "127.0.0.1:0"]);
        assert.notEqual(r.code, 0, flags.join(" "));
        assert.match(r.stderr, /^wasock: denied listen on 127\.0\.0\.1:0: not allowed by any rule \(allow it with --allow-listen 127\.0\.0\.1:0\)$/m, flags.join(" "));
        assert.match(r.stderr, /^wasix-echo-server: sock_listen: Permission denied$/m, flags.join(" "));
      }
    });

    test("--allow-net allows both", async () => {
      const s = await startServer(["--allow-net"], bridge);
      try {
        const r = await runCli(["run", "--bridge", bridge, "--allow-net", client, `127.0.0.1:${s.port}`, "x"]);
        assert.equal(r.stdout, "x");
        assert.equal(r.code, 0);
      } finally {
        s.stop();
      }
    });
  });
}

test("a WASIX guest with a bad address argument exits 2 with its usage line", async () => {
  const r = await runCli(["run", client, "not-an-address"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^usage: wasix-client\.wasm/m);
});
