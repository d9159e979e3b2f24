import { Filetype } from "../types.js";
import { DIR_RIGHTS, FILE_RIGHTS, Right } from "./flags.js";

/**
 * What a file or directory fd holds: a host fd either way. A directory's fd is what every call on
 * it acts on, and what every path beneath it is resolved from (dirfd.ts, resolve.ts). These types
 * name nothing of node:fs, so the fd table that holds them does not either.
 */

/** A held host directory: its fd (O_RDONLY|O_DIRECTORY), the path it was opened at (the
 *  fallback's way back to it; diagnostics otherwise), its device and inode (the fallback's check). */
export interface Held {
  readonly fd: number;
  readonly path: string;
  readonly dev: bigint;
  readonly ino: bigint;
}

/** An open file on the host: a regular file, or a device/FIFO reached through a pre-opened dir. */
export interface HostFile {
  /** node:fs file descriptor. */
  readonly hostFd: number;
  /** Host path it was opened at (diagnostics only). */
  readonly path: string;
  readonly filetype: number;
  /** Regular files: wasock keeps the offset itself and reads and writes at explicit positions,
   *  so fd_seek is bookkeeping and APPEND can be switched on and off (fd_fdstat_set_flags). */
  readonly seekable: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  pos: number;
  rightsBase: bigint;
  rightsInheriting: bigint;
}

/** An open directory: a capability for everything beneath it, and nothing else. Its host fd
 *  (`fd`, owned by this guest fd: closed with it) names the directory that was opened, whatever
 *  is done to its name later; `path` is where it was opened (see dirfd.ts for the fallback). */
export interface HostDir extends Held {
  /** Guest path of a pre-opened directory (fd_prestat_dir_name); undefined for dirs the guest opened. */
  readonly preopen?: string;
  rightsBase: bigint;
  rightsInheriting: bigint;
}

/** A pre-opened directory: the guest path the guest sees, the host directory it stands for. */
export interface Preopen {
  guest: string;
  /** Real host path (resolved with realpath when the runtime starts). */
  host: string;
  /** Device and inode found when the runtime started: each instance opens `host` for itself and
   *  refuses to run if something else is there now. */
  dev: bigint;
  ino: bigint;
}

export function hostDir(d: Held, preopen?: string): HostDir {
  return { fd: d.fd, path: d.path, dev: d.dev, ino: d.ino, preopen, rightsBase: DIR_RIGHTS, rightsInheriting: DIR_RIGHTS | FILE_RIGHTS };
}

export function hostFile(hostFd: number, path: string, filetype: number, readable: boolean, writable: boolean): HostFile {
  return {
    hostFd, path, filetype, readable, writable,
    seekable: filetype === Filetype.REGULAR_FILE,
    pos: 0,
    // Full rights, less read/write when the file is not open for it: wasi-libc's fcntl(F_GETFL)
    // derives O_RDONLY/O_WRONLY/O_RDWR from these two bits.
    rightsBase: FILE_RIGHTS & ~(readable ? 0n : Right.FD_READ) & ~(writable ? 0n : Right.FD_WRITE),
    rightsInheriting: FILE_RIGHTS,
  };
}
