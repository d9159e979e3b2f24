/**
 * The Deno adapter: TCP over Deno.listen / Deno.connect. UDP and name lookups go through Deno's
 * node:dgram and node:dns: Deno.listenDatagram is still behind --unstable-net, and
 * Deno.resolveDns asks DNS servers only, where a socket program expects getaddrinfo (the hosts
 * file, `localhost`).
 */
import { NodeNetBackend } from "../node/backend.js";
import { allFlushed, type ConnectOptions, type ListenOptions, type NetBackend, type NetListener, type NetStream, type NetUdp, type SockAddr } from "../backend.js";
import { addrOf, codeOf, DenoStream } from "./stream.js";
import type { DenoListener, DenoNamespace } from "./types.js";

/** Deno says why in a class name; a bind needs a Node-style code for the caller. */
function asCoded(e: unknown): Error {
  return Object.assign(e instanceof Error ? e : new Error(String(e)), { code: codeOf(e) });
}

class DenoTcpListener implements NetListener {
  readonly local: SockAddr;
  onConnection: (stream: NetStream) => void = (s) => s.reset();
  private closed = false;

  constructor(private readonly listener: DenoListener, private readonly wrap: (s: DenoStream) => DenoStream) {
    this.local = addrOf(listener.addr);
    void this.acceptLoop();
  }

  private async acceptLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const conn = await this.listener.accept(); // first: a call would take onConnection before the await
        this.onConnection(this.wrap(new DenoStream(conn)));
      } catch {
        if (this.closed) return; // closed under the pending accept
        // a connection that failed while being accepted: the listener goes on
      }
    }
  }

  close(): void {
    this.closed = true;
    try {
      this.listener.close();
    } catch {
      // already closed
    }
  }
}

export class DenoNetBackend implements NetBackend {
  readonly name = "deno";
  private readonly node = new NodeNetBackend();
  private readonly open = new Set<DenoStream>();

  constructor(private readonly deno: DenoNamespace) {}

  /** Remember an open connection until it is over (for drain). The socket layer sets onClose
   *  itself when it attaches, so the adapter's own hook is onFinished. */
  private track(s: DenoStream): DenoStream {
    this.open.add(s);
    s.onFinished = () => this.open.delete(s);
    return s;
  }

  async listen(o: ListenOptions): Promise<NetListener> {
    try {
      return new DenoTcpListener(this.deno.listen({ hostname: o.host, port: o.port, transport: "tcp" }), (s) => this.track(s));
    } catch (e) {
      throw asCoded(e);
    }
  }

  async connect(o: ConnectOptions): Promise<NetStream> {
    // Deno.connect cannot bind the local end first: a guest's bind before connect is not honoured.
    try {
      return this.track(new DenoStream(await this.deno.connect({ hostname: o.host, port: o.port, transport: "tcp" })));
    } catch (e) {
      throw asCoded(e);
    }
  }

  async probeBind(host: string, port: number): Promise<number> {
    let l: DenoListener;
    try {
      l = this.deno.listen({ hostname: host, port, transport: "tcp" });
    } catch (e) {
      throw asCoded(e);
    }
    const bound = l.addr.port;
    l.close();
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
    return allFlushed(this.open, timeoutMs);
  }
}
