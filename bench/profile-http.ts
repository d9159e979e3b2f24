/**
 * Where the time goes in the HTTP keep-alive workload: wasock (http-hello.wasm) under Node 26
 * with --cpu-prof while wrk drives it (64 connections), then the profile's top self-time
 * functions, and the time split between guest code (wasm), wasock's host code, Node's own and
 * idle time.
 *
 *   node dist/bench/profile-http.js [--bridge jspi|worker] [--seconds 10] [--top 25] [--raw]
 *
 * --raw profiles bench/raw-http-server.ts instead (the same logic on node:net, for comparison).
 * The .cpuprofile is kept in the temp dir (open it in Chrome DevTools). For the worker bridge it
 * profiles the main thread, where the sockets live (the guest runs in a worker).
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dist, findRuntimes, root } from "./lib/env.js";
import { sleep, startServer } from "./lib/proc.js";
import { wrk } from "./lib/wrk.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const bridge = opt("bridge", "jspi");
const seconds = Number(opt("seconds", "10"));
const top = Number(opt("top", "25"));
const raw = args.includes("--raw");

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** Where a frame belongs: the guest, wasock's host code, Node/V8, or nothing (idle/GC/program). */
function category(f: Node["callFrame"]): string {
  if (f.url.startsWith("wasm://") || /^\$?(wasm-function|[a-z_]+\d*$)/.test(f.functionName) && f.url === "") return "guest (wasm)";
  if (f.url.includes("/dist/host/")) return "wasock host (JS)";
  if (f.url.startsWith("node:")) return "Node (JS)";
  if (["(idle)", "(program)", "(garbage collector)"].includes(f.functionName)) return f.functionName;
  return f.url ? "other JS" : "native / V8";
}

async function main(): Promise<void> {
  const node26 = findRuntimes().get("node26");
  if (!node26) throw new Error("needs the Node 26 devDependency");
  const dir = mkdtempSync(join(tmpdir(), "wasock-cpu-prof-"));
  const server = raw
    ? [join(dist, "bench/raw-http-server.js")]
    : [join(dist, "cli/main.js"), "run", "--listen", "127.0.0.1:0", "--bridge", bridge, join(root, "examples/http-hello.wasm")];
  // A SIGINT handler ahead of any other that exits at once (Node writes the profile on exit),
  // while the guest is idle in poll — before the CLI's own handler starts closing sockets.
  const exitOnSigint = ["--import", 'data:text/javascript,process.once("SIGINT", () => process.exit(130))'];
  const name = raw ? "raw node:net" : `wasock ${bridge}`;
  const s = await startServer(name, [node26.bin, "--cpu-prof", "--cpu-prof-dir", dir, ...exitOnSigint, ...server]);
  const warm = await wrk({ port: s.port, connections: 64, seconds: 1 });
  const r = await wrk({ port: s.port, connections: 64, seconds, latency: true });
  s.proc.kill("SIGINT");
  await new Promise((res) => s.proc.once("exit", res));
  await sleep(100);
  const file = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort()[0];
  if (!file) throw new Error(`no profile written in ${dir}`);
  const prof = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;

  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>(), cats = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${f.url.replace(`file://${root}`, "").replace(root, "")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const c = category(f);
    cats.set(c, (cats.get(c) ?? 0) + us);
  }
  const requests = warm.requests + r.requests;
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1)}% | ${(us / requests).toFixed(2)}`;
  console.log(`${name} under Node ${node26.version}, ${raw ? "raw-http-server" : "http-hello"}, wrk -c64 ${seconds} s: ${r.rps.toFixed(0)} req/s, p99 ${r.p99Us.toFixed(0)} µs`);
  console.log(`profile: ${join(dir, file)} (${(total / 1e6).toFixed(1)} s sampled)\n`);
  console.log(`CPU µs per request: ${((total - (cats.get("(idle)") ?? 0)) / requests).toFixed(2)} (not idle), over ${requests} requests\n`);
  console.log("| where | self time | µs / request |\n|---|---|---|");
  for (const [c, us] of [...cats].sort((a, b) => b[1] - a[1])) console.log(`| ${c} | ${pct(us)} |`);
  console.log(`\n| top self-time function | self time | µs / request |\n|---|---|---|`);
  for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${k.replace(/\|/g, "\\|")} | ${pct(us)} |`);
}

await main();
