import { BLOCKING_IMPORTS, preview1 } from "./preview1.js";
import { wasix, WASIX_BLOCKING_IMPORTS } from "../abi/wasix.js";
import type { GuestContext } from "./context.js";

type Module = Record<string, (...a: never[]) => unknown>;

/**
 * Every import module wasock offers a guest, by module name, with the names of the imports
 * that may wait (the JSPI bridge makes those suspending). One place to add an ABI.
 */
export function guestImports(ctx: GuestContext): { modules: Record<string, Module>; blocking: Record<string, readonly string[]> } {
  const base = preview1(ctx);
  return {
    modules: { wasi_snapshot_preview1: base, wasix_32v1: wasix(ctx, base) },
    blocking: { wasi_snapshot_preview1: BLOCKING_IMPORTS, wasix_32v1: WASIX_BLOCKING_IMPORTS },
  };
}
