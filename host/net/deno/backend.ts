/**
 * The Deno adapter: TCP over Deno.listen / Deno.connect. UDP and name lookups go through Deno's
 * node:dgram and node:dns: Deno.listenDatagram is still behind --unstable-net, and
 * Deno.resolveDns asks DNS servers only, where a socket program expects getaddrinfo (the hosts
 * file, `localhost`).
 */
import { NodeNetBackend } from "../node/backend.js";
import { allFlushed, type ConnectOptions, type ListenOptions, type NetBackend, type NetListener, type NetStream, type NetUdp, type SockAddr } from "../backend.js";
import { addrOf, codeOf, DenoStream } from "./stream.js";
import type { DenoConn, DenoListener, DenoNamespace } from "./types.js";

/** Deno says why in a class name; a bind needs a Node-style code for the caller. */
function asCoded(e: unknown): Error {
  return Object.assign(e instanceof Error ? e : new Error(String(e)), { code: codeOf(e) });
}

/**
 * Listeners closed while their accept() was pending. Deno frees the port only once that accept
 * has settled, a turn after close() (measured: an immediate Deno.listen on it is AddrInUse, one a
 * turn later binds), where a native close frees it at once: a bind or listen that finds the port
 * in use waits for these and tries once more.
 */
const releasing = new Set<Promise<void>>();

async function retryingInUse<T>(f: () => T): Promise<T> {
  try {
    return f();
  } catch (e) {
    if ((codeOf(e) !== "EADDRINUSE" && codeOf(e) !== "AddrInUse") || releasing.size === 0) throw asCoded(e);
  }
  await Promise.all(releasing);
  try {
    return f();
  } catch (e) {
    throw asCoded(e);
  }
}

class DenoTcpListener implements NetListener {
  readonly local: SockAddr;
  onConnection: (stream: NetStream) => void = (s) => s.reset();
  private closed = false;
  private accepting: Promise<DenoConn> | undefined;

  constructor(private readonly listener: DenoListener, private readonly wrap: (s: DenoStream) => DenoStream) {
    this.local = addrOf(listener.addr);
    void this.acceptLoop();
  }

  private async acceptLoop(): Promise<void> {
    while (!this.closed) {
      try {
        this.accepting = this.listener.accept();
        const conn = await this.accepting; // first: a call would take onConnection before the await
        this.accepting = undefined;
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
    if (this.accepting) {
      const released: Promise<void> = this.accepting.then(() => {}, () => {}).then(() => new Promise<void>((r) => setTimeout(r, 0))).finally(() => releasing.delete(released));
      releasing.add(released);
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
    const l = await retryingInUse(() => this.deno.listen({ hostname: o.host, port: o.port, transport: "tcp" }));
    return new DenoTcpListener(l, (s) => this.track(s));
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
    const l = await retryingInUse(() => this.deno.listen({ hostname: host, port, transport: "tcp" }));
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
