import { acceptedSignatures } from "../abi/imports.js";
import { formatSignature, sameSignature } from "../abi/signature.js";
import { functionImports, type FunctionImport } from "../wasm/imports.js";
import type { GuestContext } from "../wasi/context.js";
import { checkKind, hostImport, type HostImports } from "./host-imports.js";
import { GuestError } from "./guest-error.js";

export { GuestError };

export { GuestTrap } from "../wasm/backtrace.js";

/** Check that every import of `module` is provided, naming the first missing one plainly; one
 *  the host gives (the `imports` option, host-imports.ts) must be of the kind the guest declares. */
export function linkImports(module: WebAssembly.Module, imports: Record<string, Record<string, unknown>>, host?: HostImports): WebAssembly.Imports {
  const nor = host === undefined ? "" : " and the imports option does not give";
  for (const imp of WebAssembly.Module.imports(module)) {
    const given = hostImport(host, imp.module, imp.name);
    if (given !== undefined) {
      checkKind(imp, given);
      continue;
    }
    if (imp.kind !== "function") throw new GuestError(`guest imports ${imp.kind} ${imp.module}.${imp.name}, which wasock does not provide${nor}`);
    if (imports[imp.module]?.[imp.name] === undefined)
      throw new GuestError(`guest imports ${imp.module}.${imp.name}, which wasock does not provide${nor}`);
  }
  return imports as WebAssembly.Imports;
}

/**
 * The first function import of a core module (its bytes) that wasock provides with another type,
 * as a sentence, or undefined when every one matches (imports wasock does not provide are left to
 * linkImports). WebAssembly does not check a JS function import's type, so without this a guest
 * declaring fewer parameters than wasock's reads `undefined` for the rest. A WasmParseError means
 * wasock could not read bytes WebAssembly accepted: a wasock bug, thrown as such.
 */
export function importTypeMismatch(bytes: Uint8Array): string | undefined {
  return mismatchIn(functionImports(bytes));
}

/** importTypeMismatch of imports already read. */
function mismatchIn(imports: readonly FunctionImport[]): string | undefined {
  for (const imp of imports) {
    const accepted = acceptedSignatures(imp.module, imp.name);
    if (accepted === undefined || accepted.some((s) => sameSignature(imp.type, s))) continue;
    return `guest imports ${imp.module}.${imp.name} as ${formatSignature(imp.type)}; wasock provides ${accepted.map(formatSignature).join(" or ")}`;
  }
  return undefined;
}

/**
 * Refuse a guest that declares a wasock import with another type (GuestError). Called where the
 * guest's bytes are at hand (Runtime.run given bytes, the CLI); a guest passed as a compiled
 * WebAssembly.Module has no bytes to read and is not checked. Returns the imports it read (the
 * JSPI bridge's trampolines are made from their types).
 */
export function checkImportTypes(bytes: Uint8Array): FunctionImport[] {
  const imports = functionImports(bytes);
  const mismatch = mismatchIn(imports);
  if (mismatch !== undefined) throw new GuestError(mismatch);
  return imports;
}

/** Bind the guest's memory and return its `_start`. */
export function startExport(instance: WebAssembly.Instance, ctx: GuestContext): () => void {
  const { memory, _start } = instance.exports as { memory?: unknown; _start?: unknown };
  if (!(memory instanceof WebAssembly.Memory)) throw new GuestError("guest exports no memory");
  if (typeof _start !== "function") throw new GuestError("guest exports no _start (only WASI commands can run)");
  ctx.mem.bind(memory);
  return _start as () => void;
}
