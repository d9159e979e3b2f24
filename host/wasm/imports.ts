/**
 * The function imports of a core WebAssembly module with their declared types, read from its
 * bytes: `WebAssembly.Module.imports()` names an import but not its type, and a JS function import
 * is called with whatever the guest declared. Only the type section (1) and the import section (2)
 * are read; the scan stops at the first section after them, so it costs a few KB of a module.
 * Every read is bounds-checked (reader.ts): a malformed module throws a WasmParseError saying where.
 */
import { Reader } from "./reader.js";

export { WasmParseError } from "./reader.js";

/** A declared function type: each value type by its text name ("i32", "i64", "f32", "externref", …). */
export interface DeclaredType {
  readonly params: readonly string[];
  readonly results: readonly string[];
}

export interface FunctionImport {
  readonly module: string;
  readonly name: string;
  readonly type: DeclaredType;
}

/** A composite type after its tag: a function type, or a GC struct or array (undefined: no import's type). */
function composite(r: Reader, tag: number): DeclaredType | undefined {
  if (tag === 0x60) return { params: r.vec(() => r.valtype()), results: r.vec(() => r.valtype()) };
  if (tag !== 0x5f && tag !== 0x5e) r.fail(`type form 0x${tag.toString(16)}`);
  const field = () => r.valtype(true) + (r.byte() ? " mut" : ""); // storage type, mutability
  if (tag === 0x5f) r.vec(field); // struct
  else field(); // array
  return undefined;
}

/** A subtype: `sub [final] supertypes composite`, or a bare composite type. */
function subtype(r: Reader, tag = r.byte()): DeclaredType | undefined {
  if (tag !== 0x50 && tag !== 0x4f) return composite(r, tag);
  r.vec(() => r.u()); // supertypes
  return composite(r, r.byte());
}

/** One entry of the type section: a rec group's types (each takes a type index), or one type. */
export function rectype(r: Reader): (DeclaredType | undefined)[] {
  const tag = r.byte();
  return tag === 0x4e ? r.vec(() => subtype(r)) : [subtype(r, tag)];
}

/** One import: a function's is added to `out` with its type; a table, memory, global or tag is skipped. */
function importEntry(r: Reader, types: readonly (DeclaredType | undefined)[], out: FunctionImport[]): void {
  const module = r.name(), name = r.name(), kind = r.byte();
  switch (kind) {
    case 0x00: // function
    case 0x04: { // tag: attribute 0, then a function type
      if (kind === 0x04 && r.byte() !== 0) r.fail("tag attribute");
      const index = r.u();
      const type = types[index] ?? r.fail(`type index ${index} is not a function type`);
      if (kind === 0x00) out.push({ module, name, type });
      return;
    }
    case 0x01: // table: reference type, limits
      r.valtype();
      return r.limits();
    case 0x02: // memory
      return r.limits();
    case 0x03: // global: value type, mutability
      r.valtype();
      r.byte();
      return;
    default:
      r.fail(`import kind 0x${kind.toString(16)}`);
  }
}

/** Every function import of a core module, in order, with its declared type. */
export function functionImports(bytes: Uint8Array): FunctionImport[] {
  const r = new Reader(bytes);
  if (bytes.length < 8) r.fail(`a ${bytes.length}-byte file: no 8-byte header`);
  const head = r.bytes(8);
  if (head[0] !== 0 || head[1] !== 0x61 || head[2] !== 0x73 || head[3] !== 0x6d) r.fail("no \\0asm magic");
  if (head[4] !== 1 || head[5] !== 0 || head[6] !== 0 || head[7] !== 0) r.fail("not a version-1 core module");
  const types: (DeclaredType | undefined)[] = [];
  const out: FunctionImport[] = [];
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u();
    const start = r.at;
    r.bytes(size);
    const body = new Reader(bytes, start, start + size, `section ${id}`);
    if (id === 1) body.vec(() => types.push(...rectype(body)));
    else if (id === 2) body.vec(() => importEntry(body, types, out));
    else if (id !== 0) return out; // past the import section (if any): no more imports
    if (id !== 0 && body.at !== body.end) body.fail(`section ${id} ends ${body.end - body.at} byte(s) before its size`);
    if (id === 2) return out;
  }
  return out;
}
