// Yield points (host/wasm/preempt.ts): every guest wasock ships still validates and keeps its
// imports and exports once rewritten; a loop spends fuel and calls out when it is gone; a module
// the rewriter cannot read is left alone.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { withYieldPoints, YIELD_FUEL, YIELD_TABLE } from "../../host/wasm/preempt.js";
import { connectYieldPoints } from "../../host/bridge/yield-points.js";
import { FUEL } from "../../host/util/turns.js";
import { isComponent } from "../../host/p2/detect.js";
import { ROOT } from "../helpers/guest.js";

const guests = ["examples", "test/guests"].flatMap((d) =>
  readdirSync(join(ROOT, d)).filter((f) => f.endsWith(".wasm")).map((f) => join(ROOT, d, f)));

/**
 * (module (func (export "count") (param i32) (result i32) (local i32)
 *   loop local.get 1 i32.const 1 i32.add local.set 1 local.get 1 local.get 0 i32.lt_u br_if 0 end
 *   local.get 1))
 */
const COUNTER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x09, 0x01, 0x05, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x00, 0x00,
  0x0a, 0x19, 0x01, 0x17, 0x01, 0x01, 0x7f,
  0x03, 0x40, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x49, 0x0d, 0x00, 0x0b,
  0x20, 0x01, 0x0b,
]);

describe("yield points", () => {
  test("every committed core guest still validates, with its imports and exports, plus the yield table and fuel", () => {
    let rewritten = 0;
    for (const f of guests) {
      const bytes = readFileSync(f);
      if (isComponent(bytes)) continue;
      const out = withYieldPoints(bytes, FUEL);
      if (out === undefined) continue;
      rewritten++;
      assert.ok(WebAssembly.validate(out), `${f} no longer validates`);
      const before = new WebAssembly.Module(bytes), after = new WebAssembly.Module(out);
      assert.deepEqual(WebAssembly.Module.imports(after), WebAssembly.Module.imports(before), f);
      assert.deepEqual(WebAssembly.Module.exports(after), [
        ...WebAssembly.Module.exports(before),
        { name: YIELD_TABLE, kind: "table" },
        { name: YIELD_FUEL, kind: "global" },
      ], f);
    }
    assert.ok(rewritten >= 10, `only ${rewritten} guests rewritten`);
  });

  test("a loop spends one unit of fuel an iteration and calls out each time it runs dry", () => {
    const out = withYieldPoints(COUNTER, 100)!;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(out as Uint8Array<ArrayBuffer>));
    let calls = 0;
    assert.equal(connectYieldPoints(instance, () => void calls++), true);
    const count = instance.exports.count as (n: number) => number;
    // The first call out comes after the global's 100, each later one after FUEL (the refill).
    assert.equal(count(99), 99);
    assert.equal(calls, 0);
    assert.equal(count(1), 1);
    assert.equal(calls, 1);
    assert.equal(count(FUEL * 3), FUEL * 3);
    assert.equal(calls, 4);
  });

  test("a module without loops, a component and a module with an unknown instruction are left alone", () => {
    const noLoop = Uint8Array.from([...COUNTER.subarray(0, 38), 0x02, ...COUNTER.subarray(39)]); // loop → block
    assert.ok(WebAssembly.validate(noLoop));
    assert.equal(withYieldPoints(noLoop, FUEL), undefined);
    const unknown = Uint8Array.from(COUNTER);
    unknown[COUNTER.length - 3] = 0xff; // `local.get 1` → a 0xff prefix this reader does not know
    assert.equal(withYieldPoints(unknown, FUEL), undefined);
    assert.equal(withYieldPoints(Uint8Array.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), FUEL), undefined);
    assert.equal(withYieldPoints(Uint8Array.from([0, 0x61, 0x73]), FUEL), undefined);
  });
});
