import { existsSync } from "node:fs";
import nodeModule from "node:module";
import { isatty } from "node:tty";
import { AddressError } from "../addr.js";
import { Core } from "../core/core.js";
import { GuestError, GuestTrap, ListenError, PolicyError, Runtime, type BridgeName } from "../entries/auto.js";
import { PreopenError } from "../runtime.js";
import { parseNames } from "../policy.js";
import { load } from "./load.js";
import { BACKTRACE_FRAMES, formatBacktrace } from "../wasm/backtrace.js";
import { isComponent } from "../p2/detect.js";
import { guestStdout, SIGPIPE_EXIT } from "./stdout.js";
import { socketTableOnSignal } from "./socket-table.js";
import { isClusterWorker, listenLine, reportListening } from "./cluster-worker.js";
import { LimitError, limitsFrom, type Limits } from "../sockets/limits.js";

export interface RunFlags {
  listen: string[];
  allowListen: string[];
  allowConnect: string[];
  /** A comma-separated list of names, or `*` for any. */
  allowResolve?: string;
  allowNet?: boolean;
  /** false with --no-tcp / --no-udp. */
  tcp?: boolean;
  udp?: boolean;
  env: string[];
  dir: string[];
  somaxconn?: number;
  backlog?: number;
  bridge: BridgeName;
  limit: string[];
  instances?: number;
  workers?: number;
}

/** `--limit name=value`, repeatable: the limits given, or the message for a malformed one. */
function parseLimits(specs: string[]): Partial<Limits> | string {
  const out: Record<string, number> = Object.create(null);
  for (const spec of specs) {
    const m = /^([A-Za-z]+)=(\d+)([KMG]i?B?)?$/.exec(spec);
    if (!m) return `--limit ${spec}: expected NAME=NUMBER (a K, M or G suffix is 1024-based)`;
    const unit = m[3] ? 1024 ** ("KMG".indexOf(m[3][0]!) + 1) : 1;
    out[m[1]!] = Number(m[2]) * unit;
  }
  return out;
}

/** Exit status for a guest that trapped (128 + SIGABRT, as wasmtime reports it). */
const TRAP_EXIT = 134;

/** Why a pre-opened listener could not be opened, in words. The resolver's codes (a name in
 *  `--listen` that does not resolve) have no errno; the rest are errnos, worded by the core. */
const RESOLVER_REASONS: Record<string, (host: string) => string> = {
  ENOTFOUND: (host) => `host name ${host} does not resolve`,
  EAI_NONAME: (host) => `host name ${host} does not resolve`,
  EAI_NODATA: (host) => `host name ${host} has no address`,
  EAI_AGAIN: (host) => `host name ${host} could not be resolved now (a temporary resolver failure)`,
  EAI_FAIL: (host) => `host name ${host} could not be resolved (the resolver failed)`,
};

function listenReason(e: ListenError): string {
  if (Object.hasOwn(RESOLVER_REASONS, e.code)) return RESOLVER_REASONS[e.code]!(hostOf(e.spec));
  const core = Core.load();
  return core.strerror(core.errnoFromCode(e.code)).replace(/\.$/, "");
}

/** The host part of a `--listen` spec (it parsed, or it would not have been tried). */
function hostOf(spec: string): string {
  return spec.slice(0, spec.lastIndexOf(":")).replace(/^\[(.*)\]$/, "$1");
}

function fail(message: string, code = 1): number {
  process.stderr.write(`wasock: ${message}\n`);
  return code;
}

/**
 * `--dir <host>[::<guest>]` (wasmtime's syntax, split at the first `::`) → `{guest: host}`, and
 * each guest path's flag as given (for messages); a string is the error line.
 */
function parseDirs(specs: string[]): { preopens: Record<string, string>; spec: Map<string, string> } | string {
  const preopens: Record<string, string> = Object.create(null); // a guest path may be "__proto__"
  const spec = new Map<string, string>();
  for (const s of specs) {
    const at = s.indexOf("::");
    const host = at < 0 ? s : s.slice(0, at);
    const guest = at < 0 ? s : s.slice(at + 2);
    if (host === "" || guest === "") return `--dir ${s}: expected <host>[::<guest>]`;
    // WasmEdge writes guest:host (`--dir .:.`): a path with a colon that does not exist is most likely that.
    const colon = s.indexOf(":");
    if (at < 0 && colon > 0 && !existsSync(s)) {
      const [g, h] = [s.slice(0, colon), s.slice(colon + 1).replace(/:readonly$/, "")];
      return `--dir ${s}: no such directory (WasmEdge's guest:host is written host::guest here, as wasmtime writes it: --dir ${h}::${g})`;
    }
    if (spec.has(guest)) return `--dir ${s}: guest path ${guest} is already pre-opened`;
    preopens[guest] = host;
    spec.set(guest, s);
  }
  return { preopens, spec };
}

export async function runCommand(path: string, guestArgs: string[], flags: RunFlags): Promise<number> {
  // A trap's backtrace has as many frames as the engine records (10 by default): wasmtime shows
  // them all, and a Rust panic spends eight in its own machinery before the guest's code. The
  // process is the CLI's, so its limit is the CLI's to raise (the worker bridge's thread raises its own).
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, BACKTRACE_FRAMES);
  // `--env NAME` passes the host's value of NAME, as wasmtime does (nothing when the host has none).
  const env: string[] = [];
  for (const kv of flags.env) {
    if (/^[^=]+=/.test(kv)) env.push(kv);
    else if (kv === "" || kv.includes("=")) return fail(`--env ${kv}: expected KEY=VALUE or a variable's NAME`, 2);
    else if (process.env[kv] !== undefined) env.push(`${kv}=${process.env[kv]}`);
  }
  const dirs = parseDirs(flags.dir ?? []);
  if (typeof dirs === "string") return fail(dirs, 2);
  const limits = parseLimits(flags.limit ?? []);
  if (typeof limits === "string") return fail(limits, 2);
  try {
    limitsFrom(limits);
  } catch (e) {
    if (e instanceof LimitError) return fail(`--limit: ${e.message}`, 2);
    throw e;
  }
  const module = load(path);
  if (typeof module === "string") return fail(module);
  // Nothing would serve a listener opened for a component (it opens its own sockets).
  if (isComponent(module) && flags.listen.length > 0)
    return fail("--listen: a component opens its own sockets (wasi:sockets has no pre-opened listeners); let it listen with --allow-listen", 2);

  const rt = new Runtime({
    limits,
    args: [path, ...guestArgs],
    env,
    listen: flags.listen,
    preopens: dirs.preopens,
    backlog: flags.backlog,
    somaxconn: flags.somaxconn,
    bridge: flags.bridge,
    instances: flags.instances,
    allow: {
      listen: flags.allowListen,
      connect: flags.allowConnect,
      resolve: flags.allowResolve === "*" ? true : flags.allowResolve !== undefined ? parseNames(flags.allowResolve) : false,
      net: flags.allowNet === true,
      tcp: flags.tcp !== false,
      udp: flags.udp !== false,
    },
    // A terminal too: read only when the guest reads, in the line discipline's lines. process.stdin
    // is made only then: making it loads the stream machinery for its kind (a file's, /dev/null's:
    // node's fs streams), 1-4 ms of a start-up for a guest that may never read.
    stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
    terminals: ([0, 1, 2] as const).filter((fd) => isatty(fd)), // as the process's own fds are
    stdout: guestStdout(() => {
      rt.stop();
      void rt.drain(1000).then(() => process.exit(SIGPIPE_EXIT));
    }),
  });

  try {
    const listening = await rt.start();
    if (isClusterWorker()) reportListening(listening); // the primary prints them, once
    else for (const l of listening) process.stderr.write(listenLine(l));
    // Node writes its compile cache (main.ts) when the process exits, and a server is often
    // stopped by a signal it cannot handle (SIGKILL): then no launch would find the cache. Written
    // now instead, once the listeners are open; nothing is written when every module came from it.
    (nodeModule as { flushCompileCache?: () => void }).flushCompileCache?.();
  } catch (e) {
    rt.stop();
    if (e instanceof AddressError) return fail(`--listen: ${e.message}`, 2);
    if (e instanceof PolicyError) return fail(`bad allow rule: ${e.message}`, 2);
    if (e instanceof PreopenError) return fail(`--dir ${dirs.spec.get(e.guest) ?? e.host}: ${e.reason}`, 2);
    if (e instanceof ListenError) return fail(`--listen ${e.spec}: ${listenReason(e)} (${e.code})`);
    throw e;
  }

  // A signal's exit code wins over the guest's, as a native process killed by a signal
  // reports the signal even if it was about to exit.
  let signalled: number | undefined;
  const stop = (signal: NodeJS.Signals, code: number): void => {
    signalled = code;
    if (!isClusterWorker()) process.stderr.write(`wasock: ${signal}, closing sockets\n`); // a worker's stop is the primary's to tell
    rt.stop();
    void rt.drain(1000).then(() => process.exit(code));
  };
  process.once("SIGINT", () => stop("SIGINT", 130));
  process.once("SIGTERM", () => stop("SIGTERM", 143));
  socketTableOnSignal(() => rt.sockets(), (text) => void process.stderr.write(text));

  if (isComponent(module)) {
    // A component's first run transpiles it (jco: seconds for a large one, then cached): a status
    // line on stderr when it starts and when it is done, printed as cargo prints its own, whether
    // or not stderr is a terminal; nothing on a cache hit. The library prints none of it.
    const { onTranspile } = await import("../p2/component.js");
    onTranspile((e) =>
      process.stderr.write(e.phase === "start" ? `wasock: transpiling ${path} for the first time (cached after)…\n` : `wasock: transpiled ${path} in ${(e.ms / 1000).toFixed(1)} s\n`),
    );
  }

  try {
    const { exitCode } = await rt.run(module);
    await rt.drain(); // what the guest sent before it exited reaches its clients
    await new Promise((r) => setTimeout(r, 0)); // a turn with an I/O pass: a signal already here is handled
    return signalled ?? exitCode;
  } catch (e) {
    if (e instanceof GuestTrap) return fail(`guest trapped: ${e.message}${e.frames.length > 0 ? `\n${formatBacktrace(e.frames)}` : ""}`, TRAP_EXIT);
    if (e instanceof GuestError) return fail(`${path}: ${e.message}`);
    return fail(`internal error: ${(e as Error)?.stack ?? String(e)}`, 70);
  }
}

/**
 * What `wasock run` does with its command line, however it was read (quick-args.ts or commander):
 * `given` holds the options given and their defaults. With --workers > 1 this process is the
 * primary of that many (workers.ts). Exits with the run's status.
 */
export async function runAction(module: string, guestArgs: string[], given: Partial<RunFlags>): Promise<never> {
  const flags: RunFlags = { listen: [], allowListen: [], allowConnect: [], env: [], dir: [], limit: [], bridge: "auto", ...given };
  // `wasock run app.wasm -- a b`, the form before everything after the module was the guest's.
  if (guestArgs[0] === "--") guestArgs = guestArgs.slice(1);
  if ((flags.workers ?? 1) > 1 && !isClusterWorker()) process.exit(await (await import("./workers.js")).runPrimary(flags.workers!));
  process.exit(await runCommand(module, guestArgs, flags));
}
