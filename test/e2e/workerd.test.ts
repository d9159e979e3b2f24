// wasock/workerd under workerd itself (the `workerd` npm binary): guests connect out through
// cloudflare:sockets to a loopback server run by this test, and what a Worker cannot do —
// listen, UDP, a chosen local port, name lookups — reaches the guest as an errno, not a crash.
// The whole worker runs in one `workerd test`; each case reports one `#result` line.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { ROOT } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";
import { runWorkerd, WORKERD, type WorkerdRun } from "../helpers/workerd.js";

// One runtime drives workerd (it is a runtime of its own); which one does not matter.
const skip = RUNTIME !== "node" ? "workerd is its own runtime: the Node runs of the suite drive it" : !WORKERD ? "the workerd binary is missing (npm ci installs it)" : false;

const WORKER = `
import { Runtime, GuestError, ListenError } from "./dist/host/entries/workerd.js";
import connectOnly from "guests/we_connect_only.wasm";
import wasmedgeClient from "guests/wasmedge-client.wasm";
import wasixClient from "guests/wasix-client.wasm";
import coreBytes from "core.bin";
import example from "example-worker.mjs";

const report = (name, value) => console.log("#result " + JSON.stringify({ name, value }));

async function guest(module, args, allow) {
  let out = "", err = "";
  const text = new TextDecoder();
  const rt = new Runtime({ args, allow, stdout: (d) => (out += text.decode(d)), stderr: (d) => (err += text.decode(d)), onDeny: (m) => (err += m + "\\n") });
  try {
    const { exitCode } = await rt.run(module);
    return { exitCode, out, err };
  } catch (e) {
    return { thrown: e.constructor.name + ": " + e.message, out, err };
  }
}

export default {
  async test(ctrl, env) {
    const peer = "127.0.0.1:" + env.PEER;
    const loopback = { connect: ["127.0.0.1:*", "[::1]:*"], listen: ["127.0.0.1:*"], resolve: true };
    report("core sha256", [...new Uint8Array(await crypto.subtle.digest("SHA-256", coreBytes))].map((b) => b.toString(16).padStart(2, "0")).join(""));
    report("connect-only", await guest(connectOnly, ["we_connect_only", env.PEER, env.CLOSED, env.PEER6], loopback));
    report("wasmedge-client", await guest(wasmedgeClient, ["wasmedge-client", peer, "hello from workerd"], loopback));
    report("wasix-client", await guest(wasixClient, ["wasix-client", peer, "wasix in a worker"], loopback));
    report("denied", await guest(wasmedgeClient, ["wasmedge-client", peer, "nope"], {}));
    const parallel = await Promise.all(Array.from({ length: 8 }, (_, i) => guest(wasmedgeClient, ["wasmedge-client", peer, "client " + i], loopback)));
    report("parallel", parallel.map((r) => r.out));
    try {
      await new Runtime({ listen: ["127.0.0.1:0"] }).start();
      report("listen option", "started");
    } catch (e) {
      report("listen option", { error: e.constructor.name, code: e.code, isListenError: e instanceof ListenError });
    }
    const bytes = await guest(new Uint8Array(8), ["bytes"], {});
    report("bytes", bytes.thrown);
    const res = await example.fetch(new Request("http://example/"), { PEER: peer });
    report("example", { status: res.status, body: await res.text() });
  },
};
`;

/** "got:" + everything the client sent, once it half-closed: the peer every guest talks to. */
function replyPeer(host: string): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    const chunks: Buffer[] = [];
    s.on("data", (d: Buffer) => chunks.push(d));
    s.on("end", () => s.end(`got:${Buffer.concat(chunks)}`));
    s.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}

/** A loopback port with nothing listening on it (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A conformance guest's `ok - …` / `not ok - …` lines (test/guests/check.h). */
function parseChecks(out: string): { passed: string[]; failed: string[] } {
  const lines = out.split("\n");
  return { passed: lines.filter((l) => l.startsWith("ok - ")), failed: lines.filter((l) => l.startsWith("not ok - ")) };
}

interface GuestResult {
  exitCode?: number;
  thrown?: string;
  out: string;
  err: string;
}

describe("wasock/workerd under workerd", { skip }, () => {
  let peer: net.Server;
  let peer6: net.Server;
  let run: WorkerdRun;
  const results = new Map<string, unknown>();
  const result = <T>(name: string): T => {
    assert.ok(results.has(name), `no #result for ${name}; workerd said:\n${run.output}`);
    return results.get(name) as T;
  };

  before(async () => {
    peer = await replyPeer("127.0.0.1");
    peer6 = await replyPeer("::1");
    const port = (s: net.Server): string => String((s.address() as net.AddressInfo).port);
    const vars = { PEER: port(peer), PEER6: port(peer6), CLOSED: String(await closedPort()) };
    const wasm = {
      "guests/we_connect_only.wasm": "test/guests/we_connect_only.wasm",
      "guests/wasmedge-client.wasm": "examples/wasmedge-client.wasm",
      "guests/wasix-client.wasm": "examples/wasix-client.wasm",
      "wasmedge-client.wasm": "examples/wasmedge-client.wasm",
    };
    // The README's Worker (examples/workerd/worker.mjs) as a project would have it: "wasock/workerd"
    // is the package's entry, the .wasm beside it (workerd resolves a bare name beside its importer).
    const esModules = {
      "wasock/workerd": `export * from "../dist/host/entries/workerd.js";`,
      "example-worker.mjs": readFileSync(`${ROOT}examples/workerd/worker.mjs`, "utf8"),
    };
    run = await runWorkerd(WORKER, wasm, vars, 60_000, esModules);
    for (const line of run.output.split("\n")) {
      const at = line.indexOf("#result ");
      if (at < 0) continue;
      const { name, value } = JSON.parse(line.slice(at + 8)) as { name: string; value: unknown };
      results.set(name, value);
    }
  });

  after(() => {
    peer?.close();
    peer6?.close();
  });

  test("workerd runs the worker to the end", () => {
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /\[ PASS \]/);
  });

  test("the core workerd compiles is build/core.wasm, byte for byte", () => {
    const built = createHash("sha256").update(readFileSync(`${ROOT}build/core.wasm`)).digest("hex");
    assert.equal(result<string>("core sha256"), built);
  });

  test("a guest's listen, UDP, chosen port and lookups get errnos; a refused connect is ECONNREFUSED; real round trips over IPv4 and IPv6 work", () => {
    const r = result<GuestResult>("connect-only");
    const checks = parseChecks(r.out);
    assert.deepEqual(checks.failed, [], `${r.out}\n${r.err}`);
    assert.ok(checks.passed.length >= 26, r.out);
    assert.equal(r.exitCode, 0, r.err);
  });

  test("the WasmEdge client example connects out, half-closes and reads the whole reply", () => {
    const r = result<GuestResult>("wasmedge-client");
    assert.deepEqual({ exitCode: r.exitCode, out: r.out }, { exitCode: 0, out: "got:hello from workerd" }, r.err);
  });

  test("the WASIX client example does the same through wasix_32v1", () => {
    const r = result<GuestResult>("wasix-client");
    assert.deepEqual({ exitCode: r.exitCode, out: r.out }, { exitCode: 0, out: "got:wasix in a worker" }, r.err);
  });

  test("without an allow rule the connect is EACCES, reported once", () => {
    const r = result<GuestResult>("denied");
    assert.equal(r.exitCode, 1);
    assert.match(r.err, /Permission denied|EACCES/i);
    assert.match(r.err, /denied/);
  });

  test("eight guests at once in one isolate each get their own connection", () => {
    assert.deepEqual(result<string[]>("parallel"), Array.from({ length: 8 }, (_, i) => `got:client ${i}`));
  });

  test("a pre-opened listener fails start() with ListenError ENOTSUP", () => {
    assert.deepEqual(result("listen option"), { error: "ListenError", code: "ENOTSUP", isListenError: true });
  });

  test("bytes instead of a module: a GuestError saying why", () => {
    assert.match(result<string>("bytes"), /^GuestError: workerd compiles no WebAssembly at run time/);
  });
  test("the README's Worker (examples/workerd/worker.mjs) answers with its guest's reply", () => {
    assert.deepEqual(result("example"), { status: 200, body: "got:hello from a Worker" });
  });
});
