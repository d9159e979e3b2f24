import {
  closeSync, constants as C, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Held } from "./handles.js";

/**
 * Directories held by host fd, and how a name inside one is reached.
 *
 * node:fs has no openat(), but on Linux `/proc/self/fd/N` is one: the kernel resolves that prefix
 * to the object fd N holds (its open handle, not a name looked up again), and `…/N/name` looks
 * `name` up in that very directory. So every directory a guest holds — a pre-open, a directory it
 * opened, each step of a path walk — is a host fd, and every name is reached through its parent's
 * fd: renaming or replacing the directory afterwards changes nothing about what the fd names.
 *
 * Where `/proc/self/fd` does not behave so (macOS, or a runtime whose fds are not the kernel's),
 * the fallback reaches a held directory by the path it was opened at, after checking that the path
 * still names the same device and inode; a directory that was moved answers ENOENT. That check and
 * the call after it are two steps: see README, "Semantics".
 */

export type { Held };

const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY;
const SUBDIR_FLAGS = DIR_FLAGS | C.O_NOFOLLOW;
/** Linux's O_PATH (not in fs.constants): an fd for looking names up beneath, which needs search
 *  permission only, as a path through the directory does. Used for the walk's steps. */
const O_PATH = 0x200000;
const STEP_FLAGS = O_PATH | C.O_DIRECTORY | C.O_NOFOLLOW;

let procFd: boolean | undefined;

/** Whether names are reached through `/proc/self/fd` (checked once per thread, see probe).
 *  WASOCK_FS_PATHS=1 forces the fallback. */
export function viaProcFd(): boolean {
  if (procFd === undefined) procFd = process.env.WASOCK_FS_PATHS !== "1" && probe();
  return procFd;
}

/** A directory opened, renamed, and another made at its name: `/proc/self/fd/N` must still be the
 *  first one (the kernel follows the fd), which a path looked up again would not be. */
function probe(): boolean {
  let base: string | undefined;
  let fd: number | undefined;
  try {
    base = mkdtempSync(join(tmpdir(), "wasock-probe-"));
    mkdirSync(join(base, "a"));
    fd = openSync(join(base, "a"), DIR_FLAGS);
    renameSync(join(base, "a"), join(base, "b"));
    mkdirSync(join(base, "a"));
    const held = fstatSync(fd, { bigint: true });
    const viaProc = statSync(`/proc/self/fd/${fd}`, { bigint: true });
    return held.dev === viaProc.dev && held.ino === viaProc.ino;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  }
}

/** An ENOENT for a held directory the fallback no longer finds at its path. */
function moved(path: string): Error {
  return Object.assign(new Error(`ENOENT: held directory moved, '${path}'`), { code: "ENOENT" });
}

/** The host path naming held directory `d` itself. */
export function dirPath(d: Held): string {
  if (viaProcFd()) return `/proc/self/fd/${d.fd}`;
  const st = statSync(d.path, { bigint: true, throwIfNoEntry: false });
  if (st === undefined || st.dev !== d.dev || st.ino !== d.ino) throw moved(d.path);
  return d.path;
}

/** The host path of entry `name` (one component) of held directory `d`. */
export function entryPath(d: Held, name: string): string {
  return within(dirPath(d), name);
}

const within = (base: string, name: string): string => (base.endsWith("/") ? `${base}${name}` : `${base}/${name}`);

/** `fd` as a Held, with its device and inode; the fd is closed if it cannot be stat'ed. */
function identified(fd: number, path: string): Held {
  try {
    const st = fstatSync(fd, { bigint: true });
    return { fd, path, dev: st.dev, ino: st.ino };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** `fd` as a Held: through /proc/self/fd the fd is the identity, so no check needs dev/ino. */
function held(fd: number, path: string): Held {
  return viaProcFd() ? { fd, path, dev: 0n, ino: 0n } : identified(fd, path);
}

/** Open a directory by host path (a pre-open, before any guest runs); it may be a symlink. */
export function openDirPath(path: string): Held {
  return identified(openSync(path, DIR_FLAGS), path);
}

/** Open subdirectory `name` of `d` without following it: a symlink or a non-directory throws
 *  (ENOTDIR or ELOOP; the caller lstats to tell them apart). `step`: only to look names up
 *  beneath (O_PATH where /proc/self/fd is used); else a directory fd the guest will hold. */
export function openSubdir(d: Held, name: string, step = false): Held {
  return held(openSync(entryPath(d, name), step && viaProcFd() ? STEP_FLAGS : SUBDIR_FLAGS), within(d.path, name));
}

/** A second fd of held directory `d` (path_open of `.`): the same directory, whatever its name is now. */
export function reopen(d: Held): Held {
  return held(openSync(dirPath(d), DIR_FLAGS), d.path);
}

/** lstat of entry `name` of `d`, or undefined when there is none. */
export function lstatEntry(d: Held, name: string) {
  return lstatSync(entryPath(d, name), { bigint: true, throwIfNoEntry: false });
}

export function closeHeld(d: Held): void {
  closeSync(d.fd);
}
