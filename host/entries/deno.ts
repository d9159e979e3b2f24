/**
 * wasock for Deno: WASI guests with real TCP sockets over Deno.listen / Deno.connect.
 *
 *   import { Runtime } from "npm:wasock/deno";
 *   const rt = new Runtime({ args: ["app.wasm"], listen: ["127.0.0.1:0"] });
 *   const { exitCode } = await rt.run(await WebAssembly.compile(bytes));
 */
import { DenoNetBackend } from "../net/deno/backend.js";
import { denoApi } from "../net/deno/types.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "../runtime.js";
import { FULL_HOST } from "../extensions.js";

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    const deno = denoApi();
    if (!deno) throw new Error("wasock/deno needs Deno (Deno.listen/Deno.connect): use wasock/node elsewhere");
    super(options, new DenoNetBackend(deno), FULL_HOST);
  }
}

export { DenoNetBackend };
export * from "./exports.js";
