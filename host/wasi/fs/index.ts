/**
 * Files and directories beneath pre-opened directories (`--dir host::guest`), for preview1.
 *
 *   fsImports(ctx)   the path_* and fd_* imports that only files and directories answer
 *   fsFd             what the shared fd_* imports (fd_read, fd_close, fd_seek, …) do for a file
 *                    or directory fd; preview1.ts branches to it, sockets and stdio stay there
 *   checkPreopens    the runtime's check of `preopens` before a guest runs
 *   NODE_FILES       all of it as the host service the Node, Deno and Bun entries give the
 *                    runtime (../files.ts: the WASI modules import none of this directly)
 *
 * One concept per file: dirfd.ts (held directory fds, /proc/self/fd or the path fallback),
 * resolve.ts (the sandbox: the walk beneath a held fd), open.ts, file-io.ts, readdir.ts, paths.ts,
 * descriptors.ts, host.ts (node:fs errors → errno, filestat), flags.ts, handles.ts, preopens.ts.
 */
import { Errno } from "../../core/enums.js";
import { IOV_MAX } from "../../wasm/guest-memory.js";
import type { GuestContext } from "../context.js";
import type { Files, FsFd } from "../files.js";
import { ADVICE_MAX } from "./flags.js";
import * as d from "./descriptors.js";
import { isFs, type FsEntry } from "./descriptors.js";
import * as io from "./file-io.js";
import { fsImport } from "./host.js";
import { pathOpen } from "./open.js";
import * as p from "./paths.js";
import { readDir } from "./readdir.js";
import { checkPreopens, openPreopen } from "./preopens.js";
import { hostDir } from "./handles.js";
import { closeSync } from "node:fs";
import { COMPONENT_FILES } from "./component.js";

export { checkPreopens, PreopenError } from "./preopens.js";
export { hostDir, type Preopen } from "./handles.js";
export { isFs, type FsEntry } from "./descriptors.js";

/** Per-kind handlers the shared fd_* imports call for a file or directory (errors mapped). */
export function fsFd(ctx: GuestContext): FsFd {
  const wrap = <F extends (...a: never[]) => number>(f: F): F => fsImport(ctx, f);
  return {
    read: wrap((e: FsEntry, iovsPtr: number, iovsLen: number, ret: number) => {
      if (iovsLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = ctx.mem.iovecs(iovsPtr, iovsLen);
      ctx.mem.check(ret, 4);
      return e.kind === "dir" ? Errno.ISDIR : io.readFile(ctx, e, iovs, ret);
    }),
    write: wrap((e: FsEntry, iovsPtr: number, iovsLen: number, ret: number) => {
      if (iovsLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = ctx.mem.iovecs(iovsPtr, iovsLen);
      ctx.mem.check(ret, 4);
      return e.kind === "dir" ? Errno.BADF : io.writeFile(ctx, e, iovs, ret);
    }),
    close: wrap((e: FsEntry) => d.close(e)),
    fdstat: wrap((e: FsEntry, ret: number) => d.fdstat(ctx, e, ret)),
    filestat: wrap((e: FsEntry, ret: number) => d.filestat(ctx, e, ret)),
    prestat: wrap((e: FsEntry, ret: number) => d.prestat(ctx, e, ret)),
    prestatDirName: wrap((e: FsEntry, buf: number, len: number) => d.prestatDirName(ctx, e, buf, len)),
    seek: wrap((e: FsEntry, delta: bigint, whence: number, ret: number) =>
      e.kind === "dir" ? Errno.ISDIR : io.seekFile(ctx, e, delta, whence, ret)),
    tell: wrap((e: FsEntry, ret: number) => (e.kind === "dir" ? Errno.ISDIR : io.tellFile(ctx, e, ret))),
  };
}

/**
 * The imports only files and directories answer (before this module they were ENOSYS stubs).
 * Sockets and stdio given to them get Linux's answer for a pipe or socket: ESPIPE for positional
 * I/O and advice, EINVAL for sync and truncate, ENOTDIR as a path base; unknown fds EBADF.
 */
export function fsImports(ctx: GuestContext) {
  const { fds, mem } = ctx;
  const wrap = <F extends (...a: never[]) => number>(f: F): F => fsImport(ctx, f);
  /** The fs entry at `fd`, or the errno to answer: EBADF, or `other` for a socket or stdio. */
  const entry = (fd: number, other: number): FsEntry | number => {
    const e = fds.get(fd);
    if (e === undefined) return Errno.BADF;
    return isFs(e) ? e : other;
  };

  return {
    path_open: wrap(pathOpen.bind(null, ctx)),
    path_create_directory: wrap(p.pathCreateDirectory.bind(null, ctx)),
    path_remove_directory: wrap(p.pathRemoveDirectory.bind(null, ctx)),
    path_unlink_file: wrap(p.pathUnlinkFile.bind(null, ctx)),
    path_rename: wrap(p.pathRename.bind(null, ctx)),
    path_link: wrap(p.pathLink.bind(null, ctx)),
    path_symlink: wrap(p.pathSymlink.bind(null, ctx)),
    path_readlink: wrap(p.pathReadlink.bind(null, ctx)),
    path_filestat_get: wrap(p.pathFilestatGet.bind(null, ctx)),
    path_filestat_set_times: wrap(p.pathFilestatSetTimes.bind(null, ctx)),

    fd_readdir: wrap((fd: number, buf: number, bufLen: number, cookie: bigint, ret: number) => {
      const e = fds.dir(fd);
      return typeof e === "number" ? e : readDir(ctx, e, buf, bufLen, cookie, ret);
    }),

    fd_pread: wrap((fd: number, iovsPtr: number, iovsLen: number, offset: bigint, ret: number) => {
      const e = entry(fd, Errno.SPIPE);
      if (typeof e === "number") return e;
      if (iovsLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = mem.iovecs(iovsPtr, iovsLen);
      mem.check(ret, 4);
      return e.kind === "dir" ? Errno.ISDIR : io.preadFile(ctx, e, iovs, offset, ret);
    }),
    fd_pwrite: wrap((fd: number, iovsPtr: number, iovsLen: number, offset: bigint, ret: number) => {
      const e = entry(fd, Errno.SPIPE);
      if (typeof e === "number") return e;
      if (iovsLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = mem.iovecs(iovsPtr, iovsLen);
      mem.check(ret, 4);
      return e.kind === "dir" ? Errno.BADF : io.pwriteFile(ctx, e, iovs, offset, ret);
    }),

    fd_sync: wrap((fd: number) => {
      const e = entry(fd, Errno.INVAL);
      return typeof e === "number" ? e : d.sync(e, false);
    }),
    fd_datasync: wrap((fd: number) => {
      const e = entry(fd, Errno.INVAL);
      return typeof e === "number" ? e : d.sync(e, true);
    }),
    /** node:fs has no posix_fadvise: valid advice is accepted and has no effect. */
    fd_advise: wrap((fd: number, _offset: bigint, _len: bigint, advice: number) => {
      const e = entry(fd, Errno.SPIPE);
      if (typeof e === "number") return e;
      return advice >>> 0 > ADVICE_MAX ? Errno.INVAL : Errno.SUCCESS;
    }),
    /** Not supported on a file (as in wasmtime's current preview1; wasi-libc's posix_fallocate
     *  reports it); anything else, a directory included, is EBADF, as wasmtime checks it is a file first. */
    fd_allocate: wrap((fd: number) => (fds.get(fd)?.kind === "file" ? Errno.NOTSUP : Errno.BADF)),

    fd_filestat_set_size: wrap((fd: number, size: bigint) => {
      const e = entry(fd, Errno.INVAL);
      return typeof e === "number" ? e : d.setSize(e, size);
    }),
    fd_filestat_set_times: wrap((fd: number, atim: bigint, mtim: bigint, fst: number) => {
      const e = entry(fd, Errno.NOTSUP);
      return typeof e === "number" ? e : d.setTimes(e, atim, mtim, fst);
    }),
    /** ENOTSUP on any open fd, as current wasmtime answers: rights are reported, not enforced, so
     *  a guest must not be told it dropped one (wasi-testsuite's probe then expects refusals). */
    fd_fdstat_set_rights: wrap((fd: number) => (fds.get(fd) === undefined ? Errno.BADF : Errno.NOTSUP)),

    /**
     * fd_renumber: `from` replaces `to` (both must be open; `to` is closed first), for any kind.
     * A socket keeps the fd it was created with in `Runtime.sockets()`'s table (the kernel's label).
     */
    fd_renumber: wrap((from: number, to: number) => {
      const replaced = fds.renumber(from, to);
      if (typeof replaced === "number") return replaced;
      if (replaced?.kind === "socket") ctx.kernel.close(replaced.handle);
      else if (replaced !== undefined && isFs(replaced)) d.close(replaced);
      return Errno.SUCCESS;
    }),
  };
}

/** Files beneath pre-opened directories, through node:fs (Node, Deno, Bun). */
export const NODE_FILES: Files = {
  check: checkPreopens,
  open: (p) => hostDir(openPreopen(p), p.guest),
  release: (e) => closeSync(e.kind === "file" ? e.file.hostFd : e.dir.fd),
  fd: fsFd,
  imports: fsImports,
  component: COMPONENT_FILES,
};
