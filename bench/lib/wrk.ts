/**
 * wrk (Debian's package) as the HTTP load generator: one run against 127.0.0.1:PORT, parsed.
 * One wrk thread: on this 2-core machine the other core is the server's.
 */
import { spawn } from "node:child_process";

export interface WrkResult {
  rps: number;
  requests: number;
  /** Latency percentiles in µs (only with latency: true). */
  p50Us: number;
  p90Us: number;
  p99Us: number;
  /** connect + read + write + timeout socket errors, and non-2xx/3xx responses. */
  errors: number;
  non2xx: number;
}

export interface WrkOptions {
  port: number;
  connections: number;
  seconds: number;
  threads?: number;
  headers?: string[];
  latency?: boolean;
}

/** "550.00us" | "2.65ms" | "1.02s" → µs. */
function us(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? "");
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === "us" ? 1 : m[2] === "ms" ? 1e3 : 1e6);
}

export function parseWrk(out: string): WrkResult {
  const pct = (p: string): number => us(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(out)?.[1]);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    p50Us: pct("50"),
    p90Us: pct("90"),
    p99Us: pct("99"),
    errors: sock ? sock.slice(1).reduce((a, x) => a + Number(x), 0) : 0,
    non2xx,
  };
}

export function wrk(o: WrkOptions): Promise<WrkResult> {
  const args = [`-t${o.threads ?? 1}`, `-c${o.connections}`, `-d${o.seconds}s`, "--timeout", "5s"];
  if (o.latency) args.push("--latency");
  for (const h of o.headers ?? []) args.push("-H", h);
  args.push(`http://127.0.0.1:${o.port}/`);
  return new Promise((resolve, reject) => {
    const p = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d: Buffer) => (out += d));
    p.stderr.on("data", (d: Buffer) => (err += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), (o.seconds + 30) * 1000);
    p.once("exit", (code) => {
      clearTimeout(timer);
      const r = parseWrk(out);
      if (code !== 0 || !Number.isFinite(r.rps)) reject(new Error(`wrk ${args.join(" ")}: exit ${code}: ${err.trim() || out.trim()}`));
      else resolve(r);
    });
  });
}
