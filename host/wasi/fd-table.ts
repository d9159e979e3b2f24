import { Errno } from "../core/enums.js";
import type { HostDir, HostFile } from "./fs/handles.js";

/** What a guest fd refers to. Sockets hold a kernel handle; the kernel owns the socket itself.
 *  Files and directories (reached through pre-opened directories) are host objects: fs/. */
export type FdEntry =
  /** `tty`: the host end is a terminal (reported as a character device, so `isatty()` holds). */
  | { kind: "stdio"; fd: 0 | 1 | 2; flags: number; tty: boolean }
  /** `abi`: whose flag rules apply (default Linux); `dgram`: a UDP socket (filetype socket_dgram). */
  | { kind: "socket"; handle: number; flags: number; abi?: number; dgram?: boolean }
  | { kind: "file"; file: HostFile; flags: number }
  | { kind: "dir"; dir: HostDir; flags: number };

export type SocketEntry = Extract<FdEntry, { kind: "socket" }>;
export type StdioEntry = Extract<FdEntry, { kind: "stdio" }>;
export type FileEntry = Extract<FdEntry, { kind: "file" }>;
export type DirEntry = Extract<FdEntry, { kind: "dir" }>;

/**
 * The guest's fd table: small dense numbers, lowest free first (POSIX), 0–2 are stdio.
 * One lookup, `socket(fd)`, answers EBADF for an unknown fd and ENOTSOCK for a non-socket.
 */
export class FdTable {
  private readonly entries: (FdEntry | undefined)[];

  /** `terminals`: which of fds 0–2 are terminals on the host. */
  constructor(readonly limit = 1024, terminals: readonly number[] = []) {
    this.entries = ([0, 1, 2] as const).map((fd) => ({ kind: "stdio", fd, flags: 0, tty: terminals.includes(fd) }));
  }

  get(fd: number): FdEntry | undefined {
    return this.entries[fd];
  }

  /** The socket at `fd`, or a positive errno. */
  socket(fd: number): SocketEntry | number {
    const e = this.entries[fd];
    if (e === undefined) return Errno.BADF;
    return e.kind === "socket" ? e : Errno.NOTSOCK;
  }

  /** The directory at `fd` (the base of a path_* call), or EBADF / ENOTDIR. */
  dir(fd: number): DirEntry | number {
    const e = this.entries[fd];
    if (e === undefined) return Errno.BADF;
    return e.kind === "dir" ? e : Errno.NOTDIR;
  }

  /** The fd `insert` would use now (lowest free), or -1 when the table is full. */
  nextFree(): number {
    const i = this.entries.indexOf(undefined);
    if (i >= 0) return i;
    return this.entries.length < this.limit ? this.entries.length : -1;
  }

  /** Place an entry at the lowest free fd; -1 when the table is full (EMFILE). */
  insert(entry: FdEntry): number {
    const fd = this.nextFree();
    if (fd >= 0) this.entries[fd] = entry;
    return fd;
  }

  remove(fd: number): FdEntry | undefined {
    const e = this.entries[fd];
    if (e === undefined) return undefined;
    if (fd === this.entries.length - 1) {
      this.entries.pop();
      while (this.entries.length > 3 && this.entries[this.entries.length - 1] === undefined) this.entries.pop();
    } else {
      this.entries[fd] = undefined;
    }
    return e;
  }

  /** fd_renumber: move `from` onto `to` (both must be open). Returns EBADF, or what was at `to`
   *  for the caller to close (undefined when from = to: nothing moves). */
  renumber(from: number, to: number): FdEntry | undefined | number {
    const moving = this.entries[from];
    const replaced = this.entries[to];
    if (moving === undefined || replaced === undefined) return Errno.BADF;
    if (from === to) return undefined;
    this.entries[to] = moving;
    this.remove(from);
    return replaced;
  }

  /** Every open fd, lowest first. */
  *all(): IterableIterator<[number, FdEntry]> {
    for (let fd = 0; fd < this.entries.length; fd++) {
      const e = this.entries[fd];
      if (e !== undefined) yield [fd, e];
    }
  }

  *sockets(): IterableIterator<[number, SocketEntry]> {
    for (let fd = 0; fd < this.entries.length; fd++) {
      const e = this.entries[fd];
      if (e?.kind === "socket") yield [fd, e];
    }
  }
}
