/**
 * A node:net Socket as a NetStream: its callbacks shared by every connection (called as methods
 * of the stream), its addresses read once, and a close with bytes still queued settled on 'close'.
 */
import * as net from "node:net";
import type { NetStream, SockAddr } from "../backend.js";
import { isPooled, recycle } from "../../util/slab.js";

export function addressOf(a: string | net.AddressInfo | null): SockAddr {
  if (a === null || typeof a === "string") return { host: "", port: 0, family: 4 };
  return { host: a.address, port: a.port, family: a.family === "IPv6" ? 6 : 4 };
}

const noop = (): void => {};

/** Connections closing with bytes still queued: settled on their 'close'. */
export const closing = new Set<Promise<void>>();

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

/** The streams corked since the guest last waited, uncorked together on the next microtask. */
const corked: NodeStream[] = [];

/** Every stream corked since the guest last waited sends what it holds (also: NetBackend.flushWrites). */
export function uncorkAll(): void {
  if (corked.length === 0) return;
  for (const st of corked) st.uncork();
  corked.length = 0;
}

export class NodeStream implements NetStream {
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

  /**
   * Corked until the guest next waits: what a guest sends in one run of calls (a 64 KiB echo
   * as four 16 KiB writes) leaves in one writev, as node:net's own echo sends it in one write.
   */
  write(data: Uint8Array): void {
    const s = this.socket;
    if (s.destroyed || !s.writable) return;
    if (!this.corked) {
      this.corked = true;
      s.cork();
      corked.push(this);
      if (corked.length === 1) queueMicrotask(uncorkAll);
    }
    // A pooled copy (util/slab.ts) goes back to its pool once node:net has handed it to the OS.
    if (isPooled(data)) s.write(data, () => recycle(data));
    else s.write(data);
  }

  /** Corked since the last uncorkAll (and so in `corked`). */
  private corked = false;

  /** uncorkAll's: what was corked leaves (as one writev when there are several writes). */
  uncork(): void {
    this.corked = false;
    this.socket.uncork();
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
