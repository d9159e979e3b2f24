/**
 * What the OS lets this process have, read where node:fs can read it (Linux's /proc): the
 * defaults a native program would get. Node, Deno and Bun have no getrlimit(), so the soft
 * RLIMIT_NOFILE comes from /proc/self/limits.
 */
import { readFileSync } from "node:fs";

/**
 * What an `unlimited` soft RLIMIT_NOFILE stands for: 1,048,576 (2^20), Linux's default
 * fs.nr_open, the most fds a process can open there whatever its limit says.
 */
export const UNLIMITED_FDS = 1 << 20;

/** The "Max open files" soft limit of /proc/self/limits' text, or undefined if it has none. */
export function parseNofile(limits: string): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  if (!m) return undefined;
  if (m[1] === "unlimited") return UNLIMITED_FDS;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? Math.min(n, UNLIMITED_FDS) : undefined;
}

/** This process's soft RLIMIT_NOFILE (`ulimit -n`), where /proc/self/limits can be read. */
export function softNofile(): number | undefined {
  try {
    return parseNofile(readFileSync("/proc/self/limits", "utf8"));
  } catch {
    return undefined;
  }
}

/** The OS somaxconn (/proc/sys/net/core/somaxconn), where it can be read. */
export function osSomaxconn(): number | undefined {
  try {
    const n = Number.parseInt(readFileSync("/proc/sys/net/core/somaxconn", "utf8"), 10);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
