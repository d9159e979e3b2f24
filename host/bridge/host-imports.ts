/**
 * The host's own imports beside wasock's (RuntimeOptions.imports), as node:wasi users pass
 * `{ ...wasi.getImportObject(), env: { … } }`. They are checked as wasock's are: the option's
 * shape and that it replaces none of wasock's imports when the Runtime is made (checkHostImports),
 * and each one a guest imports against the kind it declares when it is linked (checkKind, from
 * link.ts). A JavaScript function's parameters are not declared anywhere, so a function's type is
 * not checked: it receives what the guest passes, as from WebAssembly.
 */
import { acceptedSignatures } from "../abi/imports.js";
import { GuestError } from "./guest-error.js";

/** What a guest may import from the host: `{ module: { name: value } }`, a value being a function,
 *  a WebAssembly.Memory, Table or Global, or a number or bigint (an immutable global's value). */
export type HostImports = Record<string, Record<string, WebAssembly.ImportValue>>;

type Kind = "function" | "memory" | "table" | "global" | "tag";

/** The import kind a value can satisfy, or undefined for none. */
function kindOf(v: unknown): Kind | undefined {
  if (typeof v === "function") return "function";
  if (v instanceof WebAssembly.Memory) return "memory";
  if (v instanceof WebAssembly.Table) return "table";
  if (v instanceof WebAssembly.Global || typeof v === "number" || typeof v === "bigint") return "global";
  const Tag = (WebAssembly as unknown as { Tag?: new (...a: never[]) => unknown }).Tag;
  if (Tag !== undefined && v instanceof Tag) return "tag";
  return undefined;
}

const A: Record<Kind, string> = { function: "a function", memory: "a WebAssembly.Memory", table: "a WebAssembly.Table", global: "a global (a WebAssembly.Global, a number or a bigint)", tag: "a WebAssembly.Tag" };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Throws GuestError for an `imports` option that is not `{ module: { name: value } }` with values
 * of a kind WebAssembly imports, or that gives a name wasock provides: wasock's imports are the
 * guest's system calls, and one replaced would leave the fd table and the sockets inconsistent,
 * so none is replaced, silently or otherwise. A name wasock's modules do not have may be added.
 */
export function checkHostImports(imports: unknown): void {
  if (!isObject(imports)) throw new GuestError(`imports: expected { module: { name: value } }, got ${Array.isArray(imports) ? "an array" : String(imports)}`);
  for (const [module, names] of Object.entries(imports)) {
    if (!isObject(names)) throw new GuestError(`imports.${module}: expected { name: value }, got ${Array.isArray(names) ? "an array" : typeof names === "function" ? "a function" : String(names)}`);
    for (const [name, value] of Object.entries(names)) {
      if (acceptedSignatures(module, name) !== undefined)
        throw new GuestError(`imports.${module}.${name}: wasock provides ${module}.${name}; a host import cannot replace it`);
      if (kindOf(value) === undefined)
        throw new GuestError(`imports.${module}.${name}: expected a function, a WebAssembly.Memory, Table or Global, or a number, got ${value === null ? "null" : typeof value === "object" ? "an object" : typeof value === "string" ? JSON.stringify(value) : String(value)}`);
    }
  }
}

/** The host's import `module.name`, or undefined (own properties only: `toString` is no import). */
export function hostImport(host: HostImports | undefined, module: string, name: string): WebAssembly.ImportValue | undefined {
  if (host === undefined || !Object.hasOwn(host, module)) return undefined;
  const m = host[module]!;
  return Object.hasOwn(m, name) ? m[name] : undefined;
}

/** Throws GuestError when the guest declares `module.name` as another kind than the host gives. */
export function checkKind(imp: WebAssembly.ModuleImportDescriptor, given: WebAssembly.ImportValue): void {
  const kind = kindOf(given);
  if (kind !== imp.kind) throw new GuestError(`guest imports ${imp.kind} ${imp.module}.${imp.name}; the imports option gives ${kind === undefined ? "no import" : A[kind]}`);
}
