/**
 * wasock for Cloudflare Workers (workerd): WASI guests whose sockets connect out over
 * `connect()` from cloudflare:sockets. A Worker cannot listen, accept or send datagrams, so those
 * are ENOTSUP to the guest. workerd compiles no WebAssembly at run time: the guest and the core
 * come in as modules the bundler (wrangler, or workerd's own) compiled.
 *
 *   import { Runtime } from "wasock/workerd";
 *   import guest from "../client.wasm";
 *   const { exitCode } = await new Runtime({ args: ["client", "10.0.0.1:6379"], allow: { connect: ["10.0.0.1:6379"] } }).run(guest);
 */
import { connect } from "cloudflare:sockets";
import core from "../core/core.wasm";
import { Core } from "../core/core.js";
import { WorkerdNetBackend } from "../net/workerd/backend.js";
import { GuestError, Runtime as BaseRuntime, type RuntimeOptions } from "../runtime.js";

Core.provide(core);

export class Runtime extends BaseRuntime {
  constructor(options: RuntimeOptions = {}) {
    super(
      {
        ...options,
        // The console takes lines; given as stdoutLines, a last line without a newline is written when the run ends.
        stdoutLines: options.stdout === undefined ? (options.stdoutLines ?? ((l) => console.log(l))) : undefined,
        stderrLines: options.stderr === undefined ? (options.stderrLines ?? ((l) => console.error(l))) : undefined,
        onDeny: options.onDeny ?? ((m) => console.error(m)),
        bridge: options.bridge ?? "jspi",
      },
      new WorkerdNetBackend(connect),
    );
  }

  /** Run a guest module (a WebAssembly.Module: workerd refuses to compile bytes). */
  override run(module: WebAssembly.Module | BufferSource): Promise<{ exitCode: number }> {
    if (!(module instanceof WebAssembly.Module)) {
      return Promise.reject(new GuestError("workerd compiles no WebAssembly at run time: import the guest's .wasm (a WebAssembly.Module), not its bytes"));
    }
    return super.run(module);
  }
}

export { WorkerdNetBackend };
export * from "./exports.js";
