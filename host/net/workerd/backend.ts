/**
 * The workerd adapter (Cloudflare Workers): outbound TCP over `connect()` from cloudflare:sockets,
 * and nothing else, because that is all a Worker may do. A guest that listens, accepts, binds a
 * UDP socket or picks its local port gets ENOTSUP (its own failure, never a crash); the host's
 * `listen` option fails the same way at `start()`.
 *
 * Names: a Worker has no getaddrinfo. IP literals never reach the backend, `localhost` is
 * answered here, and any other name is ENOTSUP rather than a made-up answer.
 */
import { allFlushed, NetError, type ConnectOptions, type NetBackend, type NetListener, type NetStream, type NetUdp } from "../backend.js";
import { codeOf, parseAddress, WorkerdStream } from "./stream.js";
import type { CfConnect } from "./types.js";

const UNSPECIFIED_V4 = { host: "0.0.0.0", port: 0, family: 4 as const };
const UNSPECIFIED_V6 = { host: "::", port: 0, family: 6 as const };

function unsupported(what: string): NetError {
  return new NetError("ENOTSUP", `workerd: ${what} (cloudflare:sockets offers outbound connect() only)`);
}

export class WorkerdNetBackend implements NetBackend {
  readonly name = "workerd";
  private readonly open = new Set<WorkerdStream>();

  constructor(private readonly cfConnect: CfConnect) {}

  async listen(): Promise<NetListener> {
    throw unsupported("a Worker cannot listen");
  }

  async connect(o: ConnectOptions): Promise<NetStream> {
    if (o.localPort !== undefined && o.localPort !== 0) throw unsupported("a Worker cannot choose its local port");
    const v6 = o.host.includes(":");
    const remote = { host: o.host, port: o.port, family: v6 ? (6 as const) : (4 as const) };
    let stream: WorkerdStream;
    try {
      // IPv6 literals go in brackets, as in a URL's authority; half-open so shutdown(SHUT_WR) is a FIN.
      const socket = this.cfConnect({ hostname: v6 ? `[${o.host}]` : o.host, port: o.port }, { secureTransport: "off", allowHalfOpen: true });
      const info = await socket.opened;
      const local = parseAddress(info.localAddress, v6 ? UNSPECIFIED_V6 : UNSPECIFIED_V4);
      stream = new WorkerdStream(socket, local, parseAddress(info.remoteAddress, remote));
    } catch (e) {
      throw new NetError(codeOf(e), `workerd connect ${o.host}:${o.port}: ${String((e as Error)?.message ?? e)}`);
    }
    this.open.add(stream);
    stream.onFinished = () => this.open.delete(stream); // the socket layer sets onClose itself
    return stream;
  }

  /** Nothing can be bound, so nothing can be in use: the port asked for is the port given. A
   *  listen on it fails next (ENOTSUP); a connect from it is refused unless it is 0. */
  async probeBind(_host: string, port: number): Promise<number> {
    return port;
  }

  async udpBind(): Promise<NetUdp> {
    throw unsupported("a Worker has no UDP");
  }

  async resolve(name: string): Promise<string[]> {
    if (name.toLowerCase() === "localhost") return ["127.0.0.1", "::1"];
    throw unsupported(`a Worker cannot resolve names (${name})`);
  }

  somaxconn(): number | undefined {
    return undefined;
  }

  fdLimit(): number | undefined {
    return undefined;
  }

  drain(timeoutMs: number): Promise<void> {
    return allFlushed(this.open, timeoutMs);
  }
}
