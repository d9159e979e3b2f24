import { guestImports } from "../abi/imports.js";
import { GuestStopped, ProcExit, type GuestContext } from "../wasi/context.js";
import { linkImports, startExport } from "./link.js";
import { Turns } from "./turns.js";
import { connectYieldPoints } from "./yield-points.js";

/** JSPI is there when the engine has WebAssembly.Suspending/promising (Node ≥ 24.20, Deno ≥ 2.3.2, Bun ≥ 1.3.10). */
export function hasJspi(): boolean {
  const W = WebAssembly as unknown as { Suspending?: unknown; promising?: unknown };
  return typeof W.Suspending === "function" && typeof W.promising === "function";
}

interface Jspi {
  Suspending: new (fn: (...a: never[]) => unknown) => unknown;
  promising: (fn: unknown) => (...a: unknown[]) => Promise<unknown>;
}

/**
 * Run a guest on this thread. Imports that may wait are `Suspending`: when one returns a promise
 * the guest's stack is parked and the event loop runs on; when it returns a value the call
 * completes synchronously with no suspension. Those imports, and the yield points of a rewritten
 * module, give the event loop a turn at least every millisecond (bridge/turns.ts).
 */
export async function runJspi(module: WebAssembly.Module, ctx: GuestContext): Promise<number> {
  const W = WebAssembly as unknown as Jspi;
  const turns = Turns.thread;
  const { modules, blocking, gate } = guestImports(ctx);
  const imports: Record<string, Record<string, unknown>> = {};
  for (const [name, fns] of Object.entries(modules)) {
    const m: Record<string, unknown> = (imports[name] = { ...fns });
    for (const b of blocking[name as keyof typeof blocking]) if (m[b]) m[b] = new W.Suspending(turns.fair(m[b] as (...a: never[]) => unknown));
  }
  const instance = await WebAssembly.instantiate(module, linkImports(module, imports));
  // A yield point gives the event loop its turn, and unwinds the guest once its runtime is
  // stopped (the gate); a start section, which runs before `promising`, cannot suspend.
  let started = false;
  connectYieldPoints(instance, () => {
    if (!started) return undefined;
    const r = turns.yieldPoint();
    return gate ? gate.pass(r) : r;
  }, (f) => new W.Suspending(f));
  const start = startExport(instance, ctx);
  try {
    started = true;
    await W.promising(start)();
    return 0;
  } catch (e) {
    if (e instanceof ProcExit) return e.code;
    if (e instanceof GuestStopped) return GuestStopped.EXIT_CODE;
    throw e;
  }
}
