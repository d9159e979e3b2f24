/** The part of Deno's network API the Deno adapter uses (no dependency on Deno's own types). */

export interface DenoNetAddr {
  transport: string;
  hostname: string;
  port: number;
}

export interface DenoConn {
  readonly localAddr: DenoNetAddr;
  readonly remoteAddr: DenoNetAddr;
  read(buf: Uint8Array): Promise<number | null>;
  write(buf: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay(on?: boolean): void;
  setKeepAlive(on?: boolean): void;
}

export interface DenoListener {
  readonly addr: DenoNetAddr;
  accept(): Promise<DenoConn>;
  close(): void;
}

export interface DenoNamespace {
  listen(options: { hostname: string; port: number; transport?: "tcp" }): DenoListener;
  connect(options: { hostname: string; port: number; transport?: "tcp" }): Promise<DenoConn>;
}

/** Deno's namespace when this runs under Deno, else undefined. */
export function denoApi(): DenoNamespace | undefined {
  const d = (globalThis as { Deno?: Partial<DenoNamespace> }).Deno;
  return typeof d?.listen === "function" && typeof d.connect === "function" ? (d as DenoNamespace) : undefined;
}
