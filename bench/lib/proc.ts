/**
 * The processes a benchmark starts: servers (waited on until they print their listener line),
 * load-generating clients, and --spin's busy loops. Every child is tracked and SIGKILLed when
 * the suite exits, however it exits.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, setPriority } from "node:os";
import { performance } from "node:perf_hooks";

const children = new Set<ChildProcess>();
const killAll = (): void => {
  for (const c of children) c.kill("SIGKILL");
};
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => { killAll(); process.exit(130); });

/**
 * argv with the soft open-files limit raised to the hard one (`ulimit -n hard`; bash then execs,
 * so the pid stays the server's). Raising the hard limit itself needs CAP_SYS_RESOURCE, which a
 * container's root may lack: the suite works within the hard limit (hardNofile()).
 */
function withNofile(argv: string[], raise: boolean | undefined): string[] {
  if (!raise) return argv;
  return ["bash", "-c", 'ulimit -n hard && exec "$@"', "bash", ...argv];
}

/** The hard open-files limit a child can raise its soft limit to. */
export function hardNofile(): number {
  const out = spawnSync("bash", ["-c", "ulimit -Hn"], { encoding: "utf8" }).stdout.trim();
  return out === "unlimited" ? Infinity : Number(out);
}

/** The listener lines the servers print: wasock's, the native shim's, PHP's, wasmer-runner's, the raw servers'. */
function portIn(text: string): number | undefined {
  for (const re of [/tcp:\/\/127\.0\.0\.1:(\d+)/g, /listening on 127\.0\.0\.1:(\d+)/g, /^(\d+)$/gm]) {
    for (const m of text.matchAll(re)) if (Number(m[1]) > 0) return Number(m[1]);
  }
  return undefined;
}

export interface Server {
  proc: ChildProcess;
  pid: number;
  port: number;
  /** Milliseconds from spawn() to the listener line. */
  readyMs: number;
  /** performance.now() just before spawn(). */
  t0: number;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Raise the open-files limit to the hard limit. */
  nofile?: boolean;
  timeoutMs?: number;
  /** Extra node flags etc. are part of argv; cwd defaults to the suite's. */
  cwd?: string;
}

/** Spawn a server and resolve once it prints a listener line with a non-zero port. */
export function startServer(name: string, argv: string[], o: StartOptions = {}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = withNofile(argv, o.nofile);
    const t0 = performance.now();
    const proc = spawn(cmd!, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...o.env }, cwd: o.cwd });
    children.add(proc);
    let text = "";
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      proc.kill("SIGKILL");
      reject(new Error(`${name}: no listener line after ${(o.timeoutMs ?? 60_000) / 1000}s: ${text.trim().slice(-500)}`));
    }, o.timeoutMs ?? 60_000);
    const onData = (d: Buffer): void => {
      text += d.toString();
      if (done) return;
      const port = portIn(text);
      if (port === undefined) return;
      done = true;
      clearTimeout(timer);
      resolve({ proc, pid: proc.pid!, port, readyMs: performance.now() - t0, t0, output: () => text });
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code, sig) => {
      children.delete(proc);
      clearTimeout(timer);
      if (!done) reject(new Error(`${name} exited (${code ?? sig}): ${text.trim().slice(-500)}`));
      done = true;
    });
  });
}

/** SIGKILL a server and wait until it is gone. */
export async function stopServer(s: Server): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const gone = new Promise((r) => s.proc.once("exit", r));
  s.proc.kill("SIGKILL");
  await gone;
}

/** Resident set size of a process, in bytes (VmRSS from /proc). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export interface Client {
  proc: ChildProcess;
  /** Resolves with stdout when the client exits 0; rejects with stderr otherwise. */
  done: Promise<string>;
  /** The next stdout line (for clients that talk in lines). */
  line(): Promise<string>;
  send(text: string): void;
}

/** A client process on the suite's own runtime. Killed after timeoutMs whatever it is doing. */
export function startClient(argv: string[], o: { timeoutMs: number; nofile?: boolean; stdin?: boolean }): Client {
  const [cmd, ...args] = withNofile(argv, o.nofile);
  const proc = spawn(cmd!, args, { stdio: [o.stdin ? "pipe" : "ignore", "pipe", "pipe"] });
  children.add(proc);
  let out = "", err = "", pending = "";
  const waiters: ((l: string) => void)[] = [];
  const lines: string[] = [];
  proc.stdout!.on("data", (d: Buffer) => {
    out += d;
    pending += d;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const l = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const w = waiters.shift();
      if (w) w(l);
      else lines.push(l);
    }
  });
  proc.stderr!.on("data", (d: Buffer) => (err += d));
  const timer = setTimeout(() => proc.kill("SIGKILL"), o.timeoutMs);
  const done = new Promise<string>((resolve, reject) => {
    proc.once("exit", (code, sig) => {
      children.delete(proc);
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(err.trim() || `client ${sig === "SIGKILL" ? `killed after ${o.timeoutMs / 1000}s` : `exited ${code ?? sig}`}`));
    });
  });
  done.catch(() => {}); // observed by whoever awaits it
  const line = (): Promise<string> =>
    lines.length ? Promise.resolve(lines.shift()!) : Promise.race([
      new Promise<string>((r) => waiters.push(r)),
      done.then(() => { throw new Error("client exited before its next line"); }),
    ]);
  return { proc, done, line, send: (t) => proc.stdin!.write(t) };
}

/** Run a client to completion and parse its one JSON line. */
export async function runJsonClient(argv: string[], timeoutMs: number): Promise<Record<string, number>> {
  const out = await startClient(argv, { timeoutMs }).done;
  return JSON.parse(out.trim().split("\n").pop()!) as Record<string, number>;
}

/**
 * --spin: one lowest-priority busy loop per core for as long as `fn` runs. On an idle VM a 1-byte
 * ping-pong is dominated by waking halted vCPUs; the spinners keep them awake and yield to any
 * real work (nice 19).
 */
export async function withSpinners<T>(on: boolean, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const spinners = cpus().map(() => {
    const p = spawn(process.execPath, ["-e", "for (;;);"], { stdio: "ignore" });
    children.add(p);
    p.once("exit", () => children.delete(p));
    try { setPriority(p.pid!, 19); } catch { /* not permitted: it still keeps the vCPU awake */ }
    return p;
  });
  try {
    return await fn();
  } finally {
    for (const p of spinners) p.kill("SIGKILL");
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
