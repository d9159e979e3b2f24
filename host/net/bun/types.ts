/**
 * The part of Bun's TCP API the Bun adapter uses (no dependency on bun-types), as Bun 1.4 behaves
 * — where that differs from its documentation, the behaviour is what is written here:
 *
 * - `write` hands bytes to the OS at once and returns how many it took (-1 once closed); Bun keeps
 *   no send buffer of its own, the caller queues the rest and writes it on `drain`.
 * - `shutdown()` (no argument) is shutdown(SHUT_WR): FIN, the socket still reads.
 * - `end()` sends FIN and closes the descriptor (Linux close()), even with `allowHalfOpen`; the
 *   `close` handler runs before it returns.
 * - `terminate()` closes with SO_LINGER 0: the peer sees RST.
 * - `pause()` stops reading from the OS (the TCP window pushes back on the peer); data and FIN wait
 *   for `resume()`, a reset is still seen.
 * - A reset or a failed write is reported through `close(socket, error)`, not `error`.
 * - A socket that already sent its FIN and then receives the peer's gets `close` without `end`.
 * - `setKeepAlive(on, initialDelay)` takes milliseconds, like node:net.
 */

export interface BunSocketAddress {
  address: string;
  port: number;
  family: "IPv4" | "IPv6";
}

export interface BunSocket<D> {
  data: D;
  readonly localAddress: string;
  readonly localPort: number;
  readonly localFamily: "IPv4" | "IPv6";
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily: "IPv4" | "IPv6";
  write(data: Uint8Array): number;
  shutdown(halfClose?: boolean): void;
  end(): number | void;
  terminate(): void;
  pause(): void;
  resume(): void;
  setKeepAlive(enable: boolean, initialDelayMs: number): boolean;
  setNoDelay(on: boolean): boolean;
}

export interface BunSocketHandler<D> {
  open?(socket: BunSocket<D>): void;
  data?(socket: BunSocket<D>, data: Uint8Array): void;
  drain?(socket: BunSocket<D>): void;
  /** The peer's FIN. */
  end?(socket: BunSocket<D>): void;
  close?(socket: BunSocket<D>, error?: Error): void;
  error?(socket: BunSocket<D>, error: Error): void;
  /** Bun.connect failed (the promise rejects too; with this handler it is not reported unhandled). */
  connectError?(socket: BunSocket<D>, error: Error): void;
}

export interface BunTcpListener {
  readonly hostname: string;
  readonly port: number;
  /** Fills `out` with the bound address. */
  getsockname(out: Partial<BunSocketAddress>): void;
  /** Stop accepting; with `true` also close every connection it accepted. */
  stop(closeActiveConnections?: boolean): void;
}

export interface BunListenOptions<D> {
  hostname: string;
  port: number;
  /** Without it Bun closes a socket as soon as the peer's FIN arrives. */
  allowHalfOpen?: boolean;
  socket: BunSocketHandler<D>;
}

export interface BunConnectOptions<D> extends BunListenOptions<D> {
  localAddress?: string;
  localPort?: number;
}

export interface BunNamespace {
  listen<D>(options: BunListenOptions<D>): BunTcpListener;
  connect<D>(options: BunConnectOptions<D>): Promise<BunSocket<D>>;
}

/** Bun's namespace when this runs under Bun, else undefined. */
export function bunApi(): BunNamespace | undefined {
  const b = (globalThis as { Bun?: Partial<BunNamespace> }).Bun;
  return typeof b?.listen === "function" && typeof b.connect === "function" ? (b as BunNamespace) : undefined;
}
