/**
 * A cloudflare:sockets Socket as a NetStream. The socket is a pair of web streams: this end runs
 * one read loop (stopped while paused, so the peer meets a closed window) and one chain of writes,
 * whose queued bytes are `bufferedAmount`. workerd's errors carry a message and no code; `codeOf`
 * names the two it gives.
 */
import type { NetStream, SockAddr } from "../backend.js";
import type { CfSocket } from "./types.js";

const noop = (): void => {};

/** "127.0.0.1:80" or "[::1]:80" (workerd's `remoteAddress`) as a SockAddr. */
export function parseAddress(text: string | undefined, fallback: SockAddr): SockAddr {
  const m = text === undefined ? null : /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (!m) return fallback;
  const host = m[1]!;
  return { host, port: Number(m[2]), family: host.includes(":") ? 6 : 4 };
}

/** workerd reports failures as messages: a refused or unreachable peer, or a connection lost. */
export function codeOf(e: unknown): string {
  const message = String((e as { message?: unknown })?.message ?? e);
  if (/cannot connect/i.test(message)) return "ECONNREFUSED";
  if (/connection lost|disconnected|reset/i.test(message)) return "ECONNRESET";
  if (/closed|aborted/i.test(message)) return "EPIPE";
  return "EIO";
}

export class WorkerdStream implements NetStream {
  private dataSink: (chunk: Uint8Array) => void = noop;
  onEnd: () => void = noop;
  onDrain: () => void = noop;
  onError: (code: string) => void = noop;
  onClose: () => void = noop;
  /** The adapter's own hook, called once the connection is over (the socket layer owns onClose). */
  onFinished: () => void = noop;
  bufferedAmount = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private paused = false;
  private reading = false;
  private writes: Promise<void> = Promise.resolve();
  private closed = false;
  private readEnded = false;
  private writeEnded = false;

  constructor(private readonly socket: CfSocket, readonly local: SockAddr, readonly remote: SockAddr) {
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
  }

  get onData(): (chunk: Uint8Array) => void {
    return this.dataSink;
  }

  /** Reading starts once someone takes the bytes: until then the kernel's buffers hold them. */
  set onData(fn: (chunk: Uint8Array) => void) {
    this.dataSink = fn;
    void this.readLoop();
  }

  private async readLoop(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (!this.paused && !this.closed && !this.readEnded) {
        const { done, value } = await this.reader.read();
        if (done) {
          this.readEnded = true;
          this.onEnd();
          this.maybeClosed();
          break;
        }
        if (value.length > 0) this.dataSink(value);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.reading = false;
    }
  }

  private fail(e: unknown): void {
    if (this.closed) return;
    this.onError(codeOf(e));
    this.finish();
  }

  /** Both directions done: the connection is over. */
  private maybeClosed(): void {
    if (this.readEnded && this.writeEnded && this.bufferedAmount === 0) this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close().catch(noop);
    this.onFinished();
    this.onClose();
  }

  write(data: Uint8Array): void {
    if (this.closed || this.writeEnded) return;
    this.bufferedAmount += data.length;
    this.writes = this.writes.then(async () => {
      try {
        if (!this.closed) await this.writer.write(data);
      } catch (e) {
        this.fail(e);
      }
      this.bufferedAmount -= data.length;
      if (this.bufferedAmount === 0) this.onDrain();
    });
  }

  /** Half-close: with allowHalfOpen, closing the writable side sends FIN and keeps reading. */
  end(): void {
    if (this.writeEnded || this.closed) return;
    this.writeEnded = true;
    void this.writes.then(async () => {
      try {
        if (!this.closed) await this.writer.close();
      } catch {
        // the peer is gone already
      }
      this.maybeClosed();
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    void this.readLoop();
  }

  /** FIN after the queued writes, then gone. */
  close(): void {
    if (this.closed) return;
    this.writeEnded = true;
    void this.writes.then(() => this.finish());
  }

  /** cloudflare:sockets has no SO_LINGER: the nearest to a reset is closing now, queued bytes dropped. */
  reset(): void {
    this.finish();
  }

  /** Neither keep-alive nor Nagle can be set on a cloudflare:sockets Socket. */
  setKeepAlive(): void {}

  setNoDelay(): void {}

  /** Settled when everything written has been taken by the socket. */
  flushed(): Promise<void> {
    return this.writes;
  }
}
