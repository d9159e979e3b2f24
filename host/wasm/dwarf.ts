/**
 * Source lines for a trap's frames (backtrace.ts) from a module's DWARF line table, the
 * `.debug_line` custom section a C or Rust guest built with -g carries. Only the line table is
 * read (DWARF 2 to 5, 32- and 64-bit): enough for `at file.c:8` under a frame, not for inlined
 * frames or variables. Addresses in a wasm module's DWARF count from the code section's body.
 */
import { Reader } from "./reader.js";

export interface SourceLine {
  file: string;
  line: number;
}

interface Row {
  address: number;
  file: number;
  line: number;
}

interface Sequence {
  start: number;
  end: number;
  rows: Row[];
  files: string[];
}

const decoder = new TextDecoder();

/** A NUL-terminated string at `r.at` (DW_FORM_string, the v2–v4 header lists). */
function cstring(b: Uint8Array, r: Reader): string {
  const end = b.indexOf(0, r.at);
  if (end < 0 || end >= r.end) r.fail("an unterminated string");
  const s = decoder.decode(b.subarray(r.at, end));
  r.at = end + 1;
  return s;
}

function fixed(r: Reader, n: number): number {
  let v = 0;
  const b = r.bytes(n);
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i]!;
  return v;
}

function strAt(section: Uint8Array | undefined, offset: number): string {
  if (section === undefined || offset >= section.length) return "?";
  const end = section.indexOf(0, offset);
  return decoder.decode(section.subarray(offset, end < 0 ? section.length : end));
}

function joinPath(dir: string | undefined, file: string): string {
  if (dir === undefined || dir === "" || file.startsWith("/")) return file;
  return `${dir.replace(/\/$/, "")}/${file}`;
}

/** One unit's line program: its sequences. */
function unit(b: Uint8Array, r: Reader, custom: Map<string, Uint8Array>, out: Sequence[]): void {
  let length = fixed(r, 4);
  let offsetSize = 4;
  if (length === 0xffffffff) (length = fixed(r, 8)), (offsetSize = 8);
  const end = r.at + length;
  const version = fixed(r, 2);
  if (version < 2 || version > 5) return void (r.at = end);
  if (version >= 5) r.bytes(2); // address size, segment selector size
  const headerLength = fixed(r, offsetSize);
  const programStart = r.at + headerLength;
  const minInst = r.byte();
  if (version >= 4) r.byte(); // max ops per instruction (VLIW only)
  r.byte(); // default is_stmt: every row is looked up alike
  const lineBase = (r.byte() << 24) >> 24;
  const lineRange = r.byte();
  const opcodeBase = r.byte();
  const standardLengths = Array.from({ length: Math.max(0, opcodeBase - 1) }, () => r.byte());
  const dirs: string[] = [];
  const files: string[] = [];
  if (version < 5) {
    dirs.push(""); // index 0: the compilation directory, unnamed here
    for (let d = cstring(b, r); d !== ""; d = cstring(b, r)) dirs.push(d);
    files.push("?"); // v2–v4 files count from 1
    for (let f = cstring(b, r); f !== ""; f = cstring(b, r)) {
      const dir = r.u();
      r.u(), r.u(); // modification time, length
      files.push(joinPath(dirs[dir], f));
    }
  } else {
    const entries = (): { path: string; dir: number }[] => {
      const format = Array.from({ length: r.byte() }, () => [r.u(), r.u()] as const);
      return Array.from({ length: r.u() }, () => {
        let path = "?", dir = 0;
        for (const [type, form] of format) {
          const v = formValue(b, r, form, offsetSize, custom);
          if (type === 1) path = String(v);
          else if (type === 2) dir = Number(v);
        }
        return { path, dir };
      });
    };
    const ds = entries();
    for (const d of ds) dirs.push(d.path);
    for (const f of entries()) files.push(joinPath(dirs[f.dir], f.path));
  }
  r.at = programStart;

  let address = 0, file = 1, line = 1;
  let rows: Row[] = [];
  const emit = (): void => void rows.push({ address, file, line });
  while (r.at < end) {
    const op = r.byte();
    if (op >= opcodeBase) {
      const adj = op - opcodeBase;
      address += Math.floor(adj / lineRange) * minInst;
      line += lineBase + (adj % lineRange);
      emit();
    } else if (op === 0) {
      const len = r.u();
      const next = r.at + len;
      const sub = len > 0 ? r.byte() : 0;
      if (sub === 1) {
        if (rows.length > 0) out.push({ start: rows[0]!.address, end: address, rows, files });
        rows = [];
        address = 0, file = 1, line = 1;
      } else if (sub === 2) address = fixed(r, len - 1);
      r.at = next;
    } else if (op === 1) emit();
    else if (op === 2) address += r.u() * minInst;
    else if (op === 3) line += r.s();
    else if (op === 4) file = r.u();
    else if (op === 8) address += Math.floor((255 - opcodeBase) / lineRange) * minInst;
    else if (op === 9) address += fixed(r, 2);
    else for (let i = 0; i < (standardLengths[op - 1] ?? 0); i++) r.skipLeb();
  }
  r.at = end;
}

/** An attribute value of the v5 file and directory entries. */
function formValue(b: Uint8Array, r: Reader, form: number, offsetSize: number, custom: Map<string, Uint8Array>): string | number {
  switch (form) {
    case 0x08: return cstring(b, r); // string
    case 0x1f: return strAt(custom.get(".debug_line_str"), fixed(r, offsetSize)); // line_strp
    case 0x0e: return strAt(custom.get(".debug_str"), fixed(r, offsetSize)); // strp
    case 0x0f: return r.u(); // udata
    case 0x0b: return fixed(r, 1);
    case 0x05: return fixed(r, 2);
    case 0x06: return fixed(r, 4);
    case 0x07: return fixed(r, 8);
    case 0x1e: return r.bytes(16), 0; // data16 (an MD5)
    case 0x09: return r.bytes(r.u()), 0; // block
    default: return r.fail(`DWARF form 0x${form.toString(16)}`);
  }
}

/**
 * A lookup from a code address (an offset in the code section's body) to its source line, or
 * undefined when the module's `.debug_line` is absent; a line table this reader cannot read
 * throws a WasmParseError (the frames are then shown without lines).
 */
export function functionLines(custom: Map<string, Uint8Array>): ((address: number) => SourceLine | undefined) | undefined {
  const body = custom.get(".debug_line");
  if (body === undefined) return undefined;
  const sequences: Sequence[] = [];
  const r = new Reader(body, 0, body.length, "the DWARF line table");
  while (r.at < body.length) unit(body, r, custom, sequences);
  return (address) => {
    const s = sequences.find((q) => q.start <= address && address < q.end);
    if (s === undefined) return undefined;
    let row: Row | undefined;
    for (const x of s.rows) {
      if (x.address > address) break;
      row = x;
    }
    if (row === undefined || row.line === 0) return undefined;
    return { file: s.files[row.file] ?? "?", line: row.line };
  };
}
