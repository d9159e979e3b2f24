/**
 * The network a runtime's sockets live on. One adapter per host (node:net here; Deno, Bun,
 * workerd and an in-memory network later). Errors are thrown/rejected as objects with a Node-style
 * `code` string ("EADDRINUSE", …), which the core maps to errnos through its one table.
 */

export interface SockAddr {
  host: string;
  port: number;
  family: 4 | 6;
}

/**
 * One established TCP connection. Callbacks are set once by the socket layer, and an adapter
 * calls each as a method of the stream (`this.onData(chunk)`, `stream.onEnd()`): they are shared
 * functions that find their socket through `owner`.
 */
export interface NetStream {
  /** The socket layer's own record of the connection (set with the callbacks). */
  owner?: unknown;
  readonly local: SockAddr;
  readonly remote: SockAddr;
  /** Bytes written but not yet handed to the OS. */
  readonly bufferedAmount: number;
  /** Queue bytes for sending; the stream keeps the array (do not reuse it). */
  write(data: Uint8Array): void;
  /** Half-close: send FIN after everything queued. */
  end(): void;
  /** Stop/restart delivering `onData` (receive backpressure). */
  pause(): void;
  resume(): void;
  /** Close now, flushing queued writes first (Linux close() on a socket with no unread data). */
  close(): void;
  /** Abort with RST (Linux close() with unread data, SO_LINGER 0). */
  reset(): void;
  /** SO_KEEPALIVE with TCP_KEEPIDLE (seconds), where the host can set them. */
  setKeepAlive(enable: boolean, idleSecs: number): void;
  setNoDelay(on: boolean): void;
  onData: (chunk: Uint8Array) => void;
  /** The peer finished sending (FIN). */
  onEnd: () => void;
  /** Writes drained below the OS buffer. */
  onDrain: () => void;
  /** Connection failed or was reset; `code` as in Node ("ECONNRESET", "EPIPE", …). */
  onError: (code: string) => void;
  /** Fully closed. */
  onClose: () => void;
}

export interface NetListener {
  readonly local: SockAddr;
  onConnection: (stream: NetStream) => void;
  close(): void;
}

/** A bound UDP socket. */
export interface NetUdp {
  readonly local: SockAddr;
  /** Send one datagram; errors (EMSGSIZE, …) come back through the callback's code. */
  send(data: Uint8Array, host: string, port: number, done: (code: string | undefined) => void): void;
  onMessage: (data: Uint8Array, from: SockAddr) => void;
  /** ICMP errors on a connected UDP socket (ECONNREFUSED), where the host reports them. */
  onError: (code: string) => void;
  /**
   * Connect at the OS level (sends still name their destination): the OS then picks the source
   * address, reports ICMP errors, and `local()` tells the address it chose, once `done` is called.
   */
  connect(host: string, port: number, done: () => void): void;
  disconnect(): void;
  /** The local address as the OS has it now. */
  localNow(): SockAddr;
  /** IP_TTL / IPV6_UNICAST_HOPS. */
  setTTL(hops: number): void;
  /** SO_RCVBUF / SO_SNDBUF as asked (the OS doubles and caps them). */
  setBufferSize(which: "receive" | "send", bytes: number): void;
  /** Close once the datagrams already handed to send() are out. */
  close(): void;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** OS-level backlog; wasock applies the guest's own backlog on its accept queue. */
  backlog: number;
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** Connect from this local address/port (a guest that bound before connecting). */
  localHost?: string;
  localPort?: number;
}

export interface NetBackend {
  readonly name: string;
  listen(options: ListenOptions): Promise<NetListener>;
  connect(options: ConnectOptions): Promise<NetStream>;
  /**
   * Emulate bind(): check that `host:port` can be bound now and return the port it gets (the
   * ephemeral one for port 0). Hosts like node:net bind only at listen/connect, so EADDRINUSE and
   * EADDRNOTAVAIL are found here, at bind time, as guests expect.
   */
  probeBind(host: string, port: number): Promise<number>;
  /** Bind a UDP socket (port 0 = ephemeral). Rejects with a Node-style code. */
  udpBind(host: string, port: number, family: 4 | 6): Promise<NetUdp>;
  /** Addresses of a host name (IPv4 and IPv6, the resolver's order). Rejects with a Node-style code (ENOTFOUND, …). */
  resolve(name: string): Promise<string[]>;
  /** The OS somaxconn where the host can read it. */
  somaxconn(): number | undefined;
  /** This process's soft open-files limit (RLIMIT_NOFILE, `ulimit -n`) where the host can read
   *  it: the guest's default `fds` limit, as a native program gets it. */
  fdLimit(): number | undefined;
  /** Resolves once every connection closed gracefully has handed its queued bytes to the OS (or
   *  `timeoutMs` passed): what a process waits for before it exits. */
  drain(timeoutMs: number): Promise<void>;
  /**
   * Sends a guest makes in one run of calls may be held to leave together (one writev) when it
   * next waits; this lets them leave now. The kernel calls it when the guest spins instead of
   * waiting (an EAGAIN, an empty poll with no timeout). Absent: nothing is held.
   */
  flushWrites?(): void;
}

/** An error carrying a Node-style code. */
export class NetError extends Error {
  constructor(readonly code: string, message?: string) {
    super(message ?? code);
  }
}

/** Resolves once every stream's `flushed()` has, or `timeoutMs` passed (the timer then cleared,
 *  so it holds no event loop open): the adapters' `drain`. */
export async function allFlushed(streams: Iterable<{ flushed(): Promise<void> }>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const all = Promise.all([...streams].map((s) => s.flushed()));
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
}
