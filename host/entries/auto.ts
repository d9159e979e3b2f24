/**
 * wasock for whichever runtime this is: the network API that serves fastest there, as the
 * benchmarks measure them (README, Benchmarks; bench/run.ts compares the adapters A B). node:net
 * where the runtime has it — Node, and Deno, where the Deno.listen adapter costs the same — and
 * Deno's own API where node:net is missing. Under Bun (found by its API, Bun.listen/Bun.connect) its own
 * API, which beats Bun's node:net. WASOCK_NET=node, deno or bun picks one.
 *
 *   import { Runtime } from "wasock";
 */
import type { NetBackend } from "../net/backend.js";
import { BunNetBackend } from "../net/bun/backend.js";
import { bunApi } from "../net/bun/types.js";
import { DenoNetBackend } from "../net/deno/backend.js";
import { denoApi } from "../net/deno/types.js";
import { NodeNetBackend } from "../net/node/backend.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "../runtime.js";
import { FULL_HOST } from "../extensions.js";

/** The network adapter this runtime is best served by. */
export function defaultBackend(): NetBackend {
  const want = typeof process !== "undefined" ? process.env.WASOCK_NET : undefined;
  if (want === "deno") {
    const deno = denoApi();
    if (!deno) throw new Error("WASOCK_NET=deno: Deno's network API is not here");
    return new DenoNetBackend(deno);
  }
  if (want === "bun") {
    const bun = bunApi();
    if (!bun) throw new Error("WASOCK_NET=bun: Bun's network API is not here");
    return new BunNetBackend(bun);
  }
  if (want === "node") return new NodeNetBackend();
  const bun = bunApi(); // by capability: Bun.listen and Bun.connect
  return bun ? new BunNetBackend(bun) : new NodeNetBackend();
}

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    super(options, defaultBackend(), FULL_HOST);
  }
}

export * from "./exports.js";
