/** A bound datagram socket on the in-memory network: datagrams arrive on a later event-loop turn. */
import { isUnspecifiedHost } from "../../ip.js";
import type { NetUdp, SockAddr } from "../backend.js";
import { soon } from "../../util/timer.js";

const noop = (): void => {};

/** Where a datagram goes: the network's socket bound at an address (network.ts). */
interface Router {
  udpAt(host: string, port: number): MemoryUdp | undefined;
}

export class MemoryUdp implements NetUdp {
  onMessage: (data: Uint8Array, from: SockAddr) => void = noop;
  onError: (code: string) => void = noop;
  private peer: { host: string; port: number } | undefined;
  private closed = false;

  constructor(readonly local: SockAddr, private readonly net: Router, private readonly release: () => void) {}

  send(data: Uint8Array, host: string, port: number, done: (code: string | undefined) => void): void {
    if (this.closed) return done("EBADF");
    const to = this.net.udpAt(host, port);
    const from = { ...this.local, host: isUnspecifiedHost(this.local.host) ? host : this.local.host };
    soon(() => {
      done(undefined);
      if (to) to.onMessage(data.slice(), from);
      // A connected socket hears that nobody is there, as an ICMP port-unreachable would tell it.
      else if (this.peer && this.peer.host === host && this.peer.port === port && !this.closed) this.onError("ECONNREFUSED");
    });
  }

  connect(host: string, port: number, done: () => void): void {
    this.peer = { host, port };
    soon(done);
  }

  disconnect(): void {
    this.peer = undefined;
  }

  localNow(): SockAddr {
    return this.local;
  }

  setTTL(): void {}
  setBufferSize(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onMessage = noop;
    this.release();
  }
}
