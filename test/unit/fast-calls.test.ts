// The JSPI bridge's trampolines (host/bridge/fast-calls.ts): why they exist (a Suspending import
// suspends even when it answers at once: a microtask runs between two calls), and that a call
// through one answers at once without suspending, waits when its host function returns a promise,
// passes every parameter type through, and carries only the types it can.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { hasJspi } from "../../host/bridge/jspi.js";
import { carries, trampolineModule, trampolines, WOULD_WAIT } from "../../host/bridge/fast-calls.js";

interface Jspi {
  Suspending: new (fn: (...a: never[]) => unknown) => unknown;
  promising: (fn: unknown) => (...a: unknown[]) => Promise<unknown>;
}
const W = WebAssembly as unknown as Jspi;
const suspending = (f: (...a: never[]) => unknown): unknown => new W.Suspending(f);

/**
 * (module (import "e" "f" (func $f (param i32 i64 f64) (result i32)))
 *   (func (export "twice") (param i32 i64 f64) (result i32)
 *     local.get 0 local.get 1 local.get 2 call $f
 *     local.get 0 local.get 1 local.get 2 call $f  i32.add))
 */
const TWICE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7f, 0x7e, 0x7c, 0x01, 0x7f,
  0x02, 0x07, 0x01, 0x01, 0x65, 0x01, 0x66, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x09, 0x01, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x01,
  0x0a, 0x15, 0x01, 0x13, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x10, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x10, 0x00, 0x6a, 0x0b,
]);
const TYPE = { params: ["i32", "i64", "f64"], results: ["i32"] };

/** `twice(7, 8n, 0.5)` with `f` as the guest's import; what happened, in order. */
async function twice(f: unknown, log: string[]): Promise<number> {
  const { instance } = await WebAssembly.instantiate(TWICE, { e: { f } } as WebAssembly.Imports);
  const run = W.promising(instance.exports.twice);
  const p = run(7, 8n, 0.5);
  log.push("returned");
  return (await p) as number;
}

describe("fast calls: trampolines for the JSPI bridge's calls that may wait", () => {
  test("the trampoline module validates, for any mix of number types", () => {
    const bytes = trampolineModule([TYPE, { params: [], results: ["i32"] }, { params: ["f32", "i32"], results: ["i32"] }, TYPE]);
    assert.ok(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>));
  });

  test("only numbers in and one i32 out are carried", () => {
    assert.equal(carries(TYPE), true);
    assert.equal(carries({ params: [], results: ["i32"] }), true);
    assert.equal(carries({ params: ["i32"], results: [] }), false);
    assert.equal(carries({ params: ["i32"], results: ["i64"] }), false);
    assert.equal(carries({ params: ["externref"], results: ["i32"] }), false);
    assert.equal(carries({ params: ["i32"], results: ["i32", "i32"] }), false);
  });

  describe("under JSPI", { skip: !hasJspi() && "no JSPI on this runtime" }, () => {
    test("a Suspending import suspends even when it answers at once: a microtask runs between two calls", async () => {
      const log: string[] = [];
      let n = 0;
      const f = (): number => {
        log.push(`call ${++n}`);
        if (n === 1) queueMicrotask(() => log.push("microtask"));
        return 1;
      };
      assert.equal(await twice(suspending(f), log), 2);
      assert.deepEqual(log, ["call 1", "returned", "microtask", "call 2"]);
    });

    test("through a trampoline it does not: both calls answer before the caller regains control", async () => {
      const log: string[] = [];
      const seen: unknown[][] = [];
      let n = 0;
      const f = (a: number, b: bigint, c: number): number => {
        seen.push([a, b, c]);
        log.push(`call ${++n}`);
        if (n === 1) queueMicrotask(() => log.push("microtask"));
        return 20 + n;
      };
      const [t] = trampolines([{ type: TYPE, fn: f as (...a: never[]) => unknown }], suspending);
      assert.equal(await twice(t, log), 21 + 22);
      assert.deepEqual(log, ["call 1", "call 2", "returned", "microtask"]);
      assert.deepEqual(seen, [[7, 8n, 0.5], [7, 8n, 0.5]], "every parameter arrives as the guest passed it");
    });

    test("a host function that returns a promise suspends the guest until it settles, with its value", async () => {
      const log: string[] = [];
      let n = 0;
      const f = (): number | Promise<number> => {
        n++;
        if (n === 1) return new Promise((resolve) => setTimeout(() => (log.push("settled"), resolve(100)), 5));
        return 5;
      };
      const [t] = trampolines([{ type: TYPE, fn: f as (...a: never[]) => unknown }], suspending);
      assert.equal(await twice(t, log), 105);
      assert.deepEqual(log, ["returned", "settled"]);
    });

    test("a promise answering WOULD_WAIT's own value is still a value (only a promise waits)", async () => {
      const f = (): Promise<number> => Promise.resolve(WOULD_WAIT);
      const [t] = trampolines([{ type: TYPE, fn: f as (...a: never[]) => unknown }], suspending);
      assert.equal(await twice(t, []), (WOULD_WAIT * 2) | 0);
    });

    test("a host function answering WOULD_WAIT's value at once gets it to the guest", async () => {
      const f = (): number => WOULD_WAIT;
      const [t] = trampolines([{ type: TYPE, fn: f as (...a: never[]) => unknown }], suspending);
      assert.equal(await twice(t, []), (WOULD_WAIT * 2) | 0);
    });

    test("a rejection reaches the guest's caller, as a Suspending import's does", async () => {
      const f = (): Promise<number> => Promise.reject(new Error("stopped"));
      const [t] = trampolines([{ type: TYPE, fn: f as (...a: never[]) => unknown }], suspending);
      await assert.rejects(twice(t, []), /stopped/);
    });

    test("a function that counts its arguments (none declared) gets all of them", async () => {
      const counts: number[] = [];
      const f = (...args: unknown[]): number => (counts.push(args.length), 0);
      const [t] = trampolines([{ type: TYPE, fn: f as (...a: never[]) => unknown }], suspending);
      await twice(t, []);
      assert.deepEqual(counts, [3, 3]);
    });
  });
});
