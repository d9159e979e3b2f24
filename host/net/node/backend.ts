import * as net from "node:net";
import { networkInterfaces } from "node:os";
import type { ConnectOptions, ListenOptions, NetBackend, NetListener, NetStream, NetUdp, SockAddr } from "../backend.js";
import { bindUdp } from "./udp.js";
import { addressOf, closing, NodeStream, uncorkAll } from "./stream.js";
import { osSomaxconn, softNofile } from "./os-limits.js";
import { isLoopbackHost, isUnspecifiedHost } from "../../ip.js";

/** The node:net adapter (also what Deno's and Bun's node compatibility layers run). */
export class NodeNetBackend implements NetBackend {
  readonly name = "node";

  listen(options: ListenOptions): Promise<NetListener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false, noDelay: true });
      const listener = new NodeListener(server);
      server.once("error", (e) => reject(bindError(e, options.host)));
      server.listen({ host: options.host, port: options.port, backlog: options.backlog }, () => {
        server.off("error", reject);
        server.on("error", () => {});
        listener.local = addressOf(server.address());
        resolve(listener);
      });
    });
  }

  connect(o: ConnectOptions): Promise<NetStream> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: o.host, port: o.port, allowHalfOpen: true, noDelay: true,
        ...(o.localHost !== undefined ? { localAddress: o.localHost } : {}),
        ...(o.localPort ? { localPort: o.localPort } : {}),
      });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new NodeStream(socket));
      });
    });
  }

  probeBind(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once("error", (e) => reject(bindError(e, host)));
      server.listen({ host, port, exclusive: true }, () => {
        const bound = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(bound));
      });
    });
  }

  udpBind(host: string, port: number, family: 4 | 6): Promise<NetUdp> {
    return bindUdp(host, port, family);
  }

  async resolve(name: string): Promise<string[]> {
    // Loaded at the first look-up: node:dns/promises is not node:net's own resolver (node:dns),
    // and a run that resolves no name need not load it before its listeners open.
    const dns = await import("node:dns/promises");
    const all = await dns.lookup(name, { all: true, verbatim: true });
    return all.map((a) => a.address);
  }

  flushWrites(): void {
    uncorkAll();
  }

  drain(timeoutMs: number): Promise<void> {
    if (closing.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void Promise.all([...closing]).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  somaxconn(): number | undefined {
    return osSomaxconn();
  }

  fdLimit(): number | undefined {
    return softNofile();
  }
}

/**
 * Deno's node:net reports EINVAL where the OS said EADDRNOTAVAIL (binding an address this host
 * does not have). Binding a non-local address has no other EINVAL on Linux, so name it right.
 */
function bindError(e: NodeJS.ErrnoException, host: string): NodeJS.ErrnoException {
  if (e.code !== "EINVAL" || isLocalAddress(host)) return e;
  return Object.assign(new Error(`bind EADDRNOTAVAIL ${host}`), { code: "EADDRNOTAVAIL", errno: -99, syscall: "bind" });
}

function isLocalAddress(host: string): boolean {
  if (isUnspecifiedHost(host) || isLoopbackHost(host)) return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === host));
}

class NodeListener implements NetListener {
  local: SockAddr = { host: "", port: 0, family: 4 };
  onConnection: (stream: NetStream) => void = (s) => s.reset();

  constructor(private readonly server: net.Server) {
    server.on("connection", (socket) => this.onConnection(new NodeStream(socket)));
  }

  close(): void {
    this.server.close();
  }
}
