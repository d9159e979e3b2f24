/**
 * wasi:filesystem 0.2's values, as filesystem.ts's resources take and give them: the error-code of
 * each errno (one table), what the file layer's failures are as errnos, the WIT's flags and
 * timestamps, the descriptor-stat record, and the limits of one stream call.
 */
import { Errno } from "../../core/enums.js";
import { FsFailure, type FileStat, type FsType } from "../../wasi/files.js";
import { Fstflags } from "../../wasi/fs/flags.js";
import { IoError, type P2Context } from "./context.js";

/** wasi:filesystem `error-code` of each WASI errno, as the WIT's "similar to EXXX in POSIX"
 *  says; ENOTCAPABLE (a path leaving its directory) is not-permitted, as wasmtime answers and
 *  as the WIT names it for symlink-at and readlink-at. Any other errno is `io`. */
const FS_ERROR_CODE: Partial<Record<number, string>> = {
  [Errno.ACCES]: "access", [Errno.AGAIN]: "would-block", [Errno.ALREADY]: "already",
  [Errno.BADF]: "bad-descriptor", [Errno.BUSY]: "busy", [Errno.DEADLK]: "deadlock", [Errno.DQUOT]: "quota",
  [Errno.EXIST]: "exist", [Errno.FBIG]: "file-too-large", [Errno.ILSEQ]: "illegal-byte-sequence",
  [Errno.INPROGRESS]: "in-progress", [Errno.INTR]: "interrupted", [Errno.INVAL]: "invalid", [Errno.IO]: "io",
  [Errno.ISDIR]: "is-directory", [Errno.LOOP]: "loop", [Errno.MLINK]: "too-many-links",
  [Errno.MSGSIZE]: "message-size", [Errno.NAMETOOLONG]: "name-too-long", [Errno.NODEV]: "no-device",
  [Errno.NOENT]: "no-entry", [Errno.NOLCK]: "no-lock", [Errno.NOMEM]: "insufficient-memory",
  [Errno.NOSPC]: "insufficient-space", [Errno.NOTDIR]: "not-directory", [Errno.NOTEMPTY]: "not-empty",
  [Errno.NOTRECOVERABLE]: "not-recoverable", [Errno.NOTSUP]: "unsupported", [Errno.NOSYS]: "unsupported",
  [Errno.NOTTY]: "no-tty", [Errno.NXIO]: "no-such-device", [Errno.OVERFLOW]: "overflow",
  [Errno.PERM]: "not-permitted", [Errno.NOTCAPABLE]: "not-permitted", [Errno.PIPE]: "pipe",
  [Errno.ROFS]: "read-only", [Errno.SPIPE]: "invalid-seek", [Errno.TXTBSY]: "text-file-busy",
  [Errno.XDEV]: "cross-device",
};

export function fsErrorCode(errno: number): string {
  return FS_ERROR_CODE[errno] ?? "io";
}

/** The errno of what the file layer threw: its own FsFailure, or a host error the core's table
 *  knows (node:fs `code`); anything else is a host bug and unwinds (a trap). */
export function errnoOf(ctx: P2Context, e: unknown): number {
  if (e instanceof FsFailure) return e.errno;
  const code = (e as { code?: unknown })?.code;
  if (e instanceof Error && typeof code === "string" && ctx.core.knowsCode(code)) return ctx.core.errnoFromCode(code);
  throw e;
}

/** A file stream's failure: wasi:io's error, which filesystem-error-code can read. */
export class FileIoError extends IoError {}

/** Most bytes one stream read returns, and what check-write grants. */
export const CHUNK = 64 * 1024;
export const PERMIT = 1n << 20n;

/** A u64 offset or size as a JS number, or the errno when it is past 2^53 (node:fs takes numbers). */
export function u64(v: bigint, errno: number): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FsFailure(errno);
  return Number(v);
}

export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}
export type NewTimestamp = { tag: "no-change" } | { tag: "now" } | { tag: "timestamp"; val: Datetime };
export interface PathFlags {
  symlinkFollow?: boolean;
}
export interface OpenFlags {
  create?: boolean;
  directory?: boolean;
  exclusive?: boolean;
  truncate?: boolean;
}
export interface DescriptorFlags {
  read?: boolean;
  write?: boolean;
  fileIntegritySync?: boolean;
  dataIntegritySync?: boolean;
  requestedWriteSync?: boolean;
  mutateDirectory?: boolean;
}
export const ADVICE = ["normal", "sequential", "random", "will-need", "dont-need", "no-reuse"];

const datetime = (ns: bigint): Datetime => ({ seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) });

/** A NewTimestamp pair as preview1's (atim, mtim, fstflags). */
export function times(a: NewTimestamp, m: NewTimestamp): [bigint, bigint, number] {
  const one = (t: NewTimestamp, set: number, now: number): [bigint, number] => {
    if (t.tag === "now") return [0n, now];
    if (t.tag === "timestamp") return [t.val.seconds * 1_000_000_000n + BigInt(t.val.nanoseconds), set];
    return [0n, 0];
  };
  const [atim, af] = one(a, Fstflags.ATIM, Fstflags.ATIM_NOW);
  const [mtim, mf] = one(m, Fstflags.MTIM, Fstflags.MTIM_NOW);
  return [atim, mtim, af | mf];
}

export interface DescriptorStat {
  type: FsType;
  linkCount: bigint;
  size: bigint;
  dataAccessTimestamp: Datetime;
  dataModificationTimestamp: Datetime;
  statusChangeTimestamp: Datetime;
}
export interface MetadataHash {
  lower: bigint;
  upper: bigint;
}

/** The descriptor-stat record; times are those the host keeps (all three on every file system node:fs knows). */
export function descriptorStat(st: FileStat): DescriptorStat {
  return {
    type: st.type,
    linkCount: st.nlink,
    size: st.size,
    dataAccessTimestamp: datetime(st.atimeNs),
    dataModificationTimestamp: datetime(st.mtimeNs),
    statusChangeTimestamp: datetime(st.ctimeNs),
  };
}
