/**
 * wasi:filesystem@0.3.0 (types, preopens) over the 0.2 implementation (abi/p2/filesystem.ts):
 * each 0.3 descriptor drives the instance's 0.2 descriptor of the same file, so paths stay
 * beneath their pre-open by the same walk, and failures are the same error-codes through the same
 * table. 0.3 changes the shapes, not the rules: its calls are async (a promise; a rejection with
 * an error-code case is the `err`), a file's bytes are a `stream<u8>` (the 0.2 file stream's, read
 * or written at its own offset) with a future telling how it ended, a listing is a
 * `stream<directory-entry>`, `descriptor-type` and `error-code` are variants, and a stat's times
 * are options.
 *
 * jco keys imports by interface without version, and 0.2's and 0.3's `descriptor` share the
 * names of their members: an instance serves one version (abi/p3/imports.ts picks it by what the
 * component imports).
 */
import type { FsType } from "../../wasi/files.js";
import { CLOSED } from "../p2/context.js";
import type { FileDescriptor, FilesystemImports } from "../p2/filesystem.js";
import {
  CHUNK, FileIoError, fsErrorCode,
  type DescriptorFlags, type DescriptorStat, type MetadataHash, type NewTimestamp, type OpenFlags, type PathFlags,
} from "../p2/filesystem-values.js";
import type { InputStream, OutputStream } from "../p2/streams.js";
import type { ImportObject } from "../p2/imports.js";
import { tagErrors } from "./errors.js";
import { ByteSource, drain, resultFuture, type ByteReader } from "./streams.js";

/** 0.3's descriptor-type: a variant; a type the host cannot name is `other(none)`. */
type DescriptorType = { tag: Exclude<FsType, "unknown"> } | { tag: "other"; val: undefined };

function descriptorType(t: FsType): DescriptorType {
  return t === "unknown" ? { tag: "other", val: undefined } : { tag: t };
}

/** 0.3's descriptor-stat: the type a variant; the times `option<instant>` (the host has all three). */
function stat03(st: DescriptorStat) {
  return { ...st, type: descriptorType(st.type) };
}

/** The error-code case of what a 0.2 file stream threw; a host bug unwinds as it was. */
function streamCode(e: unknown): string {
  if (e === CLOSED) return "bad-descriptor"; // its descriptor was dropped under it
  const val = (e as { tag?: unknown; val?: unknown })?.val;
  if ((e as { tag?: unknown })?.tag === "last-operation-failed" && val instanceof FileIoError) return fsErrorCode(val.errno);
  throw e;
}

/** An error-code case name thrown by a 0.2 call; anything else unwinds as it was. */
function caseName(e: unknown): string {
  if (typeof e === "string") return e;
  throw e;
}

type Ok = { tag: "ok"; val: undefined };
const OK: Ok = { tag: "ok", val: undefined };

export class Descriptor {
  constructor(readonly inner: FileDescriptor) {}

  /** The file's bytes from `offset` to its end; the future says whether all were read. */
  readViaStream(offset: bigint): [ByteSource, Promise<Ok>] {
    const [future, settle] = resultFuture();
    let s: InputStream;
    try {
      s = this.inner.readViaStream(offset);
    } catch (e) {
      settle(caseName(e));
      return [new ByteSource(() => undefined), future];
    }
    const pull = (): Uint8Array | string | undefined => {
      try {
        return s.read(BigInt(CHUNK));
      } catch (e) {
        return e === CLOSED ? undefined : streamCode(e);
      }
    };
    return [new ByteSource(pull, settle), future];
  }

  /** The guest's bytes written from `offset` on; the future settles when its stream has ended. */
  writeViaStream(data: ByteReader, offset: bigint): Promise<Ok> {
    return this.sink(data, () => this.inner.writeViaStream(offset));
  }

  appendViaStream(data: ByteReader): Promise<Ok> {
    return this.sink(data, () => this.inner.appendViaStream());
  }

  private async sink(data: ByteReader, open: () => OutputStream): Promise<Ok> {
    let out: OutputStream;
    try {
      out = open();
    } catch (e) {
      data[Symbol.dispose]?.();
      throw e;
    }
    await drain(data, async (bytes) => {
      try {
        out.write(bytes);
      } catch (e) {
        throw streamCode(e);
      }
    });
    return OK;
  }

  /** The entries, without `.` and `..`, listed when asked; the future says whether that worked. */
  readDirectory(): [{ type: DescriptorType; name: string }[], Promise<Ok>] {
    const [future, settle] = resultFuture();
    const entries: { type: DescriptorType; name: string }[] = [];
    try {
      const list = this.inner.readDirectory();
      for (let e = list.readDirectoryEntry(); e !== undefined; e = list.readDirectoryEntry()) entries.push({ type: descriptorType(e.type), name: e.name });
      settle(undefined);
    } catch (e) {
      entries.length = 0;
      settle(caseName(e));
    }
    return [entries, future];
  }

  async advise(offset: bigint, length: bigint, advice: string): Promise<void> {
    this.inner.advise(offset, length, advice);
  }
  async syncData(): Promise<void> {
    this.inner.syncData();
  }
  async sync(): Promise<void> {
    this.inner.sync();
  }
  async getFlags(): Promise<DescriptorFlags> {
    return this.inner.getFlags();
  }
  async getType(): Promise<DescriptorType> {
    return descriptorType(this.inner.getType());
  }
  async setSize(size: bigint): Promise<void> {
    this.inner.setSize(size);
  }
  async setTimes(a: NewTimestamp, m: NewTimestamp): Promise<void> {
    this.inner.setTimes(a, m);
  }
  async createDirectoryAt(path: string): Promise<void> {
    this.inner.createDirectoryAt(path);
  }
  async stat() {
    return stat03(this.inner.stat());
  }
  async statAt(pf: PathFlags, path: string) {
    return stat03(this.inner.statAt(pf, path));
  }
  async setTimesAt(pf: PathFlags, path: string, a: NewTimestamp, m: NewTimestamp): Promise<void> {
    this.inner.setTimesAt(pf, path, a, m);
  }
  async linkAt(pf: PathFlags, oldPath: string, to: Descriptor, newPath: string): Promise<void> {
    this.inner.linkAt(pf, oldPath, innerOf(to), newPath);
  }
  async openAt(pf: PathFlags, path: string, of: OpenFlags, flags: DescriptorFlags): Promise<Descriptor> {
    const Made = this.constructor as new (inner: FileDescriptor) => Descriptor;
    return new Made(this.inner.openAt(pf, path, of, flags));
  }
  async readlinkAt(path: string): Promise<string> {
    return this.inner.readlinkAt(path);
  }
  async removeDirectoryAt(path: string): Promise<void> {
    this.inner.removeDirectoryAt(path);
  }
  async renameAt(oldPath: string, to: Descriptor, newPath: string): Promise<void> {
    this.inner.renameAt(oldPath, innerOf(to), newPath);
  }
  async symlinkAt(oldPath: string, newPath: string): Promise<void> {
    this.inner.symlinkAt(oldPath, newPath);
  }
  async unlinkFileAt(path: string): Promise<void> {
    this.inner.unlinkFileAt(path);
  }
  /** A bool, not a result: a descriptor that cannot be looked at is the same as none. */
  async isSameObject(other: Descriptor): Promise<boolean> {
    try {
      return this.inner.isSameObject(innerOf(other));
    } catch (e) {
      caseName(e);
      return false;
    }
  }
  async metadataHash(): Promise<MetadataHash> {
    return this.inner.metadataHash();
  }
  async metadataHashAt(pf: PathFlags, path: string): Promise<MetadataHash> {
    return this.inner.metadataHashAt(pf, path);
  }

  [Symbol.dispose](): void {
    this.inner[Symbol.dispose]();
  }
}

/** The 0.2 descriptor behind a borrowed one (none for an object that is not one of ours). */
function innerOf(d: unknown): FileDescriptor | undefined {
  return d instanceof Descriptor ? d.inner : undefined;
}

/** The 0.3 `wasi:filesystem/types` and `preopens` of an instance whose 0.2 filesystem is `fs`. */
export function p3FilesystemImports(fs: FilesystemImports): ImportObject {
  // One class per instance (its errors thrown as 0.3's variant): the class jco checks resources against.
  const InstanceDescriptor = tagErrors(class InstanceDescriptor extends Descriptor {});
  return {
    "wasi:filesystem/types": { Descriptor: InstanceDescriptor },
    "wasi:filesystem/preopens": {
      getDirectories: (): [Descriptor, string][] => fs.directories().map(([d, guest]) => [new InstanceDescriptor(d), guest]),
    },
  };
}
