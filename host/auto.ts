/**
 * wasock for whichever runtime this is, picked by what the runtime offers (not by user agent):
 * Deno's own Deno.listen/Deno.connect where they exist, node:net elsewhere (Node, Bun).
 *
 *   import { Runtime } from "wasock";
 */
import type { NetBackend } from "./net/backend.js";
import { DenoNetBackend } from "./net/deno/backend.js";
import { denoApi } from "./net/deno/types.js";
import { NodeNetBackend } from "./net/node.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "./runtime.js";

/** The network adapter this runtime is best served by. */
export function defaultBackend(): NetBackend {
  const deno = denoApi();
  return deno ? new DenoNetBackend(deno) : new NodeNetBackend();
}

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    super(options, defaultBackend());
  }
}

export { GuestError, GuestTrap, ListenError, PreopenError, type RuntimeOptions, type Listening, type BridgeName } from "./runtime.js";
export type { SocketRow } from "./sockets/table.js";
export type { AllowOptions } from "./access.js";
export { PolicyError } from "./policy.js";
export type { NetBackend, NetStream, NetListener, SockAddr } from "./net/backend.js";
export { Core } from "./core/core.js";
