/**
 * What wasi:sockets' tcp-socket and udp-socket share, over one kernel handle: bind, addresses,
 * the family, the buffer-size options, the socket pollable and drop. Options go to the kernel,
 * which asks the core's P2 option table (0 is invalid-argument, values are clamped).
 */
import { SockOpt, TcpOp } from "../../core/enums.js";
import { PollBits } from "../../sockets/api.js";
import { toI32, type P2Context } from "./context.js";
import { fromAddr, Network, toAddr, type IpAddressFamily, type IpSocketAddress } from "./network.js";
import { Pollable } from "./poll.js";

export abstract class P2Socket {
  constructor(protected readonly ctx: P2Context, protected readonly h: number, protected readonly family: 4 | 6) {}

  protected network(n: Network): void {
    if (!(n instanceof Network)) throw new TypeError("not a wasi:sockets network");
  }

  startBind(network: Network, local: IpSocketAddress): void {
    this.network(network);
    this.ctx.check(this.ctx.kernel.bind(this.h, toAddr(local)) as number);
  }

  finishBind(): void {
    this.ctx.check(this.ctx.kernel.finish(this.h, TcpOp.FINISH_BIND));
  }

  localAddress(): IpSocketAddress {
    const a = this.ctx.kernel.localAddr(this.h);
    if (typeof a === "number") throw this.ctx.code(-a);
    return fromAddr(a);
  }

  remoteAddress(): IpSocketAddress {
    const a = this.ctx.kernel.peerAddr(this.h);
    if (typeof a === "number") throw this.ctx.code(-a);
    return fromAddr(a);
  }

  addressFamily(): IpAddressFamily {
    return this.family === 6 ? "ipv6" : "ipv4";
  }

  protected get(opt: number): number {
    return this.ctx.check(this.ctx.kernel.getOption(this.h, opt));
  }

  protected set(opt: number, value: number): void {
    this.ctx.check(this.ctx.kernel.setOption(this.h, opt, value));
  }

  receiveBufferSize(): bigint {
    return BigInt(this.get(SockOpt.RCVBUF));
  }
  setReceiveBufferSize(value: bigint): void {
    this.set(SockOpt.RCVBUF, toI32(value));
  }
  sendBufferSize(): bigint {
    return BigInt(this.get(SockOpt.SNDBUF));
  }
  setSendBufferSize(value: bigint): void {
    this.set(SockOpt.SNDBUF, toI32(value));
  }

  /** Ready unless an operation is in progress and unsettled, or a listener has nothing queued. */
  subscribe(): Pollable {
    return Pollable.socket(this.ctx, this.h, PollBits.SETTLED);
  }

  [Symbol.dispose](): void {
    this.ctx.kernel.close(this.h);
  }
}
