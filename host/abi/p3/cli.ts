/**
 * The WASI 0.3 members of cli, clocks, random and ip-name-lookup. jco keys a component's imports
 * by interface without its version, so a 0.3 member joins the 0.2 object of the same name (Rust's
 * std imports both); where one name serves both (ip-name-lookup's resolve-addresses), the call's
 * arguments tell which it is.
 */
import { Errno } from "../../core/enums.js";
import type { Addr } from "../../sockets/api.js";
import { monotonicNow, type P2Context } from "../p2/context.js";
import type { ImportObject } from "../p2/imports.js";
import { lookupName, type IpAddress } from "../p2/network.js";
import { bytesToIp, ipToBytes } from "../../ip.js";
import { variant } from "./errors.js";
import { ByteSource, CHUNK, drain, resultFuture, type ByteReader } from "./streams.js";

const MAX_WAIT_MS = 2 ** 31 - 1;

async function waitNs(ctx: P2Context, ns: bigint): Promise<void> {
  // The kernel's sleep, not a bare timer: a stop ends the wait (it is the stop gate's).
  while (ns > 0n) {
    const ms = Number((ns + 999_999n) / 1_000_000n);
    const step = Math.min(ms, MAX_WAIT_MS);
    await ctx.kernel.sleep(step);
    ns -= BigInt(step) * 1_000_000n;
  }
}

function writer(ctx: P2Context, fd: number) {
  return async (data: ByteReader): Promise<{ tag: "ok"; val: undefined }> => {
    await drain(data, async (bytes) => {
      await ctx.kernel.writeStdio(fd, bytes);
    });
    return { tag: "ok", val: undefined };
  };
}

function ipAddress(a: Addr): IpAddress | undefined {
  const b = ipToBytes(a.host);
  if (!b) return undefined;
  if (b.length === 4) return { tag: "ipv4", val: [b[0]!, b[1]!, b[2]!, b[3]!] };
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return { tag: "ipv4", val: [b[12]!, b[13]!, b[14]!, b[15]!] };
  const seg: number[] = [];
  for (let i = 0; i < 16; i += 2) seg.push((b[i]! << 8) | b[i + 1]!);
  return { tag: "ipv6", val: seg };
}

/**
 * 0.3's resolve-addresses: a literal (`[v6]` too) is its own answer; a name is converted to ASCII
 * with IDNA and checked as 0.2's is (p2/network.ts: lookupName), then looked up.
 */
async function resolveAddresses(ctx: P2Context, name: string): Promise<IpAddress[]> {
  const literal = name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  const bytes = ipToBytes(literal);
  if (bytes) return [ipAddress({ host: bytesToIp(bytes), port: 0, family: bytes.length === 4 ? 4 : 6 })!];
  const ascii = lookupName(name);
  if (ascii === undefined) throw "invalid-argument";
  const r = await ctx.kernel.resolve(ascii);
  if (typeof r === "number") throw r === -Errno.ACCES ? "permanent-resolver-failure" : r === -Errno.NOENT ? "name-unresolvable" : "temporary-resolver-failure";
  const out = r.map(ipAddress).filter((a): a is IpAddress => a !== undefined);
  if (out.length === 0) throw "name-unresolvable";
  return out;
}

/** The 0.3 members, per interface, to be merged into the 0.2 import object (merge()). */
export function p3CliImports(ctx: P2Context): ImportObject {
  return {
    "wasi:cli/environment": { getInitialCwd: () => undefined },
    "wasi:cli/stdin": {
      readViaStream(): [ByteSource, Promise<{ tag: "ok"; val: undefined }>] {
        const [future, settle] = resultFuture();
        const pull = async (): Promise<Uint8Array | undefined> => {
          const d = await ctx.kernel.readStdin(CHUNK);
          return d.length === 0 ? undefined : ctx.keep(d);
        };
        return [new ByteSource(pull, settle), future];
      },
    },
    "wasi:cli/stdout": { writeViaStream: writer(ctx, 1) },
    "wasi:cli/stderr": { writeViaStream: writer(ctx, 2) },
    "wasi:clocks/monotonic-clock": {
      getResolution: () => 1n,
      waitFor: (ns: bigint) => waitNs(ctx, ns),
      waitUntil: (when: bigint) => waitNs(ctx, when - monotonicNow()),
    },
    "wasi:clocks/system-clock": {
      now() {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
      },
      getResolution: () => 1_000_000n,
    },
  };
}

/**
 * ip-name-lookup's resolve-addresses for both versions: 0.2's takes (network, name) and answers a
 * resolve-address-stream at once; 0.3's takes (name) and is async.
 */
export function resolveBoth(ctx: P2Context, p2: (network: unknown, name: string) => unknown) {
  return (a: unknown, b?: unknown): unknown => (typeof a === "string" && b === undefined ? resolveAddresses(ctx, a).catch((e: unknown) => Promise.reject(variant(e))) : p2(a, b as string));
}
