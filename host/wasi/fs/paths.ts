import {
  linkSync, lstatSync, lutimesSync, mkdirSync, readlinkSync, renameSync, rmdirSync, statSync, symlinkSync,
  unlinkSync, utimesSync,
} from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestContext } from "../context.js";
import type { DirEntry } from "../fd-table.js";
import { FILESTAT_SIZE, LOOKUPFLAGS_SYMLINK_FOLLOW } from "./flags.js";
import { newTimes, writeFilestat } from "./host.js";
import { guestPath, resolveBeneath, type Resolved } from "./resolve.js";

/**
 * The path_* calls other than path_open: each resolves its path(s) beneath a directory fd
 * (resolve.ts: ENOTCAPABLE for anything leaving it) and makes one node:fs call. A call that
 * would create, remove or rename "the directory itself" (`.`, `..`, `a/..`) is refused before
 * the host sees it — the host path would be the pre-opened directory itself.
 */

type Dir = DirEntry | number;

/** Read the guest path and resolve it beneath `d`; a positive errno on failure. */
function resolveAt(ctx: GuestContext, d: Dir, ptr: number, len: number, follow: boolean): Resolved | number {
  if (typeof d === "number") return d;
  const path = guestPath(ctx.mem, ptr, len);
  if (typeof path === "number") return path;
  return resolveBeneath(d.dir, path, follow);
}

/** Resolve a path whose last component is to be created, removed or renamed (never followed). */
function resolveName(ctx: GuestContext, fd: number, ptr: number, len: number, noNameErrno: number): Resolved | number {
  const r = resolveAt(ctx, ctx.fds.dir(fd), ptr, len, false);
  if (typeof r === "number") return r;
  return r.noName ? noNameErrno : r;
}

export function pathCreateDirectory(ctx: GuestContext, fd: number, ptr: number, len: number): number {
  const r = resolveName(ctx, fd, ptr, len, Errno.EXIST);
  if (typeof r === "number") return r;
  mkdirSync(r.host, 0o777);
  return Errno.SUCCESS;
}

/** rmdir of `.` is EINVAL on Linux (and of `..` ENOTEMPTY): both refuse. */
export function pathRemoveDirectory(ctx: GuestContext, fd: number, ptr: number, len: number): number {
  const r = resolveName(ctx, fd, ptr, len, Errno.INVAL);
  if (typeof r === "number") return r;
  rmdirSync(r.host);
  return Errno.SUCCESS;
}

export function pathUnlinkFile(ctx: GuestContext, fd: number, ptr: number, len: number): number {
  const r = resolveName(ctx, fd, ptr, len, Errno.ISDIR);
  if (typeof r === "number") return r;
  // unlink(2) on a directory is EISDIR on Linux; Deno's node:fs answers ENOTEMPTY: ask first.
  if (lstatSync(r.host, { throwIfNoEntry: false })?.isDirectory()) return Errno.ISDIR;
  unlinkSync(r.host);
  return Errno.SUCCESS;
}

export function pathRename(
  ctx: GuestContext, fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number,
): number {
  const from = resolveName(ctx, fd, oldPtr, oldLen, Errno.INVAL);
  if (typeof from === "number") return from;
  const to = resolveName(ctx, newFd, newPtr, newLen, Errno.INVAL);
  if (typeof to === "number") return to;
  renameSync(from.host, to.host);
  return Errno.SUCCESS;
}

/** path_link: a hard link; the source's last symlink is followed only with SYMLINK_FOLLOW. */
export function pathLink(
  ctx: GuestContext, oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number,
): number {
  const from = resolveAt(ctx, ctx.fds.dir(oldFd), oldPtr, oldLen, (oldFlags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0);
  if (typeof from === "number") return from;
  const to = resolveName(ctx, newFd, newPtr, newLen, Errno.EXIST);
  if (typeof to === "number") return to;
  if (!from.exists) return Errno.NOENT;
  linkSync(from.host, to.host);
  return Errno.SUCCESS;
}

/**
 * path_symlink: the link's text is stored as given. An absolute target is ENOTCAPABLE (it could
 * only ever name a host path; wasmtime refuses it too); a relative one may say anything, since
 * following it is checked when it is used.
 */
export function pathSymlink(ctx: GuestContext, targetPtr: number, targetLen: number, fd: number, ptr: number, len: number): number {
  const d = ctx.fds.dir(fd);
  if (typeof d === "number") return d;
  const target = guestPath(ctx.mem, targetPtr, targetLen);
  if (typeof target === "number") return target;
  if (target.startsWith("/")) return Errno.NOTCAPABLE;
  const r = resolveName(ctx, fd, ptr, len, Errno.EXIST);
  if (typeof r === "number") return r;
  symlinkSync(target, r.host);
  return Errno.SUCCESS;
}

/** path_readlink: the link's bytes, cut to the buffer (as readlink(2) does); ret = bytes written. */
export function pathReadlink(ctx: GuestContext, fd: number, ptr: number, len: number, buf: number, bufLen: number, retPtr: number): number {
  const d = ctx.fds.dir(fd);
  if (typeof d === "number") return d;
  ctx.mem.check(buf, bufLen);
  ctx.mem.check(retPtr, 4);
  const r = resolveAt(ctx, d, ptr, len, false);
  if (typeof r === "number") return r;
  if (!r.exists) return Errno.NOENT;
  const text = readlinkSync(r.host, { encoding: "buffer" });
  const n = Math.min(text.length, bufLen >>> 0);
  ctx.mem.write(buf, text.subarray(0, n));
  ctx.mem.setU32(retPtr, n);
  return Errno.SUCCESS;
}

export function pathFilestatGet(ctx: GuestContext, fd: number, flags: number, ptr: number, len: number, retPtr: number): number {
  const d = ctx.fds.dir(fd);
  if (typeof d === "number") return d;
  ctx.mem.check(retPtr, FILESTAT_SIZE);
  const r = resolveAt(ctx, d, ptr, len, (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0);
  if (typeof r === "number") return r;
  if (!r.exists) return Errno.NOENT;
  writeFilestat(ctx.mem, retPtr, lstatSync(r.host, { bigint: true }));
  return Errno.SUCCESS;
}

export function pathFilestatSetTimes(
  ctx: GuestContext, fd: number, flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number,
): number {
  const follow = (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
  const r = resolveAt(ctx, ctx.fds.dir(fd), ptr, len, follow);
  if (typeof r === "number") return r;
  if (!r.exists) return Errno.NOENT;
  const times = newTimes(() => lstatSync(r.host, { bigint: true }), atim, mtim, fst);
  if (typeof times === "number") return times;
  (follow ? utimesSync : lutimesSync)(r.host, ...times);
  return Errno.SUCCESS;
}

/** Exported for fd_filestat_set_times on a directory (held by path). */
export function setTimesAt(path: string, atim: bigint, mtim: bigint, fst: number): number {
  const times = newTimes(() => statSync(path, { bigint: true }), atim, mtim, fst);
  if (typeof times === "number") return times;
  utimesSync(path, ...times);
  return Errno.SUCCESS;
}
