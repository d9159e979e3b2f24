// Instances (RuntimeOptions.instances, `wasock run --instances N`): N instances of one guest
// share the pre-opened listeners, each blocking on its own, so a server that handles one client
// at a time serves N at once; an instance that exits closes its own connections and leaves the
// listener to the others; the first that fails stops them all.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type * as net from "node:net";
import { GuestError, Runtime } from "../../host/entries/node.js";
import { BRIDGES, runCli, startGuest, wasm } from "../helpers/guest.js";
import { connect, ended, readBytes } from "../helpers/clients.js";

const echoBlocking = new WebAssembly.Module(readFileSync(wasm("examples/echo-blocking.wasm")));
const exitWithClients = new WebAssembly.Module(readFileSync(wasm("test/guests/exit_with_clients.wasm")));
const component = readFileSync(wasm("examples/echo-server.component.wasm"));

/** Send `text` and resolve with what comes back within `ms` (undefined: nothing did). */
function echo(s: net.Socket, text: string, ms = 3000): Promise<string | undefined> {
  const back = readBytes(s, text.length, ms).then((b) => b.toString(), () => undefined);
  s.write(text);
  return back;
}

const quiet = { stdout: () => {}, stderr: () => {} };

describe("instances sharing the pre-opened listeners", () => {
  for (const bridge of BRIDGES) {
    test(`4 instances of a one-client-at-a-time server serve 4 clients at once; a 5th waits for a free one (${bridge} bridge)`, async () => {
      const rt = new Runtime({ listen: ["127.0.0.1:0"], instances: 4, bridge, ...quiet });
      const [{ port }] = await rt.start();
      const running = rt.run(echoBlocking);
      const clients = await Promise.all([0, 1, 2, 3].map(() => connect(port!)));
      assert.deepEqual(await Promise.all(clients.map((c, i) => echo(c, `client ${i}`))), ["client 0", "client 1", "client 2", "client 3"]);
      // Every instance is busy with a client that stays: the 5th is queued, not served …
      const fifth = await connect(port!);
      assert.equal(await echo(fifth, "fifth", 300), undefined);
      // … until one of them leaves, and its instance accepts again.
      clients[2]!.end();
      assert.equal(await readBytes(fifth, 5).then(String), "fifth");
      for (const c of [...clients, fifth]) c.destroy();
      rt.stop();
      const { exitCode } = await running; // 1: an instance saw its accept fail (EBADF) first
      assert.ok(exitCode === 143 || exitCode === 1, `exit ${exitCode}`);
    });

    test(`an instance that exits closes its own connections; the listener stays open while another holds it (${bridge} bridge)`, async () => {
      // Each instance accepts two clients, says bye and exits 0 without closing anything.
      const rt = new Runtime({ listen: ["127.0.0.1:0"], instances: 2, args: ["exit_with_clients", "0"], bridge, ...quiet });
      const [{ port }] = await rt.start();
      let settled = false;
      const running = rt.run(exitWithClients).finally(() => (settled = true));
      const clients: net.Socket[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await connect(port!);
        assert.equal(String(await readBytes(c, 4)), "bye\n");
        clients.push(c);
      }
      // Three clients over two instances: one has served two and exited, so its two see EOF,
      // while the other instance still serves on the shared listener.
      const eof = await Promise.all(clients.map((c) => ended(c, 1000).then(() => true, () => false)));
      assert.ok(eof.filter(Boolean).length >= 2, `EOF on ${eof}`);
      assert.equal(settled, false);
      const fourth = await connect(port!);
      assert.equal(String(await readBytes(fourth, 4)), "bye\n");
      assert.deepEqual(await running, { exitCode: 0 });
      await ended(fourth);
      // The last instance gone, the listener is closed.
      await assert.rejects(connect(port!), /ECONNREFUSED/);
      for (const c of [...clients, fourth]) c.destroy();
    });

    test(`the first instance to fail stops the others; its exit code is the run's (${bridge} bridge)`, async () => {
      const rt = new Runtime({ listen: ["127.0.0.1:0"], instances: 3, args: ["exit_with_clients", "5"], bridge, ...quiet });
      const [{ port }] = await rt.start();
      const running = rt.run(exitWithClients);
      const clients: net.Socket[] = [];
      // Four clients over three instances: one of them serves a second, and exits 5; from then
      // on the listener is closed (a connect is refused).
      for (let i = 0; i < 4; i++) {
        const c = await connect(port!).catch(() => undefined);
        if (c === undefined) break;
        clients.push(c);
        await readBytes(c, 4, 2000).catch(() => {});
      }
      assert.deepEqual(await running, { exitCode: 5 });
      await assert.rejects(connect(port!), /ECONNREFUSED/);
      for (const c of clients) c.destroy();
    });
  }

  test("a bad count, or instances of a component, is refused plainly", async () => {
    for (const instances of [0, -1, 1.5, 1025]) {
      const rt = new Runtime({ listen: ["127.0.0.1:0"], instances, ...quiet });
      await assert.rejects(rt.run(echoBlocking), (e: unknown) => e instanceof GuestError && /instances: expected a whole number from 1 to 1024/.test(e.message));
      rt.stop();
    }
    const rt = new Runtime({ instances: 2, ...quiet });
    await assert.rejects(rt.run(component), (e: unknown) => e instanceof GuestError && /a component opens its own sockets/.test(e.message));
  });

  test("wasock run --instances 3 serves three clients at once; --instances 0 is one clear line, exit 2", async () => {
    const g = await startGuest(wasm("examples/echo-blocking.wasm"), { extra: ["--instances", "3"] });
    try {
      const clients = await Promise.all([0, 1, 2].map(() => connect(g.ports[0]!)));
      assert.deepEqual(await Promise.all(clients.map((c, i) => echo(c, `c${i}`))), ["c0", "c1", "c2"]);
      for (const c of clients) c.destroy();
    } finally {
      await g.stop();
    }
    const bad = await runCli(["run", "--listen", "127.0.0.1:0", "--instances", "0", wasm("examples/echo-blocking.wasm")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^wasock: option '--instances <n>' argument '0' is invalid\. expected a whole number from 1 to 1024\.\n$/);
  });
});
