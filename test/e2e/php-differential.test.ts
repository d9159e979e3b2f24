import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import * as net from "node:net";
import { BRIDGES, ROOT } from "../helpers/guest.js";
import { cli } from "../helpers/runtime.js";

const run = promisify(execFile);
const hasPhp = spawnSync("php", ["-r", "exit(function_exists('socket_create') ? 0 : 1);"]).status === 0;

/**
 * The seed's misuse sequences, run twice: by PHP's ext/sockets on this Linux, and by a WasmEdge-ABI
 * guest on wasock. Every case must give the same error name.
 */
describe("socket misuse: wasock (WasmEdge ABI) gives the errors PHP gets on Linux", { skip: hasPhp ? false : "php with ext/sockets is not installed (.ci/run installs php8.2-cli)" }, () => {
  let server: net.Server;
  let inUse = 0, closed = 0;
  let reference: string[] = [];
  before(async () => {
    server = net.createServer((s) => s.on("error", () => {}));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    inUse = (server.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    closed = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const php = await run("php", [`${ROOT}test/php/misuse.php`, String(inUse), String(closed)], { timeout: 30000 });
    reference = php.stdout.trim().split("\n");
  });
  after(() => server.close());

  test("PHP's reference has every case", () => assert.ok(reference.length >= 20, reference.join("\n")));

  for (const bridge of BRIDGES) {
    test(`case by case (${bridge} bridge)`, async () => {
      const guest = await run(...cli(["run", "--allow-net", "--bridge", bridge, `${ROOT}test/guests/we_misuse.wasm`, String(inUse), String(closed)]), { timeout: 30000 });
      const ours = guest.stdout.trim().split("\n");
      const cases = reference.map((line) => line.replace(/:.*/, ""));
      for (const c of cases) assert.equal(ours.find((l) => l.startsWith(`${c}:`)), reference.find((l) => l.startsWith(`${c}:`)), c);
      assert.equal(ours.length, reference.length);
    });
  }
});
