/**
 * WASI 0.2 components: recognise one, transpile it with jco (once per component, bridge and jco
 * version: cached on disk; the bindings lend a write's bytes, see lendWrites; 0.3's scheduler
 * wakes on events, see p3-glue.ts), instantiate the bindings with this host's imports and run
 * its `wasi:cli/run` export.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { BLOCKING_IMPORTS, type ImportObject } from "../abi/p2/imports.js";
import { P3_SUSPENDING_IMPORTS } from "../abi/p3/imports.js";
import { ProcExit } from "../wasi/context.js";
import { GuestError } from "../bridge/link.js";
import { TRANSPILER, TranspilerMissingError } from "./errors.js";
import { wakeTicks, WOKEN } from "./p3-glue.js";

export { isComponent, isP3Component } from "./detect.js";

const RUN_EXPORT = "wasi:cli/run#run";
/** A 0.3 command's run (jco names the instance with its version when 0.2's is exported too). */
const RUN_P3 = "wasi:cli/run@0.3.0";

/**
 * How a component is transpiled: `sync` (the worker bridge's), `jspi` (0.2 bindings whose
 * blocking imports suspend), `p3` (WASI 0.3: jco's async glue, which needs JSPI, with 0.3's
 * synchronous calls that wait on I/O made to suspend too). Part of the cache key.
 */
export type TranspileMode = "sync" | "jspi" | "p3";

/**
 * jco-transpile's version (its package.json, found beside its entry point; exports hides it).
 * Resolving it is also where its absence shows: it is an optional peer dependency.
 */
function jcoVersion(): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(TRANSPILER);
  } catch (e) {
    throw new TranspilerMissingError({ cause: e });
  }
  let dir = dirname(entry);
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

function cacheRoot(): string {
  const dir = process.env.WASOCK_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "wasock");
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return join(tmpdir(), "wasock-cache");
  }
}

/** What a transpile that is not a cache hit reports: when it starts, and when it is done. */
export type TranspileEvent = { phase: "start" } | { phase: "done"; ms: number };

/**
 * Who is told of transpiles (the CLI prints a status line: a large component takes seconds). One
 * per process, set by the CLI before it runs a component; the library itself tells no one, and
 * runtime.ts passes no per-run callback down to runComponent.
 */
let transpileListener: ((e: TranspileEvent) => void) | undefined;

export function onTranspile(listener: ((e: TranspileEvent) => void) | undefined): void {
  transpileListener = listener;
}

/**
 * The directory holding the component's jco bindings (`component.js` + core modules), made on
 * first use. `jspi`: bindings whose blocking imports and run export suspend (JSPI); otherwise
 * plain synchronous bindings, for the worker bridge.
 */
export async function transpiled(bytes: Uint8Array, mode: TranspileMode): Promise<string> {
  const version = jcoVersion();
  const rewrites = mode === "p3" ? `${LENT}\0${WOKEN}` : LENT;
  const key = createHash("sha256").update(bytes).update(`\0${version}\0${mode}\0${rewrites}`).digest("hex").slice(0, 32);
  const asyncImports = mode === "p3" ? [...BLOCKING_IMPORTS, ...P3_SUSPENDING_IMPORTS] : BLOCKING_IMPORTS;
  const dir = join(cacheRoot(), `component-${key}`);
  if (existsSync(join(dir, "component.js"))) return dir;
  const began = performance.now();
  transpileListener?.({ phase: "start" });
  const { transpileBytes } = await import("@bytecodealliance/jco-transpile");
  const { files, imports } = await transpileBytes(bytes, {
    name: "component",
    instantiation: "async",
    noTypescript: true,
    nodejsCompat: false,
    wasiShim: false,
    ...(mode !== "sync" ? { asyncMode: "jspi", asyncImports, asyncExports: [RUN_EXPORT] } : {}),
  } as Parameters<typeof transpileBytes>[1]);
  // Write beside, then rename: a concurrent run sees the whole directory or none of it.
  const tmp = `${dir}.${process.pid}.${Date.now()}`;
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp, name)), { recursive: true });
    writeFileSync(join(tmp, name), name === "component.js" ? glue(new TextDecoder().decode(data), mode) : data);
  }
  writeFileSync(join(tmp, IMPORTS_FILE), JSON.stringify(imports));
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run made it first
  }
  transpileListener?.({ phase: "done", ms: performance.now() - began });
  return dir;
}

/** jco's component.js as wasock runs it: writes lent (below); 0.3's scheduler woken on events (p3-glue.ts). */
function glue(js: string, mode: TranspileMode): string {
  const lent = lendWrites(js);
  return mode === "p3" ? wakeTicks(lent) : lent;
}

/** Part of the cache key: bindings cached before lendWrites, or by another version of it, are made again. */
const LENT = "lent-writes-1";

/** The imports whose list<u8> the host copies out itself (sockets/send-path.ts), by jco's fnName. */
const LENDS = /^wasi:io\/streams@[\d.]+#(?:write|blockingWriteAndFlush)$|^wasi:sockets\/udp@[\d.]+#send$/;

/**
 * jco lifts a list<u8> argument into a copy of guest memory, `new Uint8Array(memoryN.buffer
 * .slice(ptr, ptr + len * 1))`, because a host may keep what it is given. An output stream's write
 * and a UDP send do not keep it: their bytes are copied once, by the kernel's side, where it keeps
 * them (straight into the channel on the worker bridge), so jco's copy would be one too many.
 * Their trampolines get a view of the same bytes instead: subarray() takes the same (start, end)
 * as slice() and clamps them the same way, so the bytes seen are the same, for any pointer.
 * Bindings of a jco that writes the lifting otherwise are left as they are (the bytes are then
 * copied twice, and still right).
 */
export function lendWrites(js: string): string {
  return js.replace(/const (_trampoline\d+) = (?:async )?function[\s\S]*?\n\s*\1\.fnName = '([^']*)';/g, (body: string, _t: string, name: string) =>
    LENDS.test(name) ? body.replace(/new Uint8Array\((memory\d+)\.buffer\.slice\((\w+), (\w+ \+ \w+ \* 1)\)\)/g, "new Uint8Array($1.buffer).subarray($2, $3)") : body);
}

/** The interfaces the component imports (jco's list, unversioned), kept beside its bindings. */
const IMPORTS_FILE = "imports.json";

/**
 * A component that imports an interface wasock does not serve (wasi:http, 0.3's filesystem) is a
 * guest problem, said in one line, not jco's TypeError from inside its instantiate.
 */
function checkServed(dir: string, imports: ImportObject): void {
  const file = join(dir, IMPORTS_FILE);
  if (!existsSync(file)) return;
  const missing = (JSON.parse(readFileSync(file, "utf8")) as string[]).filter((name) => !(name in imports));
  if (missing.length > 0) throw new GuestError(`the component imports ${missing.join(", ")}, which wasock does not provide`);
}

interface Bindings {
  instantiate(getCoreModule: (name: string) => Promise<WebAssembly.Module>, imports: ImportObject): Promise<Record<string, unknown>>;
}

/** Instantiate transpiled bindings with `imports`; resolves with the component's `run`. */
export async function instantiateRun(dir: string, imports: ImportObject, p3 = false): Promise<() => unknown> {
  checkServed(dir, imports);
  const { instantiate } = (await import(pathToFileURL(join(dir, "component.js")).href)) as Bindings;
  const exports = await instantiate(async (name) => WebAssembly.compile(readFileSync(join(dir, name))), imports);
  const run = ((p3 ? exports[RUN_P3] : undefined) ?? exports.run ?? exports["wasi:cli/run"]) as { run?: () => unknown } | undefined;
  if (typeof run?.run !== "function") throw new GuestError("the component exports no wasi:cli/run");
  if (!p3 || !exports[RUN_P3]) return run.run.bind(run);
  const p3run = run.run.bind(run);
  // jco's 0.3 run throws the `err` payload of its result<_, _> itself: nothing (undefined).
  return async () => {
    try {
      return await p3run();
    } catch (e) {
      if (e === undefined) throw new ProcExit(1);
      throw e;
    }
  };
}
