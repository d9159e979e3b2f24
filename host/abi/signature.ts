/**
 * The vocabulary of an ABI's import table: each import's core-wasm type, whether its call may
 * wait for I/O, and whether wasock answers it at all. Each ABI lists every import once, in its
 * `table.ts`; the link check (the types a guest must declare), the JSPI bridge's suspending
 * imports, the stop gate and the ENOSYS stubs are all read off those tables (abi/imports.ts).
 *
 * WebAssembly does not check a JS function import's type, so a guest declaring
 * `wasix_32v1.sock_accept` with 3 parameters would get `undefined` for the 4th; the runtime
 * compares each guest's declared imports with the tables before it runs (bridge/link.ts).
 */

export type ValType = "i32" | "i64";

export interface Signature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** One import of an ABI's table. */
export interface Import {
  /** The type a guest declares it with. */
  readonly sig: Signature;
  /** Other types it also takes (WasmEdge resolves V1/V2 forms of one name by the declared type;
   *  its implementation dispatches on how many arguments it gets). */
  readonly alternatives: readonly Signature[];
  /** Its call may wait for I/O: the JSPI bridge makes it suspending, a stop ends a guest waiting in it. */
  readonly waits: boolean;
  /** Linked so a guest instantiates, and answers ENOSYS: wasock does not offer it. */
  readonly nosys: boolean;
}

/** An ABI's imports by name. */
export type ImportTable = Readonly<Record<string, Import>>;

/** The functions that implement a table: exactly its names. */
export type Implementation<T extends ImportTable> = { [K in keyof T]: (...a: never[]) => unknown };

/** Each signature read, by its text: the ABI tables, built as their modules load (at every
 *  start-up), spell a few dozen signatures some hundreds of times. */
const signatures = new Map<string, Signature>();

/** `sig("i32 i64 i32")` → (i32, i64, i32) -> i32; `sig("i32", "")` → (i32) -> (). `i32*4` repeats. */
export function sig(params: string, results = "i32"): Signature {
  const key = `${params}>${results}`;
  let s = signatures.get(key);
  if (s === undefined) {
    s = Object.freeze({ params: Object.freeze(list(params)), results: Object.freeze(list(results)) });
    signatures.set(key, s);
  }
  return s;
}

function list(s: string): ValType[] {
  return s.split(" ").filter(Boolean).flatMap((t) => {
    const [type, n = "1"] = t.split("*") as [ValType, string?];
    return Array<ValType>(Number(n)).fill(type);
  });
}

const entry = <N extends boolean>(waits: boolean, nosys: N) => (params: string, results = "i32", ...alternatives: Signature[]): Import & { readonly nosys: N } =>
  Object.freeze({ sig: sig(params, results), alternatives: Object.freeze(alternatives), waits, nosys });

/** An import whose call answers at once. */
export const answers = entry(false, false as const);
/** An import whose call may wait for I/O (a suspending import under JSPI). */
export const waits = entry(true, false as const);
/** An import wasock links and answers ENOSYS. */
export const nosys = entry(false, true as const);

/** The names of `table`'s imports that satisfy `pick`. */
export function namesWhere(table: ImportTable, pick: (i: Import) => boolean): string[] {
  return Object.keys(table).filter((n) => pick(table[n]!));
}

/** The names of a table's `nosys` imports, as a type. */
type NosysNames<T extends ImportTable> = { [K in keyof T]: T[K] extends { readonly nosys: true } ? K : never }[keyof T];

/** `answer` (ENOSYS) for every `nosys` import of `table`: linked so a guest instantiates, never offered. */
export function nosysImports<T extends ImportTable>(table: T, answer: number): Record<NosysNames<T>, () => number> {
  const out: Record<string, () => number> = {};
  for (const name of namesWhere(table, (i) => i.nosys)) out[name] = () => answer;
  return out as Record<NosysNames<T>, () => number>;
}

/** `(i32, i64) -> i32`, `(i32) -> ()`. */
export function formatSignature(s: { readonly params: readonly string[]; readonly results: readonly string[] }): string {
  const results = s.results.length === 1 ? s.results[0]! : `(${s.results.join(", ")})`;
  return `(${s.params.join(", ")}) -> ${results}`;
}

/** Same parameter and result types, in order. */
export function sameSignature(a: { readonly params: readonly string[]; readonly results: readonly string[] }, b: Signature): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}
