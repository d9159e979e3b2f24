// The guest's fd limit defaults to the process's own soft open-files limit (`ulimit -n`), as a
// native server's does: 10,000 idle connections and one real request against the http-hello
// example, with no --limit flag. The server runs under `ulimit -n` raised to the hard limit; this
// process raises its own (prlimit) for its client sockets, or the test is skipped, saying why.
// The system Node (the worker bridge) holds the full 10,000 (4–5 s here); the other runtimes
// 2,000, still twice the old fixed 1,024, so the suite stays quick (10,000 passed on each, in
// 11 s on Node 26's JSPI bridge, 7.6 s on the Deno.listen adapter, 1.5–3 s on Deno's node:net and
// Bun's two adapters; 2,000 take 0.5–1.5 s).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import * as net from "node:net";
import { wasm } from "../helpers/guest.js";
import { cli, RUNTIME } from "../helpers/runtime.js";
import { parseNofile } from "../../host/net/node/os-limits.js";

const SYSTEM_NODE = RUNTIME === "node" && !process.execPath.includes("node_modules");
const IDLE = SYSTEM_NODE ? 10_000 : 2_000;
const BATCH = 500;
/** Sockets this process and the server need beyond the connections: their own fds, the listener. */
const SPARE = 200;

/** This process's soft and hard open-files limits, or why they cannot be read. */
function nofile(): { soft: number; hard: number } | string {
  try {
    const text = readFileSync("/proc/self/limits", "utf8");
    const hard = /^Max open files\s+\S+\s+(\d+|unlimited)/m.exec(text)?.[1];
    return { soft: parseNofile(text)!, hard: hard === "unlimited" || hard === undefined ? Infinity : Number(hard) };
  } catch {
    return "no /proc/self/limits";
  }
}

/** Raise this process's soft open-files limit to `n` (prlimit on our own pid), or say why not. */
function raiseTo(n: number): string | undefined {
  const limits = nofile();
  if (typeof limits === "string") return limits;
  if (limits.soft >= n) return undefined;
  if (limits.hard < n) return `the hard open-files limit (${limits.hard}) is below ${n}`;
  const r = spawnSync("prlimit", ["--pid", String(process.pid), `--nofile=${n}:${limits.hard === Infinity ? n : limits.hard}`]);
  if (r.status !== 0) return `prlimit could not raise the open-files limit to ${n}`;
  return undefined;
}

const skip = raiseTo(IDLE + SPARE) ?? false;

/** One GET on `s`; resolves with the answer once it says Hello. */
function request(s: net.Socket, stderr: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no answer in 60 s; server stderr: ${stderr()}`)), 60_000);
    s.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      if (text.includes("Hello")) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    s.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  });
}

function connectOne(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.off("error", reject);
      resolve(s);
    });
    s.once("error", reject);
  });
}

describe("the fds limit defaults to the process's open-files limit", { skip }, () => {
  test(`${IDLE.toLocaleString("en")} idle connections and one real request to examples/http-hello.wasm, no --limit flag`, { timeout: 120_000 }, async () => {
    const [bin, args] = cli(["run", "--listen", "127.0.0.1:0", wasm("examples/http-hello.wasm")]);
    // The server's soft limit raised to its hard one, as `ulimit -n` in a shell does.
    const server = spawn("bash", ["-c", 'ulimit -Sn "$(ulimit -Hn)" && exec "$@"', "bash", bin, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => server.once("exit", resolve));
    const sockets: net.Socket[] = [];
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listener line: ${stderr}`)), 15000);
        server.stderr!.setEncoding("utf8").on("data", (d: string) => {
          stderr += d;
          const m = /listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      const started = performance.now();
      let closed = 0;
      // In batches, each followed by a request on a connection of its own: it is queued behind
      // the batch, so its answer says the guest accepted every connection so far. The client never
      // gets ahead of the guest by more than a batch, well inside the accept queue (a connection
      // past a full queue is reset, as wasock's listeners do).
      let answer = "";
      for (let i = 0; i < IDLE; i += BATCH) {
        const batch = await Promise.all(Array.from({ length: Math.min(BATCH, IDLE - i) }, () => connectOne(port)));
        for (const s of batch) s.on("error", () => {}).once("close", () => closed++); // a reset is counted as a close
        sockets.push(...batch);
        const probe = await connectOne(port);
        answer = await request(probe, () => stderr);
        probe.destroy();
      }
      // The real request, once all of them are held: answered with every one of them open.
      const real = await connectOne(port);
      sockets.push(real);
      answer = await request(real, () => stderr);
      assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
      assert.equal(closed, 0, "an idle connection was closed");
      assert.equal(stderr.split("\n").filter((l) => l.startsWith("wasock: ") && !/listening on/.test(l)).length, 0, stderr);
      console.log(`# ${IDLE} idle connections + 1 request: ${Math.round(performance.now() - started)} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      server.kill("SIGKILL");
      await exited;
    }
  });
});
