/**
 * A Deno.TcpConn as a NetStream. Deno's API is pull-based (read into a buffer, write returns a
 * promise): the read loop and the write chain are PullStream's.
 */
import type { SockAddr } from "../backend.js";
import { PullStream } from "../pull-stream.js";
import type { DenoConn, DenoNetAddr } from "./types.js";

const READ_CHUNK = 64 * 1024;

export function addrOf(a: DenoNetAddr): SockAddr {
  return { host: a.hostname, port: a.port, family: a.hostname.includes(":") ? 6 : 4 };
}

/** Deno's errors are classes (Deno.errors.ConnectionReset …): the core's table knows their names. */
export function codeOf(e: unknown): string {
  const err = e as { code?: string; name?: string };
  return err?.code ?? err?.name ?? "EIO";
}

export class DenoStream extends PullStream {
  readonly local: SockAddr;
  readonly remote: SockAddr;

  constructor(private readonly conn: DenoConn) {
    super();
    this.local = addrOf(conn.localAddr);
    this.remote = addrOf(conn.remoteAddr);
    conn.setNoDelay(true);
  }

  /**
   * Each read fills this connection's one buffer and hands on a copy of what came: a fresh 64 KiB
   * buffer a read (zeroed, and external memory, which hastens V8's collections) cost more than
   * the copy. A connection has one read pending at a time, and Deno may fill a pending read's
   * buffer before its promise settles: buffers are not shared between connections.
   */
  private readonly readBuffer = new Uint8Array(READ_CHUNK);

  protected async readChunk(): Promise<Uint8Array | null> {
    const n = await this.conn.read(this.readBuffer);
    return n === null ? null : this.readBuffer.slice(0, n);
  }

  protected async writeAll(data: Uint8Array): Promise<void> {
    for (let off = 0; off < data.length && !this.closed; ) off += await this.conn.write(data.subarray(off));
  }

  protected closeWrite(): Promise<void> {
    return this.conn.closeWrite();
  }

  protected closeConnection(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  protected codeOf(e: unknown): string {
    return codeOf(e);
  }

  setKeepAlive(enable: boolean): void {
    if (!this.closed) this.conn.setKeepAlive(enable); // Deno takes no idle time
  }

  setNoDelay(on: boolean): void {
    if (!this.closed) this.conn.setNoDelay(on);
  }
}
