import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasJspi } from "../../host/bridge/jspi.js";
import { Runtime } from "../../host/entries/node.js";
import { cli, RUNTIME } from "../helpers/runtime.js";

/**
 * WebAssembly/wasi-testsuite's prebuilt wasm32-wasip3 tests (tests/rust/testsuite/wasm32-wasip3),
 * run by the suite's operations (test-runner/wasi_test_runner): `run` (its args and env),
 * `write` to stdin, `read` a payload from stdout or stderr, `connect` to the `host:port` the guest
 * printed on its next stdout line, `send` and `recv` on that connection, `wait` for the exit code
 * (default 0). A test without a json just runs and must exit 0. The json's `root` (relative to it)
 * is pre-opened as `/`, as the suite's adapters do (`--dir ROOT::/`): each test gets a fresh copy
 * of it (the suite deletes `*.cleanup` after each test instead; a copy leaves the checkout
 * untouched). The binaries are the suite's, not ours to commit: this runs when
 * WASOCK_WASI_TESTSUITE names a checkout. The guest is started from its own directory by its file
 * name, as the suite's adapters do (cli-env checks argv[0]).
 *
 * A 0.3 component needs JSPI (jco's glue), so this runs on JSPI runtimes only: Node ≥ 24.20, Deno
 * and Bun; on Node 20 wasock refuses it in one line (tested below).
 */
const base = process.env.WASOCK_WASI_TESTSUITE;
const tests = base && existsSync(join(base, "tests")) ? join(base, "tests") : base;
const dir = tests ? join(tests, "rust", "testsuite", "wasm32-wasip3") : undefined;
const missing = dir && existsSync(dir) ? false : "set WASOCK_WASI_TESTSUITE to a checkout of WebAssembly/wasi-testsuite with tests/rust/testsuite/wasm32-wasip3";
const skip = missing || (hasJspi() ? false : "WASI 0.3 components need JSPI (Node ≥ 24.20, Deno, Bun): this engine has none");

/** Left out, with the reason: wasi:http@0.3.0 is not served. */
const OUT_OF_SCOPE = /^http-/;

/** Tests a runtime cannot pass, and why: each is run and must still fail (a pass means the entry is stale). */
const EXPECTED_FAILURES: Record<string, Partial<Record<typeof RUNTIME, string>>> = {};

type Op =
  | { type: "run"; args?: string[]; env?: Record<string, string> }
  | { type: "write"; id: "stdin"; payload: string }
  | { type: "read"; id: "stdout" | "stderr"; payload: string }
  | { type: "connect"; id: string }
  | { type: "send"; id: string; payload: string }
  | { type: "recv"; id: string; payload: string }
  | { type: "wait"; exit_code?: number };

function cases(): { name: string; ops: Op[]; root?: string }[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".wasm")).map((f) => f.slice(0, -5)).filter((n) => !OUT_OF_SCOPE.test(n)).sort().map((name) => {
    const json = join(dir, `${name}.json`);
    const config = existsSync(json) ? (JSON.parse(readFileSync(json, "utf8")) as { operations?: Op[]; root?: string }) : {};
    return { name, ops: config.operations ?? [{ type: "run" }, { type: "wait" }], root: config.root === undefined ? undefined : join(dir, config.root) };
  });
}

/** Text arriving on a pipe or a socket, read in order by payload length. */
class Incoming {
  private text = "";
  private at = 0;
  private wake: (() => void) | undefined;
  ended = false;

  push(d: string): void {
    this.text += d;
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  private async until(ready: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!ready()) {
      if (this.ended || Date.now() > deadline) throw new Error(`${what}: got ${JSON.stringify(this.text.slice(this.at))}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }

  async take(n: number, what: string): Promise<string> {
    await this.until(() => this.text.length - this.at >= n, what);
    const s = this.text.slice(this.at, this.at + n);
    this.at += n;
    return s;
  }

  async line(what: string): Promise<string> {
    await this.until(() => this.text.indexOf("\n", this.at) >= 0, what);
    const end = this.text.indexOf("\n", this.at);
    const s = this.text.slice(this.at, end);
    this.at = end + 1;
    return s.trim();
  }

  all(): string {
    return this.text;
  }
}

/** Run one test's operations (`root`: the directory to pre-open as `/`): undefined when it passes, else what went wrong. */
async function runOps(name: string, ops: Op[], root?: string): Promise<string | undefined> {
  const out = new Incoming();
  const err = new Incoming();
  const sockets = new Map<string, { socket: Socket; data: Incoming }>();
  let proc: ReturnType<typeof spawn> | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  const tail = (): string => `\n${out.all()}${err.all()}`;
  const tmp = root === undefined ? undefined : mkdtempSync(join(tmpdir(), "wasock-wts-p3-"));
  const dirs: string[] = [];
  if (tmp) {
    cpSync(root!, join(tmp, "root"), { recursive: true, verbatimSymlinks: true });
    dirs.push("--dir", `${join(tmp, "root")}::/`);
  }
  try {
    for (const op of ops) {
      switch (op.type) {
        case "run": {
          const flags = ["--allow-net", ...dirs, ...Object.entries(op.env ?? {}).flatMap(([k, v]) => ["--env", `${k}=${v}`])];
          const p = spawn(...cli(["run", ...flags, `${name}.wasm`, "--", ...(op.args ?? [])]), { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
          proc = p;
          p.stdout!.setEncoding("utf8").on("data", (d: string) => out.push(d));
          // The first run of a component says it is transpiling it: not the guest's stderr.
          p.stderr!.setEncoding("utf8").on("data", (d: string) => err.push(d.replace(/^wasock: transpil.*\n/gm, "")));
          exited = new Promise((resolve) => p.on("exit", (code) => {
            out.end();
            err.end();
            resolve(code);
          }));
          break;
        }
        case "write":
          proc!.stdin!.write(op.payload);
          break;
        case "read": {
          const got = await (op.id === "stdout" ? out : err).take(op.payload.length, `read ${op.id}`);
          if (got !== op.payload) return `read ${op.id}: ${JSON.stringify(got)}, expected ${JSON.stringify(op.payload)}${tail()}`;
          break;
        }
        case "connect": {
          const line = await out.line("connect: the guest's host:port line");
          const colon = line.lastIndexOf(":");
          const socket = connect(Number(line.slice(colon + 1)), line.slice(0, colon));
          const data = new Incoming();
          socket.setEncoding("utf8").on("data", (d: string) => data.push(d)).on("end", () => data.end());
          await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
          sockets.set(op.id, { socket, data });
          break;
        }
        case "send":
          sockets.get(op.id)!.socket.write(op.payload);
          break;
        case "recv": {
          const got = await sockets.get(op.id)!.data.take(op.payload.length, `recv ${op.id}`);
          if (got !== op.payload) return `recv ${op.id}: ${JSON.stringify(got)}, expected ${JSON.stringify(op.payload)}${tail()}`;
          break;
        }
        case "wait": {
          proc!.stdin!.end();
          for (const { socket } of sockets.values()) socket.end();
          const t = setTimeout(() => proc!.kill("SIGKILL"), 60_000);
          const code = await exited;
          clearTimeout(t);
          if (code !== (op.exit_code ?? 0)) return `exit code ${code}, expected ${op.exit_code ?? 0}${tail()}`;
          break;
        }
      }
    }
    return undefined;
  } catch (e) {
    return `${(e as Error).message}${tail()}`;
  } finally {
    for (const { socket } of sockets.values()) socket.destroy();
    if (proc && proc.exitCode === null) proc.kill("SIGKILL");
    if (tmp) {
      await exited;
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

describe("WebAssembly/wasi-testsuite (wasm32-wasip3)", { skip }, () => {
  for (const c of cases()) {
    test(c.name, async () => {
      const failure = await runOps(c.name, c.ops, c.root);
      const expected = EXPECTED_FAILURES[c.name]?.[RUNTIME];
      if (expected) assert.ok(failure, `passes on ${RUNTIME}, but is listed as an expected failure (${expected}): remove the entry`);
      else assert.equal(failure, undefined, failure);
    });
  }

  test("the host's timers keep firing while a 0.3 guest waits in accept", async () => {
    let out = "";
    let onAddr: (a: string) => void = () => {};
    const addr = new Promise<string>((resolve) => (onAddr = resolve));
    const rt = new Runtime({
      args: ["sockets-echo.wasm"],
      allow: { listen: ["127.0.0.1:*", "[::1]:*"] },
      stdout: (d) => {
        out += Buffer.from(d).toString();
        const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/m.exec(out);
        if (m) onAddr(`${m[1]}:${m[2]}`);
      },
    });
    const running = rt.run(readFileSync(join(dir!, "sockets-echo.wasm")));
    const [host, port] = (await addr).split(":");
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await new Promise((r) => setTimeout(r, 300));
    clearInterval(timer);
    assert.ok(ticks >= 10, `only ${ticks} ticks in 300 ms while the guest waited in accept`);
    const s = connect(Number(port), host);
    s.write("Hello, world");
    const echoed = await new Promise<string>((resolve) => {
      let got = "";
      s.setEncoding("utf8").on("data", (d: string) => {
        got += d;
        if (got.length >= 12) resolve(got);
      });
    });
    assert.equal(echoed, "Hello, world");
    s.end();
    // The guest then listens on IPv6 for a second client: not this test's; stop it there.
    rt.stop();
    await running;
  });
});

describe("a WASI 0.3 component without JSPI", { skip: missing }, () => {
  test("is refused in one line, with a non-zero exit", async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(...cli(["run", "--bridge", "worker", "random.wasm"]), { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d.replace(/^wasock: transpil.*\n/gm, "")));
      p.on("exit", (code) => resolve({ code, stderr }));
    });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /a WASI 0\.3 component needs JSPI/);
  });
});
