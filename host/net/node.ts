import * as net from "node:net";
import { networkInterfaces } from "node:os";
import * as dns from "node:dns/promises";
import type { ConnectOptions, ListenOptions, NetBackend, NetListener, NetStream, NetUdp, SockAddr } from "./backend.js";
import { bindUdp } from "./node-udp.js";
import { osSomaxconn, softNofile } from "./os-limits.js";
import { isLoopbackHost, isUnspecifiedHost } from "../ip.js";

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
    const all = await dns.lookup(name, { all: true, verbatim: true });
    return all.map((a) => a.address);
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

function addressOf(a: string | net.AddressInfo | null): SockAddr {
  if (a === null || typeof a === "string") return { host: "", port: 0, family: 4 };
  return { host: a.address, port: a.port, family: a.family === "IPv6" ? 6 : 4 };
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

const noop = (): void => {};

/** Connections closing with bytes still queued: settled on their 'close'. */
const closing = new Set<Promise<void>>();

const EAGER_ADDRESSES = "Bun" in globalThis;

const OWNER = Symbol("wasock.stream");
type Owned = net.Socket & { [OWNER]: NodeStream };
const owner = (s: net.Socket): NodeStream => (s as Owned)[OWNER];
// The socket layer's callbacks are called as the stream's methods (NetStream).
function onEnd(this: net.Socket): void { owner(this).onEnd(); }
function onDrain(this: net.Socket): void { owner(this).onDrain(); }
function onError(this: net.Socket, err: NodeJS.ErrnoException): void { owner(this).onError(err.code ?? "EIO"); }
function onClose(this: net.Socket): void { owner(this).onClose(); }
function onData(this: net.Socket, chunk: Buffer): void { owner(this).received(chunk); }
const socketDestroy = net.Socket.prototype._destroy as typeof net.Socket.prototype._destroy | undefined;
function destroyReadingAddresses(this: net.Socket, err: Error | null, cb: (err?: Error | null) => void): void {
  owner(this).destroying();
  socketDestroy!.call(this, err, cb);
}

/** The empty address of a connection whose addresses can no longer be read. */
const GONE: SockAddr = { host: "", port: 0, family: 4 };

class NodeStream implements NetStream {
  // Read on first use: getsockname and getpeername are a system call each, and most guests
  // never ask (they showed in a connection-per-request server's profile).
  private localAddr: SockAddr | undefined;
  private remoteAddr: SockAddr | undefined;
  /** Closed by the kernel, which asks nothing of it after that. */
  private forgotten = false;
  private dataSink: (chunk: Uint8Array) => void = noop;
  onEnd: () => void = noop;
  onDrain: () => void = noop;
  onError: (code: string) => void = noop;
  onClose: () => void = noop;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    // One set of listeners for every connection, finding theirs through the socket: a handful of
    // closures per connection is a few hundred bytes of each idle one's memory.
    (socket as Owned)[OWNER] = this;
    // A connection ended by the peer (a reset) loses its addresses with its handle: read them
    // first, while the guest may still ask. Bun's node:net has dropped the handle by then, so
    // there they are read at once.
    if (EAGER_ADDRESSES) this.readAddresses();
    else if (socketDestroy) socket._destroy = destroyReadingAddresses;
    socket.on("end", onEnd);
    socket.on("drain", onDrain);
    socket.on("error", onError);
    socket.on("close", onClose);
  }

  /** Called by the socket's "data" listener. */
  received(chunk: Buffer): void {
    this.dataSink(chunk);
  }
  destroying(): void {
    if (!this.forgotten) this.readAddresses();
  }

  readAddresses(): void {
    void this.local;
    void this.remote;
  }

  get local(): SockAddr {
    const s = this.socket;
    return (this.localAddr ??= s.localAddress === undefined ? GONE : { host: s.localAddress, port: s.localPort ?? 0, family: s.localFamily === "IPv6" ? 6 : 4 });
  }

  get remote(): SockAddr {
    const s = this.socket;
    return (this.remoteAddr ??= s.remoteAddress === undefined ? GONE : { host: s.remoteAddress, port: s.remotePort ?? 0, family: s.remoteFamily === "IPv6" ? 6 : 4 });
  }

  get onData(): (chunk: Uint8Array) => void {
    return this.dataSink;
  }

  /**
   * Bytes flow once someone takes them: until then the socket holds them. (A peer that writes
   * and closes at once had its bytes emitted, under Deno, before the kernel attached: lost.)
   */
  set onData(fn: (chunk: Uint8Array) => void) {
    const first = this.dataSink === noop;
    this.dataSink = fn;
    if (first) this.socket.on("data", onData);
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  write(data: Uint8Array): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  end(): void {
    this.socket.end();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    const s = this.socket;
    this.forgotten = true;
    if (s.destroyed) return;
    // FIN after everything queued, then gone. destroy() at once would drop writes a runtime has
    // not yet handed to the OS (Deno's node:net writes asynchronously even when nothing queues).
    const done = new Promise<void>((resolve) => s.once("close", () => resolve()));
    closing.add(done);
    void done.then(() => closing.delete(done));
    s.destroySoon();
  }

  reset(): void {
    this.forgotten = true;
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  setKeepAlive(enable: boolean, idleSecs: number): void {
    if (!this.socket.destroyed) this.socket.setKeepAlive(enable, idleSecs * 1000);
  }

  setNoDelay(on: boolean): void {
    if (!this.socket.destroyed) this.socket.setNoDelay(on);
  }
}
