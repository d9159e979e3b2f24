/**
 * wasock for whichever runtime this is. node:net where the runtime has it — Node, and Deno, where
 * it measured 2.5× the requests/s of the Deno.listen adapter (http-hello, wrk -c64, A B A B:
 * 51.5k/86.5k vs 22.9k/30.3k) — and Deno's own API where node:net is missing. Under Bun (found by
 * its API, Bun.listen/Bun.connect) its own API: the Bun.listen adapter won every A B pair against
 * Bun's node:net (http-hello, wrk -c64, Bun 1.4.5; JSPI 103.1k/103.2k/145.3k/103.4k vs
 * 88.9k/89.2k/129.4k/92.1k, 1.12-1.16×; worker bridge 49.5k/51.9k/81.4k/47.5k vs
 * 41.0k/45.3k/79.8k/41.9k; p99 1.3-1.5 ms vs 2.5-3.1 ms on JSPI). WASOCK_NET=node, deno or bun
 * picks one.
 *
 *   import { Runtime } from "wasock";
 */
import type { NetBackend } from "./net/backend.js";
import { BunNetBackend } from "./net/bun/backend.js";
import { bunApi } from "./net/bun/types.js";
import { DenoNetBackend } from "./net/deno/backend.js";
import { denoApi } from "./net/deno/types.js";
import { NodeNetBackend } from "./net/node.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "./runtime.js";
import { FULL_HOST } from "./extensions.js";

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

export { GuestError, GuestTrap, ListenError, PreopenError, type RuntimeOptions, type Listening, type BridgeName } from "./runtime.js";
export type { SocketRow } from "./sockets/table.js";
export type { AllowOptions } from "./access.js";
export { PolicyError } from "./policy.js";
export { DEFAULT_LIMITS, LimitError, type Limits } from "./sockets/limits.js";
export type { NetBackend, NetStream, NetListener, SockAddr } from "./net/backend.js";
export { Core } from "./core/core.js";
