/**
 * wasock for Node.js: WASI guests with real TCP sockets over node:net.
 *
 *   import { Runtime } from "wasock/node";
 *   const rt = new Runtime({ args: ["app.wasm"], listen: ["127.0.0.1:0"] });
 *   const { exitCode } = await rt.run(await WebAssembly.compile(bytes));
 */
import { NodeNetBackend } from "../net/node/backend.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "../runtime.js";
import { FULL_HOST } from "../extensions.js";

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    super(options, new NodeNetBackend(), FULL_HOST);
  }
}

export * from "./exports.js";
export { NodeNetBackend } from "../net/node/backend.js";
