import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BRIDGES } from "../helpers/guest.js";
import { cli, RUNTIME } from "../helpers/runtime.js";

/**
 * WebAssembly/wasi-testsuite's prebuilt wasm32-wasip1 tests (branch prod/testsuite-base:
 * tests/{assemblyscript,c,rust}/testsuite/wasm32-wasip1/*.wasm), run by the suite's own rules
 * (test-runner/wasi_test_runner, adapters/wasmtime.py): each `<name>.wasm` with the `<name>.json`
 * beside it, if any — `args` after the module, `env` as --env K=V, `root` (relative to the json)
 * pre-opened as `/`, the exit code must equal `exit_code` (default 0), and stdout must begin with
 * `stdout` (the runner reads len(stdout) bytes and compares). The binaries are the suite's, not
 * ours to commit, so this runs when WASOCK_WASI_TESTSUITE names a checkout of that branch (or its
 * `tests` directory). Each test gets a fresh copy of its `root` (the suite deletes `*.cleanup`
 * after each test instead; a copy leaves the checkout untouched).
 */
const base = process.env.WASOCK_WASI_TESTSUITE;
const tests = base && existsSync(join(base, "tests")) ? join(base, "tests") : base;
const skip = tests && existsSync(tests) ? false : "set WASOCK_WASI_TESTSUITE to a checkout of WebAssembly/wasi-testsuite's prod/testsuite-base branch";

/**
 * Tests a runtime cannot pass, and why: each is run and must still fail (a pass means the entry
 * is stale). The precision is what a set mtim reads back as, measured by writing a known ns value
 * (…123456789 ns) through each host's file-time API and reading `statSync(…, {bigint: true})` back.
 * Bun is exact: wasock sets times there through bun:ffi's utimensat/futimens (host/wasi/fs/ns-times.ts).
 */
const NS_TIMES = {
  node: "node:fs takes times as seconds in a double: Node 20 keeps µs (…123456000), Node 22+ the double's ulp, ~238 ns at today's epoch (…123456716)",
  deno: "Deno's node:fs, Deno.utimeSync and FsFile.utimeSync set ms (…123000000), and its node:fs stat reads ms back",
};
const EXPECTED_FAILURES: Record<string, Partial<Record<typeof RUNTIME, string>>> = {
  "rust/fd_filestat_set": NS_TIMES,
  "rust/path_filestat": NS_TIMES,
  "rust/symlink_filestat": NS_TIMES,
};
/** What an expected failure must say (so it fails for the listed reason, not another). */
const EXPECTED_MESSAGE = /mtim should change|atim should not change/;

interface Case {
  name: string;
  wasm: string;
  args: string[];
  env: Record<string, string>;
  root?: string;
  exitCode: number;
  stdout?: string;
}

function cases(): Case[] {
  if (!tests) return [];
  const out: Case[] = [];
  for (const lang of ["assemblyscript", "c", "rust"]) {
    const dir = join(tests, lang, "testsuite", "wasm32-wasip1");
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort()) {
      const name = f.slice(0, -5);
      const json = join(dir, `${name}.json`);
      const c = existsSync(json) ? (JSON.parse(readFileSync(json, "utf8")) as Record<string, unknown>) : {};
      out.push({
        name: `${lang}/${name}`,
        wasm: join(dir, f),
        args: (c.args as string[] | undefined) ?? [],
        env: (c.env as Record<string, string> | undefined) ?? {},
        root: c.root === undefined ? undefined : join(dir, c.root as string),
        exitCode: (c.exit_code as number | undefined) ?? 0,
        stdout: c.stdout as string | undefined,
      });
    }
  }
  return out;
}

function run(c: Case, bridge: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const flags = ["--bridge", bridge, ...Object.entries(c.env).flatMap(([k, v]) => ["--env", `${k}=${v}`])];
  let tmp: string | undefined;
  if (c.root) {
    tmp = mkdtempSync(join(tmpdir(), "wasock-wts-"));
    const root = join(tmp, "root");
    cpSync(c.root, root, { recursive: true, verbatimSymlinks: true });
    flags.push("--dir", `${root}::/`);
  }
  return new Promise((resolve) => {
    const p = spawn(...cli(["run", ...flags, c.wasm, "--", ...c.args]), { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const t = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("exit", (code) => {
      clearTimeout(t);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

function check(c: Case, r: { code: number | null; stdout: string; stderr: string }): string | undefined {
  if (r.code !== c.exitCode) return `exit code ${r.code}, expected ${c.exitCode}\n${r.stdout}${r.stderr}`;
  if (c.stdout !== undefined && r.stdout.slice(0, c.stdout.length) !== c.stdout) return `stdout ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(c.stdout)}…`;
  return undefined;
}

describe("WebAssembly/wasi-testsuite (wasm32-wasip1)", { skip }, () => {
  // One bridge: the preview1 filesystem is the same code under both, and 72 programs × 2 bridges
  // × 6 runtimes is long on a small machine. WASOCK_WASI_TESTSUITE_BRIDGES=all runs both.
  const bridges = process.env.WASOCK_WASI_TESTSUITE_BRIDGES === "all" ? BRIDGES : BRIDGES.slice(0, 1);
  for (const bridge of bridges) {
    for (const c of cases()) {
      test(`${c.name} (${bridge} bridge)`, async () => {
        const failure = check(c, await run(c, bridge));
        const expected = EXPECTED_FAILURES[c.name]?.[RUNTIME];
        if (expected) {
          assert.ok(failure, `passes on ${RUNTIME}, but is listed as an expected failure (${expected}): remove the entry`);
          assert.match(failure, EXPECTED_MESSAGE, `fails, but not for the listed reason (${expected})`);
        }
        else assert.equal(failure, undefined, failure);
      });
    }
  }
});
