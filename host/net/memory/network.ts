/**
 * An in-process network (`wasock/memory`): listeners, connections and datagrams between guests and
 * host code in one process, with no OS sockets — for browsers, and for tests that want no ports.
 * Addresses are ordinary IP text; a listener on 0.0.0.0 / :: takes connections to any address of
 * its family. Errors carry the Node-style codes the kernel maps (EADDRINUSE, ECONNREFUSED, …).
 */
import type { ConnectOptions, ListenOptions, NetBackend, NetListener, NetStream, NetUdp, SockAddr } from "../backend.js";
import { isUnspecifiedHost } from "../../ip.js";
import { MemoryStream } from "./stream.js";
import { MemoryUdp } from "./udp.js";
import { soon } from "../../util/timer.js";

const FIRST_EPHEMERAL = 49152;
const LAST_EPHEMERAL = 65535;

function failure(code: string, what: string): Error {
  return Object.assign(new Error(`${what}: ${code}`), { code });
}

const familyOf = (host: string): 4 | 6 => (host.includes(":") ? 6 : 4);
const wildcard = isUnspecifiedHost;

class MemoryListener implements NetListener {
  onConnection: (stream: NetStream) => void = (s) => s.reset();
  constructor(readonly local: SockAddr, private readonly net: MemoryNetwork) {}
  close(): void {
    this.net.unlisten(this);
  }
}

export class MemoryNetwork {
  private readonly listeners = new Map<string, MemoryListener>();
  private readonly udps = new Map<string, MemoryUdp>();
  private readonly used = new Set<string>();
  private next = FIRST_EPHEMERAL;
  /** Host names and their addresses (`localhost` is there from the start). */
  readonly names = new Map<string, string[]>([["localhost", ["127.0.0.1", "::1"]]]);

  private key(kind: "tcp" | "udp", family: 4 | 6, port: number): string {
    return `${kind}/${family}/${port}`;
  }

  /** A free port for `kind`, or the one asked for (EADDRINUSE if taken). */
  private claim(kind: "tcp" | "udp", host: string, port: number): number {
    const family = familyOf(host);
    if (port !== 0) {
      if (this.used.has(this.key(kind, family, port))) throw failure("EADDRINUSE", `bind ${host}:${port}`);
      return port;
    }
    for (let n = 0; n <= LAST_EPHEMERAL - FIRST_EPHEMERAL; n++) {
      const p = this.next;
      this.next = p === LAST_EPHEMERAL ? FIRST_EPHEMERAL : p + 1;
      if (!this.used.has(this.key(kind, family, p))) return p;
    }
    throw failure("EADDRINUSE", "no ephemeral port left");
  }

  listen(host: string, port: number): MemoryListener {
    const p = this.claim("tcp", host, port);
    const l = new MemoryListener({ host, port: p, family: familyOf(host) }, this);
    this.used.add(this.key("tcp", l.local.family, p));
    this.listeners.set(this.key("tcp", l.local.family, p), l);
    return l;
  }

  unlisten(l: MemoryListener): void {
    const k = this.key("tcp", l.local.family, l.local.port);
    if (this.listeners.get(k) === l) {
      this.listeners.delete(k);
      this.used.delete(k);
    }
  }

  /** Connect to `host:port`; the returned end is the caller's, the other is accepted. */
  connect(host: string, port: number, from?: { host?: string; port?: number }): MemoryStream {
    const family = familyOf(host);
    const l = this.listeners.get(this.key("tcp", family, port));
    if (!l || !(wildcard(l.local.host) || l.local.host === host)) throw failure("ECONNREFUSED", `connect ${host}:${port}`);
    const local = { host: from?.host && !wildcard(from.host) ? from.host : host, port: from?.port || this.claim("tcp", host, 0), family };
    const [mine, theirs] = MemoryStream.pair(local, { host, port, family });
    soon(() => l.onConnection(theirs));
    return mine;
  }

  bindUdp(host: string, port: number): MemoryUdp {
    const family = familyOf(host);
    const p = this.claim("udp", host, port);
    const k = this.key("udp", family, p);
    const u = new MemoryUdp({ host, port: p, family }, this, () => {
      this.udps.delete(k);
      this.used.delete(k);
    });
    this.used.add(k);
    this.udps.set(k, u);
    return u;
  }

  /** Where a datagram to `host:port` goes, if anywhere. */
  udpAt(host: string, port: number): MemoryUdp | undefined {
    const u = this.udps.get(this.key("udp", familyOf(host), port));
    return u && (wildcard(u.local.host) || u.local.host === host) ? u : undefined;
  }

  /** This network as a runtime's NetBackend. */
  backend(): NetBackend {
    return {
      name: "memory",
      listen: async (o: ListenOptions) => this.listen(o.host, o.port),
      connect: async (o: ConnectOptions) => this.connect(o.host, o.port, { host: o.localHost, port: o.localPort }),
      probeBind: async (host: string, port: number) => this.claim("tcp", host, port),
      udpBind: async (host: string, port: number): Promise<NetUdp> => this.bindUdp(host, port),
      resolve: async (name: string) => {
        const found = this.names.get(name.toLowerCase().replace(/\.$/, ""));
        if (!found) throw failure("ENOTFOUND", `resolve ${name}`);
        return found;
      },
      somaxconn: () => undefined,
      fdLimit: () => undefined, // in-process sockets hold no OS fds: the guest keeps the 1024 default
      drain: async () => {}, // delivery needs no OS: nothing is left behind at exit
    };
  }
}
