/**
 * The arguments a hostile guest passes: pointers in, at the edge of and far past its memory,
 * lengths from 0 to 4 GiB, fds that are open, closed, stdio or absurd, enums and flags one past
 * their range or all bits set. Each is an i32 as the engine hands it to JS (signed), or an i64
 * (a BigInt).
 */
import type { Rng } from "./rng.js";

const LENGTHS = [0, 1, 2, 3, 4, 7, 8, 12, 16, 24, 28, 32, 48, 64, 128, 255, 256, 1024, 1025, 4096, 65535, 65536, 65537, 1 << 20, 0x7fff_ffff, 0x8000_0000, 0xffff_fff0, 0xffff_ffff];
const I64S = [0n, 1n, -1n, 2n, 1000n, 1_000_000_000n, 0x7fff_ffffn, 0xffff_ffffn, 0x1_0000_0000n, (1n << 63n) - 1n, -(1n << 63n)];

export interface Shape {
  /** Bytes of guest memory. */
  memorySize: number;
  /** Fds open in the guest right now (sockets, stdio, dirs, files). */
  openFds: readonly number[];
  /** The sockets among them. */
  socketFds: readonly number[];
}

/** One i32 argument, signed as the engine passes it. */
export function i32(rng: Rng, shape: Shape): number {
  const size = shape.memorySize;
  let v: number;
  switch (rng.below(10)) {
    case 0:
    case 1: // a pointer somewhere inside memory
      v = rng.below(size);
      break;
    case 2: // a pointer at the edge: the last bytes, or just past the end
      v = size - 16 + rng.below(32);
      break;
    case 3: // far out: the top of the 32-bit space, or anywhere
      v = rng.chance(0.5) ? 0xffff_ffff - rng.below(32) : rng.u32();
      break;
    case 4:
    case 5: // small: fds, counts, enums, flags
      v = rng.below(16);
      break;
    case 6: // an fd that is open now
      v = shape.openFds.length > 0 ? rng.pick(shape.openFds) : rng.below(8);
      break;
    case 7:
      v = rng.pick(LENGTHS);
      break;
    case 8: // flag words: one bit, or a random mask
      v = rng.chance(0.5) ? 2 ** rng.below(32) : rng.u32() & (rng.chance(0.5) ? 0xffff : 0xffff_ffff);
      break;
    default:
      v = rng.u32();
  }
  return v | 0;
}

export function i64(rng: Rng): bigint {
  return rng.chance(0.6) ? BigInt.asIntN(64, rng.pick(I64S)) : rng.i64();
}

/**
 * Guest memory as a hostile guest leaves it: words that look like pointers and lengths (so iovec
 * arrays, address structs and strings lead somewhere), small numbers, and noise.
 */
export function fillMemory(rng: Rng, bytes: Uint8Array): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 4 <= bytes.length; at += 4) {
    const r = rng.below(8);
    const v = r < 3 ? rng.below(bytes.length) : r < 5 ? rng.below(64) : r < 6 ? rng.pick(LENGTHS) : rng.u32();
    dv.setUint32(at, v >>> 0, true);
  }
}
