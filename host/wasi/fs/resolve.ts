import { readlinkSync, type BigIntStats } from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestMemory } from "../../wasm/guest-memory.js";
import { closeHeld, dirPath, entryPath, lstatEntry, openSubdir, type Held } from "./dirfd.js";

/**
 * Path resolution beneath a directory fd, the sandbox of every path_* call.
 *
 * A path is resolved relative to its directory fd and may never leave it: an absolute path, a
 * `..` above the directory, or a symlink (an intermediate component, or the last one when it is
 * followed) whose target is absolute or climbs out, is refused with ENOTCAPABLE. That is the
 * preview1 errno for "not within this capability" and what wasi-common (wasmtime ≤ 46's
 * preview1) answered; wasmtime's current p2-backed preview1 answers EPERM for the same paths
 * (test-programs `preview1_interesting_paths.rs`), the WASI spec names none.
 *
 * Like cap-std (wasmtime), the directory fd itself is the boundary — for a pre-opened directory
 * that is the pre-open; for a directory the guest opened, that directory — and the walk is made
 * one component at a time from its host fd, keeping a stack of directory fds:
 *
 *   - each directory on the way is opened O_PATH|O_DIRECTORY|O_NOFOLLOW through its parent's fd
 *     (dirfd.ts), so what is pushed is a real subdirectory of the directory below it;
 *   - a component that is a symlink is read (readlink, never followed by the host) and its text
 *     is walked in its place, from the same directory fd;
 *   - `..` pops the stack: it goes back to the directory fd the walk came from, never to a host
 *     parent, and popping the start is ENOTCAPABLE;
 *   - the last component is never looked up by the host beyond its parent's fd: the caller acts
 *     on `<parent fd>/<name>` with a call that does not follow it (lstat, lutimes, mkdir, unlink,
 *     rename, open with O_NOFOLLOW, …). Following it, where the call asks, is one more step here.
 *
 * Why no rename or symlink swap can lead out, whoever makes it and whenever: every step is taken
 * relative to an fd that names an object already checked, and no name is ever looked up twice —
 * a swap after a step changes names, not what the fds hold; a swap before it is seen by the step.
 * At worst a concurrent swap makes the call fail (ENOENT, ENOTDIR, ELOOP, EINVAL). The fallback
 * without `/proc/self/fd` (dirfd.ts) reaches each fd by path after a device/inode check instead.
 */

/** Symlinks expanded in one resolution before ELOOP (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A guest path (ptr, len): EINVAL for a NUL byte (the host would cut the path there), EILSEQ for
 * bytes that are not UTF-8 (node:fs takes strings). Faults throw (EFAULT at the boundary).
 */
export function guestPath(mem: GuestMemory, ptr: number, len: number): string | number {
  const bytes = mem.view(ptr, len);
  if (bytes.includes(0)) return Errno.INVAL;
  try {
    return utf8.decode(bytes);
  } catch {
    return Errno.ILSEQ;
  }
}

export interface Resolved {
  /** The directory holding the target: the start, or a directory fd the walk opened (closed
   *  when the caller's `act` returns). */
  dir: Held;
  /** The target's name in `dir`; undefined when the path names `dir` itself (`.`, `a/..`, `a/.`):
   *  there is no last component to create, remove or rename. */
  name: string | undefined;
  /** Host path of the target through `dir`'s fd: `entryPath(dir, name)`, or `dirPath(dir)`. */
  host: string;
  /** Whether the target exists (after following, when followed). */
  exists: boolean;
  /** lstat of a named target that exists (never a symlink the call asked to follow). */
  st: BigIntStats | undefined;
  /** The path ended in `/`: only a directory may be there (or be created there). */
  dirOnly: boolean;
}

/** Whether no component but `.` and empty ones (a trailing slash) is left. */
const lastOne = (pending: string[]): boolean => !pending.some((x) => x !== "" && x !== ".");

/**
 * Resolve `path` beneath `start` and call `act` with the result while the fds it holds are open.
 * `follow`: follow a symlink in the last component (lookupflags SYMLINK_FOLLOW); intermediate
 * symlinks are always followed. A trailing slash requires a directory (ENOTDIR otherwise) and
 * follows a last-component symlink, as POSIX says. Returns a positive errno on failure; node:fs
 * errors other than ENOENT, ENOTDIR and ELOOP on the way throw (mapped by fsImport).
 */
export function resolveBeneath<T>(start: Held, path: string, follow: boolean, act: (r: Resolved) => T): T | number {
  if (path === "") return Errno.NOENT;
  if (path.startsWith("/")) return Errno.NOTCAPABLE;
  const stack: Held[] = [start];
  try {
    const r = walk(stack, path.split("/").reverse(), follow, path.endsWith("/"));
    return typeof r === "number" ? r : act(r);
  } finally {
    for (let i = stack.length - 1; i > 0; i--) closeHeld(stack[i]!);
  }
}

/** The walk: `pending` is a stack of components (next one last); `stack` the directory fds. */
function walk(stack: Held[], pending: string[], follow: boolean, dirOnly: boolean): Resolved | number {
  let links = 0;
  const top = (): Held => stack[stack.length - 1]!;

  /** Put symlink `name`'s target in its place; an absolute one is ENOTCAPABLE. */
  const expand = (name: string): number | undefined => {
    if (++links > MAX_SYMLINKS) return Errno.LOOP;
    const target = readlinkSync(entryPath(top(), name), "utf8");
    if (target.startsWith("/")) return Errno.NOTCAPABLE;
    pending.push(...target.split("/").reverse());
    return undefined;
  };

  /** Enter directory `name`, following it if it is a symlink. */
  const enter = (name: string): number | undefined => {
    try {
      stack.push(openSubdir(top(), name, true));
      return undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return Errno.NOENT;
      if (code !== "ENOTDIR" && code !== "ELOOP") throw e;
    }
    const st = lstatEntry(top(), name);
    if (st === undefined) return Errno.NOENT;
    if (st.isSymbolicLink()) return expand(name);
    if (!st.isDirectory()) return Errno.NOTDIR;
    // Swapped for a directory since the open: look again (counted, so a swap loop ends).
    if (++links > MAX_SYMLINKS) return Errno.LOOP;
    pending.push(name);
    return undefined;
  };

  while (pending.length > 0) {
    const c = pending.pop()!;
    if (c === "" || c === ".") continue;
    if (c === "..") {
      if (stack.length === 1) return Errno.NOTCAPABLE;
      closeHeld(stack.pop()!);
      continue;
    }
    // Not the last component, or followed by `/.`: a directory to go into.
    if (!lastOne(pending) || pending.includes(".")) {
      const err = enter(c);
      if (err !== undefined) return err;
      continue;
    }
    const dir = top();
    const st = lstatEntry(dir, c);
    if (st?.isSymbolicLink() && (follow || dirOnly)) {
      const err = expand(c);
      if (err !== undefined) return err;
      continue;
    }
    if (st !== undefined && dirOnly && !st.isDirectory()) return Errno.NOTDIR;
    return { dir, name: c, host: entryPath(dir, c), exists: st !== undefined, st, dirOnly };
  }
  const dir = top();
  return { dir, name: undefined, host: dirPath(dir), exists: true, st: undefined, dirOnly };
}
