/**
 * Where a guest trapped: the wasm frames of a trap, read from the engine where it happened and
 * named from the module's own name section (and its DWARF line table, dwarf.ts, when it was
 * built with -g), as wasmtime prints them:
 *
 *     wasm backtrace:
 *         0:  0x1c9 - divide
 *                         at trap.c:8
 *
 * The engines report a wasm frame differently. V8 (Node, Deno) gives the byte offset of the
 * frame's instruction in the module (a CallSite's column is offset + 1) and the function's name
 * when the name section has one; Deno's stack text says `wasm-function[0]` for every frame, so the
 * function is found from the offset, in the code section, not from that text. JavaScriptCore
 * (Bun) gives no offset: its CallSite's function name is `.wasm-function[<name or index>]`, and
 * `stack` says only `at unknown`. Frames are read where the trap is caught (engineFrames, in the
 * guest's thread on the worker bridge: plain data, posted to the host's thread with the outcome)
 * and named where the module's bytes are (symbolize, in Runtime.run).
 */
import { functionLines } from "./dwarf.js";
import { Reader, WasmParseError } from "./reader.js";

/** The frames the CLI and the worker bridge's guest thread have the engine record (Error.stackTraceLimit). */
export const BACKTRACE_FRAMES = 64;

/** One wasm frame of a trap, innermost first. */
export interface TrapFrame {
  /** The function's index (imports counted); absent where it cannot be known (Bun given a compiled
   *  Module without a name section, V8 given a compiled Module). */
  func?: number;
  /** Its name in the module's name section, as written there (a Rust name stays mangled unless a
   *  legacy `_ZN…E` one, which is shown demangled). */
  name?: string;
  /** Byte offset of the instruction in the module as given (absent on Bun: JavaScriptCore does not say). */
  offset?: number;
  /** Source file and line from the module's DWARF (a guest built with -g). */
  file?: string;
  line?: number;
}

/** A guest trapped (unreachable, out-of-bounds, stack overflow…): the guest's fault, reported as such.
 *  `frames` says where (innermost first; the engine records at most Error.stackTraceLimit frames:
 *  10 by default on the host's thread, BACKTRACE_FRAMES in the CLI and the worker bridge's thread);
 *  `stack` is the message and the formatted backtrace, not a host stack. */
export class GuestTrap extends Error {
  readonly frames: readonly TrapFrame[];
  constructor(message: string, frames: readonly TrapFrame[] = []) {
    super(message);
    this.name = "GuestTrap";
    this.frames = frames;
    this.stack = `GuestTrap: ${message}${frames.length > 0 ? `\n${formatBacktrace(frames)}` : ""}`;
  }
}

/** The backtrace as wasmtime prints it: `wasm backtrace:` then one line per frame (and its source line). */
export function formatBacktrace(frames: readonly TrapFrame[]): string {
  const lines = ["wasm backtrace:"];
  const width = Math.max(...frames.map((f) => (f.offset === undefined ? 0 : f.offset.toString(16).length + 2)));
  frames.forEach((f, i) => {
    const where = f.offset === undefined ? "" : `${`0x${f.offset.toString(16)}`.padStart(width)} - `;
    lines.push(`${String(i).padStart(5)}: ${where}${f.name ?? (f.func === undefined ? "<unknown>" : `<wasm function ${f.func}>`)}`);
    if (f.file !== undefined) lines.push(`${" ".repeat(7 + where.length)}at ${f.file}${f.line === undefined ? "" : `:${f.line}`}`);
  });
  return lines.join("\n");
}

/** A trap's message without JavaScriptCore's ` (evaluating '<the JS call that ran the guest>')`, which names wasock's code, not the guest's. */
export function trapMessage(e: Error): string {
  return e.message.replace(/ \(evaluating '.*'\)$/s, "");
}

interface CallSite {
  getFileName(): string | null | undefined;
  getFunctionName(): string | null | undefined;
  getColumnNumber(): number | null | undefined;
}
type Prepare = (e: Error, sites: CallSite[]) => unknown;

/**
 * The wasm frames of `e` as the engine gives them. The engines' CallSites (V8's stack trace API,
 * which Bun has too) are read through Error.prepareStackTrace, installed only while `e.stack` is
 * first formatted (both engines format it lazily, on first read); should it have been read before,
 * V8's text is parsed instead.
 */
export function engineFrames(e: Error): TrapFrame[] {
  const E = Error as unknown as { prepareStackTrace?: Prepare };
  const saved = E.prepareStackTrace;
  let sites: CallSite[] | undefined;
  E.prepareStackTrace = (err, cs) => {
    sites = cs;
    return saved ? saved(err, cs) : `${String(err)}${cs.map((c) => `\n    at ${String(c)}`).join("")}`;
  };
  let text: string | undefined;
  try {
    text = e.stack;
  } finally {
    E.prepareStackTrace = saved;
  }
  if (sites !== undefined) return sites.flatMap(siteFrame);
  // Already formatted: V8's `name (wasm://wasm/<hash>:wasm-function[N]:0xOFFSET)` lines.
  return [...(text ?? "").matchAll(/wasm-function\[\d+\]:0x([0-9a-f]+)/g)].map((m) => ({ offset: parseInt(m[1]!, 16) }));
}

function siteFrame(c: CallSite): TrapFrame[] {
  const file = c.getFileName() ?? "";
  const fn = c.getFunctionName() ?? undefined;
  if (file.startsWith("wasm://")) {
    const column = c.getColumnNumber();
    return [{ ...(fn ? { name: fn } : {}), ...(column ? { offset: column - 1 } : {}) }];
  }
  const jsc = /^\.?wasm-function\[(.*)\]$/.exec(fn ?? "");
  if (file === "[wasm code]" && jsc) return [/^\d+$/.test(jsc[1]!) ? { func: Number(jsc[1]) } : { name: jsc[1]! }];
  return [];
}

/** The function names of a `name` custom section's body (subsection 1), by function index. */
export function functionNames(body: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  const r = new Reader(body);
  r.name(); // "name"
  while (r.at < r.end) {
    const id = r.byte();
    const size = r.u();
    const end = r.at + size;
    if (id === 1) {
      const s = new Reader(body, r.at, end, "the name section");
      s.vec(() => names.set(s.u(), s.name()));
    }
    r.at = end;
  }
  return names;
}

/** Where each defined function's body lies in a module (absolute byte ranges), after its imported functions. */
interface Layout {
  imported: number;
  bodies: { start: number; end: number }[];
  /** The start of the code section's body: DWARF addresses count from here. */
  codeStart: number;
  /** The module's `name` and `.debug_*` custom sections. */
  custom: Map<string, Uint8Array>;
}

function layout(bytes: Uint8Array): Layout {
  const r = new Reader(bytes, 8);
  const out: Layout = { imported: 0, bodies: [], codeStart: 0, custom: new Map() };
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u();
    const end = r.at + size;
    if (id === 0) {
      const start = r.at;
      const name = r.name();
      if (name === "name" || name.startsWith(".debug_")) out.custom.set(name, bytes.subarray(name === "name" ? start : r.at, end));
    } else if (id === 2) {
      r.vec(() => {
        r.name(), r.name();
        const kind = r.byte();
        if (kind === 0x00) (out.imported++, r.u());
        else if (kind === 0x01) (r.valtype(), r.limits());
        else if (kind === 0x02) r.limits();
        else if (kind === 0x03) (r.valtype(), r.byte());
        else if (kind === 0x04) (r.byte(), r.u());
        else r.fail(`import kind 0x${kind.toString(16)}`);
      });
    } else if (id === 10) {
      out.codeStart = r.at;
      r.vec(() => {
        const n = r.u();
        out.bodies.push({ start: r.at, end: r.at + n });
        r.at += n;
      });
    }
    r.at = end;
  }
  return out;
}

/** The defined function (its position among the bodies) holding `offset`, or -1. */
function bodyAt(l: Layout, offset: number): number {
  let lo = 0, hi = l.bodies.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = l.bodies[mid]!;
    if (offset < b.start) hi = mid - 1;
    else if (offset >= b.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * The module that ran, as the frames' offsets count: the guest's bytes, and — when it ran with
 * yield points (preempt.ts) — the rewritten bytes and where each function's yield points were
 * put in the original, so an offset is given back in the bytes the user has (and the DWARF
 * describes). A yield point's own code maps to the instruction it stands before.
 */
export interface RanModule {
  original: Uint8Array;
  rewritten?: { bytes: Uint8Array; points: (body: { start: number; end: number }) => number[] };
}

/**
 * Name `frames` from the module's bytes: each frame's function from its offset (else the engine's
 * index or name), its name from the name section, its offset in the original module, and its
 * file and line from the DWARF line table where there is one. A module this reader cannot read
 * leaves the frames as the engine gave them.
 */
export function symbolize(frames: readonly TrapFrame[], ran: RanModule): TrapFrame[] {
  try {
    const orig = layout(ran.original);
    const ranLayout = ran.rewritten ? layout(ran.rewritten.bytes) : orig;
    const nameBody = orig.custom.get("name");
    const names = nameBody ? functionNames(nameBody) : new Map<number, string>();
    const byName = new Map<string, number>();
    for (const [i, n] of names) if (!byName.has(n)) byName.set(n, i);
    let lines: ReturnType<typeof functionLines> | undefined;
    return frames.map((f) => {
      let func = f.func ?? (f.name !== undefined && f.offset === undefined ? byName.get(f.name) : undefined);
      let offset = f.offset;
      if (offset !== undefined) {
        const i = bodyAt(ranLayout, offset);
        if (i >= 0) {
          func = orig.imported + i;
          if (ran.rewritten) offset = originalOffset(offset, ranLayout.bodies[i]!, orig.bodies[i]!, ran.rewritten.points(orig.bodies[i]!));
        }
      }
      const name = func !== undefined ? names.get(func) : undefined;
      const out: TrapFrame = { ...(func !== undefined ? { func } : {}), ...(name ?? f.name ? { name: demangle((name ?? f.name)!) } : {}), ...(offset !== undefined ? { offset } : {}) };
      if (offset !== undefined && orig.custom.has(".debug_line")) {
        lines ??= functionLines(orig.custom);
        const at = lines?.(offset - orig.codeStart);
        if (at) Object.assign(out, at);
      }
      return out;
    });
  } catch (e) {
    if (e instanceof WasmParseError) return [...frames];
    throw e;
  }
}

/** An offset in a rewritten body back in the original: each yield point before it added `check` bytes. */
function originalOffset(offset: number, ran: { start: number; end: number }, orig: { start: number; end: number }, points: number[]): number {
  if (points.length === 0) return orig.start + (offset - ran.start);
  const check = (ran.end - ran.start - (orig.end - orig.start)) / points.length;
  const x = offset - ran.start;
  let shift = 0;
  for (const p of points) {
    const at = p - orig.start;
    if (x < at + shift) break;
    if (x < at + shift + check) return p; // inside the yield point: the instruction it stands before
    shift += check;
  }
  return orig.start + x - shift;
}

/**
 * A Rust legacy-mangled name (`_ZN3std2rt10lang_start17h0123456789abcdefE`) as `std::rt::lang_start`;
 * any other name as it is (v0 `_R` names and C++ names are left alone).
 */
export function demangle(full: string): string {
  const name = full.replace(/\.llvm\.\d+$/, ""); // LLVM's suffix for a symbol made local by LTO
  if (!name.startsWith("_ZN") || !name.endsWith("E")) return full;
  const parts: string[] = [];
  let i = 3;
  while (i < name.length - 1) {
    const m = /^\d+/.exec(name.slice(i));
    if (!m) return full;
    const len = Number(m[0]);
    i += m[0].length;
    if (i + len > name.length - 1) return full;
    parts.push(name.slice(i, i + len));
    i += len;
  }
  if (parts.length > 1 && /^h[0-9a-f]{16}$/.test(parts[parts.length - 1]!)) parts.pop();
  const ESC: Record<string, string> = { SP: "@", BP: "*", RF: "&", LT: "<", GT: ">", LP: "(", RP: ")", C: "," };
  return parts
    .map((p) => p.replace(/^_\$/, "$").replace(/\$([A-Z]+|u[0-9a-f]+)\$/g, (all, c: string) => ESC[c] ?? (c.startsWith("u") ? String.fromCodePoint(parseInt(c.slice(1), 16)) : all)).replace(/\.\./g, "::"))
    .join("::");
}
