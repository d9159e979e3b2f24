import { fstatSync, readSync, writeSync } from "node:fs";
import { Errno } from "../../core/enums.js";
import type { Iovec } from "../../wasm/guest-memory.js";
import type { GuestContext } from "../context.js";
import type { FileEntry } from "../fd-table.js";
import { Fdflags } from "../types.js";
import { Whence } from "./flags.js";
import type { HostFile } from "./handles.js";

/**
 * Reading, writing and seeking an open file. A regular file's offset is wasock's (`pos`): every
 * host read and write is positional, so fd_seek is bookkeeping and fd_pread/fd_pwrite leave the
 * offset alone. Devices and FIFOs use the host's own offset and are not seekable (ESPIPE).
 */

/** Read into the iovecs in order, stopping at a short read; `at` = explicit offset or the file's. */
function readInto(ctx: GuestContext, f: HostFile, iovs: Iovec[], at: number | null): number {
  let total = 0;
  for (const v of iovs) {
    if (v.len === 0) continue;
    const n = readSync(f.hostFd, ctx.mem.view(v.ptr, v.len), 0, v.len, at === null ? null : at + total);
    total += n;
    if (n < v.len) break;
  }
  return total;
}

/** Write all of `data` (looping over short writes) at `at`, or at the host's offset when null. */
export function writeAll(f: HostFile, data: Uint8Array, at: number | null): number {
  let off = 0;
  while (off < data.length) {
    const n = writeSync(f.hostFd, data, off, data.length - off, at === null ? null : at + off);
    if (n === 0) break;
    off += n;
  }
  return off;
}

/** An offset from the guest (u64) as a safe JS number, or undefined past 2^53. */
function offsetOf(o: bigint): number | undefined {
  const u = BigInt.asUintN(64, o);
  return u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : undefined;
}

/** fd_read on a file: from the current offset, which advances. */
export function readFile(ctx: GuestContext, e: FileEntry, iovs: Iovec[], retPtr: number): number {
  const f = e.file;
  const n = readInto(ctx, f, iovs, f.seekable ? f.pos : null);
  if (f.seekable) f.pos += n;
  ctx.mem.setU32(retPtr, n);
  return Errno.SUCCESS;
}

/** fd_write on a file: at the current offset, or at the end with APPEND; the offset advances. */
export function writeFile(ctx: GuestContext, e: FileEntry, iovs: Iovec[], retPtr: number): number {
  const f = e.file;
  const data = ctx.mem.gather(iovs);
  let at: number | null = null;
  if (f.seekable) at = e.flags & Fdflags.APPEND ? fstatSync(f.hostFd).size : f.pos;
  const n = data.length === 0 ? 0 : writeAll(f, data, at);
  if (at !== null) f.pos = at + n;
  ctx.mem.setU32(retPtr, n);
  return Errno.SUCCESS;
}

/** fd_pread: at `offset`; the file's offset is unchanged. */
export function preadFile(ctx: GuestContext, e: FileEntry, iovs: Iovec[], offset: bigint, retPtr: number): number {
  if (!e.file.seekable) return Errno.SPIPE;
  const at = offsetOf(offset);
  if (at === undefined) return Errno.INVAL;
  ctx.mem.setU32(retPtr, readInto(ctx, e.file, iovs, at));
  return Errno.SUCCESS;
}

/** fd_pwrite: at `offset`, even with APPEND (POSIX; Linux's pwrite would append); offset unchanged. */
export function pwriteFile(ctx: GuestContext, e: FileEntry, iovs: Iovec[], offset: bigint, retPtr: number): number {
  if (!e.file.seekable) return Errno.SPIPE;
  const at = offsetOf(offset);
  if (at === undefined) return Errno.INVAL;
  const data = ctx.mem.gather(iovs);
  ctx.mem.setU32(retPtr, data.length === 0 ? 0 : writeAll(e.file, data, at));
  return Errno.SUCCESS;
}

/** fd_seek: SET/CUR/END with a signed delta; a resulting offset below 0 is EINVAL. */
export function seekFile(ctx: GuestContext, e: FileEntry, delta: bigint, whence: number, retPtr: number): number {
  const f = e.file;
  if (!f.seekable) return Errno.SPIPE;
  let base: number;
  if (whence === Whence.SET) base = 0;
  else if (whence === Whence.CUR) base = f.pos;
  else if (whence === Whence.END) base = fstatSync(f.hostFd).size;
  else return Errno.INVAL;
  ctx.mem.check(retPtr, 8);
  const next = BigInt(base) + BigInt.asIntN(64, delta);
  if (next < 0n) return Errno.INVAL;
  if (next > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.OVERFLOW;
  f.pos = Number(next);
  ctx.mem.setU64(retPtr, next);
  return Errno.SUCCESS;
}

/** fd_tell: the current offset. */
export function tellFile(ctx: GuestContext, e: FileEntry, retPtr: number): number {
  if (!e.file.seekable) return Errno.SPIPE;
  ctx.mem.setU64(retPtr, BigInt(e.file.pos));
  return Errno.SUCCESS;
}
