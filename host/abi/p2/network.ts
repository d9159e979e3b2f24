/**
 * wasi:sockets/network, instance-network and ip-name-lookup, and the conversions between the
 * WIT `ip-socket-address` (as jco lifts it) and the kernel's text addresses.
 */
import { domainToASCII } from "node:url";
import { Errno } from "../../core/enums.js";
import { bytesToIp, ipToBytes } from "../../ip.js";
import type { Addr } from "../../sockets/api.js";
import { networkErrorCode, type IoError, type P2Context } from "./context.js";
import { Pollable, type Pending } from "./poll.js";

export type IpAddressFamily = "ipv4" | "ipv6";
export type IpAddress = { tag: "ipv4"; val: [number, number, number, number] } | { tag: "ipv6"; val: number[] };
export type IpSocketAddress =
  | { tag: "ipv4"; val: { port: number; address: [number, number, number, number] } }
  | { tag: "ipv6"; val: { port: number; flowInfo: number; address: number[]; scopeId: number } };

/** The one network of an instance (wasi:sockets/instance-network). It carries no state. */
export class Network {
  [Symbol.dispose](): void {}
}

export function familyOf(f: IpAddressFamily): 4 | 6 {
  if (f === "ipv4") return 4;
  if (f === "ipv6") return 6;
  throw new TypeError(`not an ip-address-family: ${String(f)}`);
}

/** The 4 or 16 network-order bytes of a WIT address. */
export function addressBytes(a: IpSocketAddress): Uint8Array {
  if (a.tag === "ipv4") return Uint8Array.from(a.val.address);
  const out = new Uint8Array(16);
  a.val.address.forEach((seg, i) => {
    out[2 * i] = (seg >> 8) & 0xff;
    out[2 * i + 1] = seg & 0xff;
  });
  return out;
}

/** A WIT address as the kernel takes it (the kernel applies the core's wasi:sockets rules). */
export function toAddr(a: IpSocketAddress): Addr {
  const bytes = addressBytes(a);
  return { host: bytesToIp(bytes), port: a.val.port, family: bytes.length === 4 ? 4 : 6 };
}

function segments(bytes: Uint8Array): number[] {
  const seg: number[] = [];
  for (let i = 0; i < 16; i += 2) seg.push((bytes[i]! << 8) | bytes[i + 1]!);
  return seg;
}

export function fromAddr(a: Addr): IpSocketAddress {
  const bytes = ipToBytes(a.host) ?? new Uint8Array(a.family === 6 ? 16 : 4);
  if (bytes.length === 4) return { tag: "ipv4", val: { port: a.port, address: [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!] } };
  return { tag: "ipv6", val: { port: a.port, flowInfo: 0, address: segments(bytes), scopeId: 0 } };
}

function ipAddress(host: string): IpAddress | undefined {
  const b = ipToBytes(host);
  if (!b) return undefined;
  if (b.length === 4) return { tag: "ipv4", val: [b[0]!, b[1]!, b[2]!, b[3]!] };
  // Never hand out IPv4-mapped IPv6 (the WIT says so): they are the IPv4 addresses they map.
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return { tag: "ipv4", val: [b[12]!, b[13]!, b[14]!, b[15]!] };
  return { tag: "ipv6", val: segments(b) };
}

/** ip-name-lookup's resolve-address-stream: addresses, then `none`; would-block until the lookup ends. */
export class ResolveAddressStream {
  private addrs: IpAddress[] | undefined;
  private error: number | undefined;
  private readonly pending: Pending | undefined;

  constructor(private readonly ctx: P2Context, name: string) {
    const r = ctx.kernel.resolve(name);
    const settle = (v: Addr[] | number): void => {
      // Lookups not allowed: wasmtime answers permanent-resolver-failure (its lookups are off).
    if (typeof v === "number") this.error = v === -Errno.ACCES ? -1 : -v;
      else this.addrs = v.map((a) => ipAddress(a.host)).filter((a): a is IpAddress => a !== undefined);
    };
    if (r instanceof Promise) {
      const pending: Pending = { done: false, promise: r };
      r.then((v) => {
        pending.done = true;
        settle(v);
      });
      this.pending = pending;
    } else settle(r);
  }

  resolveNextAddress(): IpAddress | undefined {
    if (this.error !== undefined) {
      const e = this.error;
      this.error = undefined;
      this.addrs = [];
      throw e === -1 ? "permanent-resolver-failure" : this.ctx.code(e);
    }
    if (this.addrs === undefined) throw this.ctx.code(Errno.AGAIN);
    return this.addrs.shift();
  }

  subscribe(): Pollable {
    return this.pending ? Pollable.pending(this.ctx, this.pending) : Pollable.ready(this.ctx);
  }

  [Symbol.dispose](): void {}
}

/** Syntactically a host name (or an IP literal, `[v6]` too): what resolve-addresses accepts. */
function validName(name: string): boolean {
  if (name.startsWith("[") && name.endsWith("]")) return ipToBytes(name.slice(1, -1)) !== undefined;
  if (ipToBytes(name)) return true;
  if (name.length === 0 || name.length > 253) return false;
  return name.split(".").every((label, i, all) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label) || (label === "" && i === all.length - 1 && i > 0));
}

/**
 * The WIT's rule: a Unicode name is converted to ASCII with IDNA before it is validated and
 * looked up (`münchen.de` is `xn--mnchen-3ya.de`); undefined when it has no ASCII form.
 */
function toAscii(name: string): string | undefined {
  if (!/[^\x00-\x7f]/.test(name)) return name;
  const ascii = domainToASCII(name);
  return ascii === "" ? undefined : ascii;
}

/**
 * The name resolve-addresses looks up (both versions' rule): IDNA's ASCII form of `name`, if that
 * is a host name or an IP literal; undefined for invalid-argument.
 */
export function lookupName(name: string): string | undefined {
  const ascii = toAscii(name);
  return ascii !== undefined && validName(ascii) ? ascii : undefined;
}

export function networkImports(ctx: P2Context): Record<string, Record<string, unknown>> {
  const network = new Network();
  return {
    "wasi:sockets/network": { Network, networkErrorCode: (e: IoError) => networkErrorCode(ctx, e) },
    "wasi:sockets/instance-network": { instanceNetwork: () => network },
    "wasi:sockets/ip-name-lookup": {
      ResolveAddressStream,
      resolveAddresses(_network: Network, name: string): ResolveAddressStream {
        const ascii = lookupName(name);
        if (ascii === undefined) throw ctx.code(Errno.INVAL);
        return new ResolveAddressStream(ctx, ascii);
      },
    },
  };
}
