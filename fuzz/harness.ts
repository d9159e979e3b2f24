/**
 * The import fuzzer: calls every import of every ABI with hostile arguments, in worlds of a few
 * thousand calls each, and checks what a guest must be able to rely on:
 *
 *   - the answer is an errno (an integer in 0..65535), or a ProcExit from the exit calls;
 *     anything thrown is a host fault
 *   - a call that fails leaves guest memory exactly as it was ("bad input loses nothing")
 *   - a call that waits ends once the runtime is stopped — answered, or unwound by GuestStopped
 *     (a stopped guest never hangs)
 *   - the pre-opened directory's parent is untouched (no path escapes the sandbox)
 *   - no promise is rejected unhandled
 *
 * Arguments come from a seeded generator: the same seed replays the same calls.
 */
import { Buffer } from "node:buffer";
import { MODULES } from "../host/abi/imports.js";
import type { Signature } from "../host/abi/signature.js";
import { GuestStopped, ProcExit } from "../host/wasi/context.js";
import { Rng } from "./rng.js";
import { i32, i64, type Shape } from "./values.js";
import { World } from "./world.js";
import { settleSoon, settleWithin, turn } from "./settle.js";

export interface Fault {
  seed: number;
  call: number;
  import: string;
  args: string;
  problem: string;
}

export interface FuzzStats {
  calls: number;
  worlds: number;
  /** Calls that waited and were ended by stopping the world. */
  blocked: number;
  exits: number;
  /** Results by errno. */
  errnos: Map<number, number>;
  faults: Fault[];
}

export interface FuzzOptions {
  seed: number;
  calls: number;
  /** Calls per world before a fresh one (default 500). */
  worldCalls?: number;
  /** Stop at the first fault (replaying one). */
  stopOnFault?: boolean;
  /** Only imports whose "module.name" contains this. */
  only?: string;
}

interface Target {
  module: string;
  name: string;
  sig: Signature;
  /** Its first parameter is an fd (most calls): usually given an open one, so calls get past EBADF. */
  fdFirst: boolean;
}

/** Calls that end the guest: rare, or a world would rarely get far. */
const EXITS = /exit|^proc_raise$|^thread_signal$|^proc_signal$/;
/** One call in this many is an exit call. */
const EXIT_EVERY = 3000;

/** The calls to fuzz: socket calls weighted up, since they are what wasock adds; exits apart. */
function targets(only: string | undefined): { calls: Target[]; exits: Target[] } {
  const calls: Target[] = [];
  const exits: Target[] = [];
  for (const [module, fns] of Object.entries(MODULES)) {
    for (const [name, { sig, nosys }] of Object.entries(fns)) {
      const key = `${module}.${name}`;
      if (only !== undefined && !key.includes(only)) continue;
      const t = { module, name, sig, fdFirst: /^(fd_|sock_|path_|epoll_ctl|epoll_wait|tty_)/.test(name) };
      if (EXITS.test(name)) {
        exits.push(t);
        continue;
      }
      // Sockets most; the ENOSYS stubs least (they look at nothing).
      const weight = /sock|poll|resolve|fd_(read|write)/.test(name) ? 8 : nosys ? 1 : 2;
      for (let i = 0; i < weight; i++) calls.push(t);
    }
  }
  return { calls, exits };
}

/** A first argument: for most calls an fd, and then usually an open one of the right kind. */
function firstArg(rng: Rng, t: Target, shape: Shape): number {
  if (!t.fdFirst || !rng.chance(0.75)) return i32(rng, shape);
  const pool = t.name.startsWith("sock_") && shape.socketFds.length > 0 && rng.chance(0.8) ? shape.socketFds : shape.openFds;
  return pool.length > 0 ? rng.pick(pool) : i32(rng, shape);
}

const show = (args: unknown[]): string => args.map((a) => (typeof a === "bigint" ? `${a}n` : String(a))).join(", ");

export async function fuzz(options: FuzzOptions): Promise<FuzzStats> {
  const rng = new Rng(options.seed);
  const { calls: all, exits } = targets(options.only);
  if (all.length === 0 && exits.length === 0) throw new Error(`no import matches ${options.only}`);
  const stats: FuzzStats = { calls: 0, worlds: 0, blocked: 0, exits: 0, errnos: new Map(), faults: [] };
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  const fault = (t: { module: string; name: string }, args: unknown[], problem: string): void => {
    stats.faults.push({ seed: options.seed, call: stats.calls, import: `${t.module}.${t.name}`, args: show(args), problem });
  };
  const checkSandbox = (world: World): void => {
    const outside = world.outside();
    if (outside.join(",") !== "outside.txt,sandbox") fault({ module: "world", name: "sandbox" }, [], `the sandbox's parent changed: ${outside.join(", ")}`);
  };
  try {
    while (stats.calls < options.calls && !(options.stopOnFault && stats.faults.length > 0)) {
      const world = await World.create(rng);
      stats.worlds++;
      let alive = true;
      for (let i = 0; alive && i < (options.worldCalls ?? 500) && stats.calls < options.calls; i++) {
        const t = exits.length > 0 && (all.length === 0 || rng.below(EXIT_EVERY) === 0) ? rng.pick(exits) : rng.pick(all);
        const shape = { memorySize: world.memory.buffer.byteLength, openFds: world.openFds(), socketFds: world.socketFds() };
        const args = t.sig.params.map((p, at) => (p === "i64" ? i64(rng) : at === 0 ? firstArg(rng, t, shape) : i32(rng, shape)));
        const before = new Uint8Array(world.memory.buffer).slice();
        stats.calls++;
        let result: unknown;
        try {
          result = world.imports[t.module]![t.name]!(...args);
          if (result instanceof Promise) {
            const settled = await settleSoon(result);
            if (!settled.done) {
              // A call that waits (accept with nothing queued, a long sleep): stop the world
              // under it, as Runtime.stop() would, and it must answer.
              stats.blocked++;
              alive = false;
              checkSandbox(world);
              world.close();
              const after = await settleWithin(result, 2000);
              if (!after.done) fault(t, args, "still waiting 2 s after the runtime stopped");
              else if (after.error !== undefined && !(after.error instanceof GuestStopped)) fault(t, args, `rejected after stop: ${String(after.error)}`);
              continue;
            }
            if (settled.error !== undefined) throw settled.error;
            result = settled.value;
          }
        } catch (e) {
          if (e instanceof ProcExit) {
            stats.exits++;
            alive = false;
            continue;
          }
          fault(t, args, `threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
          alive = false;
          continue;
        }
        if (t.sig.results.length === 0) continue;
        if (typeof result !== "number" || !Number.isInteger(result) || result < 0 || result > 0xffff) {
          fault(t, args, `returned ${String(result)}, not an errno`);
          continue;
        }
        stats.errnos.set(result, (stats.errnos.get(result) ?? 0) + 1);
        if (result !== 0 && world.memory.buffer.byteLength === before.length && !sameBytes(before, new Uint8Array(world.memory.buffer))) {
          fault(t, args, `failed with errno ${result} but wrote guest memory`);
        }
      }
      if (alive) {
        checkSandbox(world);
        world.close();
      }
      await turn();
      for (const e of unhandled.splice(0)) fault({ module: "world", name: "promise" }, [], `unhandled rejection: ${String(e)}`);
    }
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  return stats;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.compare(a, b) === 0;
}
