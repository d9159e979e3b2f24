/**
 * How a guest's run ended, classified once for every bridge and kind of guest. A guest ends by
 * exiting (proc_exit, returning from `_start` or a component's `run`, being stopped), or with a
 * problem that is its own (it cannot be linked, or it trapped) or the host's. The worker bridge
 * classifies in the guest's thread and posts the Outcome to the host thread, where `exitCode`
 * turns it into the run's answer; the JSPI bridge does both on the host's thread.
 */
import { GuestStopped, ProcExit } from "../wasi/context.js";
import { GuestError } from "./link.js";
import { engineFrames, GuestTrap, trapMessage, type TrapFrame } from "../wasm/backtrace.js";

/** How a guest's run ended: structured-cloneable, so a guest thread can post it. */
export type Outcome =
  | { type: "exit"; code: number }
  | { type: "guest-error"; message: string }
  | { type: "trap"; message: string; frames: TrapFrame[] }
  | { type: "host-error"; message: string; stack?: string };

/** The exit code a component's `run` returning `err` gives (jco throws a ComponentError for it). */
const RUN_ERR_EXIT = 1;

/** Classify what a guest's run threw. */
export function outcomeOf(e: unknown): Outcome {
  if (e instanceof ProcExit) return { type: "exit", code: e.code };
  if (e instanceof GuestStopped) return { type: "exit", code: GuestStopped.EXIT_CODE };
  if (e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && e.constructor.name === "ComponentError") return { type: "exit", code: RUN_ERR_EXIT };
  if (e instanceof GuestError) return { type: "guest-error", message: e.message };
  // Its wasm frames are read here, where the error is: a worker posts them as data.
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return { type: "trap", message: trapMessage(e), frames: engineFrames(e) };
  if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) return { type: "guest-error", message: String(e) };
  return { type: "host-error", message: String(e), stack: (e as Error | undefined)?.stack };
}

/**
 * The run's answer: the exit code, or the error `run()` rejects with (GuestError, GuestTrap, or
 * a host error). `cause`, when the error itself is at hand (the same thread), is thrown as it
 * came for a GuestError or a host error.
 */
export function exitCode(o: Outcome, cause?: unknown): number {
  switch (o.type) {
    case "exit": return o.code;
    case "guest-error": throw cause instanceof GuestError ? cause : new GuestError(o.message);
    case "trap": throw new GuestTrap(o.message, o.frames);
    default: throw cause !== undefined ? cause : new Error(`${o.message}\n${o.stack ?? ""}`);
  }
}

/** The exit code of what threw `e`, or the error the run rejects with. */
export function exitCodeOf(e: unknown): number {
  return exitCode(outcomeOf(e), e);
}
