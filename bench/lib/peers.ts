/**
 * The peers: every server a workload compares, each running the same logic as the others —
 * a guest under wasock (a bridge on a runtime), that logic as a raw node:net server on the same
 * runtime (the ceiling, and every ratio's denominator), the example's C compiled natively, PHP's
 * ext/sockets, a WASI 0.2 component under jco's preview2-shim, a WASIX guest under @wasmer/sdk.
 * A peer that cannot run here is skipped with the reason.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dist, root, versionOf, which, type Runtime, type RuntimeId } from "./env.js";
import { transpileWithJco, JCO_VERSION, type Transpiled } from "./jco.js";
import { buildNative, type NativeBuild } from "./native.js";

export type Impl = "raw" | "wasock" | "native" | "php" | "jco" | "wasmer";

export interface Peer {
  /** Stable key, e.g. "node26/wasock-jspi". */
  id: string;
  /** Display name, e.g. "wasock jspi · Node 26". */
  name: string;
  impl: Impl;
  runtime?: RuntimeId;
  bridge?: "jspi" | "worker";
  /** The guest, script or binary it serves, relative to the repo (or the native build dir). */
  serves: string;
  argv: string[];
  env?: Record<string, string>;
  /** The raw node:net peer this one's ratio is taken against. */
  baseline: string;
}

export interface Skipped { name: string; reason: string }

export type Slot =
  | { impl: "raw"; rt: RuntimeId }
  /** `instances` / `workers`: run with --instances N / --workers N. */
  | { impl: "wasock"; rt: RuntimeId; bridge: "jspi" | "worker"; component?: boolean; instances?: number; workers?: number }
  | { impl: "native" | "php" | "jco" | "wasmer" };

/** What each kind of workload serves, per implementation. */
export type GuestKind = "http" | "echo" | "idle" | "startup" | "calls";
/** `componentArgs`: the component's own arguments (after `--`). */
const GUESTS: Record<GuestKind, { wasm: string; raw?: string; native: string; php?: string; wasix?: string; wasixArgs?: string[]; component?: string; componentArgs?: string[]; wasockArgs?: string[]; nativeSource?: string }> = {
  http: { wasm: "examples/http-hello.wasm", raw: "raw-http-server.js", native: "http-hello", php: "http-hello.php", wasix: "bench/guests/http-hello-wasix.wasm" },
  echo: {
    wasm: "examples/echo-blocking.wasm", raw: "raw-echo-server.js", native: "echo-blocking", php: "echo.php",
    wasix: "examples/wasix-echo-server.wasm", wasixArgs: ["127.0.0.1:0"], component: "examples/echo-server.component.wasm", componentArgs: ["0"],
  },
  idle: {
    wasm: "bench/guests/http-hello-16k.wasm", raw: "raw-http-server.js", native: "http-hello-16k", php: "http-hello.php", wasix: "bench/guests/http-hello-wasix.wasm",
    wasockArgs: ["--limit", "fds=16384"], // the guest's fd table: by default the soft RLIMIT_NOFILE; the same for every run
  },
  startup: { wasm: "bench/guests/http-hello-200k.wasm", raw: "raw-http-server.js", native: "http-hello", php: "http-hello.php", wasix: "bench/guests/http-hello-wasix.wasm" },
  calls: { wasm: "bench/guests/calls-core.wasm", native: "calls-core", nativeSource: "bench/guests/calls-core.c", component: "bench/guests/calls.component.wasm", componentArgs: [] },
};

/** The optional tools, found or built once per run (each: a value, or why not). */
export class Tools {
  private nativeBuild?: NativeBuild | string;
  private readonly jcoBuilds = new Map<string, Transpiled | string>();
  constructor(readonly runtimes: Map<RuntimeId, Runtime>, private readonly log: (s: string) => void) {}

  native(): NativeBuild | string {
    return (this.nativeBuild ??= buildNative());
  }
  /** `component` transpiled by jco (relative to the repo). */
  jco(component: string): Transpiled | string {
    let t = this.jcoBuilds.get(component);
    if (t === undefined) this.jcoBuilds.set(component, (t = transpileWithJco(join(root, component), this.log)));
    return t;
  }
  php(): string | { bin: string } {
    const bin = which("php");
    if (!bin) return "php not on PATH (apt-get install php8.2-cli)";
    const has = versionOf(bin, ["-r", "echo function_exists('socket_select') ? 'yes' : 'no';"]);
    return has === "yes" ? { bin } : "php has no ext/sockets";
  }
  /** @wasmer/sdk's version if it resolves from the repo and Node 26 is here to run it. */
  wasmer(): string | { version: string } {
    if (!this.runtimes.has("node26")) return "needs the Node 26 devDependency";
    try {
      // Its exports map hides package.json: find the package by resolving its entry point.
      const entry = createRequire(join(root, "package.json")).resolve("@wasmer/sdk/node");
      const pkgJson = join(entry.slice(0, entry.lastIndexOf("/@wasmer/sdk/") + "/@wasmer/sdk/".length), "package.json");
      const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string };
      return { version: pkg.version };
    } catch {
      return "@wasmer/sdk is not installed (npm install -D @wasmer/sdk)";
    }
  }
  /** Versions of everything the run used, for results.json. */
  versions(): Record<string, string> {
    const v: Record<string, string> = {};
    for (const rt of this.runtimes.values()) v[rt.id] = rt.version;
    const n = this.nativeBuild, j = [...this.jcoBuilds.values()].find((t) => typeof t !== "string"), w = this.wasmer(), p = this.php();
    if (n && typeof n !== "string") v.gcc = n.compiler;
    if (j && typeof j !== "string") v.jco = `${JCO_VERSION} (preview2-shim ${j.shimVersion})`;
    if (typeof w !== "string") v["@wasmer/sdk"] = w.version;
    if (typeof p !== "string") v.php = versionOf(p.bin, ["-v"]) ?? "?";
    v.wrk = versionOf("wrk", ["-v"]) ?? "?";
    return v;
  }
}

const RT_NAME: Record<RuntimeId, string> = { node26: "Node 26", node20: "Node 20", deno: "Deno", bun: "Bun" };
const cli = join(dist, "cli/main.js");

/** The peers of one workload, in its slots' order; the ones that cannot run, with why. */
export function resolvePeers(kind: GuestKind, slots: Slot[], tools: Tools): { peers: Peer[]; skipped: Skipped[] } {
  const g = GUESTS[kind];
  const peers: Peer[] = [];
  const skipped: Skipped[] = [];
  const n26 = "node26/raw";
  for (const s of slots) {
    if (s.impl === "raw" || s.impl === "wasock") {
      const rt = tools.runtimes.get(s.rt);
      const many = s.impl === "wasock" ? `${s.instances ? ` ×${s.instances} instances` : ""}${s.workers ? ` ×${s.workers} workers` : ""}` : "";
      const label = s.impl === "raw" ? "raw node:net" : `wasock ${s.bridge}${s.component ? " (component)" : ""}${many}`;
      const name = `${label} · ${RT_NAME[s.rt]}`;
      if (!rt) { skipped.push({ name, reason: `${RT_NAME[s.rt]} not found` }); continue; }
      if (s.impl === "raw") {
        if (!g.raw) { skipped.push({ name, reason: `no raw node:net server for the ${kind} workload` }); continue; }
        peers.push({ id: `${s.rt}/raw`, name, impl: "raw", runtime: s.rt, serves: `bench/${g.raw.replace(/\.js$/, ".ts")}`, argv: rt.argv(join(dist, "bench", g.raw)), baseline: `${s.rt}/raw` });
        continue;
      }
      if (s.bridge === "jspi" && !rt.jspi) { skipped.push({ name, reason: `${RT_NAME[s.rt]} ${rt.version} has no JSPI` }); continue; }
      const guest = s.component ? g.component : g.wasm;
      if (!guest) { skipped.push({ name, reason: `no component guest for the ${kind} workload` }); continue; }
      const args = s.component
        ? ["run", "--bridge", s.bridge, "--allow-listen", "127.0.0.1:*", join(root, guest), ...(g.componentArgs ?? [])]
        : ["run", "--listen", "127.0.0.1:0", "--bridge", s.bridge, ...(g.wasockArgs ?? []), ...(s.instances ? ["--instances", String(s.instances)] : []), ...(s.workers ? ["--workers", String(s.workers)] : []), join(root, guest)];
      peers.push({
        id: `${s.rt}/wasock-${s.bridge}${s.component ? "-component" : ""}${s.instances ? `-i${s.instances}` : ""}${s.workers ? `-w${s.workers}` : ""}`, name, impl: "wasock", runtime: s.rt, bridge: s.bridge,
        serves: guest, argv: rt.argv(cli, args), baseline: `${s.rt}/raw`,
      });
    } else if (s.impl === "native") {
      const n = tools.native();
      if (typeof n === "string") skipped.push({ name: "native (gcc)", reason: n });
      else peers.push({ id: "native", name: "native (gcc)", impl: "native", serves: g.nativeSource ?? `examples/c/${g.native.replace("-16k", "")}.c${g.native.endsWith("-16k") ? " (MAX_CONNS 16384)" : ""}`, argv: [join(n.dir, g.native)], baseline: n26 });
    } else if (s.impl === "php") {
      const p = tools.php();
      if (typeof p === "string" || !g.php) skipped.push({ name: "php ext/sockets", reason: typeof p === "string" ? p : `no PHP server for the ${kind} workload` });
      else peers.push({ id: "php", name: "php ext/sockets", impl: "php", serves: `bench/php/${g.php}`, argv: [p.bin, join(root, "bench/php", g.php)], baseline: n26 });
    } else if (s.impl === "jco") {
      const name = "jco preview2-shim · Node 26";
      const n26rt = tools.runtimes.get("node26");
      if (!g.component) { skipped.push({ name, reason: `no component guest for the ${kind} workload (examples/echo-server.component.wasm is an echo server)` }); continue; }
      if (!n26rt) { skipped.push({ name, reason: "Node 26 not found" }); continue; }
      const j = tools.jco(g.component);
      if (typeof j === "string") { skipped.push({ name, reason: j }); continue; }
      peers.push({ id: "node26/jco", name, impl: "jco", runtime: "node26", serves: g.component, argv: n26rt.argv(join(dist, "bench/p2-shim-runner.js"), [j.js, ...(g.componentArgs ?? [])]), baseline: n26 });
    } else {
      const name = "@wasmer/sdk · Node 26";
      const w = tools.wasmer();
      if (typeof w === "string") { skipped.push({ name, reason: w }); continue; }
      if (!g.wasix) { skipped.push({ name, reason: `no WASIX guest for the ${kind} workload` }); continue; }
      peers.push({
        id: "node26/wasmer", name, impl: "wasmer", runtime: "node26", serves: g.wasix,
        argv: tools.runtimes.get("node26")!.argv(join(dist, "bench/wasmer-runner.js"), [join(root, g.wasix), ...(g.wasixArgs ?? [])]), baseline: n26,
      });
    }
  }
  return { peers, skipped };
}
