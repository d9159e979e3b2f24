/**
 * Calls that may wait, without a suspension when they need not (the JSPI bridge).
 *
 * A `WebAssembly.Suspending` import suspends the guest on every call, whatever it returns: the
 * engine awaits even a plain number, so a recv of bytes already there parks the guest's stack and
 * resumes it from a microtask (Node 26, Deno and Bun alike; test/unit/fast-calls.test.ts shows
 * it). That is most of what such a call costs, and it lets every microtask run between two calls
 * a guest makes back to back.
 *
 * So the guest imports, for each call that may wait, a WebAssembly function of a small module of
 * our own (a trampoline) instead: it calls the host function as a plain import, and only when that
 * answers WOULD_WAIT (the host function returned a promise, kept aside) calls the one Suspending
 * import, which hands the engine that promise:
 *
 *     (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32) (local $r i32)
 *       local.get 0 … local.get 5  call $now  local.tee $r
 *       i32.const WOULD_WAIT  i32.eq
 *       if (result i32)  call $wait  else  local.get $r  end)
 *
 * A wasm-to-wasm call and a plain import call: no suspension, no microtask. The trampoline is
 * built from the types the guest declares (read from its bytes), so it links exactly; a guest
 * given as a compiled Module (no bytes), or a call of a type it cannot carry (not all numbers, or
 * no single i32 result), keeps its Suspending import.
 */
import type { FunctionImport } from "../wasm/imports.js";
import { leb, name, section, sleb, vec } from "../wasm/encode.js";

/** What a trampolined host function answers when it returned a promise: no errno is this. */
export const WOULD_WAIT = 0xdead_beef | 0; // -559038737

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

type Fn = (...a: never[]) => unknown;

/** Whether a declared type can go through a trampoline: numbers in, one i32 out. */
export function carries(t: FunctionImport["type"]): boolean {
  return t.results.length === 1 && t.results[0] === "i32" && t.params.every((p) => VALTYPE[p] !== undefined);
}

/**
 * The trampoline module for `calls` (each of a type `carries`): imports "now" "<i>" (call i's host
 * function, plain) and "now" "wait" ([] → i32, Suspending), exports "<i>", call i's trampoline.
 */
export function trampolineModule(calls: readonly FunctionImport["type"][]): Uint8Array {
  const keys: string[] = [];
  const types: number[][] = [];
  const typeOf = (params: readonly string[]): number => {
    const key = params.join(",");
    let i = keys.indexOf(key);
    if (i < 0) {
      i = keys.push(key) - 1;
      types.push([0x60, ...vec(params.map((p) => [VALTYPE[p]!])), 0x01, 0x7f]);
    }
    return i;
  };
  const callTypes = calls.map((t) => typeOf(t.params));
  const waitType = typeOf([]);
  const imports = [...calls.map((_, i) => [...name("now"), ...name(String(i)), 0x00, ...leb(callTypes[i]!)]), [...name("now"), ...name("wait"), 0x00, ...leb(waitType)]];
  const wait = calls.length;
  const code = calls.map((t, i) => {
    const r = t.params.length;
    const body = [
      0x01, 0x01, 0x7f,
      ...t.params.flatMap((_, p) => [0x20, ...leb(p)]),
      0x10, ...leb(i), // call $now_i
      0x22, ...leb(r), // local.tee $r
      0x41, ...sleb(WOULD_WAIT), 0x46, // i32.const WOULD_WAIT, i32.eq
      0x04, 0x7f, 0x10, ...leb(wait), 0x05, 0x20, ...leb(r), 0x0b, // if (result i32) call $wait else local.get $r end
      0x0b,
    ];
    return [...leb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(callTypes.map((t) => leb(t)))),
    ...section(7, vec(calls.map((_, i) => [...name(String(i)), 0x00, ...leb(wait + 1 + i)]))),
    ...section(10, vec(code)),
  ]);
}

const compiled = new Map<string, WebAssembly.Module>();

/** `fn` as the trampoline's plain import: its number, or WOULD_WAIT with its promise kept by `keep`
 *  (a number that happens to be WOULD_WAIT is kept too: the Suspending import answers it as it is). */
function plain(fn: Fn, keep: (p: unknown) => void): Fn {
  // Parameters by name, as Turns.fair passes them; a function declaring none or more than eight
  // counts its arguments (the WasmEdge calls whose arity picks their form): it gets them all.
  if (fn.length === 0 || fn.length > 8) {
    return ((...args: never[]) => {
      const r = fn(...args);
      if (typeof r === "number" && r !== WOULD_WAIT) return r;
      keep(r);
      return WOULD_WAIT;
    }) as Fn;
  }
  const f = fn as unknown as (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown, h: unknown, i: unknown) => unknown;
  return ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown, h: unknown, i: unknown) => {
    const r = f(a, b, c, d, e, g, h, i);
    if (typeof r === "number" && r !== WOULD_WAIT) return r;
    keep(r);
    return WOULD_WAIT;
  }) as unknown as Fn;
}

/**
 * Trampolines for `calls` (each `carries` its declared type): the WebAssembly functions a guest
 * imports in place of its Suspending imports, in the same order. `suspending` makes the one import
 * that suspends (`new WebAssembly.Suspending(f)`).
 */
export function trampolines(calls: readonly { type: FunctionImport["type"]; fn: Fn }[], suspending: (f: () => unknown) => unknown): unknown[] {
  if (calls.length === 0) return [];
  const types = calls.map((c) => c.type);
  const key = types.map((t) => t.params.join(",")).join(";");
  let module = compiled.get(key);
  if (module === undefined) compiled.set(key, (module = new WebAssembly.Module(trampolineModule(types) as Uint8Array<ArrayBuffer>)));
  let pending: unknown;
  const keep = (p: unknown): void => void (pending = p);
  const now: Record<string, unknown> = {
    wait: suspending(() => {
      const p = pending;
      pending = undefined;
      return p;
    }),
  };
  calls.forEach((c, i) => (now[String(i)] = plain(c.fn, keep)));
  const exports = new WebAssembly.Instance(module, { now } as WebAssembly.Imports).exports;
  return calls.map((_, i) => exports[String(i)]);
}
