/**
 * wasi:io/poll: pollables and `poll`. A pollable is one of four things, so `poll` can hand all the
 * socket ones to the kernel in one call (one round trip on the worker bridge) and wait on the rest
 * beside it: a socket readiness (handle + PollBits), a monotonic deadline, an in-process promise
 * (a name lookup, stdin), or nothing to wait for. Waiting never spins: the kernel's poll parks
 * the guest (JSPI: a promise; worker: Atomics.wait) until a socket changes or the deadline passes.
 */
import { PollBits } from "../../sockets/api.js";
import { after, chain, type Sync } from "../../util/sync.js";
import { monotonicNow, type P2Context } from "./context.js";
import { nextTurn, Turns } from "../../util/turns.js";

const enum Kind { READY, SOCKET, DEADLINE, PENDING }

/** A host operation under way in this process (only with the in-process kernel). */
export interface Pending {
  done: boolean;
  promise: Promise<unknown>;
}

/** While a lookup or stdin read is pending next to sockets, re-check at least this often (ms). */
const PENDING_RECHECK_MS = 1000;

export class Pollable {
  private constructor(
    readonly ctx: P2Context,
    private readonly kind: Kind,
    readonly handle = 0,
    readonly bits = 0,
    readonly deadline = 0n,
    readonly pending?: Pending,
  ) {}

  static ready(ctx: P2Context): Pollable {
    return new Pollable(ctx, Kind.READY);
  }
  /** Ready when the kernel's socket `handle` has one of `bits` (PollBits). */
  static socket(ctx: P2Context, handle: number, bits: number): Pollable {
    return new Pollable(ctx, Kind.SOCKET, handle, bits);
  }
  /** Ready once the monotonic clock reaches `deadline` (ns). */
  static deadline(ctx: P2Context, deadline: bigint): Pollable {
    return new Pollable(ctx, Kind.DEADLINE, 0, 0, deadline);
  }
  static pending(ctx: P2Context, pending: Pending): Pollable {
    return pending.done ? new Pollable(ctx, Kind.READY) : new Pollable(ctx, Kind.PENDING, 0, 0, 0n, pending);
  }

  ready(): boolean {
    switch (this.kind) {
      case Kind.READY: return true;
      case Kind.DEADLINE: return monotonicNow() >= this.deadline;
      case Kind.PENDING: return this.pending!.done;
      default: {
        const r = this.ctx.kernel.poll([this.handle], [this.bits], 0) as number[];
        return r.length > 0;
      }
    }
  }

  block(): Sync<void> {
    return after(poll([this]), () => undefined);
  }

  [Symbol.dispose](): void {}

  /** One pass of `poll`: the indices ready now, else wait once and look again. */
  static wait(list: Pollable[], ctx: P2Context): Sync<number[]> {
    const ready: number[] = [];
    const handles: number[] = [];
    const interests: number[] = [];
    const where: number[] = [];
    const waits: Promise<unknown>[] = [];
    let deadline: bigint | undefined;
    const now = monotonicNow();
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      switch (p.kind) {
        case Kind.READY: ready.push(i); break;
        case Kind.DEADLINE:
          if (p.deadline <= now) ready.push(i);
          else if (deadline === undefined || p.deadline < deadline) deadline = p.deadline;
          break;
        case Kind.PENDING:
          if (p.pending!.done) ready.push(i);
          else waits.push(p.pending!.promise);
          break;
        default:
          handles.push(p.handle);
          interests.push(p.bits);
          where.push(i);
      }
    }
    let timeoutMs = ready.length > 0 ? 0 : deadline === undefined ? -1 : Math.ceil(Number(deadline - now) / 1e6);
    if (waits.length > 0 && timeoutMs !== 0) timeoutMs = timeoutMs < 0 ? PENDING_RECHECK_MS : Math.min(timeoutMs, PENDING_RECHECK_MS);
    const again = (): Sync<number[]> => Pollable.wait(list, ctx);
    if (handles.length === 0) {
      if (ready.length > 0) return ready;
      if (waits.length === 0 && timeoutMs < 0) throw new Error("wasi:io/poll: waiting on nothing that can become ready");
      const slept = timeoutMs > 0 ? ctx.kernel.sleep(timeoutMs) : undefined;
      if (waits.length === 0) return chain(slept, again);
      return Promise.race([...waits, ...(slept ? [slept] : [])]).then(again);
    }
    const polled = ctx.kernel.poll(handles, interests, timeoutMs);
    const collect = (got: number[]): Sync<number[]> => {
      for (let k = 0; k < got.length; k += 3) ready.push(where[got[k]!]!);
      if (ready.length > 0) return ready.sort((a, b) => a - b);
      return again();
    };
    if (waits.length > 0 && polled instanceof Promise) return Promise.race([polled, ...waits]).then(again);
    return chain(polled, collect);
  }
}

const toIndices = (r: number[]): Uint32Array => Uint32Array.from(r);

/**
 * wasi:io/poll#poll: the indices of the pollables that are ready, waiting until one is. On this
 * thread, a poll that is always ready at once (a zero timeout beside a socket) would keep the
 * event loop from ever delivering the socket's data: such polls give the event loop its turn once the guest has held the thread for 1 ms (util/turns.ts).
 */
export function poll(list: Pollable[]): Sync<Uint32Array> {
  if (list.length === 0) throw new Error("wasi:io/poll: poll of an empty list");
  const ctx = list[0]!.ctx;
  return ctx.gate ? ctx.gate.pass(pollOnce(list, ctx)) : pollOnce(list, ctx);
}

function pollOnce(list: Pollable[], ctx: P2Context): Sync<Uint32Array> {
  const r = Pollable.wait(list, ctx);
  if (r instanceof Promise || !ctx.inProcess || !Turns.thread.due()) return after(r, toIndices);
  return nextTurn().then(() => after(Pollable.wait(list, ctx), toIndices));
}

export { PollBits };
