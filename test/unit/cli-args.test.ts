// The quick reading of a `wasock run` command line (host/cli/quick-args.ts) against commander's
// program (host/cli/program.ts): on every line it reads, the same module, guest arguments and
// options; every line it cannot read as commander would, it leaves to commander.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeProgram, withCommand } from "../../host/cli/program.js";
import { quickRun } from "../../host/cli/quick-args.js";

const argv = (args: string[]): string[] => ["node", "wasock", ...args];

/** What commander's program hands its action for `args`. */
async function byCommander(args: string[]): Promise<{ module: string; guestArgs: string[]; given: Record<string, unknown> }> {
  let got: { module: string; guestArgs: string[]; given: Record<string, unknown> } | undefined;
  await makeProgram(async (module, guestArgs, given) => {
    got = { module, guestArgs, given: { ...given } };
  }).parseAsync(withCommand(argv(args)));
  assert.ok(got, `commander ran no action for ${args.join(" ")}`);
  return got;
}

const READ: string[][] = [
  ["run", "app.wasm"],
  ["app.wasm"],
  ["run", "run"],
  ["run", "--listen", "127.0.0.1:0", "app.wasm"],
  ["--listen", "127.0.0.1:0", "--listen", "[::1]:8080", "app.wasm", "--port", "8080", "-x"],
  ["run", "--listen=127.0.0.1:0", "--allow-net", "--no-tcp", "--no-udp", "app.wasm", "--", "a"],
  ["run", "--somaxconn", "128", "--backlog=5", "--bridge", "worker", "--instances", "4", "--workers", "2", "app.wasm"],
  ["run", "--env", "A=1", "--env", "B", "--env=C=3", "--dir", ".::/app", "--limit", "fds=10", "--limit", "receiveBuffer=64K", "app.wasm"],
  ["run", "--allow-resolve", "*.example.com", "--allow-listen", "127.0.0.1:*", "--allow-connect", "10.0.0.0/8:*", "app.wasm"],
  ["run", "--bridge", "jspi", "--bridge", "auto", "--somaxconn", "1", "--somaxconn", "2", "app.wasm"],
  ["run", "app.wasm", "--help", "--listen", "x"],
  ["--allow-net", "./dir/app.wasm", "-h"],
];

const LEFT: string[][] = [
  [],
  ["--help"],
  ["-h"],
  ["help"],
  ["help", "run"],
  ["-V"],
  ["--version"],
  ["run"],
  ["run", "--help"],
  ["run", "-h", "app.wasm"],
  ["run", "--nope", "app.wasm"],
  ["run", "--listen"],
  ["run", "--listen", "127.0.0.1:0"],
  ["run", "--somaxconn", "x", "app.wasm"],
  ["run", "--instances", "0", "app.wasm"],
  ["run", "--workers", "99999", "app.wasm"],
  ["run", "--bridge", "fast", "app.wasm"],
  ["run", "--", "app.wasm"],
  ["run", "--allow-net=yes", "app.wasm"],
  ["run", "--listen", "--allow-net", "app.wasm"],
  ["run", "--listen=", "app.wasm"],
  ["run", "--allow-resolve", "app.wasm"],
  ["run", "-"],
  ["run", ""],
  ["--tcp", "app.wasm"],
];

describe("the quick reading of a run command line", () => {
  for (const args of READ) {
    it(`reads ${JSON.stringify(args)} as commander does`, async () => {
      const quick = quickRun(argv(args));
      assert.ok(quick, "left to commander");
      assert.deepEqual(quick, await byCommander(args));
    });
  }
  for (const args of LEFT) {
    it(`leaves ${JSON.stringify(args)} to commander`, () => {
      assert.equal(quickRun(argv(args)), undefined);
    });
  }
});
