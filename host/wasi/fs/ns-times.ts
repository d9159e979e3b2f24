import { Fstflags } from "./flags.js";

/**
 * File times to the nanosecond where the host allows it. node:fs takes times as seconds in a
 * double (Node 20 keeps µs, Node 22+ and Bun the double's ulp, ~238 ns at today's epoch; Deno ms)
 * and cannot leave one of the two times alone. Under Bun on Linux, bun:ffi reaches libc's
 * utimensat/futimens: exact nanoseconds, and UTIME_OMIT for a time the call does not set. Node
 * has no FFI, and Deno's node:fs reads times back in ms anyway, so they keep the node:fs path.
 * Each function answers false when it did not set the times (no FFI, or the call failed): the
 * caller then makes its node:fs call, which sets them as well as it can or throws the errno.
 */

const UTIME_NOW = (1n << 30n) - 1n;
const UTIME_OMIT = (1n << 30n) - 2n;
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;

interface Libc {
  utimensat(path: string, ts: BigInt64Array, nofollow: boolean): number;
  futimens(fd: number, ts: BigInt64Array): number;
}

let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  const g = globalThis as { Bun?: unknown; process?: { platform?: string } };
  const req = (import.meta as { require?: (m: string) => unknown }).require;
  if (g.Bun === undefined || g.process?.platform !== "linux" || typeof req !== "function") return libc;
  try {
    type Sym = (...a: unknown[]) => number;
    const ffi = req("bun:ffi") as {
      dlopen(lib: string, s: Record<string, { args: unknown[]; returns: unknown }>): { symbols: Record<string, Sym> };
      FFIType: Record<string, unknown>;
      ptr(a: ArrayBufferView): unknown;
    };
    const { i32, ptr: p } = { i32: ffi.FFIType.i32, ptr: ffi.FFIType.ptr };
    const { symbols } = ffi.dlopen("libc.so.6", {
      utimensat: { args: [i32, p, p, i32], returns: i32 },
      futimens: { args: [i32, p], returns: i32 },
    });
    const encoder = new TextEncoder();
    libc = {
      utimensat: (path, ts, nofollow) =>
        symbols.utimensat!(AT_FDCWD, ffi.ptr(encoder.encode(`${path}\0`)), ffi.ptr(ts), nofollow ? AT_SYMLINK_NOFOLLOW : 0),
      futimens: (fd, ts) => symbols.futimens!(fd, ffi.ptr(ts)),
    };
  } catch {
    libc = null;
  }
  return libc;
}

/** The two timespecs utimensat takes for a *_set_times call (flags already validated). */
function timespecs(atim: bigint, mtim: bigint, flags: number): BigInt64Array {
  const ts = new BigInt64Array(4);
  const put = (i: number, set: number, now: number, given: bigint): void => {
    const ns = BigInt.asUintN(64, given);
    if (flags & set) [ts[i], ts[i + 1]] = [BigInt.asIntN(64, ns / 1_000_000_000n), ns % 1_000_000_000n];
    else [ts[i], ts[i + 1]] = [0n, flags & now ? UTIME_NOW : UTIME_OMIT];
  };
  put(0, Fstflags.ATIM, Fstflags.ATIM_NOW, atim);
  put(2, Fstflags.MTIM, Fstflags.MTIM_NOW, mtim);
  return ts;
}

/** futimens(fd): whether the times were set. */
export function futimesNs(fd: number, atim: bigint, mtim: bigint, flags: number): boolean {
  const c = load();
  return c !== null && c.futimens(fd, timespecs(atim, mtim, flags)) === 0;
}

/** utimensat(path), the last component followed or not: whether the times were set. */
export function utimesNs(path: string, nofollow: boolean, atim: bigint, mtim: bigint, flags: number): boolean {
  const c = load();
  return c !== null && c.utimensat(path, timespecs(atim, mtim, flags), nofollow) === 0;
}
