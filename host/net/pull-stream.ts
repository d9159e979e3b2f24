/**
 * A NetStream over a pull-based connection (Deno's, cloudflare:sockets'): one read loop, stopped
 * while paused so the peer meets a closed TCP window, and one chain of writes, whose queued bytes
 * are `bufferedAmount`. An adapter says how to read, write, half-close and close its connection.
 */
import type { NetStream, SockAddr } from "./backend.js";

const noop = (): void => {};

export abstract class PullStream implements NetStream {
  private dataSink: (chunk: Uint8Array) => void = noop;
  onEnd: () => void = noop;
  onDrain: () => void = noop;
  onError: (code: string) => void = noop;
  onClose: () => void = noop;
  /** The adapter's own hook, called once the connection is over (the socket layer owns onClose). */
  onFinished: () => void = noop;
  bufferedAmount = 0;
  private paused = false;
  private reading = false;
  private writes: Promise<void> = Promise.resolve();
  protected closed = false;
  private readEnded = false;
  private writeEnded = false;

  abstract readonly local: SockAddr;
  abstract readonly remote: SockAddr;

  /** The next bytes, or null at the peer's FIN. */
  protected abstract readChunk(): Promise<Uint8Array | null>;
  /** Hand all of `data` to the connection. */
  protected abstract writeAll(data: Uint8Array): Promise<void>;
  /** Send FIN, keep reading. */
  protected abstract closeWrite(): Promise<void>;
  /** Close the connection now (idempotent, never throws). */
  protected abstract closeConnection(): void;
  /** The Node-style code of one of the connection's errors. */
  protected abstract codeOf(e: unknown): string;
  abstract setKeepAlive(enable: boolean, idleSecs: number): void;
  abstract setNoDelay(on: boolean): void;

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
        const chunk = await this.readChunk();
        if (chunk === null) {
          this.readEnded = true;
          this.onEnd();
          this.maybeClosed();
          break;
        }
        if (chunk.length > 0) this.dataSink(chunk);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.reading = false;
    }
  }

  private fail(e: unknown): void {
    if (this.closed) return;
    this.onError(this.codeOf(e));
    this.finish();
  }

  /** Both directions done: the connection is over. */
  private maybeClosed(): void {
    if (this.readEnded && this.writeEnded && this.bufferedAmount === 0) this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeConnection();
    this.onFinished();
    this.onClose();
  }

  write(data: Uint8Array): void {
    if (this.closed || this.writeEnded) return;
    this.bufferedAmount += data.length;
    this.writes = this.writes.then(async () => {
      try {
        if (!this.closed) await this.writeAll(data);
      } catch (e) {
        this.fail(e);
      }
      this.bufferedAmount -= data.length;
      if (this.bufferedAmount === 0) this.onDrain();
    });
  }

  /** Half-close: FIN after everything queued; reading goes on. */
  end(): void {
    if (this.writeEnded || this.closed) return;
    this.writeEnded = true;
    void this.writes.then(async () => {
      try {
        if (!this.closed) await this.closeWrite();
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

  /** No SO_LINGER on these connections: the nearest to a reset is closing now, queued bytes dropped. */
  reset(): void {
    this.finish();
  }

  /** Settled when everything written has been handed to the connection. */
  flushed(): Promise<void> {
    return this.writes;
  }
}
