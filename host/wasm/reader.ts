/**
 * A bounds-checked reader of WebAssembly's binary encoding (LEB128 numbers, names, value types,
 * limits), shared by the import reader (imports.ts) and the yield-point rewriter (preempt.ts).
 * Every read checks its bounds: a malformed module throws a WasmParseError saying where.
 */

export class WasmParseError extends Error {}

/** Heap types by their one-byte code (GC and exception-handling proposals). */
export const HEAP: Record<number, string> = {
  0x74: "noexn", 0x73: "nofunc", 0x72: "noextern", 0x71: "none", 0x70: "func", 0x6f: "extern",
  0x6e: "any", 0x6d: "eq", 0x6c: "i31", 0x6b: "struct", 0x6a: "array", 0x69: "exn",
};
/** Value types by their one-byte code: numbers, v128, and `(ref null <heap>)` abbreviations. */
export const VALTYPES: Record<number, string> = {
  0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128",
  ...Object.fromEntries(Object.entries(HEAP).map(([k, h]) => [k, h.startsWith("no") ? `null${h.slice(2)}ref` : h === "none" ? "nullref" : `${h}ref`])),
};

export class Reader {
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
  /** Step over a LEB128 of any width (an i64 constant, a u64 offset): at most 10 bytes. */
  skipLeb(): void {
    for (let i = 0; i < 10; i++) if ((this.byte() & 0x80) === 0) return;
    this.fail("LEB128 longer than 10 bytes");
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
