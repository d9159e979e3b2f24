import * as dgram from "node:dgram";
import type { NetUdp, SockAddr } from "./backend.js";

/** node:dgram behind NetUdp. */
export function bindUdp(host: string, port: number, family: 4 | 6): Promise<NetUdp> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: family === 6 ? "udp6" : "udp4", ipv6Only: family === 6 });
    socket.once("error", reject);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off("error", reject);
      resolve(new NodeUdp(socket));
    });
  });
}

const noop = (): void => {};

class NodeUdp implements NetUdp {
  readonly local: SockAddr;
  onMessage: (data: Uint8Array, from: SockAddr) => void = noop;
  onError: (code: string) => void = noop;

  constructor(private readonly socket: dgram.Socket) {
    const a = socket.address();
    this.local = { host: a.address, port: a.port, family: a.family === "IPv6" ? 6 : 4 };
    socket.on("message", (msg, rinfo) =>
      this.onMessage(msg, { host: rinfo.address, port: rinfo.port, family: rinfo.family === "IPv6" ? 6 : 4 }));
    socket.on("error", (err: NodeJS.ErrnoException) => this.onError(err.code ?? "EIO"));
  }

  send(data: Uint8Array, host: string, port: number, done: (code: string | undefined) => void): void {
    this.socket.send(data, port, host, (err) => done((err as NodeJS.ErrnoException | null)?.code ?? undefined));
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
