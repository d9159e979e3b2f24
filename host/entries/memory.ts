/**
 * wasock on an in-process network: guests listen, connect and exchange datagrams with each other
 * and with host code in the same process, with no OS sockets (browsers, tests). This file is
 * wasock/memory for Node, Deno and Bun: browser.ts, which bundlers for the web take, with the
 * host's services (extensions.ts: the worker bridge, components, pre-opened directories).
 *
 *   import { MemoryNetwork, Runtime } from "wasock/memory";
 *   const net = new MemoryNetwork();
 *   const rt = new Runtime(net, { listen: ["127.0.0.1:8080"] });
 *   void rt.run(module);
 *   const conn = net.connect("127.0.0.1", 8080);   // a NetStream: write(), onData, end()
 */
import { MemoryNetwork } from "../net/memory/network.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "../runtime.js";
import { FULL_HOST } from "../extensions.js";

export * from "./browser.js";

export class Runtime extends BaseRuntime {
  constructor(readonly network: MemoryNetwork = new MemoryNetwork(), options: RuntimeOptions = {}) {
    super(options, network.backend(), FULL_HOST);
  }
}
