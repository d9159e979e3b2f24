/**
 * wasi:filesystem 0.2 (types, preopens) over the host's file layer (wasi/files.ts:
 * ComponentFiles, the one preview1's imports use): pre-opened directories are the component's
 * `get-directories`, and every path a descriptor is given is resolved beneath its directory by
 * that layer's walk (wasi/fs/resolve.ts), so a component can no more leave a pre-open than a core
 * module can: an absolute path, a `..` above it, a symlink pointing out are `not-permitted`.
 *
 * A host with no files (a browser) gives no ComponentFiles: the component sees no directory.
 * Failures are error-codes through one table (filesystem-values.ts: errno → error-code); streams of a
 * file are this host's InputStream/OutputStream (jco takes no other), reading and writing at
 * their own offset, as wasmtime's do.
 */
import { Errno } from "../../core/enums.js";
import type { ComponentFiles, FsType, Opened } from "../../wasi/files.js";
import type { HostDir, HostFile, Preopen } from "../../wasi/fs/handles.js";
import { CLOSED, IoError, type P2Context } from "./context.js";
import { Pollable } from "./poll.js";
import { InputStream, OutputStream } from "./streams.js";
import {
  ADVICE, CHUNK, descriptorStat, errnoOf, FileIoError, fsErrorCode, PERMIT, times, u64,
  type DescriptorFlags, type DescriptorStat, type MetadataHash, type NewTimestamp, type OpenFlags, type PathFlags,
} from "./filesystem-values.js";

/**
 * A 0.2 descriptor as the 0.3 one (abi/p3/filesystem.ts) drives it: the same resource, its
 * calls throwing an error-code case name.
 */
export interface FileDescriptor {
  readViaStream(offset: bigint): InputStream;
  writeViaStream(offset: bigint): OutputStream;
  appendViaStream(): OutputStream;
  advise(offset: bigint, length: bigint, advice: string): void;
  syncData(): void;
  sync(): void;
  getFlags(): DescriptorFlags;
  getType(): FsType;
  setSize(size: bigint): void;
  setTimes(a: NewTimestamp, m: NewTimestamp): void;
  readDirectory(): { readDirectoryEntry(): { type: FsType; name: string } | undefined };
  createDirectoryAt(path: string): void;
  stat(): DescriptorStat;
  statAt(pf: PathFlags, path: string): DescriptorStat;
  setTimesAt(pf: PathFlags, path: string, a: NewTimestamp, m: NewTimestamp): void;
  linkAt(pf: PathFlags, oldPath: string, to: FileDescriptor | undefined, newPath: string): void;
  openAt(pf: PathFlags, path: string, of: OpenFlags, flags: DescriptorFlags): FileDescriptor;
  readlinkAt(path: string): string;
  removeDirectoryAt(path: string): void;
  renameAt(oldPath: string, to: FileDescriptor | undefined, newPath: string): void;
  symlinkAt(oldPath: string, newPath: string): void;
  unlinkFileAt(path: string): void;
  isSameObject(other: FileDescriptor | undefined): boolean;
  metadataHash(): MetadataHash;
  metadataHashAt(pf: PathFlags, path: string): MetadataHash;
  [Symbol.dispose](): void;
}

/** One component instance's filesystem: its imports, and the host fds to close when it ends. */
export interface FilesystemImports {
  imports: Record<string, Record<string, unknown>>;
  /** get-directories: fresh descriptors of the instance's pre-opened directories. */
  directories(): [FileDescriptor, string][];
  /** Close every file and directory still open (the pre-opens too). */
  close(): void;
}

export function filesystemImports(ctx: P2Context, files: ComponentFiles | undefined, preopens: readonly [Preopen, HostDir][]): FilesystemImports {
  const open = new Set<Descriptor>();
  /** The instance has ended (or its runtime stopped): its host fds are closed, and their numbers
   *  may be the host's again, so nothing reaches them any more. */
  let ended = false;

  /** Run a file-layer call; its failure is thrown as the error-code jco returns as `err`. */
  const attempt = <T>(f: () => T): T => {
    if (ended) throw "bad-descriptor";
    try {
      return f();
    } catch (e) {
      throw fsErrorCode(errnoOf(ctx, e));
    }
  };
  const streamFailure = (e: unknown): { tag: "last-operation-failed"; val: IoError } => {
    const errno = errnoOf(ctx, e);
    return { tag: "last-operation-failed", val: new FileIoError(errno, `${ctx.core.errnoName(errno)}: ${ctx.core.strerror(errno)}`) };
  };

  /** A file's input stream: reads at its own offset; end of file is `closed`, as in wasmtime. */
  class FileInputStream extends InputStream {
    constructor(private readonly desc: Descriptor, private readonly file: HostFile, private pos: number) {
      super(ctx, -1);
    }
    override read(len: bigint): Uint8Array {
      if (this.closed || this.desc.dropped || ended) throw CLOSED;
      const n = len > BigInt(CHUNK) ? CHUNK : Number(len);
      let data: Uint8Array;
      try {
        data = files!.read(this.file, n, this.file.seekable ? this.pos : null);
      } catch (e) {
        this.closed = true;
        throw streamFailure(e);
      }
      if (data.length === 0 && n > 0 && this.file.seekable) {
        this.closed = true;
        throw CLOSED;
      }
      this.pos += data.length;
      return data;
    }
    override blockingRead(len: bigint): Uint8Array {
      return this.read(len);
    }
    override skip(len: bigint): bigint {
      return BigInt(this.read(len).length);
    }
    override blockingSkip(len: bigint): bigint {
      return this.skip(len);
    }
    /** A file is always ready (its reads do not wait on anything the guest could poll for). */
    override subscribe(): Pollable {
      return Pollable.ready(ctx);
    }
  }

  /** A file's output stream: writes at its own offset, or at the end (`append`). Writes are
   *  made when asked (node:fs writeSync), so flush has nothing left to do. */
  class FileOutputStream extends OutputStream {
    constructor(private readonly desc: Descriptor, private readonly file: HostFile, private pos: number | "append") {
      super(ctx, -1);
    }
    private live(): void {
      if (this.closed || this.desc.dropped || ended) throw CLOSED;
    }
    override checkWrite(): bigint {
      this.live();
      return PERMIT;
    }
    override write(data: Uint8Array): void {
      this.live();
      if (data.length === 0) return;
      const at = this.pos === "append" ? "append" : this.file.seekable ? this.pos : null;
      try {
        const n = files!.write(this.file, data, at);
        if (typeof this.pos === "number") this.pos += n;
      } catch (e) {
        this.closed = true;
        throw streamFailure(e);
      }
    }
    override blockingWriteAndFlush(data: Uint8Array): void {
      this.write(data);
    }
    override flush(): void {
      this.live();
    }
    override blockingFlush(): void {
      this.live();
    }
    override writeZeroes(len: bigint): void {
      this.write(new Uint8Array(len > BigInt(CHUNK) ? CHUNK : Number(len)));
    }
    override blockingWriteZeroesAndFlush(len: bigint): void {
      this.writeZeroes(len);
    }
    override subscribe(): Pollable {
      return Pollable.ready(ctx);
    }
  }

  class DirectoryEntryStream {
    private at = 0;
    constructor(private readonly entries: { name: string; type: FsType }[]) {}
    readDirectoryEntry(): { type: FsType; name: string } | undefined {
      return this.entries[this.at++];
    }
    [Symbol.dispose](): void {}
  }

  class Descriptor implements FileDescriptor {
    dropped = false;

    /** `preopen`: one of get-directories' (its host fd is the instance's, closed at its end). */
    constructor(readonly o: Opened, private readonly flags: DescriptorFlags, private readonly preopen = false) {
      if (!preopen) open.add(this);
    }

    private dir(): HostDir {
      if (this.o.kind !== "dir") throw "not-directory";
      return this.o.dir;
    }
    /** The file behind a stream, read or write: a directory or a descriptor not opened for it is
     *  bad-descriptor (wasmtime). */
    private file(need: "read" | "write" | "any"): HostFile {
      if (this.o.kind !== "file") throw "bad-descriptor";
      if (need !== "any" && !this.flags[need]) throw "bad-descriptor";
      return this.o.file;
    }
    private other(d: FileDescriptor | undefined): HostDir {
      if (!(d instanceof Descriptor)) throw "bad-descriptor";
      return d.dir();
    }

    readViaStream(offset: bigint): InputStream {
      const f = this.file("read");
      return new FileInputStream(this, f, attempt(() => u64(offset, Errno.INVAL)));
    }
    writeViaStream(offset: bigint): OutputStream {
      const f = this.file("write");
      return new FileOutputStream(this, f, attempt(() => u64(offset, Errno.INVAL)));
    }
    appendViaStream(): OutputStream {
      return new FileOutputStream(this, this.file("write"), "append");
    }
    /** node:fs has no posix_fadvise: advice on a file is taken and has no effect. */
    advise(_offset: bigint, _length: bigint, advice: string): void {
      this.file("any");
      if (!ADVICE.includes(advice)) throw "invalid";
    }
    syncData(): void {
      attempt(() => files!.sync(this.o, true));
    }
    sync(): void {
      attempt(() => files!.sync(this.o, false));
    }
    /** What it was opened with. A directory may always be read; a pre-open may be changed beneath
     *  (wasock has no read-only pre-open), a directory opened at a path when it asked for that. */
    getFlags(): DescriptorFlags {
      if (this.o.kind === "dir") return { read: true, mutateDirectory: !!this.flags.mutateDirectory };
      const f = this.flags;
      return { read: !!f.read, write: !!f.write, fileIntegritySync: !!f.fileIntegritySync, dataIntegritySync: !!f.dataIntegritySync, requestedWriteSync: !!f.requestedWriteSync };
    }
    getType(): FsType {
      return this.o.type;
    }
    setSize(size: bigint): void {
      if (this.o.kind === "dir") throw "is-directory";
      const f = this.o.file;
      attempt(() => files!.setSize(f, u64(size, Errno.FBIG)));
    }
    setTimes(a: NewTimestamp, m: NewTimestamp): void {
      attempt(() => files!.setTimes(this.o, ...times(a, m)));
    }
    /** pread: the bytes, and whether the end of the file was reached (nothing read, as wasmtime). */
    read(length: bigint, offset: bigint): [Uint8Array, boolean] {
      const f = this.file("read");
      return attempt(() => {
        const at = u64(offset, Errno.INVAL);
        const n = length > BigInt(CHUNK) ? CHUNK : Number(length);
        const data = files!.read(f, n, f.seekable ? at : null);
        return [data, data.length === 0 && n > 0];
      });
    }
    write(buffer: Uint8Array, offset: bigint): bigint {
      const f = this.file("write");
      return attempt(() => BigInt(buffer.length === 0 ? 0 : files!.write(f, buffer, f.seekable ? u64(offset, Errno.INVAL) : null)));
    }
    /** A fresh listing each time, without `.` and `..` (the WIT). */
    readDirectory(): DirectoryEntryStream {
      const d = this.dir();
      return new DirectoryEntryStream(attempt(() => files!.list(d)));
    }
    createDirectoryAt(path: string): void {
      const d = this.dir();
      attempt(() => files!.createDirectoryAt(d, path));
    }
    stat(): DescriptorStat {
      return descriptorStat(attempt(() => files!.stat(this.o)));
    }
    statAt(pf: PathFlags, path: string): DescriptorStat {
      const d = this.dir();
      return descriptorStat(attempt(() => files!.statAt(d, path, !!pf.symlinkFollow)));
    }
    setTimesAt(pf: PathFlags, path: string, a: NewTimestamp, m: NewTimestamp): void {
      const d = this.dir();
      attempt(() => files!.setTimesAt(d, path, !!pf.symlinkFollow, ...times(a, m)));
    }
    linkAt(pf: PathFlags, oldPath: string, to: FileDescriptor | undefined, newPath: string): void {
      const d = this.dir();
      const t = this.other(to);
      attempt(() => files!.linkAt(d, !!pf.symlinkFollow, oldPath, t, newPath));
    }
    openAt(pf: PathFlags, path: string, of: OpenFlags, flags: DescriptorFlags): Descriptor {
      const d = this.dir();
      // Synchronized file-integrity writes (O_SYNC, O_RSYNC) are refused as wasmtime refuses them
      // (wasmtime's preview1 tests assert it); data-integrity (O_DSYNC) is given.
      if (flags.fileIntegritySync || flags.requestedWriteSync) throw "unsupported";
      const opened = attempt(() =>
        files!.openAt(d, path, {
          follow: !!pf.symlinkFollow, create: !!of.create, directory: !!of.directory, exclusive: !!of.exclusive,
          truncate: !!of.truncate, read: !!flags.read, write: !!flags.write, dsync: !!flags.dataIntegritySync, sync: false,
        }));
      // As the file layer opened it: creating or truncating is writing, and reading is the
      // default unless writing was asked.
      const write = !!flags.write || !!of.truncate || !!of.create;
      return new Descriptor(opened, { ...flags, read: !!flags.read || !flags.write, write });
    }
    readlinkAt(path: string): string {
      const d = this.dir();
      return attempt(() => files!.readlinkAt(d, path));
    }
    removeDirectoryAt(path: string): void {
      const d = this.dir();
      attempt(() => files!.removeDirectoryAt(d, path));
    }
    renameAt(oldPath: string, to: FileDescriptor | undefined, newPath: string): void {
      const d = this.dir();
      const t = this.other(to);
      attempt(() => files!.renameAt(d, oldPath, t, newPath));
    }
    symlinkAt(oldPath: string, newPath: string): void {
      const d = this.dir();
      attempt(() => files!.symlinkAt(oldPath, d, newPath));
    }
    unlinkFileAt(path: string): void {
      const d = this.dir();
      attempt(() => files!.unlinkFileAt(d, path));
    }
    isSameObject(other: FileDescriptor | undefined): boolean {
      if (!(other instanceof Descriptor)) return false;
      const [a, b] = attempt(() => [files!.stat(this.o), files!.stat(other.o)]);
      return a.dev === b.dev && a.ino === b.ino;
    }
    metadataHash(): MetadataHash {
      return files!.hash(attempt(() => files!.stat(this.o)));
    }
    metadataHashAt(pf: PathFlags, path: string): MetadataHash {
      const d = this.dir();
      return files!.hash(attempt(() => files!.statAt(d, path, !!pf.symlinkFollow)));
    }

    /** Dropped by the guest: its host fd closes (a pre-open's stays the instance's). Its streams
     *  answer `closed` from then on, never reaching an fd number the host may have reused. */
    [Symbol.dispose](): void {
      if (this.dropped) return;
      this.dropped = true;
      if (this.preopen || ended) return;
      open.delete(this);
      try {
        files!.close(this.o);
      } catch {
        // already closed by the host: the descriptor is gone either way
      }
    }
  }

  // Fresh descriptors of the instance's pre-opened directories each call: dropping one leaves the
  // directory open for the next.
  const directories = (): [Descriptor, string][] =>
    preopens.map(([p, dir]) => [new Descriptor({ kind: "dir", dir, type: "directory" }, { read: true, mutateDirectory: true }, true), p.guest]);

  return {
    imports: {
      "wasi:filesystem/preopens": { getDirectories: directories },
      "wasi:filesystem/types": {
        Descriptor,
        DirectoryEntryStream,
        filesystemErrorCode: (err: IoError): string | undefined =>
          err instanceof FileIoError && err.errno !== Errno.SUCCESS ? fsErrorCode(err.errno) : undefined,
      },
    },
    directories,
    close() {
      if (ended) return;
      for (const d of open) d[Symbol.dispose]();
      ended = true;
      for (const [, dir] of preopens) {
        try {
          files?.close({ kind: "dir", dir, type: "directory" });
        } catch {
          // as above
        }
      }
    },
  };
}
