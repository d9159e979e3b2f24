/**
 * Walks the instructions of one function body and finds where a yield point goes (preempt.ts):
 * at the top of every `loop` (a loop that never calls out is the only way wasm code can run
 * forever without growing its stack) and before every tail call (`return_call*`: tail recursion
 * is a loop too). To step over an instruction the walker must know its immediates, so it knows
 * every instruction of the finished proposals: MVP, sign extension, saturating truncation, bulk
 * memory, reference types, multi-value, SIMD and relaxed SIMD, threads (atomics), tail calls,
 * exception handling (legacy and `try_table`), typed function references, GC and memory64. An
 * opcode it does not know throws a WasmParseError: the caller then runs the module as it is.
 */
import { Reader } from "./reader.js";

/** A block type: empty (0x40), a value type (`ref ht` carries a heap type), or a type index (s33). */
function blocktype(r: Reader): void {
  const b = r.byte();
  if (b === 0x64 || b === 0x63) return void r.s();
  r.at--;
  r.s();
}

/** A memory argument: alignment (bit 6: a memory index follows), then the offset (u64 for memory64). */
function memarg(r: Reader): void {
  const align = r.u();
  if (align & 0x40) r.u();
  r.skipLeb();
}

/** Immediates of the one-byte opcodes: a reader for each opcode that has any; `null` = none. */
const NONE = null;
type Imm = ((r: Reader) => void) | null;
const idx = (r: Reader) => void r.u();
const twoIdx = (r: Reader) => void (r.u(), r.u());
const ONE_BYTE = new Map<number, Imm>([
  [0x00, NONE], [0x01, NONE], [0x02, blocktype], [0x03, blocktype], [0x04, blocktype], [0x05, NONE],
  [0x06, blocktype], [0x07, idx], [0x08, idx], [0x09, idx], [0x0a, NONE], [0x0b, NONE],
  [0x0c, idx], [0x0d, idx], [0x0e, (r) => void (r.vec(() => r.u()), r.u())], [0x0f, NONE],
  [0x10, idx], [0x11, twoIdx], [0x12, idx], [0x13, twoIdx], [0x14, idx], [0x15, idx],
  [0x18, idx], [0x19, NONE], [0x1a, NONE], [0x1b, NONE], [0x1c, (r) => void r.vec(() => r.valtype())],
  // try_table: block type, then catch clauses (0/1: a tag and a label; 2/3: a label)
  [0x1f, (r) => void (blocktype(r), r.vec(() => (r.byte() < 2 ? twoIdx(r) : idx(r))))],
  [0x20, idx], [0x21, idx], [0x22, idx], [0x23, idx], [0x24, idx], [0x25, idx], [0x26, idx],
  [0x3f, idx], [0x40, idx],
  [0x41, (r) => void r.skipLeb()], [0x42, (r) => void r.skipLeb()],
  [0x43, (r) => void r.bytes(4)], [0x44, (r) => void r.bytes(8)],
  [0xd0, (r) => void r.s()], [0xd1, NONE], [0xd2, idx], [0xd3, NONE], [0xd4, NONE], [0xd5, idx], [0xd6, idx],
]);
for (let op = 0x28; op <= 0x3e; op++) ONE_BYTE.set(op, memarg); // loads and stores
for (let op = 0x45; op <= 0xc4; op++) ONE_BYTE.set(op, NONE); // numeric instructions

/** 0xFB: GC. */
function gc(r: Reader, sub: number): void {
  if (sub <= 1 || (sub >= 6 && sub <= 7) || (sub >= 11 && sub <= 14) || sub === 16) return idx(r);
  if ((sub >= 2 && sub <= 5) || sub === 8 || sub === 9 || sub === 10 || sub === 17 || sub === 18 || sub === 19) return twoIdx(r);
  if (sub === 15 || (sub >= 26 && sub <= 30)) return;
  if (sub >= 20 && sub <= 23) return void r.s(); // ref.test / ref.cast: a heap type
  if (sub === 24 || sub === 25) return void (r.byte(), r.u(), r.s(), r.s()); // br_on_cast(_fail)
  r.fail(`GC instruction 0xfb ${sub}`);
}

/** 0xFC: saturating truncation, bulk memory, tables. */
function misc(r: Reader, sub: number): void {
  if (sub <= 7) return;
  if (sub === 8 || sub === 10 || sub === 12 || sub === 14) return twoIdx(r);
  if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) return idx(r);
  r.fail(`instruction 0xfc ${sub}`);
}

/** 0xFD: SIMD and relaxed SIMD. */
function simd(r: Reader, sub: number): void {
  if (sub <= 11 || sub === 92 || sub === 93) return memarg(r);
  if (sub === 12 || sub === 13) return void r.bytes(16); // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) return void r.byte(); // extract/replace lane
  if (sub >= 84 && sub <= 91) return void (memarg(r), r.byte()); // load/store lane
  if (sub <= 0x113) return;
  r.fail(`SIMD instruction 0xfd ${sub}`);
}

/** 0xFE: threads. */
function atomic(r: Reader, sub: number): void {
  if (sub === 3) return void r.byte(); // atomic.fence
  if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) return memarg(r);
  r.fail(`atomic instruction 0xfe ${sub}`);
}

/**
 * The yield points of one function body (`r` positioned at its start, `end` its end), as byte
 * offsets into the module, ascending: the top of each loop, and each tail call's opcode.
 */
export function yieldPoints(r: Reader, end: number): number[] {
  const points: number[] = [];
  r.vec(() => (r.u(), r.valtype())); // locals
  while (r.at < end) {
    const at = r.at;
    const op = r.byte();
    if (op >= 0xfb && op <= 0xfe) {
      const sub = r.u();
      (op === 0xfb ? gc : op === 0xfc ? misc : op === 0xfd ? simd : atomic)(r, sub);
      continue;
    }
    const imm = ONE_BYTE.get(op);
    if (imm === undefined) r.fail(`opcode 0x${op.toString(16)}`);
    if (op === 0x12 || op === 0x13 || op === 0x15) points.push(at);
    imm?.(r);
    if (op === 0x03) points.push(r.at);
  }
  if (r.at !== end) r.fail("an instruction running past its function's end");
  return points;
}
