/**
 * wasi:sockets/udp and udp-create-socket: `udp-socket` and its datagram streams over the
 * kernel's UDP sockets. The core's P2 UDP rows decide which call is legal when (stream() needs a
 * bound socket, a send to another address than the connected peer is invalid-argument, …) and
 * its address rules which remotes are acceptable.
 */
import { Abi, Errno, SockOpt } from "../../core/enums.js";
import { PollBits, SocketType } from "../../sockets/api.js";
import type { P2Context } from "./context.js";
import { familyOf, fromAddr, toAddr, type IpAddressFamily, type IpSocketAddress } from "./network.js";
import { Pollable } from "./poll.js";
import { P2Socket } from "./socket.js";
import { outgoingBytes } from "../../sockets/send-path.js";

/** The most a datagram can carry (IPv6's larger limit; the kernel refuses more per family). */
const MAX_DATAGRAM = 65535;
/** Datagrams one check-send grants: sends are handed to the OS at once, so room is not the limit. */
const PERMITS = 64n;

export interface OutgoingDatagram {
  data: Uint8Array;
  remoteAddress?: IpSocketAddress;
}

export class UdpSocket extends P2Socket {
  /** (Dis)connect and hand out a fresh pair of streams: with a remote, only its datagrams come in. */
  stream(remote: IpSocketAddress | undefined): [IncomingDatagramStream, OutgoingDatagramStream] {
    const k = this.ctx.kernel;
    this.ctx.check(remote === undefined ? k.disconnect(this.h) : (k.connect(this.h, toAddr(remote), true) as number));
    return [new IncomingDatagramStream(this.ctx, this.h), new OutgoingDatagramStream(this.ctx, this.h)];
  }

  unicastHopLimit(): number {
    return this.get(SockOpt.TTL);
  }
  setUnicastHopLimit(value: number): void {
    this.set(SockOpt.TTL, value);
  }
}

export class IncomingDatagramStream {
  constructor(private readonly ctx: P2Context, private readonly h: number) {}

  /** Up to `max` datagrams that are here now; an empty list, never would-block. */
  receive(max: bigint): { data: Uint8Array; remoteAddress: IpSocketAddress }[] {
    const out: { data: Uint8Array; remoteAddress: IpSocketAddress }[] = [];
    while (BigInt(out.length) < max) {
      // An answer may be good only until the kernel's next call (the worker bridge's): the last
      // one is lowered into guest memory before any, the others are kept past it.
      const last = out[out.length - 1];
      if (last) last.data = this.ctx.keep(last.data);
      const d = this.ctx.kernel.recvFrom(this.h, MAX_DATAGRAM, false, true);
      if (typeof d === "number") {
        if (d === -Errno.AGAIN || out.length > 0) break; // an error waits for the next call
        throw this.ctx.code(-d);
      }
      if (d instanceof Promise) break; // not with a non-blocking receive
      out.push({ data: d.data, remoteAddress: fromAddr(d.from) });
    }
    return out;
  }

  subscribe(): Pollable {
    return Pollable.socket(this.ctx, this.h, PollBits.READ);
  }

  [Symbol.dispose](): void {}
}

export class OutgoingDatagramStream {
  private permits = 0n;

  constructor(private readonly ctx: P2Context, private readonly h: number) {}

  checkSend(): bigint {
    this.permits = PERMITS;
    return PERMITS;
  }

  /** Datagrams sent (all but the first failure's tail); the first's failure is the error. */
  send(datagrams: OutgoingDatagram[]): bigint {
    if (BigInt(datagrams.length) > this.permits) {
      // The WIT: sending more than check-send permitted traps.
      throw new WebAssembly.RuntimeError(`wasi:sockets: send of ${datagrams.length} datagrams, check-send permitted ${this.permits}`);
    }
    this.permits = 0n;
    let sent = 0n;
    for (const d of datagrams) {
      const to = d.remoteAddress === undefined ? undefined : toAddr(d.remoteAddress);
      // Lent bytes, as a stream write's (streams.ts): copied once where the kernel keeps them.
      const r = this.ctx.sends.sendToGathered(this.h, outgoingBytes(d.data), to, true);
      if (typeof r !== "number") break; // an auto-bind: never for wasi:sockets (stream() needs a bound socket)
      if (r < 0) {
        if (sent === 0n) throw this.ctx.code(-r);
        break;
      }
      sent++;
    }
    return sent;
  }

  subscribe(): Pollable {
    return Pollable.ready(this.ctx);
  }

  [Symbol.dispose](): void {}
}

export function udpImports(ctx: P2Context): Record<string, Record<string, unknown>> {
  return {
    "wasi:sockets/udp": { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    "wasi:sockets/udp-create-socket": {
      createUdpSocket(f: IpAddressFamily): UdpSocket {
        const family = familyOf(f);
        return new UdpSocket(ctx, ctx.check(ctx.kernel.open(family, SocketType.DGRAM, Abi.P2)), family);
      },
    },
  };
}
