/**
 * A Bun TCP socket as a NetStream. Bun's sockets are push-based like node:net, but `write` only
 * takes what the OS takes: the rest queues here (`bufferedAmount`) and goes out on `drain`, and a
 * FIN or close asked for meanwhile waits for the queue. One handler object serves every socket of
 * a listener (or every outgoing connection); `socket.data` is the BunStream it belongs to.
 */
import { constants } from "node:os";
import type { NetStream, SockAddr } from "../backend.js";
import type { BunSocket, BunSocketHandler } from "./types.js";

const noop = (): void => {};
/** Queued chunks smaller than this are merged into one write on drain. */
const MERGE_BELOW = 16 * 1024;
const MERGE_UP_TO = 64 * 1024;

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** Bun's errors mostly carry Node's code already; the rest are named from errno or Bun's own code. */
export function codeOf(e: unknown): string {
  const err = e as { code?: unknown; errno?: unknown } | undefined;
  if (typeof err?.code === "string") return err.code === "ERR_OUT_OF_RANGE" ? "ERR_SOCKET_BAD_PORT" : err.code;
  if (typeof err?.errno === "number") return errnoNames.get(Math.abs(err.errno)) ?? "EIO";
  return "EIO";
}

/** A Bun error as a thrown/rejected error with a Node-style code for the core's table. */
export function asCoded(e: unknown): Error {
  return Object.assign(e instanceof Error ? e : new Error(String(e)), { code: codeOf(e) });
}

function addr(host: string, port: number, family: string): SockAddr {
  return { host, port, family: family === "IPv6" ? 6 : 4 };
}

export class BunStream implements NetStream {
  readonly local: SockAddr;
  readonly remote: SockAddr;
  onEnd: () => void = noop;
  onDrain: () => void = noop;
  onError: (code: string) => void = noop;
  onClose: () => void = noop;
  bufferedAmount = 0;
  private sink: (chunk: Uint8Array) => void = noop;
  /** Events that came before anyone took the bytes (onData set): replayed, in order, then. */
  private held: (() => void)[] | undefined = [];
  private readonly queue: Uint8Array[] = [];
  private closed = false;
  /** end() or close() called: no more writes; the FIN (or close) goes once the queue is empty. */
  private writeEnded = false;
  /** close() or reset() called here: the socket's close is ours, not the peer's. */
  private closing = false;
  private peerEnded = false;
  private errorSeen = false;
  private waiters: (() => void)[] = [];

  /** `queued`: the backend's set of streams with bytes not yet handed to the OS (what drain waits for). */
  constructor(private readonly socket: BunSocket<BunStream>, private readonly queued: Set<BunStream>) {
    socket.data = this;
    socket.setNoDelay(true);
    this.local = addr(socket.localAddress, socket.localPort, socket.localFamily);
    this.remote = addr(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
  }

  get onData(): (chunk: Uint8Array) => void {
    return this.sink;
  }

  /** The socket layer attaches all its callbacks at once, onData first: replay after it. */
  set onData(fn: (chunk: Uint8Array) => void) {
    this.sink = fn;
    if (this.held?.length === 0) this.held = undefined; // nothing came yet: straight through from now
    else if (this.held) queueMicrotask(() => this.replay());
  }

  private replay(): void {
    const held = this.held;
    if (!held) return;
    for (let i = 0; i < held.length; i++) held[i]!(); // an event replayed may add one
    this.held = undefined;
  }

  // --- from Bun's handlers (held until the socket layer is attached) ---

  received(chunk: Uint8Array): void {
    if (this.held) this.held.push(() => this.sink(chunk));
    else this.sink(chunk);
  }

  peerFin(): void {
    if (this.held) this.held.push(() => this.ended());
    else this.ended();
  }

  failed(e: unknown): void {
    if (this.held) this.held.push(() => this.errored(e));
    else this.errored(e);
  }

  gone(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.bufferedAmount = 0;
    this.settle();
    if (this.held) this.held.push(() => this.closedNow(error));
    else this.closedNow(error);
  }

  private ended(): void {
    if (this.peerEnded) return;
    this.peerEnded = true;
    this.onEnd();
  }

  private errored(e: unknown): void {
    if (this.errorSeen || this.closing) return;
    this.errorSeen = true;
    this.onError(codeOf(e));
  }

  private closedNow(error: Error | undefined): void {
    if (error) this.errored(error);
    // Bun closes a socket that sent its FIN when the peer's arrives, without calling `end`.
    else if (!this.closing) this.ended();
    this.onClose();
  }

  writable(): void {
    if (this.closed || this.queue.length === 0) return;
    while (this.queue.length > 0) {
      const chunk = this.next();
      const n = this.socket.write(chunk);
      if (n < 0) return; // closed: its close handler tells
      this.bufferedAmount -= n;
      if (n < chunk.length) {
        this.queue[0] = chunk.subarray(n);
        return;
      }
      this.queue.shift();
    }
    this.emptied();
    if (!this.closed) this.onDrain();
  }

  /** The head of the queue, small chunks merged (fewer writes for a guest that sends in pieces). */
  private next(): Uint8Array {
    const q = this.queue;
    if (q.length === 1 || q[0]!.length >= MERGE_BELOW) return q[0]!;
    let n = 0, k = 0;
    while (k < q.length && n + q[k]!.length <= MERGE_UP_TO) n += q[k++]!.length;
    if (k <= 1) return q[0]!;
    const merged = new Uint8Array(n);
    let off = 0;
    for (const c of q.splice(0, k, merged)) {
      merged.set(c, off);
      off += c.length;
    }
    return merged;
  }

  /** Everything queued is with the OS: send what end() or close() asked for. */
  private emptied(): void {
    this.settle();
    if (this.closed || !this.writeEnded) return;
    if (this.closing) this.socket.end(); // FIN and close(); Bun calls `close` before this returns
    else this.socket.shutdown();
  }

  private settle(): void {
    this.queued.delete(this);
    for (const w of this.waiters.splice(0)) w();
  }

  // --- NetStream ---

  write(data: Uint8Array): void {
    if (this.closed || this.writeEnded || data.length === 0) return;
    if (this.queue.length === 0) {
      const n = this.socket.write(data);
      if (n === data.length || n < 0) return; // all with the OS, or closed (its close handler tells)
      data = data.subarray(n);
    }
    this.queue.push(data);
    this.bufferedAmount += data.length;
    this.queued.add(this);
  }

  end(): void {
    if (this.writeEnded || this.closed) return;
    this.writeEnded = true;
    if (this.queue.length === 0) this.emptied();
  }

  pause(): void {
    if (!this.closed) this.socket.pause();
  }

  resume(): void {
    if (!this.closed) this.socket.resume();
  }

  /** FIN after the queued writes, then the descriptor is closed (Linux close()). */
  close(): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.writeEnded = true;
    if (this.queue.length === 0) this.emptied();
  }

  /** RST: SO_LINGER 0, queued bytes dropped. */
  reset(): void {
    if (this.closed) return;
    this.closing = true;
    this.socket.terminate();
  }

  setKeepAlive(enable: boolean, idleSecs: number): void {
    if (!this.closed) this.socket.setKeepAlive(enable, idleSecs * 1000);
  }

  setNoDelay(on: boolean): void {
    if (!this.closed) this.socket.setNoDelay(on);
  }

  /** Settled when everything written has been handed to the OS (or the socket is gone). */
  flushed(): Promise<void> {
    if (this.closed || this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Bun's handlers for sockets whose `data` is their BunStream: `open` makes the stream and hands it
 * on. A connection that failed before `open` has none (`close`/`error` then have nothing to tell).
 */
export function streamHandlers(queued: Set<BunStream>, opened: (stream: BunStream) => void = noop): BunSocketHandler<BunStream> {
  return {
    open: (socket) => opened(new BunStream(socket, queued)),
    data: (socket, chunk) => socket.data.received(chunk),
    drain: (socket) => socket.data.writable(),
    end: (socket) => socket.data.peerFin(),
    close: (socket, error) => socket.data?.gone(error),
    error: (socket, error) => socket.data?.failed(error),
    connectError: () => {}, // Bun.connect rejects with the same error
  };
}
