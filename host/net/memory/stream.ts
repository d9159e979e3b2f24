/**
 * One in-memory TCP connection: two linked ends. Bytes written on one end arrive at the other on a
 * later turn of the event loop, in order, as a network would deliver them; a paused end holds
 * them, and until it takes them they count as the writer's `bufferedAmount` (backpressure).
 */
import type { NetStream, SockAddr } from "../backend.js";
import { soon } from "../../util/timer.js";

const noop = (): void => {};

export class MemoryStream implements NetStream {
  onData: (chunk: Uint8Array) => void = noop;
  onEnd: () => void = noop;
  onDrain: () => void = noop;
  onError: (code: string) => void = noop;
  onClose: () => void = noop;

  /** The other end (set by `pair`). */
  private peer!: MemoryStream;
  /** What the peer wrote that this end has not taken yet (paused, or not yet delivered). */
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private paused = false;
  private scheduled = false;
  /** The peer sent FIN (delivered after the inbox drains). */
  private finReceived = false;
  private finDelivered = false;
  private writeEnded = false;
  private closed = false;

  private constructor(readonly local: SockAddr, readonly remote: SockAddr) {}

  /** A connection between `a` (the connecting side) and `b` (the accepted side). */
  static pair(a: SockAddr, b: SockAddr): [MemoryStream, MemoryStream] {
    const x = new MemoryStream(a, b);
    const y = new MemoryStream(b, a);
    x.peer = y;
    y.peer = x;
    return [x, y];
  }

  get bufferedAmount(): number {
    return this.peer.inboxBytes;
  }

  write(data: Uint8Array): void {
    if (this.writeEnded || this.closed || this.peer.closed) return;
    this.peer.inbox.push(data);
    this.peer.inboxBytes += data.length;
    this.peer.schedule();
  }

  end(): void {
    if (this.writeEnded || this.closed) return;
    this.writeEnded = true;
    this.peer.finReceived = true;
    this.peer.schedule();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  close(): void {
    if (this.closed) return;
    this.end();
    this.closed = true;
    this.onClose();
  }

  /** Abort: the peer sees a reset, and whatever it had not taken is gone. */
  reset(): void {
    if (this.closed) return;
    this.closed = true;
    const p = this.peer;
    if (!p.closed) {
      p.inbox.length = 0;
      p.inboxBytes = 0;
      soon(() => {
        if (p.closed) return;
        p.onError("ECONNRESET");
        p.closed = true;
        p.onClose();
      });
    }
    this.onClose();
  }

  setKeepAlive(): void {} // nothing idles out on an in-memory network
  setNoDelay(): void {}

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    soon(() => {
      this.scheduled = false;
      this.deliver();
    });
  }

  private deliver(): void {
    let took = false;
    while (!this.paused && !this.closed && this.inbox.length > 0) {
      const chunk = this.inbox.shift()!;
      this.inboxBytes -= chunk.length;
      took = true;
      this.onData(chunk);
    }
    if (took) this.peer.onDrain();
    if (this.finReceived && !this.finDelivered && this.inbox.length === 0 && !this.closed) {
      this.finDelivered = true;
      this.onEnd();
      if (this.writeEnded) this.closeBoth();
    } else if (this.writeEnded && this.peer.finDelivered && this.finDelivered) this.closeBoth();
  }

  /** Both sides have sent FIN and taken the other's: the connection is over. */
  private closeBoth(): void {
    for (const s of [this, this.peer]) {
      if (s.closed) continue;
      s.closed = true;
      s.onClose();
    }
  }
}
