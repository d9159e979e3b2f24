/**
 * A Deno.TcpConn as a NetStream. Deno's API is pull-based (read into a buffer, write returns a
 * promise), so this end runs one read loop (stopped while paused: the TCP window then pushes back
 * on the peer) and one chain of writes, whose queued bytes are `bufferedAmount`.
 */
import type { NetStream, SockAddr } from "../backend.js";
import type { DenoConn, DenoNetAddr } from "./types.js";

const noop = (): void => {};
const READ_CHUNK = 64 * 1024;

export function addrOf(a: DenoNetAddr): SockAddr {
  return { host: a.hostname, port: a.port, family: a.hostname.includes(":") ? 6 : 4 };
}

/** Deno's errors are classes (Deno.errors.ConnectionReset …): the core's table knows their names. */
export function codeOf(e: unknown): string {
  const err = e as { code?: string; name?: string };
  return err?.code ?? err?.name ?? "EIO";
}

export class DenoStream implements NetStream {
  readonly local: SockAddr;
  readonly remote: SockAddr;
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
  private closed = false;
  private readEnded = false;
  private writeEnded = false;

  constructor(private readonly conn: DenoConn) {
    this.local = addrOf(conn.localAddr);
    this.remote = addrOf(conn.remoteAddr);
    conn.setNoDelay(true);
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
        const buf = new Uint8Array(READ_CHUNK);
        const n = await this.conn.read(buf);
        if (n === null) {
          this.readEnded = true;
          this.onEnd();
          this.maybeClosed();
          break;
        }
        this.dataSink(buf.subarray(0, n));
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
    try {
      this.conn.close();
    } catch {
      // already closed
    }
    this.onFinished();
    this.onClose();
  }

  write(data: Uint8Array): void {
    if (this.closed || this.writeEnded) return;
    this.bufferedAmount += data.length;
    this.writes = this.writes.then(async () => {
      let off = 0;
      try {
        while (off < data.length && !this.closed) off += await this.conn.write(data.subarray(off));
      } catch (e) {
        this.fail(e);
      }
      this.bufferedAmount -= data.length;
      if (this.bufferedAmount === 0) this.onDrain();
    });
  }

  end(): void {
    if (this.writeEnded || this.closed) return;
    this.writeEnded = true;
    void this.writes.then(async () => {
      try {
        if (!this.closed) await this.conn.closeWrite();
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

  /** Deno has no SO_LINGER: the closest it offers to a reset is closing at once, queued bytes dropped. */
  reset(): void {
    this.finish();
  }

  setKeepAlive(enable: boolean): void {
    if (!this.closed) this.conn.setKeepAlive(enable); // Deno takes no idle time
  }

  setNoDelay(on: boolean): void {
    if (!this.closed) this.conn.setNoDelay(on);
  }

  /** Settled when everything written has been handed to the OS. */
  flushed(): Promise<void> {
    return this.writes;
  }
}
