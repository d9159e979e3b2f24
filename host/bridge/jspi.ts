/**
 * The JSPI bridge: a guest runs on the host's thread. A call that may wait parks the guest's
 * stack when it must wait (a `Suspending` import given the promise) and the event loop runs on;
 * one that can answer at once answers through a trampoline without suspending (fast-calls.ts:
 * a Suspending import alone would suspend on every call). Those calls, and the yield points of a
 * rewritten module, give the event loop a turn at least every millisecond (turns.ts).
 */
import { Core } from "../core/core.js";
import type { LocalKernel } from "../sockets/kernel.js";
import { guestImports } from "../abi/imports.js";
import { GuestContext, GuestStopped } from "../wasi/context.js";
import type { Bridge, ComponentGuest, ModuleGuest } from "./bridge.js";
import { Held } from "./held.js";
import { linkImports, startExport } from "./link.js";
import type { HostImports } from "./host-imports.js";
import { exitCodeOf } from "./outcome.js";
import { STOP_GRACE_MS } from "../abi/stop-gate.js";
import { Turns } from "../util/turns.js";
import { connectYieldPoints } from "./yield-points.js";
import { carries, trampolines } from "./fast-calls.js";
import type { FunctionImport } from "../wasm/imports.js";

export { hasJspi } from "./bridge.js";

interface Jspi {
  Suspending: new (fn: (...a: never[]) => unknown) => unknown;
  promising: (fn: unknown) => (...a: unknown[]) => Promise<unknown>;
}

/** Run an instance of a core module on this thread over `ctx`: 0 when `_start` returns, else what it threw. */
async function runJspi(module: WebAssembly.Module, ctx: GuestContext, host?: HostImports, declared?: readonly FunctionImport[]): Promise<number> {
  const W = WebAssembly as unknown as Jspi;
  const suspending = (f: (...a: never[]) => unknown): unknown => new W.Suspending(f);
  const turns = Turns.thread;
  const { modules, blocking, gate } = guestImports(ctx);
  const imports: Record<string, Record<string, unknown>> = {};
  // The calls that may wait go through trampolines where the guest's declared type is known.
  const types = new Map(declared?.map((i) => [`${i.module}.${i.name}`, i.type]));
  const fast: { module: string; name: string; type: FunctionImport["type"]; fn: (...a: never[]) => unknown }[] = [];
  for (const [name, fns] of Object.entries(modules)) {
    const m: Record<string, unknown> = (imports[name] = { ...fns });
    for (const b of blocking[name as keyof typeof blocking]) {
      if (!m[b]) continue;
      const fn = turns.fair(m[b] as (...a: never[]) => unknown), type = types.get(`${name}.${b}`);
      if (type !== undefined && carries(type)) fast.push({ module: name, name: b, type, fn });
      else m[b] = suspending(fn);
    }
  }
  trampolines(fast, suspending).forEach((f, i) => (imports[fast[i]!.module]![fast[i]!.name] = f));
  // The host's functions may return promises, as wasock's waiting calls do (the option's names are none of wasock's).
  for (const [name, given] of Object.entries(host ?? {})) {
    const m: Record<string, unknown> = (imports[name] = { ...imports[name] });
    for (const [k, v] of Object.entries(given)) m[k] = typeof v === "function" ? suspending(v as (...a: never[]) => unknown) : v;
  }
  const instance = await WebAssembly.instantiate(module, linkImports(module, imports, host));
  // A yield point gives the event loop its turn, and unwinds the guest once its runtime is
  // stopped (the gate); a start section, which runs before `promising`, cannot suspend.
  let started = false;
  connectYieldPoints(instance, () => {
    if (!started) return undefined;
    const r = turns.yieldPoint();
    return gate ? gate.pass(r) : r;
  }, suspending);
  const start = startExport(instance, ctx);
  started = true;
  await W.promising(start)();
  return 0;
}

export const jspiBridge: Bridge = {
  kind: "jspi",
  suspends: true,

  async runModule(kernel: LocalKernel, g: ModuleGuest): Promise<number> {
    const ctx = new GuestContext(kernel, Core.load(), g.args, g.env, g.maxFds, g.terminals, g.files);
    for (const handle of g.preopens) ctx.fds.insert({ kind: "socket", handle, flags: 0 });
    try {
      ctx.addPreopens(g.dirs);
      return await runJspi(g.module, ctx, g.imports, g.declared);
    } catch (e) {
      return exitCodeOf(e);
    } finally {
      ctx.closeFiles();
      new Held(kernel, Array.from(ctx.fds.sockets(), ([, e]) => e.handle)).release();
    }
  },

  async runComponent(kernel: LocalKernel, g: ComponentGuest): Promise<number> {
    // A stopped component is unwound at its next import (stop.ts), but jco's glue catches what
    // an import throws and leaves the component suspended on a promise that never settles: so
    // the run also ends, as stopped, a moment after the stop.
    let forget = (): void => {};
    const stopped = new Promise<number>((resolve) => {
      forget = kernel.onStop(() => setTimeout(() => resolve(GuestStopped.EXIT_CODE), 2 * STOP_GRACE_MS));
    });
    try {
      const run = await g.instantiate(kernel);
      return await Promise.race([(async () => (await run(), 0))(), stopped]);
    } catch (e) {
      return exitCodeOf(e);
    } finally {
      forget();
    }
  },
};
