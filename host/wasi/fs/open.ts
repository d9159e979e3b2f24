import { closeSync, constants as C, fstatSync, openSync } from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestContext } from "../context.js";
import { Fdflags } from "../types.js";
import { FDFLAGS_ALL, LOOKUPFLAGS_SYMLINK_FOLLOW, Oflags, OFLAGS_ALL, READ_RIGHTS, Right, WRITE_RIGHTS } from "./flags.js";
import { openSubdir, reopen } from "./dirfd.js";
import { hostDir, hostFile } from "./handles.js";
import { filetypeOf } from "./host.js";
import { guestPath, resolveBeneath, type Resolved } from "./resolve.js";

/**
 * path_open: a file or directory beneath a directory fd becomes a new fd (the lowest free).
 *
 * Rights are not enforced; they only choose the host access mode, as wasi-libc's openat() asks
 * by them: read for FD_READ/FD_READDIR, write for FD_WRITE/FD_DATASYNC/FD_ALLOCATE/
 * FD_FILESTAT_SET_SIZE (or TRUNC, or APPEND); neither means read-only. A directory opened with
 * FD_WRITE, TRUNC or CREAT is EISDIR (Linux's open(2)). The host never follows the last
 * component (O_NOFOLLOW, through its parent's fd): resolveBeneath has already expanded every
 * symlink it may follow, so a symlink left there is one the guest asked not to follow — ELOOP, as
 * POSIX O_NOFOLLOW says — or one swapped in since, which is refused the same way. A directory
 * gets a host fd of its own (the new guest fd holds it).
 */
export function pathOpen(
  ctx: GuestContext, fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
  rightsBase: bigint, _rightsInheriting: bigint, fdflags: number, retFd: number,
): number {
  const { mem, fds } = ctx;
  const d = fds.dir(fd);
  if (typeof d === "number") return d;
  if (oflags & ~OFLAGS_ALL || fdflags & ~FDFLAGS_ALL) return Errno.INVAL;
  mem.check(retFd, 4);
  const path = guestPath(mem, pathPtr, pathLen);
  if (typeof path === "number") return path;
  const creat = (oflags & Oflags.CREAT) !== 0;
  const excl = (oflags & Oflags.EXCL) !== 0;
  const trunc = (oflags & Oflags.TRUNC) !== 0;
  const directory = (oflags & Oflags.DIRECTORY) !== 0;
  if (directory && creat) return Errno.INVAL; // Linux ≥ 6.4: O_CREAT|O_DIRECTORY is EINVAL
  if (fds.nextFree() < 0) return Errno.MFILE;

  const follow = (dirflags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
  return resolveBeneath(d.dir, path, follow, (r) => {
    if (!r.exists && !creat) return Errno.NOENT;
    if (!r.exists && r.dirOnly) return Errno.ISDIR; // open("new/", O_CREAT): Linux's answer
    if (r.exists && creat && excl) return Errno.EXIST;
    const st = r.st;
    if (st?.isSymbolicLink()) return Errno.LOOP;
    const isDir = r.name === undefined || st?.isDirectory() === true;
    if (directory && st && !isDir) return Errno.NOTDIR;

    const write = (rightsBase & WRITE_RIGHTS) !== 0n || trunc || (fdflags & Fdflags.APPEND) !== 0;
    const read = (rightsBase & READ_RIGHTS) !== 0n || !write;
    if (isDir) {
      if ((rightsBase & Right.FD_WRITE) !== 0n || trunc || creat) return Errno.ISDIR;
      const held = r.name === undefined ? reopen(r.dir) : openSubdir(r.dir, r.name);
      mem.setU32(retFd, fds.insert({ kind: "dir", dir: hostDir(held), flags: fdflags & Fdflags.NONBLOCK }));
      return Errno.SUCCESS;
    }
    return openFile(ctx, r, { read, write, creat, excl, trunc, fdflags, fifo: st?.isFIFO() === true }, retFd);
  });
}

interface FileMode {
  read: boolean;
  write: boolean;
  creat: boolean;
  excl: boolean;
  trunc: boolean;
  fdflags: number;
  fifo: boolean;
}

/** Open (or create) the file `r` names, through its directory's fd and never following it. */
function openFile(ctx: GuestContext, r: Resolved, m: FileMode, retFd: number): number {
  let flags = (m.read && m.write ? C.O_RDWR : m.write ? C.O_WRONLY : C.O_RDONLY) | C.O_NOFOLLOW;
  if (m.creat) flags |= C.O_CREAT;
  if (m.excl) flags |= C.O_EXCL;
  if (m.trunc) flags |= C.O_TRUNC;
  if (m.fdflags & Fdflags.DSYNC) flags |= C.O_DSYNC;
  if (m.fdflags & (Fdflags.SYNC | Fdflags.RSYNC)) flags |= C.O_SYNC; // Linux: O_RSYNC = O_SYNC
  // Opening a FIFO blocks until the other end opens: never on the host's thread.
  if (m.fdflags & Fdflags.NONBLOCK || m.fifo) flags |= C.O_NONBLOCK;
  // APPEND is not passed down: wasock appends itself (fd_write at the current end), so that
  // fd_fdstat_set_flags can turn it on and off, which node:fs cannot do to a host fd.
  const hostFd = openSync(r.host, flags, 0o666);
  let filetype: number;
  try {
    filetype = filetypeOf(fstatSync(hostFd, { bigint: true }));
  } catch (e) {
    closeSync(hostFd);
    throw e;
  }
  const path = `${r.dir.path}/${r.name}`;
  ctx.mem.setU32(retFd, ctx.fds.insert({ kind: "file", file: hostFile(hostFd, path, filetype, m.read, m.write), flags: m.fdflags }));
  return Errno.SUCCESS;
}
