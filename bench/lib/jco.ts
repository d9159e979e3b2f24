/**
 * jco in its default mode (wasi:* → @bytecodealliance/preview2-shim): the component guest
 * transpiled once into the temp dir, next to a jco install there (never the repo's
 * node_modules). Shared by bench/p2-echo.ts and the suite's preview2-shim peer.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

export const JCO_VERSION = "1.35.0";

export interface Transpiled {
  /** The generated module (run it with dist/bench/p2-shim-runner.js). */
  js: string;
  shimVersion: string;
}

/** Transpile `component`; a string is why it could not be (install or transpile failed). */
export function transpileWithJco(component: string, log: (s: string) => void = console.log): Transpiled | string {
  const dir = join(tmpdir(), "wasock-bench-jco");
  const jco = join(dir, "node_modules/.bin/jco");
  if (!existsSync(jco)) {
    log(`jco: installing @bytecodealliance/jco@${JCO_VERSION} into ${dir} …`);
    mkdirSync(dir, { recursive: true });
    const r = spawnSync("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", `@bytecodealliance/jco@${JCO_VERSION}`], { encoding: "utf8" });
    if (r.status !== 0 || !existsSync(jco)) {
      const why = (r.error?.message ?? r.stderr).split("\n").find((l) => l.trim() && !l.includes("complete log")) ?? `npm exited ${r.status}`;
      return `cannot install jco (${why.trim()})`;
    }
  }
  const out = join(dir, "out");
  const js = join(out, basename(component).replace(/\.wasm$/, ".js"));
  if (!existsSync(js) || statSync(js).mtimeMs < statSync(component).mtimeMs) {
    const r = spawnSync(jco, ["transpile", component, "-o", out, "--quiet"], { encoding: "utf8" });
    if (r.status !== 0 || !existsSync(js)) return `jco transpile failed (${r.stderr.trim()})`;
  }
  writeFileSync(join(out, "package.json"), '{ "type": "module", "private": true }\n'); // ESM, no reparse warning
  const shim = spawnSync(process.execPath, ["-p", `require(${JSON.stringify(join(dir, "node_modules/@bytecodealliance/preview2-shim/package.json"))}).version`], { encoding: "utf8" });
  return { js, shimVersion: shim.stdout.trim() };
}
