#!/usr/bin/env node
// Builds the WASI 0.2 component examples from their C source:
//
//   examples/component/echo-server.c  --clang-->  core module (wasi_snapshot_preview1 + wasi:* imports)
//     --jco componentEmbed (examples/component/wit, world echo-server)-->  core module + WIT metadata
//     --jco componentNew + jco's preview1 command adapter-->  examples/echo-server.component.wasm
//
//   examples/component/files.c (wasi-libc's file calls only: the adapter makes them wasi:filesystem
//     calls; world files, which imports nothing itself)  -->  examples/files.component.wasm
//   test/guests/fs_escape.c (the same way)  -->  test/guests/fs_escape.component.wasm
//
//   node scripts/build-component.mjs        (both; also run by scripts/build-examples.sh)
//   node scripts/build-component.mjs SOURCE.c OUTPUT.wasm [WORLD]
//                                           (another C guest on the same world and header, e.g.
//                                           bench/guests/calls.c from bench/build-guests.sh)
//
// jco is not a dependency of this package: the script installs @bytecodealliance/jco@JCO_VERSION
// into a cache folder outside the repo (JCO_DIR, default $TMPDIR/wasock-jco-<version>) on first use
// and imports its API from there. The wasi:* WIT packages come from jco's bundled WASI WIT too, so
// the repo holds only our world. Override the C toolchain with CLANG= and WASI_SYSROOT= like
// build-examples.sh. Deterministic: running it twice gives a byte-identical component.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const JCO_VERSION = "1.35.0";
const WASI_VERSION = "0.2.12"; // the WIT jco 1.35's adapter was built against; must match wasi_sockets.h
const WIT_DEPS = ["io", "clocks", "sockets"]; // what world.wit needs, transitively

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (process.argv.length < 2 || process.argv.length === 3 || process.argv.length > 5) {
  console.error("usage: build-component.mjs [SOURCE.c OUTPUT.wasm [WORLD]]");
  process.exit(2);
}
const include = join(root, "examples/component"); // wasi_sockets.h
const witDir = join(root, "examples/component/wit");
const CLANG = process.env.CLANG || "clang";
const WASI_SYSROOT = process.env.WASI_SYSROOT || "/usr";
const JCO_DIR = process.env.JCO_DIR || join(tmpdir(), `wasock-jco-${JCO_VERSION}`);

const die = (msg) => {
  console.error(`build-component: ${msg}`);
  process.exit(1);
};
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit", shell: process.platform === "win32" });

/** What a component of each world must import. */
const NEEDS = {
  "echo-server": ["wasi:sockets/tcp", "wasi:sockets/tcp-create-socket", "wasi:io/poll", "wasi:cli/stdout"],
  files: ["wasi:filesystem/types", "wasi:filesystem/preopens", "wasi:cli/stdout"],
};
/** The examples, each built in a process of its own: the WASI shim inside jco takes its
 *  pre-opened folder once per process. */
const EXAMPLES = [
  ["examples/component/echo-server.c", "examples/echo-server.component.wasm", "echo-server"],
  ["examples/component/files.c", "examples/files.component.wasm", "files"],
  // test/guests/fs_escape.c, preview1's held-directory and swap cases, as a component: the
  // adapter makes its file calls wasi:filesystem calls (test/e2e/p2-files.test.ts).
  ["test/guests/fs_escape.c", "test/guests/fs_escape.component.wasm", "files"],
];
if (process.argv.length === 2) {
  for (const [src, out, world] of EXAMPLES) run(process.execPath, [fileURLToPath(import.meta.url), join(root, src), join(root, out), world]);
  process.exit(0);
}
const [source, output] = process.argv.slice(2, 4).map((p) => resolve(p));
const world = process.argv[4] ?? "echo-server";
const needs = NEEDS[world] ?? die(`unknown world ${world}`);

// ---- jco, from its own folder (installed once) ----
async function loadJco() {
  const jcoRoot = join(JCO_DIR, "node_modules/@bytecodealliance/jco");
  const installed = existsSync(join(jcoRoot, "package.json"))
    ? JSON.parse(readFileSync(join(jcoRoot, "package.json"), "utf8")).version
    : null;
  if (installed !== JCO_VERSION) {
    console.log(`build-component: installing @bytecodealliance/jco@${JCO_VERSION} into ${JCO_DIR}`);
    mkdirSync(JCO_DIR, { recursive: true });
    run("npm", ["install", "--prefix", JCO_DIR, "--no-audit", "--no-fund", "--loglevel=error",
      `@bytecodealliance/jco@${JCO_VERSION}`]);
  }
  // componentEmbed runs wasm-tools (a component transpiled to JS) whose file access goes through
  // preview2-shim's filesystem, which has no preopens by default since 0.26 ("No such file or
  // directory (os error 44)"). Resolve the copy of the shim *that* code imports (jco-transpile may
  // have its own nested one) so we can preopen the WIT folder in it.
  const requireJco = createRequire(join(jcoRoot, "package.json"));
  const wasmTools = requireJco.resolve("@bytecodealliance/jco-transpile/wasm-tools");
  const shimFs = createRequire(wasmTools).resolve("@bytecodealliance/preview2-shim/filesystem");
  const { _setPreopens } = await import(pathToFileURL(shimFs).href);
  const api = await import(pathToFileURL(requireJco.resolve("@bytecodealliance/jco")).href);
  return { api, jcoRoot, setPreopens: _setPreopens };
}

// ---- the component's wasi:* imports, read from the core modules inside it ----
// A component is an 8-byte preamble and sections (id byte, LEB128 size, contents); a core module
// section (id 1) holds a whole core module. Their "wasi:…" imports are the lowered component
// imports: our module's and the (trimmed) adapter's. Returns Map<interface, Set<function>>.
function componentImports(bytes) {
  const byInterface = new Map();
  let pos = 8;
  const leb = () => {
    let result = 0, shift = 0, b;
    do { b = bytes[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    if (id === 1) {
      const module = new WebAssembly.Module(bytes.subarray(pos, pos + size));
      for (const { module: from, name } of WebAssembly.Module.imports(module)) {
        if (!from.startsWith("wasi:")) continue;
        if (!byInterface.has(from)) byInterface.set(from, new Set());
        byInterface.get(from).add(name);
      }
    }
    pos += size;
  }
  return byInterface;
}

// ---- build ----
for (const f of [source, join(witDir, "world.wit")]) if (!existsSync(f)) die(`missing ${f}`);
if (!existsSync(join(WASI_SYSROOT, "lib/wasm32-wasi/libc.a")))
  die(`wasi-libc not found under ${WASI_SYSROOT}/lib/wasm32-wasi (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)`);

const work = mkdtempSync(join(tmpdir(), "wasock-component-"));
try {
  // 1. C → core module. The wasi:* imports stay unresolved by name (import_module attributes).
  //    --strip-debug drops the DWARF Debian's wasi-libc brings along (~120 KB); the name
  //    section stays, so traps still show function names.
  const core = join(work, basename(source).replace(/\.c$/, ".core.wasm"));
  run(CLANG, ["--target=wasm32-wasi", `--sysroot=${WASI_SYSROOT}`, "-O2", "-Wall", "-Wextra",
    "-Wl,--stack-first", "-Wl,--strip-debug", "-I", include, "-o", core, source]);

  const { api, jcoRoot, setPreopens } = await loadJco();

  // 2. WIT folder: our world.wit + jco's bundled wasi:{io,clocks,sockets} as deps/<name>/.
  const wit = join(work, "wit");
  mkdirSync(wit);
  copyFileSync(join(witDir, "world.wit"), join(wit, "world.wit"));
  for (const dep of WIT_DEPS) {
    const from = join(jcoRoot, "lib/wit/builtin", WASI_VERSION, `wasi-${dep}`, "package.wit");
    if (!existsSync(from)) die(`jco ${JCO_VERSION} has no ${from}`);
    mkdirSync(join(wit, "deps", dep), { recursive: true });
    copyFileSync(from, join(wit, "deps", dep, "package.wit"));
  }
  setPreopens({ [wit]: wit }); // let wasm-tools (inside jco) read exactly this folder

  // 3. Embed the world (component-type custom section), then wrap into a component, with the
  //    preview1 command adapter turning wasi_snapshot_preview1 into wasi:cli/* etc. and
  //    exporting wasi:cli/run (which calls our _start).
  const embedded = await api.componentEmbed({ binary: readFileSync(core), witPath: wit, world });
  const adapter = readFileSync(api.preview1AdapterCommandPath());
  const component = await api.componentNew(embedded, [["wasi_snapshot_preview1", adapter]]);
  writeFileSync(output, component);
  chmodSync(output, 0o644);

  // 4. Report and check: what the component imports and exports.
  const witText = await api.componentWit(component);
  const exported = witText.split("\n").filter((l) => /^\s*export /.test(l)).map((l) => l.trim());
  const imports = componentImports(component);
  console.log(`built ${output.slice(root.length + 1)} (${component.length} bytes), world: ${exported.join(" ")}`);
  for (const [iface, names] of [...imports].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  import ${iface}: ${[...names].join(" ")}`);
  if (!exported.some((l) => l.startsWith(`export wasi:cli/run@`))) die("component does not export wasi:cli/run");
  for (const need of needs)
    if (![...imports.keys()].some((k) => k.startsWith(need + "@"))) die(`component does not import ${need}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
