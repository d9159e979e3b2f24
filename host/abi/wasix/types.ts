import { Errno } from "../../core/enums.js";
import { bytesToIp, ipToBytes } from "../../ip.js";
import type { GuestMemory } from "../../wasm/guest-memory.js";
import { SocketType, type Addr } from "../../sockets/kernel.js";

/**
 * WASIX numbering and layouts (docs/abi.md §3.2), as wasix-libc's api_wasix.h and Wasmer's
 * bindings.rs define them.
 */

/** address_family (u8). */
export const AddressFamily = { UNSPEC: 0, INET4: 1, INET6: 2, UNIX: 3 } as const;
/** sock_status (u8). */
export const SockStatus = { OPENING: 0, OPENED: 1, CLOSED: 2, FAILED: 3 } as const;
/** siflags extension: MSG_DONTWAIT (the only siflag WASIX defines). */
export const SIFLAGS_SEND_DONT_WAIT = 0x1;

/** sock_type (u8): 1 stream, 2 dgram; binaries built before wasix-libc 528c2ec (2023-05) send dgram as 0. */
const SOCK_TYPE: Record<number, number> = { 0: SocketType.DGRAM, 1: SocketType.STREAM, 2: SocketType.DGRAM };
/** raw (3) and seqpacket (4) exist in the ABI but not here. */
const SOCK_TYPE_MAX = 4;
/** wasix-libc's socket() forwards these bits of `type` unmasked. */
const SOCK_NONBLOCK = 0x4000, SOCK_CLOEXEC = 0x2000;
const IPPROTO_TCP = 6, IPPROTO_UDP = 17;

/**
 * sock_open's arguments → what to open, or an errno: an unknown family or type EINVAL; unix, raw,
 * seqpacket ENOTSUP (not offered); TCP other than as a stream, UDP other than as datagrams ENOTSUP
 * (Wasmer), any other protocol too. SOCK_NONBLOCK in the type makes the fd non-blocking.
 */
export function decodeOpen(af: number, type: number, proto: number): { family: 4 | 6; type: number; nonblock: boolean } | number {
  const family = af === AddressFamily.INET4 ? 4 : af === AddressFamily.INET6 ? 6 : undefined;
  if (family === undefined) return af === AddressFamily.UNIX ? Errno.NOTSUP : Errno.INVAL;
  const base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  const t = SOCK_TYPE[base];
  if (t === undefined) return base >>> 0 <= SOCK_TYPE_MAX ? Errno.NOTSUP : Errno.INVAL;
  if (proto !== 0 && proto !== (t === SocketType.STREAM ? IPPROTO_TCP : IPPROTO_UDP)) return Errno.NOTSUP;
  return { family, type: t, nonblock: (type & SOCK_NONBLOCK) !== 0 };
}

// Address layouts. `addr_port_t` is 110 bytes in wasix-libc's view (tag u8 @0, pad, union @2:
// port u16 @2, IP bytes @4, IPv6 flow/scope @20/@24, unix path @2); Wasmer itself reads and writes
// only the first 20 (tag, pad, 18 octets).

/** wasix-libc's `__wasi_addr_port_t`: what a write must own (and zero). */
export const ADDR_PORT_SIZE = 110;
/** What Wasmer's `read_ip_port` reads: tag, pad, 18 octets. */
export const ADDR_PORT_READ = 20;
/** `addr_ip_t` (resolve's entries): tag u8 @0, pad, 16 bytes @2 (IPv4 uses 2–5). */
export const ADDR_IP_SIZE = 18;

/**
 * Read an `addr_port_t` the guest passes in: inet4/inet6, anything else EINVAL (Wasmer rejects
 * unix here too). The port is read little-endian, as Wasmer's `read_ip_port` does (`from_ne_bytes`)
 * and as wasix-libc stores it (`ntohs(sin_port)`, host order).
 */
export function readAddrPort(mem: GuestMemory, ptr: number): Addr | number {
  mem.check(ptr, ADDR_PORT_READ);
  const tag = mem.u8At(ptr);
  const port = mem.u16At(ptr + 2);
  if (tag === AddressFamily.INET4) return { host: bytesToIp(mem.view(ptr + 4, 4).slice()), port, family: 4 };
  if (tag === AddressFamily.INET6) return { host: bytesToIp(mem.view(ptr + 4, 16).slice()), port, family: 6 };
  return Errno.INVAL;
}

/**
 * Write an `addr_port_t` (accept_v2, addr_local/peer, recv_from). The port is stored big-endian,
 * byte for byte what Wasmer's `write_ip_port` does (the read/write asymmetry is Wasmer's; current
 * wasix-libc detects it at run time by binding port 9000 and reading it back, see wx_tcp.c). The
 * whole 110-byte libc view is zeroed first, so an IPv6 flow/scope reads 0 rather than stack garbage.
 */
export function writeAddrPort(mem: GuestMemory, ptr: number, a: Addr): void {
  mem.fill(ptr, ADDR_PORT_SIZE);
  const bytes = ipToBytes(a.host) ?? new Uint8Array(a.family === 6 ? 16 : 4);
  mem.setU8(ptr, bytes.length === 4 ? AddressFamily.INET4 : AddressFamily.INET6);
  mem.setU8(ptr + 2, (a.port >>> 8) & 0xff);
  mem.setU8(ptr + 3, a.port & 0xff);
  mem.write(ptr + 4, bytes);
}

/** One `addr_ip_t` entry (resolve): tag and the address bytes, the rest zero. */
export function writeAddrIp(mem: GuestMemory, ptr: number, a: Addr): void {
  mem.fill(ptr, ADDR_IP_SIZE);
  const bytes = ipToBytes(a.host) ?? new Uint8Array(a.family === 6 ? 16 : 4);
  mem.setU8(ptr, bytes.length === 4 ? AddressFamily.INET4 : AddressFamily.INET6);
  mem.write(ptr + 2, bytes);
}

/** The unspecified address of a family, port 0: what Wasmer answers for a pre-socket's peer. */
export function unspecified(family: 4 | 6): Addr {
  return { host: family === 6 ? "::" : "0.0.0.0", port: 0, family };
}
