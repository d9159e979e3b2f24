/**
 * The WebAssembly binary format's small encodings, for the modules wasock writes or rewrites
 * (yield points: preempt.ts; trampolines: bridge/fast-calls.ts): LEB128 integers, names, vectors
 * and sections, as bytes.
 */

/** Unsigned LEB128 (up to 2^53). */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return out.push(b), out;
    out.push(b | 0x80);
  }
}

const utf8 = new TextEncoder();

/** A name: its UTF-8 length, then its bytes. */
export const name = (s: string): number[] => [...leb(utf8.encode(s).length), ...utf8.encode(s)];

/** A vector: its count, then its items. */
export const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];

/** A section: its id, its size, its body. */
export const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
