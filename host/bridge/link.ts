import type { GuestContext } from "../wasi/context.js";

/** A guest problem found before or while running it (not a host bug). */
export class GuestError extends Error {}

/** A guest trapped (unreachable, out-of-bounds, stack overflow…): the guest's fault, reported as such. */
export class GuestTrap extends Error {}

/** Check that every import of `module` is provided, naming the first missing one plainly. */
export function linkImports(module: WebAssembly.Module, imports: Record<string, Record<string, unknown>>): WebAssembly.Imports {
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== "function") throw new GuestError(`guest imports ${imp.kind} ${imp.module}.${imp.name}, which wasock does not provide`);
    if (imports[imp.module]?.[imp.name] === undefined)
      throw new GuestError(`guest imports ${imp.module}.${imp.name}, which wasock does not provide`);
  }
  return imports as WebAssembly.Imports;
}

/** Bind the guest's memory and return its `_start`. */
export function startExport(instance: WebAssembly.Instance, ctx: GuestContext): () => void {
  const { memory, _start } = instance.exports as { memory?: unknown; _start?: unknown };
  if (!(memory instanceof WebAssembly.Memory)) throw new GuestError("guest exports no memory");
  if (typeof _start !== "function") throw new GuestError("guest exports no _start (only WASI commands can run)");
  ctx.mem.bind(memory);
  return _start as () => void;
}
