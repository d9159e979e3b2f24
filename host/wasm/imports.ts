/**
 * The function imports of a core WebAssembly module with their declared types, read from its
 * bytes: `WebAssembly.Module.imports()` names an import but not its type, and a JS function import
 * is called with whatever the guest declared. Only the type section (1) and the import section (2)
 * are read; the scan stops at the first section after them, so it costs a few KB of a module.
 * Every read is bounds-checked: a malformed module throws a WasmParseError saying where.
 */

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

export class WasmParseError extends Error {}

/** Heap types by their one-byte code (GC and exception-handling proposals). */
const HEAP: Record<number, string> = {
  0x74: "noexn", 0x73: "nofunc", 0x72: "noextern", 0x71: "none", 0x70: "func", 0x6f: "extern",
  0x6e: "any", 0x6d: "eq", 0x6c: "i31", 0x6b: "struct", 0x6a: "array", 0x69: "exn",
};
/** Value types by their one-byte code: numbers, v128, and `(ref null <heap>)` abbreviations. */
const VALTYPES: Record<number, string> = {
  0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128",
  ...Object.fromEntries(Object.entries(HEAP).map(([k, h]) => [k, h.startsWith("no") ? `null${h.slice(2)}ref` : h === "none" ? "nullref" : `${h}ref`])),
};

class Reader {
  constructor(private readonly b: Uint8Array, public at = 0, readonly end = b.length, private readonly what = "the module") {}

  fail(what: string): never {
    throw new WasmParseError(`malformed WebAssembly module: ${what} at byte ${this.at}`);
  }
  byte(): number {
    if (this.at >= this.end) this.fail(`unexpected end of ${this.what}`);
    return this.b[this.at++]!;
  }
  /** An unsigned LEB128 of at most `bits` bits (u32 by default), as a number (a u64 loses precision: only skipped). */
  u(bits = 32): number {
    const start = this.at;
    let v = 0, scale = 1;
    for (let i = 0; i < Math.ceil(bits / 7); i++) {
      const x = this.byte();
      v += (x & 0x7f) * scale;
      if ((x & 0x80) === 0) {
        if (bits <= 32 && v >= 2 ** bits) (this.at = start), this.fail(`LEB128 over ${bits} bits`);
        return v;
      }
      scale *= 128;
    }
    this.at = start;
    return this.fail(`LEB128 longer than ${Math.ceil(bits / 7)} bytes`);
  }
  /** A signed LEB128 (s33: a heap type), as a number. */
  s(): number {
    let v = 0, scale = 1, x: number;
    for (let i = 0; ; i++) {
      if (i === 5) this.fail("LEB128 longer than 33 bits");
      x = this.byte();
      v += (x & 0x7f) * scale;
      scale *= 128;
      if ((x & 0x80) === 0) break;
    }
    return x & 0x40 ? v - scale : v;
  }
  bytes(n: number): Uint8Array {
    if (n > this.end - this.at) this.fail(`${n} bytes wanted, ${this.end - this.at} left`);
    this.at += n;
    return this.b.subarray(this.at - n, this.at);
  }
  name(): string {
    const b = this.bytes(this.u());
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(b);
    } catch {
      return this.fail("a name that is not UTF-8");
    }
  }
  /** A value type's text name; a struct field may also be a packed i8/i16. */
  valtype(packed = false): string {
    const x = this.byte();
    if (packed && (x === 0x78 || x === 0x77)) return x === 0x78 ? "i8" : "i16";
    if (x === 0x64 || x === 0x63) {
      const ht = this.s();
      const heap = ht >= 0 ? String(ht) : (HEAP[ht + 128] ?? this.fail(`heap type ${ht}`));
      return `(ref ${x === 0x63 ? "null " : ""}${heap})`;
    }
    return VALTYPES[x] ?? this.fail(`value type 0x${x.toString(16)}`);
  }
  vec<T>(item: () => T): T[] {
    const n = this.u();
    if (n > this.end - this.at) this.fail(`a vector of ${n} items past the end`); // every item is ≥ 1 byte
    return Array.from({ length: n }, item);
  }
  limits(): void {
    const flags = this.byte();
    if (flags & ~0x0f) this.fail(`limits flags 0x${flags.toString(16)}`);
    const bits = flags & 0x04 ? 64 : 32;
    this.u(bits);
    if (flags & 0x01) this.u(bits);
    if (flags & 0x08) this.u(); // custom page size (log2)
  }
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
function rectype(r: Reader): (DeclaredType | undefined)[] {
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
