/**
 * A cloudflare:sockets Socket as a NetStream. The socket is a pair of web streams: the read loop
 * and the write chain are PullStream's. workerd's errors carry a message and no code; `codeOf`
 * names the two it gives.
 */
import type { SockAddr } from "../backend.js";
import { PullStream } from "../pull-stream.js";
import type { CfSocket } from "./types.js";

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

export class WorkerdStream extends PullStream {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(private readonly socket: CfSocket, readonly local: SockAddr, readonly remote: SockAddr) {
    super();
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
  }

  protected async readChunk(): Promise<Uint8Array | null> {
    const { done, value } = await this.reader.read();
    return done ? null : value;
  }

  protected writeAll(data: Uint8Array): Promise<void> {
    return this.writer.write(data);
  }

  /** With allowHalfOpen, closing the writable side sends FIN and reading goes on. */
  protected closeWrite(): Promise<void> {
    return this.writer.close();
  }

  protected closeConnection(): void {
    this.socket.close().catch(() => {});
  }

  protected codeOf(e: unknown): string {
    return codeOf(e);
  }

  /** Neither keep-alive nor Nagle can be set on a cloudflare:sockets Socket. */
  setKeepAlive(): void {}

  setNoDelay(): void {}
}
