// Which addresses a wasi:sockets 0.2 call may take (docs/abi.md §4.2, §4.3; wasmtime
// crates/wasi/src/sockets/util.rs). POSIX leaves most of these to the kernel, which accepts several
// of them (Linux connects to 0.0.0.0 as if it were 127.0.0.1); WASI 0.2 refuses them up front, so
// every host answers the same invalid-argument before any I/O.
//
// The address is in scratch[0..16) as the host writes it for the policy: IPv4 in the first 4 bytes,
// IPv6 as 16 bytes in network order.

import { SCRATCH } from "./codes";
import { Errno } from "./errno";

/** What the address is for. */
export const enum AddrUse {
  /** tcp/udp start-bind: a local address (unspecified allowed, port 0 = ephemeral). */
  BIND = 0,
  /** tcp start-connect, udp stream(remote), udp send with an explicit remote: a peer. */
  REMOTE = 1,
  COUNT = 2,
}

@inline function v4(i: i32): u32 {
  return <u32>load<u8>(SCRATCH + <usize>i);
}

@inline function seg(i: i32): u32 {
  return (v4(2 * i) << 8) | v4(2 * i + 1);
}

/** ::ffff:a.b.c.d — an IPv4 address dressed as IPv6. An IPv6 socket is IPV6_V6ONLY, so never. */
function isMapped(): bool {
  for (let i = 0; i < 5; i++) if (seg(i) != 0) return false;
  return seg(5) == 0xffff;
}

/** ::a.b.c.d other than :: and ::1 — IPv4-compatible, deprecated since RFC 4291 (2006); OS
 *  handling differs, so wasmtime refuses them outright. */
function isCompatible(): bool {
  for (let i = 0; i < 6; i++) if (seg(i) != 0) return false;
  const low = (seg(6) << 16) | seg(7);
  return low > 1;
}

function isUnspecified(family: i32): bool {
  const n = family == 4 ? 4 : 16;
  for (let i = 0; i < n; i++) if (v4(i) != 0) return false;
  return true;
}

/** Multicast (224.0.0.0/4, ff00::/8) or the IPv4 limited broadcast: not a unicast address. */
function isNonUnicast(family: i32): bool {
  if (family == 4) return (v4(0) & 0xf0) == 0xe0 || (v4(0) == 255 && v4(1) == 255 && v4(2) == 255 && v4(3) == 255);
  return v4(0) == 0xff;
}

/**
 * Whether a socket of `socketFamily` (4 | 6) may use the address in scratch of `addrFamily` and
 * `port` for `use`: 0, or EINVAL (invalid-argument) when the family differs, the address is not
 * unicast, is IPv4-mapped or IPv4-compatible, or (for a remote) is unspecified or has port 0.
 * EINVAL too for arguments out of range.
 */
export function p2CheckAddress(use: i32, socketFamily: i32, addrFamily: i32, port: i32): i32 {
  if (<u32>use >= <u32>AddrUse.COUNT || <u32>port > 0xffff) return Errno.INVAL;
  if ((socketFamily != 4 && socketFamily != 6) || addrFamily != socketFamily) return Errno.INVAL;
  if (isNonUnicast(addrFamily)) return Errno.INVAL;
  if (addrFamily == 6 && (isMapped() || isCompatible())) return Errno.INVAL;
  if (use == AddrUse.REMOTE && (port == 0 || isUnspecified(addrFamily))) return Errno.INVAL;
  return Errno.SUCCESS;
}
