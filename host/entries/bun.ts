/**
 * wasock for Bun: WASI guests with real TCP sockets over Bun.listen / Bun.connect (UDP and name
 * lookups through Bun's node:dgram and node:dns).
 *
 *   import { Runtime } from "wasock/bun";
 *   const rt = new Runtime({ args: ["app.wasm"], listen: ["127.0.0.1:0"] });
 *   const { exitCode } = await rt.run(await WebAssembly.compile(bytes));
 */
import { BunNetBackend } from "../net/bun/backend.js";
import { bunApi } from "../net/bun/types.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "../runtime.js";
import { FULL_HOST } from "../extensions.js";

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    const bun = bunApi();
    if (!bun) throw new Error("wasock/bun needs Bun (Bun.listen/Bun.connect): use wasock/node elsewhere");
    super(options, new BunNetBackend(bun), FULL_HOST);
  }
}

export { BunNetBackend };
export * from "./exports.js";
