/**
 * Every import module wasock offers a core-module guest, each from its ABI's table: one place to
 * add an ABI. From the tables come the types a guest must declare (the link check), the names the
 * JSPI bridge makes suspending, and the calls a stop ends.
 */
import type { GuestContext } from "../wasi/context.js";
import { preview1 } from "./preview1/imports.js";
import { PREVIEW1 } from "./preview1/table.js";
import { namesWhere, type ImportTable, type Signature } from "./signature.js";
import { StopGate } from "./stop-gate.js";
import { WASMEDGE } from "./wasmedge/table.js";
import { wasix } from "./wasix/imports.js";
import { WASIX } from "./wasix/table.js";

type Module = Record<string, (...a: never[]) => unknown>;

/**
 * The modules, by name, with their tables. WasmEdge adds its calls to wasi_snapshot_preview1 (its
 * sock_accept takes preview1's type or its own V1); wasix_32v1 carries the whole of that module
 * under WASIX's own names, as Wasmer's does.
 */
export const MODULES = {
  wasi_snapshot_preview1: { ...PREVIEW1, ...WASMEDGE },
  wasix_32v1: { ...PREVIEW1, ...WASMEDGE, ...WASIX },
} as const satisfies Record<string, ImportTable>;

export type ModuleName = keyof typeof MODULES;

const tableOf = (module: string): ImportTable | undefined =>
  Object.hasOwn(MODULES, module) ? MODULES[module as ModuleName] : undefined;

/** Every type wasock accepts for `module.name` (the table's first), or undefined for a name it does not provide. */
export function acceptedSignatures(module: string, name: string): readonly Signature[] | undefined {
  const table = tableOf(module);
  if (table === undefined || !Object.hasOwn(table, name)) return undefined;
  const i = table[name]!;
  return [i.sig, ...i.alternatives];
}

/** The imports of each module whose calls may wait: the JSPI bridge makes these suspending. */
export const WAITING = Object.freeze(Object.fromEntries(
  Object.entries(MODULES).map(([name, table]) => [name, Object.freeze(namesWhere(table, (i) => i.waits))]),
)) as Readonly<Record<ModuleName, readonly string[]>>;

export function guestImports(ctx: GuestContext): {
  modules: Record<ModuleName, Module>;
  blocking: Readonly<Record<ModuleName, readonly string[]>>;
  /** Ends the guest when its runtime stops (undefined for a kernel that cannot be stopped). */
  gate: StopGate | undefined;
} {
  const base = preview1(ctx);
  const modules: Record<ModuleName, Module> = { wasi_snapshot_preview1: base, wasix_32v1: wasix(ctx, base) };
  const gate = StopGate.of(ctx.kernel);
  if (gate) {
    for (const name of Object.keys(WAITING) as ModuleName[]) {
      const m = (modules[name] = { ...modules[name] });
      for (const b of WAITING[name]) m[b] = gate.wrap(m[b]!);
    }
  }
  return { modules, blocking: WAITING, gate };
}

