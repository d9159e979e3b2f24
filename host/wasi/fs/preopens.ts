import { realpathSync, statSync } from "node:fs";
import { closeHeld, openDirPath, type Held } from "./dirfd.js";
import type { Preopen } from "./handles.js";
import { PreopenError } from "../files.js";

/**
 * Pre-opened directories, checked before a guest runs: each host directory must exist; its real
 * path (symlinks resolved once, here), device and inode are noted. Each guest instance then opens
 * it for itself (`openPreopen`: the same directory, or it does not run), and that host fd is the
 * boundary no guest path may cross. They take the fds after the pre-opened listeners (wasmtime's
 * order), and wasi-libc finds them by scanning fd_prestat_get from fd 3 — sockets answer it with a
 * non-dir tag so the scan goes past them (README, "Semantics").
 */

export { PreopenError };

/** `{guest path: host path}` → checked pre-opens, in the object's order. Throws PreopenError. */
export function checkPreopens(dirs: Record<string, string> | undefined): Preopen[] {
  const out: Preopen[] = [];
  for (const [guest, host] of Object.entries(dirs ?? {})) {
    if (guest === "" || guest.includes("\0")) throw new PreopenError(guest, host, "empty or invalid guest path");
    let real: string;
    try {
      real = realpathSync(host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new PreopenError(guest, host, code === "ENOENT" ? "no such directory" : `cannot open (${code ?? String(e)})`);
    }
    const st = statSync(real, { bigint: true });
    if (!st.isDirectory()) throw new PreopenError(guest, host, "not a directory");
    out.push({ guest, host: real, dev: st.dev, ino: st.ino });
  }
  return out;
}

/** Open a checked pre-open for one guest instance. Throws PreopenError if the directory at its
 *  path is no longer the one `checkPreopens` found (moved or replaced since the runtime started). */
export function openPreopen(p: Preopen): Held {
  let d: Held;
  try {
    d = openDirPath(p.host);
  } catch (e) {
    throw new PreopenError(p.guest, p.host, `cannot open (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (d.dev !== p.dev || d.ino !== p.ino) {
    closeHeld(d);
    throw new PreopenError(p.guest, p.host, "replaced since the runtime started");
  }
  return d;
}
