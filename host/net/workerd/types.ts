/**
 * The part of Cloudflare's `cloudflare:sockets` API the workerd adapter uses, typed here so that
 * the adapter compiles (and can be exercised) without workerd's type package.
 */

/** What `connect()` resolves `opened` with. workerd reports the remote end only. */
export interface CfSocketInfo {
  remoteAddress?: string;
  localAddress?: string;
}

/** One outbound TCP connection: a byte stream each way. */
export interface CfSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<CfSocketInfo>;
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export interface CfConnectOptions {
  secureTransport?: "off" | "on" | "starttls";
  /** Keep the writable side open after the peer's FIN (and send FIN on closing ours alone). */
  allowHalfOpen?: boolean;
}

/** `connect` from `cloudflare:sockets`. */
export type CfConnect = (address: { hostname: string; port: number }, options?: CfConnectOptions) => CfSocket;
