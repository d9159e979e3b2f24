/**
 * The Bun adapter: TCP over Bun.listen / Bun.connect. UDP and name lookups go through Bun's
 * node:dgram and node:dns (the NodeNetBackend): Bun.udpSocket connects only when it is created
 * (no connect/disconnect on a bound socket, which wasi:sockets and POSIX guests do), has no
 * SO_RCVBUF/SO_SNDBUF, and reports an ICMP port unreachable as an error without a code; and a
 * socket program expects getaddrinfo (the hosts file, `localhost`), which node:dns.lookup is.
 */
import { NodeNetBackend } from "../node/backend.js";
import { allFlushed, type ConnectOptions, type ListenOptions, type NetBackend, type NetListener, type NetStream, type NetUdp, type SockAddr } from "../backend.js";
import { asCoded, BunStream, streamHandlers } from "./stream.js";
import type { BunNamespace, BunSocketAddress, BunTcpListener } from "./types.js";

function boundAddress(l: BunTcpListener): SockAddr {
  const a: Partial<BunSocketAddress> = {};
  l.getsockname(a);
  const host = a.address ?? l.hostname;
  return { host, port: a.port ?? l.port, family: a.family === "IPv6" || (a.family === undefined && host.includes(":")) ? 6 : 4 };
}

class BunListener implements NetListener {
  readonly local: SockAddr;
  onConnection: (stream: NetStream) => void = (s) => s.reset();
  private readonly listener: BunTcpListener;

  /** Bun takes no backlog: the OS one is Bun's own; wasock applies the guest's on its accept queue. */
  constructor(bun: BunNamespace, o: ListenOptions, queued: Set<BunStream>) {
    this.listener = bun.listen<BunStream>({
      hostname: o.host, port: o.port, allowHalfOpen: true,
      socket: streamHandlers(queued, (s) => this.onConnection(s)),
    });
    this.local = boundAddress(this.listener);
  }

  /** Stop accepting; the connections it accepted stay. */
  close(): void {
    try {
      this.listener.stop(false);
    } catch {
      // already stopped
    }
  }
}

export class BunNetBackend implements NetBackend {
  readonly name = "bun";
  private readonly node = new NodeNetBackend();
  /** Streams with bytes Bun's socket did not take yet. */
  private readonly queued = new Set<BunStream>();
  private readonly outgoing = streamHandlers(this.queued);

  constructor(private readonly bun: BunNamespace) {}

  async listen(o: ListenOptions): Promise<NetListener> {
    try {
      return new BunListener(this.bun, o, this.queued);
    } catch (e) {
      throw asCoded(e);
    }
  }

  async connect(o: ConnectOptions): Promise<NetStream> {
    try {
      const socket = await this.bun.connect<BunStream>({
        hostname: o.host, port: o.port, allowHalfOpen: true, socket: this.outgoing,
        ...(o.localHost !== undefined ? { localAddress: o.localHost } : {}),
        ...(o.localPort ? { localPort: o.localPort } : {}),
      });
      return socket.data;
    } catch (e) {
      throw asCoded(e);
    }
  }

  async probeBind(host: string, port: number): Promise<number> {
    let l: BunTcpListener;
    try {
      l = this.bun.listen({ hostname: host, port, socket: { data: () => {} } });
    } catch (e) {
      throw asCoded(e);
    }
    const bound = boundAddress(l).port;
    l.stop(true);
    return bound;
  }

  udpBind(host: string, port: number, family: 4 | 6): Promise<NetUdp> {
    return this.node.udpBind(host, port, family);
  }

  resolve(name: string): Promise<string[]> {
    return this.node.resolve(name);
  }

  somaxconn(): number | undefined {
    return this.node.somaxconn();
  }

  fdLimit(): number | undefined {
    return this.node.fdLimit();
  }

  drain(timeoutMs: number): Promise<void> {
    return allFlushed(this.queued, timeoutMs);
  }
}
