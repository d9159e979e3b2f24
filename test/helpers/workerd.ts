/**
 * Runs a script under workerd (the `workerd` npm binary), the way a Worker runs: `workerd test`
 * on a generated Cap'n Proto config whose modules are the script, every compiled host module
 * (unbundled, as ES modules by their dist/ paths), core.wasm, and the guests the test names.
 * The config's outbound network allows loopback, which workerd's default ("public" only) does not.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "./guest.js";

export const WORKERD = [join(ROOT, "node_modules/@cloudflare/workerd-linux-64/bin/workerd"), join(ROOT, "node_modules/.bin/workerd")].find(existsSync);

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsFiles(p) : f.endsWith(".js") ? [p] : [];
  });
}

export interface WorkerdRun {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/**
 * `script` is the worker's main module (ESM, with a `test()` handler); it imports the host as
 * "./dist/host/…" and each of `wasm` (module name → repo path) by its name. `vars` become text
 * bindings on `env`; `esModules` (module name → source text) are further modules the script imports.
 */
export function runWorkerd(script: string, wasm: Record<string, string>, vars: Record<string, string>, timeoutMs = 60_000, esModules: Record<string, string> = {}): Promise<WorkerdRun> {
  const dir = mkdtempSync(join(tmpdir(), "wasock-workerd-"));
  const embed = (p: string): string => JSON.stringify(relative(dir, p));
  writeFileSync(join(dir, "worker.js"), script);
  const extra = Object.entries(esModules).map(([name, text], i) => {
    writeFileSync(join(dir, `extra-${i}.mjs`), text);
    return `(name = ${JSON.stringify(name)}, esModule = embed "extra-${i}.mjs")`;
  });
  const modules = [
    `(name = "worker.js", esModule = embed "worker.js")`,
    ...extra,
    ...jsFiles(join(ROOT, "dist/host")).map((p) => `(name = ${JSON.stringify(relative(ROOT, p))}, esModule = embed ${embed(p)})`),
    `(name = "dist/host/core/core.wasm", wasm = embed ${embed(join(ROOT, "dist/host/core/core.wasm"))})`,
    `(name = "core.bin", data = embed ${embed(join(ROOT, "dist/host/core/core.wasm"))})`,
    ...Object.entries(wasm).map(([name, p]) => `(name = ${JSON.stringify(name)}, wasm = embed ${embed(join(ROOT, p))})`),
  ];
  const bindings = Object.entries(vars).map(([k, v]) => `(name = ${JSON.stringify(k)}, text = ${JSON.stringify(v)})`);
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")}
  ],
  bindings = [${bindings.join(", ")}],
  compatibilityDate = "2026-11-01",
);
`);
  return new Promise((resolve, reject) => {
    if (!WORKERD) return reject(new Error("the workerd binary is not installed (npm ci installs it)"));
    const proc = spawn(WORKERD, ["test", join(dir, "config.capnp")], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout.on("data", (d: Buffer) => (output += d));
    proc.stderr.on("data", (d: Buffer) => (output += d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.on("error", reject);
    proc.on("close", (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}
