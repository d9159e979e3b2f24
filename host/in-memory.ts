/**
 * wasock on an in-process network: guests listen, connect and exchange datagrams with each other
 * and with host code in the same process, with no OS sockets (browsers, tests).
 *
 *   import { MemoryNetwork, Runtime } from "wasock/memory";
 *   const net = new MemoryNetwork();
 *   const rt = new Runtime(net, { listen: ["127.0.0.1:8080"] });
 *   void rt.run(module);
 *   const conn = net.connect("127.0.0.1", 8080);   // a NetStream: write(), onData, end()
 */
import { MemoryNetwork } from "./net/memory/network.js";
import { Runtime as BaseRuntime, type RuntimeOptions } from "./runtime.js";
import { FULL_HOST } from "./extensions.js";

export class Runtime extends BaseRuntime {
  constructor(readonly network: MemoryNetwork = new MemoryNetwork(), options: RuntimeOptions = {}) {
    super(options, network.backend(), FULL_HOST);
  }
}

export { MemoryNetwork };
export { MemoryStream } from "./net/memory/stream.js";
export { DEFAULT_LIMITS, LimitError, type Limits } from "./sockets/limits.js";
export { GuestError, GuestTrap, ListenError, PreopenError, type RuntimeOptions, type Listening, type BridgeName } from "./runtime.js";
export type { SocketRow } from "./sockets/table.js";
export type { AllowOptions } from "./access.js";
export type { NetBackend, NetStream, NetListener, SockAddr } from "./net/backend.js";
export { Core } from "./core/core.js";
