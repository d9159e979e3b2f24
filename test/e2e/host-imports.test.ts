// The host's own imports beside wasock's (RuntimeOptions.imports, host/bridge/host-imports.ts): a
// guest calls them, reads a global from them, waits on one that returns a promise (JSPI); they
// cannot replace wasock's; a kind the guest does not declare, a missing one and a bad option are
// each one GuestError naming the import; the worker bridge refuses them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GuestError, Runtime } from "../../host/entries/node.js";
import { hasJspi } from "../../host/bridge/jspi.js";

const str = (s: string): number[] => [s.length, ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]): number[] => [id, body.length, ...body];

/**
 * (module
 *   (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
 *   (import "env" "add" (func $add (param i32 i32) (result i32)))   ;; or (global $add i32)
 *   (memory (export "memory") 1)
 *   (func (export "_start") (call $exit (call $add (i32.const 40) (i32.const 2)))))  ;; or global.get
 */
function guest(add: "function" | "global", module = "env"): Uint8Array {
  const fn = add === "function";
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [3, 0x60, 1, 0x7f, 0, 0x60, 2, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0]),
    ...section(2, [2, ...str("wasi_snapshot_preview1"), ...str("proc_exit"), 0x00, 0, ...str(module), ...str("add"), ...(fn ? [0x00, 1] : [0x03, 0x7f, 0x00])]),
    ...section(3, [1, 2]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...str("memory"), 0x02, 0, ...str("_start"), 0x00, fn ? 2 : 1]),
    ...section(10, ((body: number[]) => [1, body.length, ...body])(fn ? [0, 0x41, 40, 0x41, 2, 0x10, 1, 0x10, 0, 0x0b] : [0, 0x23, 0, 0x10, 0, 0x0b])),
  ]);
}

/** The GuestError `f` throws or rejects with: its message. */
async function guestError(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof GuestError, `not a GuestError: ${String(e)}`);
    return e.message;
  }
  return assert.fail("no GuestError");
}

describe("host imports: the option", () => {
  test("cannot replace an import wasock provides", async () => {
    assert.equal(await guestError(() => new Runtime({ imports: { wasi_snapshot_preview1: { fd_write: () => 0 } } })),
      "imports.wasi_snapshot_preview1.fd_write: wasock provides wasi_snapshot_preview1.fd_write; a host import cannot replace it");
    assert.match(await guestError(() => new Runtime({ imports: { wasix_32v1: { sock_accept: () => 0 } } })), /^imports\.wasix_32v1\.sock_accept: wasock provides/);
  });

  test("of the wrong shape is one GuestError naming where", async () => {
    assert.match(await guestError(() => new Runtime({ imports: [] as never })), /^imports: expected \{ module: \{ name: value \} \}, got an array/);
    assert.match(await guestError(() => new Runtime({ imports: { env: 5 } as never })), /^imports\.env: expected \{ name: value \}, got 5/);
    assert.match(await guestError(() => new Runtime({ imports: { env: { add: "x" } } as never })), /^imports\.env\.add: expected a function, a WebAssembly\.Memory, Table or Global, or a number, got "x"/);
  });
});

describe("host imports (JSPI bridge)", { skip: !hasJspi() && "no JSPI on this runtime" }, () => {
  test("the guest calls a host function beside wasock's", async () => {
    const calls: number[][] = [];
    const rt = new Runtime({ bridge: "jspi", imports: { env: { add: (a: number, b: number) => (calls.push([a, b]), a + b) } } });
    assert.deepEqual(await rt.run(guest("function")), { exitCode: 42 });
    assert.deepEqual(calls, [[40, 2]]);
  });

  test("a function that returns a promise suspends the guest until it settles", async () => {
    const rt = new Runtime({ bridge: "jspi", imports: { env: { add: async (a: number, b: number) => (await new Promise((r) => setTimeout(r, 20)), a - b) } } });
    assert.deepEqual(await rt.run(guest("function")), { exitCode: 38 });
  });

  test("a global, and an import added to a module of wasock's that wasock does not provide", async () => {
    assert.deepEqual(await new Runtime({ bridge: "jspi", imports: { env: { add: 7 } } }).run(guest("global")), { exitCode: 7 });
    const rt = new Runtime({ bridge: "jspi", imports: { wasi_snapshot_preview1: { add: (a: number, b: number) => a * b } } });
    assert.deepEqual(await rt.run(guest("function", "wasi_snapshot_preview1")), { exitCode: 80 });
  });

  test("a kind the guest does not declare fails at instantiation, naming module.name", async () => {
    assert.equal(await guestError(() => new Runtime({ bridge: "jspi", imports: { env: { add: () => 1 } } }).run(guest("global"))),
      "guest imports global env.add; the imports option gives a function");
    assert.equal(await guestError(() => new Runtime({ bridge: "jspi", imports: { env: { add: 1 } } }).run(guest("function"))),
      "guest imports function env.add; the imports option gives a global (a WebAssembly.Global, a number or a bigint)");
  });

  test("a missing one still fails as without the option", async () => {
    assert.equal(await guestError(() => new Runtime({ bridge: "jspi", imports: { env: { sub: () => 1 } } }).run(guest("function"))),
      "guest imports env.add, which wasock does not provide and the imports option does not give");
    assert.equal(await guestError(() => new Runtime({ bridge: "jspi" }).run(guest("function"))), "guest imports env.add, which wasock does not provide");
  });
});

describe("host imports (worker bridge)", () => {
  test("are refused: a function cannot cross to the guest's thread", async () => {
    const rt = new Runtime({ bridge: "worker", imports: { env: { add: (a: number, b: number) => a + b } } });
    assert.match(await guestError(() => rt.run(guest("function"))), /^imports: host functions cannot cross to the worker bridge's thread; they need the JSPI bridge/);
  });
});
