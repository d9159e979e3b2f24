/**
 * Yield points for a guest that runs on the host's thread (the JSPI bridge): a copy of a core
 * module in which every loop top and tail call spends one unit of fuel and, when the fuel is
 * gone, calls out to the host, which refills it and gives the event loop a turn if the guest
 * has held the thread too long (util/turns.ts). A loop that never calls an import — or calls
 * only imports that never wait — can then neither freeze the host nor outlive SIGTERM or
 * `stop()`. It is wasmtime's fuel, spent where its epoch checks stand.
 *
 * The rewrite adds and shifts nothing the guest can see: one function type `[] → []`, one
 * one-slot funcref table, one mutable i32 global (the fuel) are appended to their index spaces,
 * and the table and the global are exported under YIELD_TABLE and YIELD_FUEL so the host can fill
 * the slot and the fuel after instantiation. Function indices stay as they were, so the name
 * section still names every function. Each yield point is 20-odd bytes:
 *
 *     global.get $fuel  i32.const 1  i32.sub  global.set $fuel
 *     global.get $fuel  i32.eqz  if  i32.const 0  call_indirect $yield $table  end
 *
 * Stack-neutral, so it is valid wherever an instruction may begin. Custom sections that point at
 * code offsets (branch hints) are dropped; DWARF's offsets go stale (a trap's backtrace maps
 * its offsets back: backtrace.ts).
 */
import { yieldPoints } from "./code.js";
import { rectype } from "./imports.js";
import { Reader, WasmParseError } from "./reader.js";
import { leb, name, sleb } from "./encode.js";

export const YIELD_TABLE = "wasock:yield";
export const YIELD_FUEL = "wasock:fuel";

/** Section ids in the order a module must have them (custom sections, 0, may stand anywhere). */
const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
const TYPE = 1, IMPORT = 2, TABLE = 4, GLOBAL = 6, EXPORT = 7, CODE = 10;

interface Section {
  id: number;
  body: Uint8Array;
}

/** Bytes built from pieces without copying a large one byte by byte. */
function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}

/** A vector section's body with `extra` (already encoded) appended and its count raised by `added`. */
function append(body: Uint8Array | undefined, extra: number[], added = 1): Uint8Array {
  if (body === undefined) return concat([leb(added), extra]);
  const r = new Reader(body);
  const count = r.u();
  return concat([leb(count + added), body.subarray(r.at), extra]);
}

/** How many tables and globals the import section brings in. */
function importedCounts(body: Uint8Array | undefined): { tables: number; globals: number } {
  let tables = 0, globals = 0;
  if (body === undefined) return { tables, globals };
  const r = new Reader(body);
  r.vec(() => {
    r.name(), r.name();
    const kind = r.byte();
    if (kind === 0x00) r.u();
    else if (kind === 0x01) (tables++, r.valtype(), r.limits());
    else if (kind === 0x02) r.limits();
    else if (kind === 0x03) (globals++, r.valtype(), r.byte());
    else if (kind === 0x04) (r.byte(), r.u());
    else r.fail(`import kind 0x${kind.toString(16)}`);
  });
  return { tables, globals };
}

const count = (body: Uint8Array | undefined): number => (body === undefined ? 0 : new Reader(body).u());

/** The code section with `check` inserted at every yield point; undefined when there are none. */
function instrumentCode(body: Uint8Array, check: number[]): Uint8Array | undefined {
  const r = new Reader(body);
  const functions = r.u();
  const out: (Uint8Array | number[])[] = [leb(functions)];
  let points = 0;
  for (let i = 0; i < functions; i++) {
    const size = r.u();
    const start = r.at, end = start + size;
    const at = yieldPoints(new Reader(body, start, end, "a function body"), end);
    points += at.length;
    out.push(leb(size + at.length * check.length));
    let from = start;
    for (const p of at) out.push(body.subarray(from, p), check), (from = p);
    out.push(body.subarray(from, end));
    r.at = end;
  }
  return points === 0 ? undefined : concat(out);
}

/**
 * A copy of `bytes` with yield points, or undefined when the module has no loop or tail call to
 * give one, or cannot be read here (an instruction this reader does not know: the caller runs it
 * as it is). `fuel` is the fuel the global starts with.
 */
export function withYieldPoints(bytes: Uint8Array, fuel: number): Uint8Array<ArrayBuffer> | undefined {
  try {
    return rewrite(bytes, fuel);
  } catch (e) {
    if (e instanceof WasmParseError) return undefined; // compiling the original says what is wrong
    throw e;
  }
}

function rewrite(bytes: Uint8Array, fuel: number): Uint8Array<ArrayBuffer> | undefined {
  const r = new Reader(bytes);
  const head = r.bytes(8);
  if (head[4] !== 1 || head[5] !== 0 || head[6] !== 0 || head[7] !== 0) return undefined; // not a core module
  const sections: Section[] = [];
  while (r.at < bytes.length) {
    const id = r.byte();
    const body = r.bytes(r.u());
    if (id === 0 && new Reader(body).name() === "metadata.code.branch_hint") continue;
    sections.push({ id, body });
  }
  const of = (id: number) => sections.find((s) => s.id === id)?.body;
  const code = of(CODE);
  if (code === undefined) return undefined;

  const types = of(TYPE);
  let typeCount = 0; // type indices: a rec group has one per type in it
  if (types !== undefined) {
    const t = new Reader(types);
    t.vec(() => (typeCount += rectype(t).length));
  }
  const imported = importedCounts(of(IMPORT));
  const table = imported.tables + count(of(TABLE));
  const global = imported.globals + count(of(GLOBAL));
  const check = [
    0x23, ...leb(global), 0x41, 0x01, 0x6b, 0x24, ...leb(global),
    0x23, ...leb(global), 0x45, 0x04, 0x40, 0x41, 0x00, 0x11, ...leb(typeCount), ...leb(table), 0x0b,
  ];
  const newCode = instrumentCode(code, check);
  if (newCode === undefined) return undefined;

  const replaced = new Map<number, Uint8Array>([
    [TYPE, append(types, [0x60, 0x00, 0x00])],
    [TABLE, append(of(TABLE), [0x70, 0x00, 0x01])],
    [GLOBAL, append(of(GLOBAL), [0x7f, 0x01, 0x41, ...sleb(fuel), 0x0b])],
    [EXPORT, append(of(EXPORT), [...name(YIELD_TABLE), 0x01, ...leb(table), ...name(YIELD_FUEL), 0x03, ...leb(global)], 2)],
    [CODE, newCode],
  ]);
  const out: Section[] = sections.map((s) => (replaced.has(s.id) ? { id: s.id, body: replaced.get(s.id)! } : s));
  for (const id of [TYPE, TABLE, GLOBAL, EXPORT]) {
    if (sections.some((s) => s.id === id)) continue;
    const rank = ORDER.indexOf(id);
    const before = out.findIndex((s) => s.id !== 0 && ORDER.indexOf(s.id) > rank);
    out.splice(before < 0 ? out.length : before, 0, { id, body: replaced.get(id)! });
  }
  return concat([bytes.subarray(0, 8), ...out.flatMap((s) => [[s.id, ...leb(s.body.length)], s.body])]);
}
