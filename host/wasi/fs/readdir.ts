import { fstatSync, lstatSync, readdirSync, type Dirent } from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestContext } from "../context.js";
import type { DirEntry } from "../fd-table.js";
import { Filetype } from "../types.js";
import { dirPath } from "./dirfd.js";
import { DIRENT_SIZE } from "./flags.js";
import type { HostDir } from "./handles.js";
import { filetypeOf } from "./host.js";

/**
 * fd_readdir: the witx `dirent` stream. Each entry is a 24-byte header — d_next u64 (the cookie
 * of the entry after it), d_ino u64, d_namlen u32, d_type u8 — then the name's bytes, no NUL.
 *
 * Cookies are positions in one listing: `.` is 0, `..` is 1, the directory's entries follow in
 * the host's order; cookie 0 (DIRCOOKIE_START) takes a fresh listing, later cookies reuse it.
 * The buffer is filled with whole entries and then as many bytes of the next one as fit (the spec:
 * "If the buffer is not large enough to fit all entries, the last entry is truncated"); bufused
 * equal to buf_len tells the reader to call again from the last whole entry's d_next, which is
 * how wasi-libc's readdir() works. Names are the host's raw bytes. The listing and the entries'
 * inodes are read through the directory's fd (dirfd.ts), never through the name it had.
 */

/** Bun ignores withFileTypes when names are asked for as bytes: then an entry is the name alone. */
type Listing = (Dirent<Buffer> | Buffer)[];

/** Each open directory's entries as fd_readdir listed them at cookie 0, reused for later cookies
 *  so a directory changing between two calls neither repeats nor skips entries. */
const listings = new WeakMap<HostDir, Listing>();

const SELF = Buffer.from(".");
const PARENT = Buffer.from("..");

interface Item {
  name: Buffer;
  type: number;
  ino: bigint;
}

function inode(path: Buffer | string): bigint {
  try {
    return lstatSync(path, { bigint: true }).ino;
  } catch {
    return 0n; // gone since the listing: wasi-libc's readdir() re-stats an inode of 0 and skips it
  }
}

/** The item at `index` of the directory's listing, or undefined past the end; `base` is the
 *  directory's host path (dirPath) with a trailing slash. */
function itemAt(e: DirEntry, listing: Listing, index: number, base: Buffer): Item | undefined {
  const dir = e.dir;
  if (index === 0) return { name: SELF, type: Filetype.DIRECTORY, ino: fstatSync(dir.fd, { bigint: true }).ino };
  // `..` of a pre-opened directory lies outside the sandbox: its inode is not the guest's business.
  if (index === 1) return { name: PARENT, type: Filetype.DIRECTORY, ino: 0n };
  const d = listing[index - 2];
  if (d === undefined) return undefined;
  if (d instanceof Uint8Array) {
    const path = Buffer.concat([base, d]);
    return { name: Buffer.from(d), type: typeOf(path), ino: inode(path) };
  }
  return { name: d.name, type: filetypeOf(d), ino: inode(Buffer.concat([base, d.name])) };
}

function typeOf(path: Buffer): number {
  try {
    return filetypeOf(lstatSync(path, { bigint: true }));
  } catch {
    return Filetype.UNKNOWN; // gone since the listing
  }
}

export function readDir(ctx: GuestContext, e: DirEntry, buf: number, bufLen: number, cookie: bigint, retPtr: number): number {
  const { mem } = ctx;
  mem.check(buf, bufLen);
  mem.check(retPtr, 4);
  const start = BigInt.asUintN(64, cookie);
  const path = dirPath(e.dir);
  let listing = listings.get(e.dir);
  if (start === 0n || listing === undefined) {
    listing = readdirSync(path, { withFileTypes: true, encoding: "buffer" });
    listings.set(e.dir, listing);
  }
  const base = Buffer.from(path.endsWith("/") ? path : `${path}/`);
  const end = buf + bufLen;
  let at = buf;
  const header = new DataView(new ArrayBuffer(DIRENT_SIZE));
  for (let i = start; at < end && i < BigInt(Number.MAX_SAFE_INTEGER); i++) {
    const item = itemAt(e, listing, Number(i), base);
    if (item === undefined) break;
    header.setBigUint64(0, i + 1n, true);
    header.setBigUint64(8, item.ino, true);
    header.setUint32(16, item.name.length, true);
    header.setUint8(20, item.type);
    const bytes = Buffer.concat([new Uint8Array(header.buffer), item.name]);
    const n = Math.min(bytes.length, end - at);
    mem.write(at, bytes.subarray(0, n));
    at += n;
  }
  mem.setU32(retPtr, at - buf);
  return Errno.SUCCESS;
}
