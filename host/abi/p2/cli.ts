/**
 * The rest of a WASI 0.2 command's imports that touch wasi:io: stdio streams and the monotonic
 * clock's pollables must be this host's, or jco refuses them as foreign resources. Also the plain
 * ones (environment, exit, wall clock, random, terminals). wasi:filesystem is filesystem.ts.
 */
import { ProcExit } from "../../wasi/context.js";
import { monotonicNow, type P2Context } from "./context.js";
import { Pollable } from "./poll.js";
import { InputStream, OutputStream } from "./streams.js";

export interface CliOptions {
  args: string[];
  env: string[];
}

class Unavailable {
  [Symbol.dispose](): void {}
}

function randomBytes(len: bigint): Uint8Array {
  const out = new Uint8Array(Number(len));
  for (let o = 0; o < out.length; o += 65536) crypto.getRandomValues(out.subarray(o, o + 65536));
  return out;
}

function randomU64(): bigint {
  const b = new BigUint64Array(1);
  crypto.getRandomValues(b);
  return b[0]!;
}

export function cliImports(ctx: P2Context, opts: CliOptions): Record<string, Record<string, unknown>> {
  const stdin = new InputStream(ctx, -1);
  const stdout = new OutputStream(ctx, -1);
  const stderr = new OutputStream(ctx, -2);
  const env = opts.env.map((kv): [string, string] => {
    const i = kv.indexOf("=");
    return i < 0 ? [kv, ""] : [kv.slice(0, i), kv.slice(i + 1)];
  });
  const insecureSeed: [bigint, bigint] = [randomU64(), randomU64()];
  return {
    "wasi:cli/environment": {
      getEnvironment: () => env,
      getArguments: () => opts.args,
      initialCwd: () => undefined,
    },
    "wasi:cli/exit": {
      exit(status: { tag: "ok" | "err" }): never {
        throw new ProcExit(status.tag === "ok" ? 0 : 1);
      },
      exitWithCode(code: number): never {
        throw new ProcExit(code);
      },
    },
    "wasi:cli/stdin": { getStdin: () => stdin },
    "wasi:cli/stdout": { getStdout: () => stdout },
    "wasi:cli/stderr": { getStderr: () => stderr },
    "wasi:cli/terminal-input": { TerminalInput: Unavailable },
    "wasi:cli/terminal-output": { TerminalOutput: Unavailable },
    "wasi:cli/terminal-stdin": { getTerminalStdin: () => undefined },
    "wasi:cli/terminal-stdout": { getTerminalStdout: () => undefined },
    "wasi:cli/terminal-stderr": { getTerminalStderr: () => undefined },
    "wasi:clocks/monotonic-clock": {
      now: monotonicNow,
      resolution: () => 1n,
      subscribeInstant: (when: bigint) => Pollable.deadline(ctx, when),
      subscribeDuration: (d: bigint) => Pollable.deadline(ctx, monotonicNow() + d),
    },
    "wasi:clocks/wall-clock": {
      now() {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
    },
    "wasi:random/random": { getRandomBytes: randomBytes, getRandomU64: randomU64 },
    "wasi:random/insecure": { getInsecureRandomBytes: randomBytes, getInsecureRandomU64: randomU64 },
    "wasi:random/insecure-seed": { insecureSeed: () => insecureSeed },
  };
}
