// `wasock run --workers N`: N processes (node:cluster) share the pre-opened listeners. The
// listener line is printed once; each worker blocks on its own, so two one-client-at-a-time
// servers serve two clients at once; a signal stops them all; the first failure is the run's.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { connect, ended, readBytes } from "../helpers/clients.js";
import { runCli, startGuest, wasm } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";

const echoBlocking = wasm("examples/echo-blocking.wasm");
const exitWithClients = wasm("test/guests/exit_with_clients.wasm");

function echo(s: net.Socket, text: string, ms = 5000): Promise<string | undefined> {
  const back = readBytes(s, text.length, ms).then((b) => b.toString(), () => undefined);
  s.write(text);
  return back;
}

const lines = (text: string, re: RegExp): string[] => text.split("\n").filter((l) => re.test(l));

describe("--workers: processes sharing the pre-opened listeners", () => {
  test("two workers of a one-client-at-a-time server serve two clients at once; the listener line is printed once; SIGTERM stops both (143)", async () => {
    const g = await startGuest(echoBlocking, { extra: ["--workers", "2"] });
    try {
      const clients = await Promise.all([0, 1].map(() => connect(g.ports[0]!)));
      assert.deepEqual(await Promise.all(clients.map((c, i) => echo(c, `worker client ${i}`))), ["worker client 0", "worker client 1"]);
      assert.equal(lines(g.stderr(), /listening on tcp:/).length, 1);
      assert.equal(lines(g.stderr(), /waiting for clients/).length, 2, g.stderr());
      g.proc.kill("SIGTERM");
      const { code, signal } = await g.exited;
      // Deno's child_process reports a child it signalled as killed by that signal, whatever
      // its exit status (so for the one-process CLI too); the stop line shows it was handled.
      if (RUNTIME === "deno") assert.ok(code === 143 || signal === "SIGTERM", `${code} ${signal}`);
      else assert.equal(code, 143);
      assert.match(g.stderr(), /^wasock: SIGTERM, stopping 2 workers$/m);
      assert.doesNotMatch(g.stderr(), /closing sockets/); // one line for the run, none per worker
      for (const c of clients) await ended(c);
      await assert.rejects(connect(g.ports[0]!), /ECONNREFUSED/);
    } finally {
      await g.stop();
    }
  });

  test("workers that exit 0 end the run with 0 once the last has", async () => {
    const g = await startGuest(exitWithClients, { extra: ["--workers", "2"], args: ["0"] });
    try {
      for (let i = 0; i < 4; i++) {
        const c = await connect(g.ports[0]!);
        assert.equal(String(await readBytes(c, 4)), "bye\n");
        c.destroy();
      }
      assert.equal((await g.exited).code, 0);
    } finally {
      await g.stop();
    }
  });

  test("the first worker to fail stops the others, which print no signal line; its exit code is the run's", async () => {
    const g = await startGuest(exitWithClients, { extra: ["--workers", "2"], args: ["5"] });
    try {
      // Three clients over two workers: one serves a second and exits 5.
      for (let i = 0; i < 3; i++) {
        const c = await connect(g.ports[0]!).catch(() => undefined);
        if (c === undefined) break;
        await readBytes(c, 4, 2000).catch(() => {});
        c.destroy();
      }
      assert.equal((await g.exited).code, 5);
      // The primary stops the other worker with SIGTERM: no "SIGTERM, closing sockets" from it,
      // since nobody sent the run a signal.
      assert.doesNotMatch(g.stderr(), /SIGTERM/);
    } finally {
      await g.stop();
    }
  });

  test("an address in use is one clear line and exit 1, not one per worker", async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen({ host: "127.0.0.1", port: 0, exclusive: true }, r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await runCli(["run", "--listen", `127.0.0.1:${port}`, "--workers", "3", echoBlocking]);
      assert.equal(r.code, 1);
      assert.equal(lines(r.stderr, /./).length, 1, r.stderr);
      assert.match(r.stderr, /^wasock: --listen 127\.0\.0\.1:\d+: .*\(EADDRINUSE\)\n$/);
    } finally {
      busy.close();
    }
  });
});
