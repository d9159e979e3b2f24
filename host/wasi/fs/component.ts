import { createRequire } from "node:module";
import {
  closeSync, constants as C, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync, linkSync, lutimesSync,
  mkdirSync, openSync, readdirSync, readlinkSync, readSync, renameSync, rmdirSync, symlinkSync, unlinkSync, utimesSync,
  type BigIntStats, type Dirent,
} from "node:fs";
import { Errno } from "../../core/enums.js";
import { FsFailure, type ComponentFiles, type FileStat, type FsType, type Opened, type OpenRequest } from "../files.js";
import { dirPath, lstatEntry, openSubdir, reopen } from "./dirfd.js";
import { hostDir, hostFile, type HostDir, type HostFile } from "./handles.js";
import { filetypeOf, newTimes } from "./host.js";
import { futimesNs, utimesNs } from "./ns-times.js";
import { writeAll } from "./file-io.js";
import { resolveBeneath, type Resolved } from "./resolve.js";

/**
 * wasi:filesystem's file layer (../files.ts: ComponentFiles): the calls preview1's path_* and
 * fd_* imports make, with plain values instead of guest memory. Each path goes through the same
 * walk (resolve.ts: `resolveBeneath`, the sandbox: nothing absolute, no `..` above the directory,
 * no symlink leading out, no race) and each call acts on its target through its directory's fd
 * without following it, as paths.ts and open.ts do; each rule below is theirs, said again where
 * it is applied. The abi/p2 side (filesystem.ts) holds the handles and maps the failures.
 */

const fail = (errno: number): never => {
  throw new FsFailure(errno);
};

/** A walk's answer: its value, or the errno it ended with, thrown. */
function beneath<T>(d: HostDir, path: string, follow: boolean, act: (r: Resolved) => T): T {
  if (path.includes("\0")) fail(Errno.INVAL); // the host would cut the path there
  const r = resolveBeneath(d, path, follow, act);
  if (typeof r === "number") fail(r);
  return r as T;
}

/** A path whose last component is created, removed or renamed: the directory itself has none. */
function named<T>(d: HostDir, path: string, noName: number, act: (r: Resolved & { name: string }) => T): T {
  return beneath(d, path, false, (r) => (r.name === undefined ? fail(noName) : act(r as Resolved & { name: string })));
}

function typeOf(s: BigIntStats | Dirent): FsType {
  if (s.isFIFO()) return "fifo"; // preview1's filetype has no FIFO; wasi:filesystem has
  return (["unknown", "block-device", "character-device", "directory", "regular-file", "socket", "socket", "symbolic-link"] as const)[filetypeOf(s as BigIntStats)] ?? "unknown";
}

function statOf(st: BigIntStats): FileStat {
  return { type: typeOf(st), nlink: st.nlink, size: st.size, atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, dev: st.dev, ino: st.ino };
}

const hostFdOf = (o: Opened): number => (o.kind === "file" ? o.file.hostFd : o.dir.fd);

/**
 * open-at: preview1's path_open (open.ts) for wasi:filesystem's flags. `directory` with
 * create, exclusive or truncate is EINVAL (wasmtime's open-at); a directory opened for writing,
 * truncated or created is EISDIR; the last component is never followed by the host (O_NOFOLLOW,
 * a symlink still there is one not to follow: ELOOP).
 */
function openAt(d: HostDir, path: string, o: OpenRequest): Opened {
  if (o.directory && (o.create || o.exclusive || o.truncate)) fail(Errno.INVAL);
  return beneath(d, path, o.follow, (r): Opened => {
    if (!r.exists && !o.create) fail(Errno.NOENT);
    if (!r.exists && r.dirOnly) fail(Errno.ISDIR);
    if (r.exists && o.create && o.exclusive) fail(Errno.EXIST);
    const st = r.st;
    if (st?.isSymbolicLink()) fail(Errno.LOOP);
    const isDir = r.name === undefined || st?.isDirectory() === true;
    if (o.directory && st && !isDir) fail(Errno.NOTDIR);
    // Creating or truncating is writing (wasmtime's rule); reading is the default unless writing was asked.
    const write = o.write || o.truncate || o.create;
    const read = o.read || !o.write;
    if (isDir) {
      if (write || o.create) fail(Errno.ISDIR);
      const held = r.name === undefined ? reopen(r.dir) : openSubdir(r.dir, r.name);
      return { kind: "dir", dir: hostDir(held), type: "directory" };
    }
    let flags = (read && write ? C.O_RDWR : write ? C.O_WRONLY : C.O_RDONLY) | C.O_NOFOLLOW;
    if (o.create) flags |= C.O_CREAT;
    // Exclusive means nothing without create (POSIX leaves O_EXCL alone undefined, and Deno's
    // node:fs refuses it: EINVAL).
    if (o.create && o.exclusive) flags |= C.O_EXCL;
    if (o.truncate) flags |= C.O_TRUNC;
    if (o.dsync) flags |= C.O_DSYNC;
    if (o.sync) flags |= C.O_SYNC;
    // Opening a FIFO blocks until the other end opens: never on the host's thread.
    if (st?.isFIFO()) flags |= C.O_NONBLOCK;
    const fd = openSyncAt(r.host, flags);
    let st2: BigIntStats;
    try {
      st2 = fstatSync(fd, { bigint: true });
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return { kind: "file", file: hostFile(fd, `${r.dir.path}/${r.name}`, filetypeOf(st2), read, write), type: typeOf(st2) };
  });
}

/** Open `host`, a path through a held directory's fd (Resolved.host). */
const openSyncAt = (host: string, flags: number): number => openSync(host, flags, 0o666);

/** A positional read; a FIFO or device with nothing yet (O_NONBLOCK) reads nothing. */
function read(f: HostFile, len: number, offset: number | null): Uint8Array {
  const buf = new Uint8Array(len);
  let n: number;
  try {
    n = len === 0 ? 0 : readSync(f.hostFd, buf, 0, len, offset);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EAGAIN") return buf.subarray(0, 0);
    throw e;
  }
  return buf.subarray(0, n);
}

/** Write all of `data` (looping over short writes); "append" writes at the current end, as
 *  preview1's APPEND does (file-io.ts: wasock appends itself, O_APPEND is never set). */
function write(f: HostFile, data: Uint8Array, offset: number | "append" | null): number {
  return writeAll(f, data, offset === "append" ? fstatSync(f.hostFd).size : offset);
}

function setTimesAt(d: HostDir, path: string, follow: boolean, atim: bigint, mtim: bigint, fst: number): void {
  beneath(d, path, follow, (r) => {
    if (!r.exists) fail(Errno.NOENT);
    const self = r.name === undefined;
    const times = newTimes(() => r.st ?? fstatSync(r.dir.fd, { bigint: true }), atim, mtim, fst);
    if (typeof times === "number") fail(times);
    // The directory itself through /proc/self/fd/N (the walk's fds are O_PATH, which futimes refuses).
    if (!utimesNs(r.host, !self, atim, mtim, fst)) (self ? utimesSync : lutimesSync)(r.host, ...(times as [number, number]));
  });
}

/** Keyed by a secret of this module instance (the process, or a worker bridge's thread: one
 *  component's calls all run in one of them): the hash says whether two stats are of one object,
 *  not which device and inode it is. */
/**
 * node:crypto, loaded the first time a component asks for a metadata hash, not with this module:
 * NODE_FILES carries this module to every guest, and a process that has loaded node:crypto runs
 * ~10× as many full (mark-compact) collections under a bulk echo (2 GiB through a core module on
 * Node 26: 35-48 against 2-8, --trace-gc), which cost ~16% more CPU per GiB.
 */
let crypto: { hash: typeof import("node:crypto").createHash; secret: Uint8Array } | undefined;
function hashing(): { hash: typeof import("node:crypto").createHash; secret: Uint8Array } {
  if (!crypto) {
    const c = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
    crypto = { hash: c.createHash, secret: c.randomBytes(16) };
  }
  return crypto;
}

export const COMPONENT_FILES: ComponentFiles = {
  openAt,
  close: (o) => closeSync(hostFdOf(o)),
  stat: (o) => statOf(fstatSync(hostFdOf(o), { bigint: true })),
  statAt: (d, path, follow) =>
    beneath(d, path, follow, (r) => (r.exists ? statOf(r.st ?? fstatSync(r.dir.fd, { bigint: true })) : fail(Errno.NOENT))),
  read,
  write,
  setSize: (f, size) => ftruncateSync(f.hostFd, size),
  setTimes(o, atim, mtim, fst) {
    const fd = hostFdOf(o);
    const times = newTimes(() => fstatSync(fd, { bigint: true }), atim, mtim, fst);
    if (typeof times === "number") fail(times);
    if (!futimesNs(fd, atim, mtim, fst)) futimesSync(fd, ...(times as [number, number]));
  },
  setTimesAt,
  sync: (o, dataOnly) => (dataOnly && o.kind === "file" ? fdatasyncSync : fsyncSync)(hostFdOf(o)),
  list(d) {
    const path = dirPath(d);
    return readdirSync(path, { withFileTypes: true }).map((e) => {
      let type = typeOf(e);
      // Bun, and file systems that leave d_type unknown: ask the entry itself.
      if (type === "unknown") {
        const st = lstatEntry(d, e.name);
        if (st !== undefined) type = typeOf(st);
      }
      return { name: e.name, type };
    });
  },
  createDirectoryAt: (d, path) => named(d, path, Errno.EXIST, (r) => mkdirSync(r.host, 0o777)),
  /** rmdir of `.` is EINVAL on Linux (and of `..` ENOTEMPTY): both refuse. */
  removeDirectoryAt: (d, path) => named(d, path, Errno.INVAL, (r) => rmdirSync(r.host)),
  unlinkFileAt: (d, path) =>
    named(d, path, Errno.ISDIR, (r) => {
      // unlink(2) on a directory is EISDIR on Linux; Deno's node:fs answers ENOTEMPTY: ask first.
      if (r.st?.isDirectory()) fail(Errno.ISDIR);
      unlinkSync(r.host);
    }),
  renameAt: (d, path, to, toPath) => named(d, path, Errno.INVAL, (from) => named(to, toPath, Errno.INVAL, (t) => renameSync(from.host, t.host))),
  /** A source naming the directory itself is EPERM (link(2) of a directory); a new name ending in
   *  `/` that does not exist is ENOENT, as link(2) answers on Linux. */
  linkAt: (d, follow, path, to, toPath) =>
    beneath(d, path, follow, (from) =>
      named(to, toPath, Errno.EXIST, (t) => {
        if (!from.exists) fail(Errno.NOENT);
        if (from.name === undefined) fail(Errno.PERM);
        if (t.dirOnly && !t.exists) fail(Errno.NOENT);
        linkSync(from.host, t.host);
      })),
  /** The text is stored as given; an absolute one could only name a host path (the WIT:
   *  not-permitted); a relative one is checked when it is followed. */
  symlinkAt(target, d, path) {
    if (target.startsWith("/")) fail(Errno.PERM);
    if (target.includes("\0")) fail(Errno.INVAL);
    named(d, path, Errno.EXIST, (r) => {
      if (r.dirOnly && !r.exists) fail(Errno.NOENT);
      symlinkSync(target, r.host);
    });
  },
  readlinkAt: (d, path) =>
    beneath(d, path, false, (r) => {
      if (!r.exists) fail(Errno.NOENT);
      if (r.name === undefined) fail(Errno.INVAL);
      // An absolute target names a host path: the WIT's not-permitted (wasmtime's too).
      const text = readlinkSync(r.host, "utf8");
      return text.startsWith("/") ? fail(Errno.PERM) : text;
    }),
  hash(st) {
    const { hash, secret } = hashing();
    const h = hash("sha256").update(secret).update(`${st.dev}:${st.ino}`).digest();
    return { lower: h.readBigUInt64LE(0), upper: h.readBigUInt64LE(8) };
  },
};
