/**
 * wasock for Node.js: WASI guests with real TCP sockets over node:net.
 *
 *   import { Runtime } from "wasock/node";
 *   const rt = new Runtime({ args: ["app.wasm"], listen: ["127.0.0.1:0"] });
 *   const { exitCode } = await rt.run(await WebAssembly.compile(bytes));
 */
import { NodeNetBackend } from "./net/node.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "./runtime.js";
import { FULL_HOST } from "./extensions.js";

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    super(options, new NodeNetBackend(), FULL_HOST);
  }
}

export { GuestError, GuestTrap, ListenError, PreopenError, type RuntimeOptions, type Listening, type BridgeName } from "./runtime.js";
export type { SocketRow } from "./sockets/table.js";
export type { AllowOptions } from "./access.js";
export { PolicyError } from "./policy.js";
export { DEFAULT_LIMITS, LimitError, type Limits } from "./sockets/limits.js";
export { NodeNetBackend } from "./net/node.js";
export type { NetBackend, NetStream, NetListener, SockAddr } from "./net/backend.js";
export { Core } from "./core/core.js";
