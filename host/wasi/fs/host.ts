import type { BigIntStats, Dirent } from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestMemory } from "../../wasm/guest-memory.js";
import { guard, type GuestContext } from "../context.js";
import { Filetype } from "../types.js";
import { FILESTAT_SIZE, Fstflags } from "./flags.js";

/**
 * The host side of the filesystem imports: every call is a node:fs *Sync call. On the worker
 * bridge that blocks only the guest's own thread. On the JSPI bridge it runs on the main thread:
 * these are short calls on local files (open, read, stat, readdir of a pre-opened directory), the
 * trade node:wasi and uvwasi make too; a guest reading a slow network mount should use the worker
 * bridge.
 */

type Impl = (...args: never[]) => number;

/** A node:fs failure: an Error whose `code` the core's table knows (Deno's carry no `syscall`);
 *  anything else is a host bug. */
function isFsError(ctx: GuestContext, e: unknown): e is NodeJS.ErrnoException {
  const code = (e as { code?: unknown })?.code;
  return e instanceof Error && typeof code === "string" && ctx.core.knowsCode(code);
}

/**
 * An fs import: a node:fs error becomes its WASI errno through the core's one table
 * (`errnoFromCode`), a guest memory fault EFAULT (`guard`); anything else unwinds.
 */
export function fsImport<F extends Impl>(ctx: GuestContext, fn: F): F {
  return guard(((...args: never[]) => {
    try {
      return fn(...args);
    } catch (e) {
      if (isFsError(ctx, e)) return ctx.core.errnoFromCode(e.code!);
      throw e;
    }
  }) as F);
}

/** The WASI filetype of a stat result or a directory entry. FIFOs have no WASI type: unknown. */
export function filetypeOf(s: BigIntStats | Dirent<Buffer>): number {
  if (s.isFile()) return Filetype.REGULAR_FILE;
  if (s.isDirectory()) return Filetype.DIRECTORY;
  if (s.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (s.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (s.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (s.isSocket()) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

/** Write a 64-byte `filestat` (the caller has checked `ptr`). */
export function writeFilestat(mem: GuestMemory, ptr: number, st: BigIntStats): void {
  mem.check(ptr, FILESTAT_SIZE);
  mem.fill(ptr, FILESTAT_SIZE);
  mem.setU64(ptr, BigInt.asUintN(64, st.dev));
  mem.setU64(ptr + 8, BigInt.asUintN(64, st.ino));
  mem.setU8(ptr + 16, filetypeOf(st));
  mem.setU64(ptr + 24, BigInt.asUintN(64, st.nlink));
  mem.setU64(ptr + 32, BigInt.asUintN(64, st.size));
  mem.setU64(ptr + 40, BigInt.asUintN(64, st.atimeNs));
  mem.setU64(ptr + 48, BigInt.asUintN(64, st.mtimeNs));
  mem.setU64(ptr + 56, BigInt.asUintN(64, st.ctimeNs));
}

/**
 * Deno's node:fs keeps a time's whole milliseconds, floor(seconds × 1000) of the double it is
 * given, so a time whose seconds the double holds a hair low lost its last ms (…712 ms, as
 * 1796623025.712, was set as …711). There a time is passed as the middle of its millisecond:
 * what Deno keeps is that millisecond.
 */
const WHOLE_MS = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const seconds = (ns: bigint): number => (WHOLE_MS ? (Number(ns / 1_000_000n) + 0.5) / 1000 : Number(ns) / 1e9);

/**
 * The (atime, mtime) pair, in seconds, that utimes needs for a *_set_times call: each time is the
 * given one, now, or (flag absent) the current one. Both X and X_NOW, or an undefined bit → EINVAL.
 */
export function newTimes(current: () => BigIntStats, atim: bigint, mtim: bigint, flags: number): [number, number] | number {
  if (flags & ~0xf) return Errno.INVAL;
  if ((flags & Fstflags.ATIM && flags & Fstflags.ATIM_NOW) || (flags & Fstflags.MTIM && flags & Fstflags.MTIM_NOW)) return Errno.INVAL;
  const nowS = Date.now() / 1000;
  const st = flags & (Fstflags.ATIM | Fstflags.ATIM_NOW) && flags & (Fstflags.MTIM | Fstflags.MTIM_NOW) ? undefined : current();
  const pick = (set: number, now: number, given: bigint, cur: bigint | undefined): number =>
    flags & set ? seconds(BigInt.asUintN(64, given)) : flags & now ? nowS : seconds(cur!);
  return [
    pick(Fstflags.ATIM, Fstflags.ATIM_NOW, atim, st?.atimeNs),
    pick(Fstflags.MTIM, Fstflags.MTIM_NOW, mtim, st?.mtimeNs),
  ];
}
