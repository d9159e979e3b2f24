/**
 * The host's end of a guest's yield points (wasm/preempt.ts): the guest's table slot is filled
 * with a function that calls `onYieldPoint` after refilling the fuel. On the host's thread (JSPI)
 * that function is `Suspending`, and gives the event loop its turn (turns.ts); in a worker it
 * unwinds a guest whose runtime was stopped, however the guest loops, so its thread ends on its
 * own on every runtime (Bun's worker.terminate() does not stop a thread running wasm).
 */
import { YIELD_FUEL, YIELD_TABLE } from "../wasm/preempt.js";
import { FUEL } from "../util/turns.js";

/**
 * The module yield points call through: one function `[] → []` that calls its one import,
 * `wasock.yield`. It is an instance of its own so the guest's function indices stay as they
 * were; the guest's table slot holds its export.
 *
 *   (module (import "wasock" "yield" (func)) (func (export "yield") call 0))
 */
const YIELDER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type 0: [] -> []
  0x02, 0x10, 0x01, 0x06, 0x77, 0x61, 0x73, 0x6f, 0x63, 0x6b, 0x05, 0x79, 0x69, 0x65, 0x6c, 0x64, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x09, 0x01, 0x05, 0x79, 0x69, 0x65, 0x6c, 0x64, 0x00, 0x01,
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b,
]);
let yielder: WebAssembly.Module | undefined;

/**
 * Connect an instance's yield points: `wrap` turns the host function into the import (JSPI makes
 * it Suspending). Returns false for a module without yield points (a compiled Module the runtime
 * was given, or one with nothing to rewrite), which runs as it is.
 */
export function connectYieldPoints(
  instance: WebAssembly.Instance, onYieldPoint: () => unknown, wrap: (f: () => unknown) => unknown = (f) => f,
): boolean {
  const { [YIELD_TABLE]: table, [YIELD_FUEL]: fuel } = instance.exports as Record<string, unknown>;
  if (!(table instanceof WebAssembly.Table) || !(fuel instanceof WebAssembly.Global)) return false;
  const refill = (): unknown => {
    fuel.value = FUEL;
    return onYieldPoint();
  };
  yielder ??= new WebAssembly.Module(YIELDER);
  const y = new WebAssembly.Instance(yielder, { wasock: { yield: wrap(refill) as () => void } });
  table.set(0, y.exports.yield as () => void);
  return true;
}
