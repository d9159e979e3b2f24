import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { Errno } from "../../core/enums.js";
import type { GuestMemory } from "../../memory.js";
import type { HostDir } from "./handles.js";

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
 * that is the pre-open; for a directory the guest opened, that directory — and symlinks are
 * expanded here, one component at a time, so the host never follows a link wasock has not
 * checked. The result is then confirmed with realpath (of the target, or of its parent when the
 * target does not exist or is not followed). A host process swapping a component for a symlink
 * between that check and the operation can still race it: node:fs has no openat2(RESOLVE_BENEATH).
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
  /** Host path: the directory's real path plus symlink-free components (only the last may be a
   *  symlink, when it was not followed). */
  host: string;
  /** The path named the directory itself or ended in `.` / `..`: there is no last component to
   *  create, remove or rename. */
  noName: boolean;
  /** Whether the target exists (after following, when followed). */
  exists: boolean;
  /** The path ended in `/`: only a directory may be there (or be created there). */
  dirOnly: boolean;
}

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith("/") ? root : `${root}/`);
}

function join(root: string, parts: string[]): string {
  if (parts.length === 0) return root;
  return `${root.endsWith("/") ? root : `${root}/`}${parts.join("/")}`;
}

/** lstat, answering undefined for a name that does not exist. */
function lstatOrNone(p: string) {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Resolve `path` beneath `dir`. `follow`: follow a symlink in the last component (lookupflags
 * SYMLINK_FOLLOW); intermediate symlinks are always followed. A trailing slash requires a
 * directory (ENOTDIR otherwise) and follows a last-component symlink, as POSIX says.
 * Returns a positive errno on failure; node:fs errors other than ENOENT throw (mapped by fsImport).
 */
export function resolveBeneath(dir: HostDir, path: string, follow: boolean): Resolved | number {
  if (path === "") return Errno.NOENT;
  if (path.startsWith("/")) return Errno.NOTCAPABLE;
  const root = dir.path;
  const trailingSlash = path.endsWith("/");
  const pending = path.split("/").reverse(); // a stack: next component last
  const done: string[] = [];
  let links = 0;
  let lastWasDot = false;
  let exists = true;

  while (pending.length > 0) {
    const c = pending.pop()!;
    if (c === "" || c === ".") {
      if (c === "." && !pending.some((x) => x !== "" && x !== ".")) lastWasDot = true;
      continue;
    }
    if (c === "..") {
      if (done.length === 0) return Errno.NOTCAPABLE;
      done.pop();
      lastWasDot = !pending.some((x) => x !== "" && x !== ".");
      continue;
    }
    lastWasDot = false;
    const last = !pending.some((x) => x !== "" && x !== ".");
    const here = join(root, [...done, c]);
    const st = lstatOrNone(here);
    if (st === undefined) {
      if (!last) return Errno.NOENT;
      done.push(c);
      exists = false;
      break;
    }
    if (st.isSymbolicLink() && (!last || follow || trailingSlash || pending.includes("."))) {
      if (++links > MAX_SYMLINKS) return Errno.LOOP;
      const target = readlinkSync(here, "utf8");
      if (target.startsWith("/")) return Errno.NOTCAPABLE;
      pending.push(...target.split("/").reverse());
      continue;
    }
    if (!st.isDirectory() && (!last || trailingSlash || pending.includes("."))) return Errno.NOTDIR;
    done.push(c);
  }

  const host = join(root, done);
  // Belt and braces: the host's own resolution of what was built must land beneath the root —
  // the target itself when it exists and was followed, else the directory holding it.
  const followed = exists && (follow || trailingSlash);
  const check = followed ? host : done.length > 0 ? join(root, done.slice(0, -1)) : undefined;
  if (check !== undefined && !within(root, realpathSync(check))) return Errno.NOTCAPABLE;
  return { host, noName: done.length === 0 || lastWasDot, exists, dirOnly: trailingSlash };
}
