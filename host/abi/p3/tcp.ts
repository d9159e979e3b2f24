/**
 * wasi:sockets@0.3.0 `tcp-socket` over the kernel, under the core's P3 rows (P2's, but listen
 * binds implicitly). The 0.2 socket (abi/p2/tcp.ts) already holds the option getters and setters,
 * the addresses and drop; 0.3 adds single-call bind/listen/connect (settle.ts), an accept stream,
 * a send that takes a whole stream and ends with a FIN, and receive's stream and future.
 */
import { Abi, Errno, StreamOp, TcpOp } from "../../core/enums.js";
import { SocketType } from "../../sockets/api.js";
import type { P2Context } from "../p2/context.js";
import { familyOf, toAddr, type IpAddressFamily, type IpSocketAddress } from "../p2/network.js";
import { TcpSocket as P2TcpSocket } from "../p2/tcp.js";
import { ByteSource, CHUNK, drain, resultFuture, type ByteReader } from "./streams.js";
import { startFinish } from "./settle.js";
import { tagErrors } from "./errors.js";
import { after, type Sync } from "../../util/sync.js";

export class TcpSocket extends P2TcpSocket {
  private listens = false;

  private get k() {
    return this.ctx.kernel;
  }

  async bind(local: IpSocketAddress): Promise<void> {
    this.check(await startFinish(this.ctx, this.h, () => this.k.bind(this.h, toAddr(local)), TcpOp.FINISH_BIND));
  }

  async connect(remote: IpSocketAddress): Promise<void> {
    this.check(await startFinish(this.ctx, this.h, () => this.k.connect(this.h, toAddr(remote), true), TcpOp.FINISH_CONNECT));
  }

  /** The core's P3 row binds an unbound socket implicitly (the kernel's listen, as Linux's). */
  async listen(): Promise<AcceptStream> {
    this.check(await startFinish(this.ctx, this.h, () => this.k.listen(this.h, 0), TcpOp.FINISH_LISTEN));
    this.listens = true;
    // Accepted sockets are of this one's class: the instance's, the one jco checks resources against.
    const Made = this.constructor as new (ctx: P2Context, h: number, family: 4 | 6) => TcpSocket;
    return new AcceptStream(this.ctx, this.h, (h) => new Made(this.ctx, h, this.family));
  }

  /** Sends what the guest writes to `data`; when it ends the stream, a FIN. The core allows one
   *  send per connected socket (tcp_stream), and decides that the stream's end shuts down sending. */
  async send(data: ByteReader): Promise<void> {
    const e = this.k.stream(this.h, StreamOp.SEND);
    if (e < 0) {
      data[Symbol.dispose]?.();
      throw this.ctx.code(-e);
    }
    await drain(data, async (bytes) => {
      for (let off = 0; off < bytes.length;) {
        const r = await this.k.send(this.h, off === 0 ? bytes : bytes.subarray(off), false);
        off += this.check(r);
      }
    });
    const r = this.k.stream(this.h, StreamOp.SEND_END);
    if (r < 0 && r !== -Errno.NOTCONN) this.check(r);
  }

  /** The peer's bytes, and how the stream ended (its future). One per connected socket (tcp_stream). */
  receive(): [ByteSource, Promise<{ tag: "ok"; val: undefined }>] {
    const [future, settle] = resultFuture();
    const e = this.k.stream(this.h, StreamOp.RECEIVE);
    if (e < 0) {
      settle(this.ctx.code(-e));
      return [new ByteSource(() => undefined), future];
    }
    // At once when bytes are buffered (ByteSource's READ_NOW), else when they come.
    const pull = (): Sync<Uint8Array | string | undefined> => after(this.k.recv(this.h, CHUNK, false, false, false), (r) => {
      if (typeof r === "number") return r === -Errno.PIPE || r === -Errno.NOTCONN ? undefined : this.ctx.code(-r);
      return r.length === 0 ? undefined : this.ctx.keep(r);
    });
    return [new ByteSource(pull, settle), future];
  }

  private check(r: number): number {
    return this.ctx.check(r);
  }

  getLocalAddress(): IpSocketAddress {
    return this.localAddress();
  }
  getRemoteAddress(): IpSocketAddress {
    return this.remoteAddress();
  }
  getIsListening(): boolean {
    return this.listens;
  }
  getAddressFamily(): IpAddressFamily {
    return this.addressFamily();
  }
  getKeepAliveEnabled(): boolean {
    return this.keepAliveEnabled();
  }
  getKeepAliveIdleTime(): bigint {
    return this.keepAliveIdleTime();
  }
  getKeepAliveInterval(): bigint {
    return this.keepAliveInterval();
  }
  getKeepAliveCount(): number {
    return this.keepAliveCount();
  }
  getHopLimit(): number {
    return this.hopLimit();
  }
  getReceiveBufferSize(): bigint {
    return this.receiveBufferSize();
  }
  getSendBufferSize(): bigint {
    return this.sendBufferSize();
  }
}

/** listen()'s `stream<tcp-socket>`: each connection accepted as the guest reads the stream. */
class AcceptStream implements AsyncIterableIterator<TcpSocket> {
  private over = false;

  constructor(private readonly ctx: P2Context, private readonly h: number, private readonly make: (h: number) => TcpSocket) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<TcpSocket>> {
    while (!this.over) {
      const h = await this.ctx.kernel.accept(this.h, false, -1);
      if (h >= 0) return { done: false, value: this.make(h) };
      // A connection reset before it was accepted is not the listener's end: wait for the next.
      if (h !== -Errno.CONNABORTED && h !== -Errno.CONNRESET) this.over = true;
    }
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<TcpSocket>> {
    this.over = true;
    return { done: true, value: undefined };
  }
}

/**
 * `wasi:sockets/types`' tcp-socket class for one instance: `create` opens on its kernel, and every
 * socket of the instance is of this class (jco checks a resource it lowers against it).
 */
export function tcpSocketClass(ctx: P2Context): typeof TcpSocket {
  return tagErrors(class InstanceTcpSocket extends TcpSocket {
    static create(f: IpAddressFamily): TcpSocket {
      const family = familyOf(f);
      return new InstanceTcpSocket(ctx, ctx.check(ctx.kernel.open(family, SocketType.STREAM, Abi.P3)), family);
    }
  });
}
