/**
 * wasi:sockets/tcp and tcp-create-socket: the `tcp-socket` resource as thin glue over the kernel.
 * Every state decision (which call is legal when, start-/finish- pairs, what a failure leaves) is
 * the core's P2 row of the TCP state machine, applied by the kernel; addresses are checked by the
 * core's wasi:sockets rules; options are validated and clamped by its P2 option table.
 */
import { Abi, SockOpt, TcpOp } from "../../core/enums.js";
import { SocketType } from "../../sockets/api.js";
import { toI32, type P2Context } from "./context.js";
import { familyOf, Network, toAddr, type IpAddressFamily, type IpSocketAddress } from "./network.js";
import { P2Socket } from "./socket.js";
import { InputStream, OutputStream } from "./streams.js";

const NS_PER_SEC = 1_000_000_000n;
/** P2 shutdown-type as the core's shutdown_op takes it (receive 0, send 1, both 2). */
const SHUTDOWN_TYPES: Record<string, number> = { receive: 0, send: 1, both: 2 };

/** Born unbound (create-tcp-socket) or connected (accept): the kernel's handle and the streams. */
export class TcpSocket extends P2Socket {
  private input: InputStream | undefined;
  private output: OutputStream | undefined;
  private listening = false;

  private streams(): [InputStream, OutputStream] {
    this.input = new InputStream(this.ctx, this.h);
    this.output = new OutputStream(this.ctx, this.h);
    return [this.input, this.output];
  }

  startConnect(network: Network, remote: IpSocketAddress): void {
    this.network(network);
    this.ctx.check(this.ctx.kernel.connect(this.h, toAddr(remote), true) as number);
  }

  finishConnect(): [InputStream, OutputStream] {
    this.ctx.check(this.ctx.kernel.finish(this.h, TcpOp.FINISH_CONNECT));
    return this.streams();
  }

  startListen(): void {
    this.ctx.check(this.ctx.kernel.listen(this.h, 0) as number);
  }

  finishListen(): void {
    this.ctx.check(this.ctx.kernel.finish(this.h, TcpOp.FINISH_LISTEN));
    this.listening = true;
  }

  accept(): [TcpSocket, InputStream, OutputStream] {
    const h = this.ctx.check(this.ctx.kernel.accept(this.h, true, -1) as number);
    const s = new TcpSocket(this.ctx, h, this.family);
    return [s, ...s.streams()];
  }

  isListening(): boolean {
    return this.listening;
  }

  setListenBacklogSize(value: bigint): void {
    this.set(SockOpt.LISTEN_BACKLOG, toI32(value));
  }

  keepAliveEnabled(): boolean {
    return this.get(SockOpt.KEEPALIVE) !== 0;
  }
  setKeepAliveEnabled(value: boolean): void {
    this.set(SockOpt.KEEPALIVE, value ? 1 : 0);
  }
  keepAliveIdleTime(): bigint {
    return BigInt(this.get(SockOpt.KEEPIDLE)) * NS_PER_SEC;
  }
  setKeepAliveIdleTime(ns: bigint): void {
    this.set(SockOpt.KEEPIDLE, this.ctx.core.p2DurationSecs(ns));
  }
  keepAliveInterval(): bigint {
    return BigInt(this.get(SockOpt.KEEPINTVL)) * NS_PER_SEC;
  }
  setKeepAliveInterval(ns: bigint): void {
    this.set(SockOpt.KEEPINTVL, this.ctx.core.p2DurationSecs(ns));
  }
  keepAliveCount(): number {
    return this.get(SockOpt.KEEPCNT);
  }
  setKeepAliveCount(value: number): void {
    this.set(SockOpt.KEEPCNT, Math.min(value, 0x7fffffff)); // a u32: saturate, the core clamps
  }
  hopLimit(): number {
    return this.get(SockOpt.TTL);
  }
  setHopLimit(value: number): void {
    this.set(SockOpt.TTL, value);
  }

  shutdown(how: string): void {
    const op = this.ctx.core.shutdownOp(Abi.P2, SHUTDOWN_TYPES[how] ?? -1);
    if (op < 0) throw new TypeError(`not a shutdown-type: ${how}`);
    this.ctx.check(this.ctx.kernel.shutdown(this.h, op));
    if (how !== "send" && this.input) this.input.closed = true;
    if (how !== "receive" && this.output) this.output.closed = true;
  }
}

export function tcpImports(ctx: P2Context): Record<string, Record<string, unknown>> {
  return {
    "wasi:sockets/tcp": { TcpSocket },
    "wasi:sockets/tcp-create-socket": {
      createTcpSocket(f: IpAddressFamily): TcpSocket {
        const family = familyOf(f);
        return new TcpSocket(ctx, ctx.check(ctx.kernel.open(family, SocketType.STREAM, Abi.P2)), family);
      },
    },
  };
}
