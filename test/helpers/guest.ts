import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { hasJspi } from "../../host/bridge/jspi.js";
import { cli } from "./runtime.js";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = `${ROOT}dist/cli/main.js`;

/** Bridges this runtime can run: both where JSPI exists, else the worker bridge. */
export const BRIDGES: ("jspi" | "worker")[] = hasJspi() ? ["jspi", "worker"] : ["worker"];

export function wasm(rel: string): string {
  return `${ROOT}${rel}`;
}

export interface RunningGuest {
  proc: ChildProcess;
  ports: number[];
  /** stderr lines announcing listeners, exactly as printed. */
  listenLines: string[];
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface GuestOptions {
  listen?: string[];
  args?: string[];
  env?: string[];
  bridge?: "jspi" | "worker" | "auto";
  extra?: string[];
  /** Called for each complete stdout line as it arrives. */
  onLine?: (line: string) => void;
}

/** Start `wasock run` on a guest (under this test's own runtime) and wait for its listener lines. */
export function startGuest(module: string, o: GuestOptions = {}): Promise<RunningGuest> {
  const listen = o.listen ?? ["127.0.0.1:0"];
  const argv = [CLI, "run", ...listen.flatMap((l) => ["--listen", l]), ...(o.env ?? []).flatMap((e) => ["--env", e]), "--bridge", o.bridge ?? "auto", ...(o.extra ?? []), module, ...(o.args ?? [])];
  const proc = spawn(...cli(argv.slice(1)), { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "", partial = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })));
  proc.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    if (!o.onLine) return;
    partial += d;
    let nl: number;
    while ((nl = partial.indexOf("\n")) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      o.onLine(line);
    }
  });
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const timer = setTimeout(() => reject(new Error(`guest did not announce its listeners in time; stderr: ${err}`)), 15000);
    const check = (): void => {
      const found = err.split("\n").filter((l) => /^wasock: fd \d+ listening on tcp:\/\//.test(l));
      if (found.length < listen.length) return;
      clearTimeout(timer);
      lines.push(...found.slice(0, listen.length));
      resolve({
        proc,
        ports: lines.map((l) => Number(/:(\d+)$/.exec(l)![1])),
        listenLines: lines,
        stdout: () => out,
        stderr: () => err,
        exited,
        stop: async () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
          await exited;
        },
      });
    };
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      check();
    });
    if (listen.length === 0) setImmediate(check);
    void exited.then(() => {
      clearTimeout(timer);
      if (lines.length < listen.length) reject(new Error(`guest exited before listening; stderr: ${err}`));
    });
  });
}

/** Run the CLI to completion (for argument and error-path tests). */
export function runCli(args: string[], timeoutMs = 15000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(...cli(args), { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    proc.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    proc.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
