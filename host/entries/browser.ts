/**
 * wasock/memory in a browser (the package's "browser" condition: bundlers for the web take this
 * file): guests on an in-process network, with nothing of Node in the bundle. Guests block
 * through JSPI (Chromium has it); there is no worker bridge, no components (jco's transpiler is
 * Node's), no pre-opened directories (a `preopens` option is a PreopenError, and a guest's file
 * calls answer as for a guest given no directory), and guest output goes to the console unless
 * `stdout`/`stderr` are given.
 *
 *   import { MemoryNetwork, Runtime } from "wasock/memory";
 *   const net = new MemoryNetwork();
 *   const rt = new Runtime(net, { listen: ["127.0.0.1:8080"], stdout: (d) => show(d) });
 *   void rt.run(await WebAssembly.compileStreaming(fetch("server.wasm")));
 *   const conn = net.connect("127.0.0.1", 8080);   // a NetStream: write(), onData, end()
 */
import { MemoryNetwork } from "../net/memory/network.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "../runtime.js";

export class Runtime extends BaseRuntime {
  constructor(readonly network: MemoryNetwork = new MemoryNetwork(), options: RuntimeOptions = {}) {
    super(options, network.backend());
  }
}

export { MemoryNetwork };
export { MemoryStream } from "../net/memory/stream.js";
export * from "./exports.js";
