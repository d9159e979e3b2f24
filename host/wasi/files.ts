/**
 * Files as a host service. The preview1 imports reach files and directories only through a
 * `Files` their host's entry gives the runtime: node:fs beneath pre-opened directories on Node,
 * Deno and Bun (`NODE_FILES`, fs/index.ts), none in a browser or a Worker (`NO_FILES`, here). So
 * the WASI modules import no node:fs, and a bundle for a host without files carries none.
 * A component's wasi:filesystem (abi/p2/filesystem.ts) reaches the same files through
 * `Files.component` (ComponentFiles, below): the same host fds and the same walk, without guest
 * memory.
 *
 * With no files there is no pre-opened directory (a `preopens` option is a PreopenError from
 * `start()`), so no fd is ever a file or a directory: each file import answers what it answers
 * on Node for a guest given no directory — the fd's own errno (EBADF, ENOTDIR, ESPIPE, …).
 */
import { Errno } from "../core/enums.js";
import type { Kernel } from "../sockets/api.js";
import type { FdTable } from "./fd-table.js";
import type { DirEntry, FileEntry } from "./fd-table.js";
import type { HostDir, HostFile, Preopen } from "./fs/handles.js";

export type FsEntry = FileEntry | DirEntry;

export function isFs(e: { kind: string } | undefined): e is FsEntry {
  return e?.kind === "file" || e?.kind === "dir";
}

/** A pre-opened directory that cannot be used; `reason` is a short phrase for one CLI line. */
export class PreopenError extends Error {
  constructor(readonly guest: string, readonly host: string, readonly reason: string) {
    super(`${host}: ${reason}`);
  }
}

type Import = (...a: never[]) => number;

/** What the shared fd_* imports (fd_read, fd_close, fd_seek, …) do for a file or directory fd. */
export interface FsFd {
  read(e: FsEntry, iovsPtr: number, iovsLen: number, ret: number): number;
  write(e: FsEntry, iovsPtr: number, iovsLen: number, ret: number): number;
  close(e: FsEntry): number;
  fdstat(e: FsEntry, ret: number): number;
  filestat(e: FsEntry, ret: number): number;
  prestat(e: FsEntry, ret: number): number;
  prestatDirName(e: FsEntry, buf: number, len: number): number;
  seek(e: FsEntry, delta: bigint, whence: number, ret: number): number;
  tell(e: FsEntry, ret: number): number;
}

/** What of a guest's context the file imports need here (a host's own take the whole GuestContext). */
export interface FileGuest {
  readonly fds: FdTable;
  readonly kernel: Kernel;
}

/** A host's files, as the runtime and a guest's imports use them. */
export interface Files {
  /** The runtime's check of its `preopens` option, before a guest runs. Throws PreopenError. */
  check(dirs: Record<string, string> | undefined): Preopen[];
  /** Open a checked pre-open for one guest instance (its own host fd). Throws PreopenError. */
  open(p: Preopen): HostDir;
  /** Close the host fd of a file or directory the guest left open. */
  release(e: FsEntry): void;
  /** The handlers the shared fd_* imports call for a file or directory fd. */
  fd(ctx: FileGuest): FsFd;
  /** The imports only files and directories answer (path_*, fd_readdir, fd_pread, …). */
  imports(ctx: FileGuest): Record<string, Import>;
  /** The same files for a WASI 0.2 component's wasi:filesystem (absent: it gets no directory). */
  component?: ComponentFiles;
}

/**
 * A failure the file layer decided itself (the sandbox's ENOTCAPABLE, EISDIR for a directory
 * opened for writing, …), thrown by ComponentFiles; the host's own failures (node:fs errors)
 * are thrown as they are, and the caller maps both to its error-code.
 */
export class FsFailure {
  constructor(readonly errno: number) {}
}

/** wasi:filesystem's `descriptor-type` (the WIT case names, which is how jco passes an enum). */
export type FsType = "unknown" | "block-device" | "character-device" | "directory" | "fifo" | "symbolic-link" | "regular-file" | "socket";

/** What `stat` and `stat-at` report (times in ns since the epoch); dev and ino stay host-side
 *  (the metadata hash and is-same-object use them, the guest never sees them). */
export interface FileStat {
  type: FsType;
  nlink: bigint;
  size: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  dev: bigint;
  ino: bigint;
}

/** open-at's open-flags and descriptor-flags, as the file layer needs them. */
export interface OpenRequest {
  follow: boolean;
  create: boolean;
  directory: boolean;
  exclusive: boolean;
  truncate: boolean;
  read: boolean;
  write: boolean;
  /** O_DSYNC (data-integrity-sync), O_SYNC (file-integrity-sync or requested-write-sync). */
  dsync: boolean;
  sync: boolean;
}

/** An open file or directory of a component. */
export type Opened = { kind: "dir"; dir: HostDir; type: FsType } | { kind: "file"; file: HostFile; type: FsType };

/**
 * The file layer for wasi:filesystem (fs/component.ts on Node, Deno and Bun): the same host fds,
 * the same walk beneath a held directory (fs/resolve.ts) as preview1's imports, with plain values
 * instead of guest memory. Every path is resolved beneath the directory it is given and never
 * leaves it. Failures throw: FsFailure, or the host's error.
 */
export interface ComponentFiles {
  openAt(d: HostDir, path: string, r: OpenRequest): Opened;
  close(o: Opened): void;
  stat(o: Opened): FileStat;
  statAt(d: HostDir, path: string, follow: boolean): FileStat;
  /** Up to `len` bytes at `offset` (null: the host's own position, for a FIFO or a device). */
  read(f: HostFile, len: number, offset: number | null): Uint8Array;
  /** All of `data` at `offset`; "append": at the end; null: at the host's own position. */
  write(f: HostFile, data: Uint8Array, offset: number | "append" | null): number;
  setSize(f: HostFile, size: number): void;
  /** Times as preview1's *_set_times take them: ns values and `fstflags`. */
  setTimes(o: Opened, atim: bigint, mtim: bigint, fst: number): void;
  setTimesAt(d: HostDir, path: string, follow: boolean, atim: bigint, mtim: bigint, fst: number): void;
  sync(o: Opened, dataOnly: boolean): void;
  /** The directory's entries (not `.` and `..`), with their types. */
  list(d: HostDir): { name: string; type: FsType }[];
  createDirectoryAt(d: HostDir, path: string): void;
  removeDirectoryAt(d: HostDir, path: string): void;
  unlinkFileAt(d: HostDir, path: string): void;
  renameAt(d: HostDir, path: string, to: HostDir, toPath: string): void;
  linkAt(d: HostDir, follow: boolean, path: string, to: HostDir, toPath: string): void;
  symlinkAt(target: string, d: HostDir, path: string): void;
  readlinkAt(d: HostDir, path: string): string;
  /** A 128-bit hash of a stat's device and inode, keyed by a secret the guest never sees. */
  hash(st: FileStat): { lower: bigint; upper: bigint };
}

/** Never called: with no files, no fd is a file or a directory. */
const none = (): number => Errno.BADF;

/** A host with no files: no pre-opens, and each file import answers for the fd it is given. */
export const NO_FILES: Files = {
  check(dirs) {
    const [guest, host] = Object.entries(dirs ?? {})[0] ?? [];
    if (guest !== undefined) throw new PreopenError(guest, host!, "this host has no files to pre-open");
    return [];
  },
  open: (p) => {
    throw new PreopenError(p.guest, p.host, "this host has no files to pre-open");
  },
  release: () => {},
  fd: () => ({ read: none, write: none, close: none, fdstat: none, filestat: none, prestat: none, prestatDirName: none, seek: none, tell: none }),
  imports(ctx) {
    const { fds, kernel } = ctx;
    /** A path's base: EBADF for no fd, ENOTDIR for a socket or stdio (no fd is a directory). */
    const base = (fd: number): number => fds.dir(fd) as number;
    /** An fd that is not a file: EBADF for no fd, else `errno` (Linux's answer for a socket or pipe). */
    const notFile = (errno: number) => (fd: number): number => (fds.get(fd) === undefined ? Errno.BADF : errno);
    return {
      path_open: base, path_create_directory: base, path_remove_directory: base, path_unlink_file: base,
      path_rename: base, path_link: base, path_symlink: (_p: number, _l: number, fd: number) => base(fd),
      path_readlink: base, path_filestat_get: base, path_filestat_set_times: base, fd_readdir: base,
      fd_pread: notFile(Errno.SPIPE), fd_pwrite: notFile(Errno.SPIPE), fd_advise: notFile(Errno.SPIPE),
      fd_sync: notFile(Errno.INVAL), fd_datasync: notFile(Errno.INVAL), fd_filestat_set_size: notFile(Errno.INVAL),
      fd_filestat_set_times: notFile(Errno.NOTSUP), fd_fdstat_set_rights: notFile(Errno.NOTSUP),
      fd_allocate: () => Errno.BADF,
      fd_renumber: (from: number, to: number) => {
        const replaced = fds.renumber(from, to);
        if (typeof replaced === "number") return replaced;
        if (replaced?.kind === "socket") kernel.close(replaced.handle);
        return Errno.SUCCESS;
      },
    };
  },
};
