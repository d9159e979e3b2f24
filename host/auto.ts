/**
 * wasock for whichever runtime this is. node:net where the runtime has it — Node, Bun, and Deno,
 * where it measured 2.5× the requests/s of the Deno.listen adapter (http-hello, wrk -c64, A B A B:
 * 51.5k/86.5k vs 22.9k/30.3k) — and Deno's own API where node:net is missing. WASOCK_NET=node or
 * deno picks one.
 *
 *   import { Runtime } from "wasock";
 */
import type { NetBackend } from "./net/backend.js";
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
  return new NodeNetBackend();
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
export type { NetBackend, NetStream, NetListener, SockAddr } from "./net/backend.js";
export { Core } from "./core/core.js";
