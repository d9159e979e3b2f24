import {
  fstatSync, linkSync, lutimesSync, mkdirSync, readlinkSync, renameSync, rmdirSync, symlinkSync, unlinkSync,
  utimesSync,
} from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestContext } from "../context.js";
import type { DirEntry } from "../fd-table.js";
import { FILESTAT_SIZE, LOOKUPFLAGS_SYMLINK_FOLLOW } from "./flags.js";
import { newTimes, writeFilestat } from "./host.js";
import { utimesNs } from "./ns-times.js";
import { guestPath, resolveBeneath, type Resolved } from "./resolve.js";

/**
 * The path_* calls other than path_open: each resolves its path(s) beneath a directory fd
 * (resolve.ts: ENOTCAPABLE for anything leaving it) and makes one node:fs call on the target
 * through its directory's fd, a call that does not follow the last component (a followed symlink
 * was expanded by the walk). A call that would create, remove or rename "the directory itself"
 * (`.`, `..`, `a/..`) is refused before the host sees it; one that reads or stamps it acts on the
 * directory's fd.
 */

type Dir = DirEntry | number;
type Act = (r: Resolved) => number;

/** Read the guest path and resolve it beneath `d`, then `act` on it; a positive errno on failure. */
function resolveAt(ctx: GuestContext, d: Dir, ptr: number, len: number, follow: boolean, act: Act): number {
  if (typeof d === "number") return d;
  const path = guestPath(ctx.mem, ptr, len);
  if (typeof path === "number") return path;
  return resolveBeneath(d.dir, path, follow, act);
}

/** Resolve a path whose last component is to be created, removed or renamed (never followed). */
function resolveName(ctx: GuestContext, fd: number, ptr: number, len: number, noNameErrno: number, act: Act): number {
  return resolveAt(ctx, ctx.fds.dir(fd), ptr, len, false, (r) => (r.name === undefined ? noNameErrno : act(r)));
}

export function pathCreateDirectory(ctx: GuestContext, fd: number, ptr: number, len: number): number {
  return resolveName(ctx, fd, ptr, len, Errno.EXIST, (r) => {
    mkdirSync(r.host, 0o777);
    return Errno.SUCCESS;
  });
}

/** rmdir of `.` is EINVAL on Linux (and of `..` ENOTEMPTY): both refuse. */
export function pathRemoveDirectory(ctx: GuestContext, fd: number, ptr: number, len: number): number {
  return resolveName(ctx, fd, ptr, len, Errno.INVAL, (r) => {
    rmdirSync(r.host);
    return Errno.SUCCESS;
  });
}

export function pathUnlinkFile(ctx: GuestContext, fd: number, ptr: number, len: number): number {
  return resolveName(ctx, fd, ptr, len, Errno.ISDIR, (r) => {
    // unlink(2) on a directory is EISDIR on Linux; Deno's node:fs answers ENOTEMPTY: ask first.
    if (r.st?.isDirectory()) return Errno.ISDIR;
    unlinkSync(r.host);
    return Errno.SUCCESS;
  });
}

export function pathRename(
  ctx: GuestContext, fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number,
): number {
  return resolveName(ctx, fd, oldPtr, oldLen, Errno.INVAL, (from) =>
    resolveName(ctx, newFd, newPtr, newLen, Errno.INVAL, (to) => {
      renameSync(from.host, to.host);
      return Errno.SUCCESS;
    }));
}

/** path_link: a hard link; the source's last symlink is followed only with SYMLINK_FOLLOW. A
 *  source naming the directory itself is EPERM (link(2) of a directory). A new name ending in `/`
 *  that does not exist is ENOENT, as link(2) answers on Linux (a link is never a directory). */
export function pathLink(
  ctx: GuestContext, oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number,
): number {
  const follow = (oldFlags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
  return resolveAt(ctx, ctx.fds.dir(oldFd), oldPtr, oldLen, follow, (from) =>
    resolveName(ctx, newFd, newPtr, newLen, Errno.EXIST, (to) => {
      if (!from.exists) return Errno.NOENT;
      if (from.name === undefined) return Errno.PERM;
      if (to.dirOnly && !to.exists) return Errno.NOENT;
      linkSync(from.host, to.host);
      return Errno.SUCCESS;
    }));
}

/**
 * path_symlink: the link's text is stored as given. An absolute target is ENOTCAPABLE (it could
 * only ever name a host path; wasmtime refuses it too); a relative one may say anything, since
 * following it is checked when it is used. A new name ending in `/` that does not exist is ENOENT,
 * as symlink(2) answers on Linux.
 */
export function pathSymlink(ctx: GuestContext, targetPtr: number, targetLen: number, fd: number, ptr: number, len: number): number {
  const d = ctx.fds.dir(fd);
  if (typeof d === "number") return d;
  const target = guestPath(ctx.mem, targetPtr, targetLen);
  if (typeof target === "number") return target;
  if (target.startsWith("/")) return Errno.NOTCAPABLE;
  return resolveName(ctx, fd, ptr, len, Errno.EXIST, (r) => {
    if (r.dirOnly && !r.exists) return Errno.NOENT;
    symlinkSync(target, r.host);
    return Errno.SUCCESS;
  });
}

/** path_readlink: the link's bytes, cut to the buffer (as readlink(2) does); ret = bytes written.
 *  The directory itself is no symlink: EINVAL. */
export function pathReadlink(ctx: GuestContext, fd: number, ptr: number, len: number, buf: number, bufLen: number, retPtr: number): number {
  const d = ctx.fds.dir(fd);
  if (typeof d === "number") return d;
  ctx.mem.check(buf, bufLen);
  ctx.mem.check(retPtr, 4);
  return resolveAt(ctx, d, ptr, len, false, (r) => {
    if (!r.exists) return Errno.NOENT;
    if (r.name === undefined) return Errno.INVAL;
    const text = readlinkSync(r.host, { encoding: "buffer" });
    const n = Math.min(text.length, bufLen >>> 0);
    ctx.mem.write(buf, text.subarray(0, n));
    ctx.mem.setU32(retPtr, n);
    return Errno.SUCCESS;
  });
}

/** path_filestat_get: the walk's lstat of the target, or fstat of the directory itself. */
export function pathFilestatGet(ctx: GuestContext, fd: number, flags: number, ptr: number, len: number, retPtr: number): number {
  const d = ctx.fds.dir(fd);
  if (typeof d === "number") return d;
  ctx.mem.check(retPtr, FILESTAT_SIZE);
  return resolveAt(ctx, d, ptr, len, (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0, (r) => {
    if (!r.exists) return Errno.NOENT;
    writeFilestat(ctx.mem, retPtr, r.st ?? fstatSync(r.dir.fd, { bigint: true }));
    return Errno.SUCCESS;
  });
}

/** path_filestat_set_times: lutimes on the target (a followed symlink was expanded by the walk),
 *  or utimes on the directory itself. */
export function pathFilestatSetTimes(
  ctx: GuestContext, fd: number, flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number,
): number {
  const follow = (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
  return resolveAt(ctx, ctx.fds.dir(fd), ptr, len, follow, (r) => {
    if (!r.exists) return Errno.NOENT;
    const self = r.name === undefined;
    const times = newTimes(() => r.st ?? fstatSync(r.dir.fd, { bigint: true }), atim, mtim, fst);
    if (typeof times === "number") return times;
    // The directory itself: through /proc/self/fd/N, which names the object its fd holds (the
    // walk's fds are O_PATH, which futimes refuses).
    if (!utimesNs(r.host, !self, atim, mtim, fst)) (self ? utimesSync : lutimesSync)(r.host, ...times);
    return Errno.SUCCESS;
  });
}
