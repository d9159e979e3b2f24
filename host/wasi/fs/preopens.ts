import { realpathSync, statSync } from "node:fs";
import type { Preopen } from "./handles.js";

/**
 * Pre-opened directories, checked before a guest runs: each host directory must exist and is
 * held by its real path (symlinks resolved once, here), which is the boundary no guest path may
 * cross. They take the fds after the pre-opened listeners (wasmtime's order), and wasi-libc finds
 * them by scanning fd_prestat_get from fd 3 — sockets answer it with a non-dir tag so the scan
 * goes past them (README, "Semantics").
 */

/** A pre-opened directory that cannot be used; `reason` is a short phrase for one CLI line. */
export class PreopenError extends Error {
  constructor(readonly guest: string, readonly host: string, readonly reason: string) {
    super(`${host}: ${reason}`);
  }
}

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
    if (!statSync(real).isDirectory()) throw new PreopenError(guest, host, "not a directory");
    out.push({ guest, host: real });
  }
  return out;
}
