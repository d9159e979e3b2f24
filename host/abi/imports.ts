import { BLOCKING_IMPORTS, preview1 } from "./preview1/imports.js";
import { wasix, WASIX_BLOCKING_IMPORTS } from "./wasix/imports.js";
import type { GuestContext } from "../wasi/context.js";
import { StopGate } from "../bridge/stop.js";

type Module = Record<string, (...a: never[]) => unknown>;

/**
 * Every import module wasock offers a guest, by module name, with the names of the imports
 * that may wait (the JSPI bridge makes those suspending). One place to add an ABI.
 */
export function guestImports(ctx: GuestContext): {
  modules: Record<string, Module>;
  blocking: Record<string, readonly string[]>;
  /** Ends the guest when its runtime stops (undefined for a kernel that cannot be stopped). */
  gate: StopGate | undefined;
} {
  const base = preview1(ctx);
  const modules: Record<string, Module> = { wasi_snapshot_preview1: base, wasix_32v1: wasix(ctx, base) };
  const blocking = { wasi_snapshot_preview1: BLOCKING_IMPORTS, wasix_32v1: WASIX_BLOCKING_IMPORTS };
  const gate = StopGate.of(ctx.kernel);
  if (gate) {
    for (const [name, names] of Object.entries(blocking)) {
      const m = (modules[name] = { ...modules[name]! });
      for (const b of names) if (m[b]) m[b] = gate.wrap(m[b]);
    }
  }
  return { modules, blocking, gate };
}
