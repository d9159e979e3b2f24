/**
 * wasi:sockets@0.3.0 `udp-socket` over the kernel: the 0.2 socket (abi/p2/udp.ts) under the core's
 * P3 UDP rows (P2's, but disconnect without a peer is invalid-state), with 0.3's shape —
 * connect/disconnect in place of stream(), send and receive of one datagram as async calls. Its
 * implicit binds (connect, a send to an address) are the P3 rows' and the kernel's.
 */
import { Abi, TcpOp } from "../../core/enums.js";
import { SocketType } from "../../sockets/api.js";
import { outgoingBytes } from "../../sockets/send-path.js";
import type { P2Context } from "../p2/context.js";
import { familyOf, fromAddr, toAddr, type IpAddressFamily, type IpSocketAddress } from "../p2/network.js";
import { UdpSocket as P2UdpSocket } from "../p2/udp.js";
import { startFinish } from "./settle.js";
import { tagErrors } from "./errors.js";

/** The most a datagram can carry (IPv6's larger limit; the kernel refuses more per family). */
const MAX_DATAGRAM = 65535;

export class UdpSocket extends P2UdpSocket {
  async bind(local: IpSocketAddress): Promise<void> {
    this.ctx.check(await startFinish(this.ctx, this.h, () => this.ctx.kernel.bind(this.h, toAddr(local)), TcpOp.FINISH_BIND));
  }

  /** An unbound socket is bound implicitly: the core's P3 row and the kernel (UDP_CONNECT_BINDS). */
  async connect(remote: IpSocketAddress): Promise<void> {
    this.ctx.check(await this.ctx.kernel.connect(this.h, toAddr(remote), true));
  }

  /** Without a peer: invalid-state (the core's P3 row). */
  disconnect(): void {
    this.ctx.check(this.ctx.kernel.disconnect(this.h));
  }

  /** One datagram, to `remote` or the connected peer; waits while the OS cannot take it. */
  async send(data: Uint8Array, remote: IpSocketAddress | undefined): Promise<void> {
    // To an address, an unbound socket is bound implicitly (the P3 row; the kernel's auto-bind).
    const addr = remote === undefined ? undefined : toAddr(remote);
    this.ctx.check(await this.ctx.sends.sendToGathered(this.h, outgoingBytes(data), addr, false));
  }

  async receive(): Promise<[Uint8Array, IpSocketAddress]> {
    const d = await this.ctx.kernel.recvFrom(this.h, MAX_DATAGRAM, false, false);
    if (typeof d === "number") throw this.ctx.code(-d);
    return [this.ctx.keep(d.data), fromAddr(d.from)];
  }

  getLocalAddress(): IpSocketAddress {
    return this.localAddress();
  }
  getRemoteAddress(): IpSocketAddress {
    return this.remoteAddress();
  }
  getAddressFamily(): IpAddressFamily {
    return this.addressFamily();
  }
  getUnicastHopLimit(): number {
    return this.unicastHopLimit();
  }
  getReceiveBufferSize(): bigint {
    return this.receiveBufferSize();
  }
  getSendBufferSize(): bigint {
    return this.sendBufferSize();
  }
}

/** `wasi:sockets/types`' udp-socket class for one instance (as tcp.ts's tcpSocketClass). */
export function udpSocketClass(ctx: P2Context): typeof UdpSocket {
  return tagErrors(class InstanceUdpSocket extends UdpSocket {
    static create(f: IpAddressFamily): UdpSocket {
      const family = familyOf(f);
      return new InstanceUdpSocket(ctx, ctx.check(ctx.kernel.open(family, SocketType.DGRAM, Abi.P3)), family);
    }
  });
}
