/**
 * Checking a Runtime's options before anything is opened: each misuse is a GuestError naming the
 * option and what it got (as a bad `instances` is), so a typo in JavaScript fails where it is
 * made instead of as a confusing error later. The limits are checked by limitsFrom (LimitError)
 * and `instances` by run(), where it always was.
 */
import { GuestError } from "./bridge/link.js";
import type { AllowOptions } from "./access.js";
import type { Limits } from "./sockets/limits.js";
import type { StdioOptions } from "./sockets/api.js";
import { checkHostImports, type HostImports } from "./bridge/host-imports.js";

export type BridgeName = "auto" | "jspi" | "worker";

export interface RuntimeOptions {
  /** Guest argv (argv[0] is the module's name by convention). */
  args?: string[];
  /** Guest environment: `{K: V}` or `["K=V"]`. The host's own environment is not passed. */
  env?: Record<string, string> | string[];
  /** TCP listeners to pre-open as fds 3, 4, … (`host:port`, port 0 = any free port). */
  listen?: string[];
  /** Directories to pre-open, `{guest path: host path}`, as the fds after the listeners. The
   *  guest may open, read, write, list and stat what lies beneath them and nothing else. */
  preopens?: Record<string, string>;
  /** Backlog of the pre-opened listeners (default: somaxconn), clamped to somaxconn. */
  backlog?: number;
  /** Backlog ceiling (default: the OS value where readable, else 4096). */
  somaxconn?: number;
  /** How a blocked guest waits: JSPI on this thread, or a worker thread. Default: JSPI when available. */
  bridge?: BridgeName;
  /** What the guest may do on the network itself (listen, connect, resolve). Deny by default. */
  allow?: AllowOptions;
  /** What the guest may hold on the host: fds, buffered bytes, lookup answers (host/sockets/limits.ts).
   *  Unset ones keep their defaults (`fds`: this process's soft RLIMIT_NOFILE where the host can
   *  read it, else 1024); a bad value is a LimitError from the constructor. */
  limits?: Partial<Limits>;
  /**
   * How many instances of a core module to run (default 1). They share the pre-opened
   * listeners, each accepting from the same queue, and each blocks on its own (a JSPI stack or
   * a worker thread), so a guest that serves one connection at a time serves `instances` at
   * once. Each has its own memory and fds; the limits (other than fds) are the runtime's, shared.
   */
  instances?: number;
  /**
   * The host's own imports beside wasock's, `{ env: { now_ms: () => Date.now() } }`, for a core
   * module on the JSPI bridge (a function cannot cross to the worker bridge's thread: run() refuses
   * them there). A name wasock provides cannot be given (GuestError from the constructor); a guest
   * declaring one as another kind (a function given, a memory declared) is a GuestError from run().
   * A function that returns a promise suspends the guest until it settles.
   */
  imports?: HostImports;
  /** Called with one line for each denied operation (default: written to stderr). */
  onDeny?: (message: string) => void;
  /** The guest's stdout bytes as it writes them, in whatever pieces (`accept`, `: `, `Bad file
   *  descriptor\n`); returning a promise holds the guest's next write until it settles. */
  stdout?: StdioOptions["stdout"];
  stderr?: StdioOptions["stderr"];
  /** The guest's stdout as whole lines (UTF-8, without the "\n"), instead of `stdout`; a last line
   *  with no newline comes when the run ends. A promise returned holds the guest's next write. */
  stdoutLines?: (line: string) => unknown;
  stderrLines?: (line: string) => unknown;
  /** Bytes for the guest's stdin (none: stdin is empty). */
  stdin?: AsyncIterable<Uint8Array>;
  /**
   * Which stdio fds the guest sees as terminals (character devices: `isatty()` holds, and
   * wasi-libc line-buffers stdout); the others are reported as pipes or files are (unknown), so
   * the guest buffers its output fully and writes no colour codes into them, as natively. Default:
   * stdout and stderr when they go to this process's own and that is a terminal.
   */
  terminals?: readonly (0 | 1 | 2)[];
}


const BRIDGES = ["auto", "jspi", "worker"];

/** How a value is shown in a message: strings quoted, the rest as JavaScript would show them. */
function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v === "function") return "a function";
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return String(v);
}

function bad(option: string, expected: string, got: unknown): never {
  throw new GuestError(`${option}: expected ${expected}, got ${shown(got)}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strings(option: string, v: unknown, what: string, test: (s: string) => boolean = () => true): void {
  if (!Array.isArray(v)) bad(option, `an array of ${what}`, v);
  v.forEach((s: unknown, i) => {
    if (typeof s !== "string" || !test(s)) bad(`${option}[${i}]`, what, s);
  });
}

function whole(option: string, v: unknown, min: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > 0x7fffffff) bad(option, `a whole number from ${min} to ${0x7fffffff}`, v);
}

function fn(option: string, v: unknown): void {
  if (typeof v !== "function") bad(option, "a function", v);
}

/** Throws GuestError for the first option that is not what RuntimeOptions says. */
export function checkOptions(o: RuntimeOptions): void {
  if (!isPlainObject(o)) bad("options", "an object", o);
  if (o.args !== undefined) strings("args", o.args, "strings");
  if (Array.isArray(o.env)) strings("env", o.env, '"KEY=VALUE" strings', (s) => /^[^=]+=/.test(s));
  else if (isPlainObject(o.env)) {
    for (const [k, v] of Object.entries(o.env)) {
      if (k === "" || k.includes("=")) bad("env", "names without \"=\"", k);
      if (typeof v !== "string") bad(`env.${k}`, "a string", v);
    }
  } else if (o.env !== undefined) bad("env", '{ KEY: "VALUE" } or an array of "KEY=VALUE" strings', o.env);
  if (o.listen !== undefined) strings("listen", o.listen, '"host:port" strings');
  if (o.preopens !== undefined) {
    if (!isPlainObject(o.preopens)) bad("preopens", "{ guestPath: hostPath }", o.preopens);
    for (const [guest, host] of Object.entries(o.preopens)) if (typeof host !== "string") bad(`preopens[${JSON.stringify(guest)}]`, "a host path (a string)", host);
  }
  if (o.backlog !== undefined) {
    // Any whole number: negative ones and ones above somaxconn become somaxconn, as on Linux.
    if (typeof o.backlog !== "number" || !Number.isSafeInteger(o.backlog)) bad("backlog", "a whole number", o.backlog);
  }
  if (o.somaxconn !== undefined) whole("somaxconn", o.somaxconn, 0);
  if (o.bridge !== undefined && !BRIDGES.includes(o.bridge as string)) bad("bridge", "auto, jspi or worker", o.bridge);
  if (o.allow !== undefined) {
    if (!isPlainObject(o.allow)) bad("allow", "{ listen, connect, resolve, net, tcp, udp }", o.allow);
    if (o.allow.listen !== undefined) strings("allow.listen", o.allow.listen, "rules (strings)");
    if (o.allow.connect !== undefined) strings("allow.connect", o.allow.connect, "rules (strings)");
    const r = o.allow.resolve;
    if (r !== undefined && typeof r !== "boolean") strings("allow.resolve", r, "names (strings), or true/false");
    if (o.allow.net !== undefined && typeof o.allow.net !== "boolean") bad("allow.net", "true or false", o.allow.net);
    if (o.allow.tcp !== undefined && typeof o.allow.tcp !== "boolean") bad("allow.tcp", "true or false", o.allow.tcp);
    if (o.allow.udp !== undefined && typeof o.allow.udp !== "boolean") bad("allow.udp", "true or false", o.allow.udp);
  }
  if (o.limits !== undefined && !isPlainObject(o.limits)) bad("limits", "{ name: number }", o.limits);
  if (o.imports !== undefined) checkHostImports(o.imports);
  if (o.onDeny !== undefined) fn("onDeny", o.onDeny);
  if (o.stdout !== undefined) fn("stdout", o.stdout);
  if (o.stderr !== undefined) fn("stderr", o.stderr);
  for (const s of ["stdout", "stderr"] as const) {
    const lines = o[`${s}Lines`];
    if (lines === undefined) continue;
    fn(`${s}Lines`, lines);
    if (o[s] !== undefined) throw new GuestError(`${s}, ${s}Lines: give one of them (${s} receives bytes, ${s}Lines whole lines)`);
  }
  const t = o.terminals as unknown;
  if (t !== undefined && (!Array.isArray(t) || !t.every((fd) => fd === 0 || fd === 1 || fd === 2))) bad("terminals", "an array of stdio fds (0, 1, 2)", t);
  const stdin = o.stdin as { [Symbol.asyncIterator]?: unknown } | undefined;
  if (stdin !== undefined && (stdin === null || typeof stdin[Symbol.asyncIterator] !== "function")) bad("stdin", "an async iterable of bytes", stdin);
}
