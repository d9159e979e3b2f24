/**
 * Checking a Runtime's options before anything is opened: each misuse is a GuestError naming the
 * option and what it got (as a bad `instances` is), so a typo in JavaScript fails where it is
 * made instead of as a confusing error later. The limits are checked by limitsFrom (LimitError)
 * and `instances` by run(), where it always was.
 */
import { GuestError } from "./bridge/link.js";
import type { RuntimeOptions } from "./runtime.js";

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
    if (!isPlainObject(o.allow)) bad("allow", "{ listen, connect, resolve, net }", o.allow);
    if (o.allow.listen !== undefined) strings("allow.listen", o.allow.listen, "rules (strings)");
    if (o.allow.connect !== undefined) strings("allow.connect", o.allow.connect, "rules (strings)");
    const r = o.allow.resolve;
    if (r !== undefined && typeof r !== "boolean") strings("allow.resolve", r, "names (strings), or true/false");
    if (o.allow.net !== undefined && typeof o.allow.net !== "boolean") bad("allow.net", "true or false", o.allow.net);
  }
  if (o.limits !== undefined && !isPlainObject(o.limits)) bad("limits", "{ name: number }", o.limits);
  if (o.onDeny !== undefined) fn("onDeny", o.onDeny);
  if (o.stdout !== undefined) fn("stdout", o.stdout);
  if (o.stderr !== undefined) fn("stderr", o.stderr);
  const t = o.terminals as unknown;
  if (t !== undefined && (!Array.isArray(t) || !t.every((fd) => fd === 0 || fd === 1 || fd === 2))) bad("terminals", "an array of stdio fds (0, 1, 2)", t);
  const stdin = o.stdin as { [Symbol.asyncIterator]?: unknown } | undefined;
  if (stdin !== undefined && (stdin === null || typeof stdin[Symbol.asyncIterator] !== "function")) bad("stdin", "an async iterable of bytes", stdin);
}
