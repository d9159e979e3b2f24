/**
 * What every wasi:sockets 0.2 / wasi:io resource of one component instance shares: the kernel it
 * drives (in-process, or the worker bridge's remote one), the core that decides, and the error
 * values jco expects. Guest-visible failures are thrown as jco wants them: an `error-code` case
 * name for a `result<_, error-code>`, a `stream-error` variant for streams.
 */
import { Core } from "../../core/core.js";
import { Errno } from "../../core/enums.js";
import type { Kernel } from "../../sockets/api.js";
import { StopGate } from "../stop-gate.js";
import { keeper, sendPath, type Gathering } from "../../sockets/send-path.js";

export class P2Context {
  readonly core = Core.load();

  /** Ends a guest on this thread when the runtime stops (abi/stop-gate.ts); none across the worker bridge. */
  readonly gate: StopGate | undefined;
  /** Where a write's lent bytes are copied out: the kernel's side decides (sockets/send-path.ts). */
  readonly sends: Gathering;
  /** Make a kernel's answer outlive its next call (sockets/send-path.ts). */
  readonly keep: (bytes: Uint8Array) => Uint8Array;

  /** `inProcess`: the kernel lives on this thread (JSPI), so a guest that never waits starves it. */
  constructor(readonly kernel: Kernel, readonly inProcess = false) {
    this.gate = inProcess ? StopGate.of(kernel) : undefined;
    this.sends = sendPath(kernel);
    this.keep = keeper(kernel);
  }

  /** The `error-code` case name of a WASI errno (the core's errno_to_p2 table). */
  code(errno: number): string {
    return this.core.p2Name(this.core.errnoToP2(errno));
  }

  /** Throw the error-code of a kernel result when it is one (-errno); otherwise hand it back. */
  check(r: number): number {
    if (r < 0) throw this.code(-r);
    return r;
  }
}

/** A stream's `last-operation-failed` payload: wasi:io/error's `error`, carrying the errno. */
export class IoError {
  constructor(readonly errno: number, private readonly text: string) {}
  toDebugString(): string {
    return this.text;
  }
  [Symbol.dispose](): void {}
}

export const CLOSED = Object.freeze({ tag: "closed" as const });

export function failed(ctx: P2Context, errno: number): { tag: "last-operation-failed"; val: IoError } {
  return { tag: "last-operation-failed", val: new IoError(errno, `${ctx.core.errnoName(errno)}: ${ctx.core.strerror(errno)}`) };
}

/** wasi:sockets/network `network-error-code`: the error-code behind a stream's error, if any. */
export function networkErrorCode(ctx: P2Context, err: IoError): string | undefined {
  return err instanceof IoError && err.errno !== Errno.SUCCESS ? ctx.code(err.errno) : undefined;
}

/** u64 durations and sizes arrive as bigint: saturate to what an i32 option holds. */
export function toI32(v: bigint): number {
  return v > 0x7fffffffn ? 0x7fffffff : v < 0n ? -1 : Number(v);
}

/** Monotonic nanoseconds (wasi:clocks/monotonic-clock). */
export function monotonicNow(): bigint {
  return BigInt(Math.round(performance.now() * 1e6));
}
