/**
 * wasock for Deno: WASI guests with real TCP sockets over Deno.listen / Deno.connect.
 *
 *   import { Runtime } from "npm:wasock/deno";
 *   const rt = new Runtime({ args: ["app.wasm"], listen: ["127.0.0.1:0"] });
 *   const { exitCode } = await rt.run(await WebAssembly.compile(bytes));
 */
import { DenoNetBackend } from "./net/deno/backend.js";
import { denoApi } from "./net/deno/types.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "./runtime.js";
import { FULL_HOST } from "./extensions.js";

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    const deno = denoApi();
    if (!deno) throw new Error("wasock/deno needs Deno (Deno.listen/Deno.connect): use wasock/node elsewhere");
    super(options, new DenoNetBackend(deno), FULL_HOST);
  }
}

export { DenoNetBackend };
export { GuestError, GuestTrap, ListenError, PreopenError, type RuntimeOptions, type Listening, type BridgeName } from "./runtime.js";
export type { SocketRow } from "./sockets/table.js";
export type { AllowOptions } from "./access.js";
export { PolicyError } from "./policy.js";
export { DEFAULT_LIMITS, LimitError, type Limits } from "./sockets/limits.js";
export type { NetBackend, NetStream, NetListener, SockAddr } from "./net/backend.js";
export { Core } from "./core/core.js";
