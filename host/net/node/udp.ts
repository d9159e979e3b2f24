import * as dgram from "node:dgram";
import type { NetUdp, SockAddr } from "../backend.js";

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
  /** Sends handed to node:dgram and not yet done: close() waits for them (UDP loses nothing it accepted). */
  private pending = 0;
  private closing = false;
  /** The OS-level peer (connect called) and whether node:dgram finished connecting to it. */
  private peer: { host: string; port: number } | undefined;
  private connected = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly socket: dgram.Socket) {
    this.local = this.localNow();
    socket.on("message", (msg, rinfo) =>
      this.onMessage(msg, { host: rinfo.address, port: rinfo.port, family: rinfo.family === "IPv6" ? 6 : 4 }));
    socket.on("error", (err: NodeJS.ErrnoException) => this.onError(err.code ?? "EIO"));
  }

  localNow(): SockAddr {
    try {
      const a = this.socket.address();
      return { host: a.address, port: a.port, family: a.family === "IPv6" ? 6 : 4 };
    } catch {
      return this.local; // closed
    }
  }

  setTTL(hops: number): void {
    try {
      this.socket.setTTL(hops);
    } catch {
      // closed, or a value the OS refuses: the guest's value stays what it reads back
    }
  }

  setBufferSize(which: "receive" | "send", bytes: number): void {
    try {
      if (which === "receive") this.socket.setRecvBufferSize(bytes);
      else this.socket.setSendBufferSize(bytes);
    } catch {
      // the OS refused (above rmem_max/wmem_max for an unprivileged process): kept as read back
    }
  }

  send(data: Uint8Array, host: string, port: number, done: (code: string | undefined) => void): void {
    this.pending++;
    const sent = (err: Error | null): void => {
      this.pending--;
      done((err as NodeJS.ErrnoException | null)?.code ?? undefined);
      if (this.closing && this.pending === 0) this.close();
    };
    if (this.peer && !this.connected) {
      // node:dgram refuses sends while its connect is under way: they go out once it is done.
      this.waiting.push(() => this.sendNow(data, host, port, sent));
      return;
    }
    this.sendNow(data, host, port, sent);
  }

  private sendNow(data: Uint8Array, host: string, port: number, sent: (err: Error | null) => void): void {
    try {
      // A connected node:dgram socket takes no address (node ≥ 22 throws), and sends only to its peer.
      if (this.connected && this.peer?.host === host && this.peer.port === port) this.socket.send(data, sent);
      else this.socket.send(data, port, host, sent);
    } catch (e) {
      sent(e as Error);
    }
  }

  connect(host: string, port: number, done: () => void): void {
    this.disconnect();
    const peer = { host, port };
    this.peer = peer;
    try {
      this.socket.connect(port, host, () => {
        if (this.peer !== peer) return;
        this.connected = true;
        done();
        for (const f of this.waiting.splice(0)) f();
      });
    } catch {
      this.peer = undefined; // node refused: stay unconnected, sends name their destination
      for (const f of this.waiting.splice(0)) f();
    }
  }

  disconnect(): void {
    const was = this.connected;
    this.peer = undefined;
    this.connected = false;
    for (const f of this.waiting.splice(0)) f();
    if (!was) return;
    try {
      this.socket.disconnect();
    } catch {
      // not connected
    }
  }

  close(): void {
    this.onMessage = noop;
    if (this.pending > 0) {
      this.closing = true;
      return;
    }
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
