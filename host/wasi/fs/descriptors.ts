import { closeSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync } from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestContext } from "../context.js";
import { isFs, type FsEntry } from "../files.js";
import { Filetype } from "../types.js";
import { FDSTAT_SIZE, FILESTAT_SIZE, PREOPENTYPE_DIR } from "./flags.js";
import { newTimes, writeFilestat } from "./host.js";
import { futimesNs } from "./ns-times.js";

/**
 * The fd_* calls on an open file or directory that are not reads and writes: stat, size, times,
 * rights, sync, close, and the pre-open queries wasi-libc's start-up scan makes. Each acts on the
 * host fd the guest fd holds — the object that was opened, whatever its name is now.
 */

export { isFs, type FsEntry };

const encoder = new TextEncoder();

/** The host fd a file or directory entry holds. */
function hostFd(e: FsEntry): number {
  return e.kind === "file" ? e.file.hostFd : e.dir.fd;
}

export function fdstat(ctx: GuestContext, e: FsEntry, ret: number): number {
  const { mem } = ctx;
  mem.check(ret, FDSTAT_SIZE);
  mem.fill(ret, FDSTAT_SIZE);
  const h = e.kind === "file" ? e.file : e.dir;
  mem.setU8(ret, e.kind === "file" ? e.file.filetype : Filetype.DIRECTORY);
  mem.setU16(ret + 2, e.flags);
  mem.setU64(ret + 8, h.rightsBase);
  mem.setU64(ret + 16, h.rightsInheriting);
  return Errno.SUCCESS;
}

export function filestat(ctx: GuestContext, e: FsEntry, ret: number): number {
  ctx.mem.check(ret, FILESTAT_SIZE);
  writeFilestat(ctx.mem, ret, fstatSync(hostFd(e), { bigint: true }));
  return Errno.SUCCESS;
}

/** fd_filestat_set_size: ftruncate; a directory is EISDIR, a file not open for writing EINVAL (Linux). */
export function setSize(e: FsEntry, size: bigint): number {
  if (e.kind === "dir") return Errno.ISDIR;
  const u = BigInt.asUintN(64, size);
  if (u > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.FBIG;
  ftruncateSync(e.file.hostFd, Number(u));
  return Errno.SUCCESS;
}

export function setTimes(e: FsEntry, atim: bigint, mtim: bigint, fst: number): number {
  const fd = hostFd(e);
  const times = newTimes(() => fstatSync(fd, { bigint: true }), atim, mtim, fst);
  if (typeof times === "number") return times;
  if (!futimesNs(fd, atim, mtim, fst)) futimesSync(fd, ...times);
  return Errno.SUCCESS;
}

/** fd_sync / fd_datasync (a directory: fsync of its fd either way). */
export function sync(e: FsEntry, dataOnly: boolean): number {
  (dataOnly && e.kind === "file" ? fdatasyncSync : fsyncSync)(hostFd(e));
  return Errno.SUCCESS;
}

/** fd_close: close the host fd (the guest's fd is already gone either way). */
export function close(e: FsEntry): number {
  closeSync(hostFd(e));
  return Errno.SUCCESS;
}

/** fd_prestat_get: a pre-opened directory is tag `dir` with its guest path's length; a directory
 *  the guest opened itself is no pre-open (EBADF, as wasmtime answers). */
export function prestat(ctx: GuestContext, e: FsEntry, ret: number): number {
  if (e.kind !== "dir" || e.dir.preopen === undefined) return Errno.BADF;
  ctx.mem.check(ret, 8);
  ctx.mem.fill(ret, 8);
  ctx.mem.setU8(ret, PREOPENTYPE_DIR);
  ctx.mem.setU32(ret + 4, encoder.encode(e.dir.preopen).length);
  return Errno.SUCCESS;
}

/** fd_prestat_dir_name: the guest path's bytes, no NUL; a buffer shorter than it is ENAMETOOLONG. */
export function prestatDirName(ctx: GuestContext, e: FsEntry, buf: number, len: number): number {
  if (e.kind !== "dir" || e.dir.preopen === undefined) return e.kind === "dir" ? Errno.BADF : Errno.NOTDIR;
  const name = encoder.encode(e.dir.preopen);
  ctx.mem.check(buf, len);
  if (len >>> 0 < name.length) return Errno.NAMETOOLONG;
  ctx.mem.write(buf, name);
  return Errno.SUCCESS;
}
