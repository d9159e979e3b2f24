// The ABIs' other differences: decisions the host would otherwise make by testing which ABI a
// socket follows. A new ABI adds a row (a case) here, not a branch to the host. Where the
// difference is the host's own I/O (whether an OS call is made at all), abi_flags says so.

import { Abi, SockKind, SockOpt, UdpOp, wasiSockets } from "./enums";
import { Errno } from "./errno";
import { backlogEffective } from "./backlog";
import { optionDefault } from "./options";

/** Bits of abi_flags: what the host does, or asks, for a socket of that ABI. */
export const enum AbiFlag {
  /** Bind, connect and send addresses go through p2_check_address (wasi:sockets' rules). */
  ADDRESS_RULES = 0x2,
  /** A UDP socket's default peer is an OS connect too, so the OS picks the source address (its
   *  local address shows it) and reports ICMP errors. */
  UDP_CONNECT_OS = 0x4,
  /** A UDP socket's receive and send buffer sizes are set on the OS socket, as the guest asked
   *  (the Linux ABIs keep the doubled value getsockopt reads, and set nothing). */
  UDP_OS_BUFFERS = 0x8,
  /** A UDP connect on an unbound socket binds its OS socket first (to the wildcard address and an
   *  ephemeral port), so the OS picks the source and local-address reads it (wasi:sockets 0.3). */
  UDP_CONNECT_BINDS = 0x10,
}

// prettier-ignore
const FLAGS: StaticArray<i32> = [
  /* LINUX */ 0,
  /* WASIX */ 0,
  /* P2    */ AbiFlag.ADDRESS_RULES | AbiFlag.UDP_CONNECT_OS | AbiFlag.UDP_OS_BUFFERS,
  /* P3    */ AbiFlag.ADDRESS_RULES | AbiFlag.UDP_CONNECT_OS | AbiFlag.UDP_OS_BUFFERS | AbiFlag.UDP_CONNECT_BINDS,
];
if (FLAGS.length != <i32>Abi.COUNT) unreachable();

/** The ABI's AbiFlag bits, or -EINVAL for an abi out of range. */
export function abiFlags(abi: i32): i32 {
  return <u32>abi < <u32>Abi.COUNT ? unchecked(FLAGS[abi]) : -Errno.INVAL;
}

/**
 * An address of `addrFamily` given to a socket of `socketFamily` (bind, connect, send to): 0 or
 * the errno, answered before the state is (Linux looks at sa_family first: EAFNOSUPPORT; Wasmer
 * too). wasi:sockets answers nothing here: p2_check_address refuses another family, after the
 * state (invalid-argument). A family other than 4 or 6, or an abi out of range: EINVAL.
 */
export function familyCheck(abi: i32, socketFamily: i32, addrFamily: i32): i32 {
  if (<u32>abi >= <u32>Abi.COUNT || (socketFamily != 4 && socketFamily != 6) || (addrFamily != 4 && addrFamily != 6)) return Errno.INVAL;
  if (wasiSockets(abi)) return Errno.SUCCESS;
  return addrFamily == socketFamily ? Errno.SUCCESS : Errno.AFNOSUPPORT;
}

/**
 * The backlog a listen gets (backlog_effective of it): listen()'s argument `requested`, or for
 * wasi:sockets, which has none, the LISTEN_BACKLOG option set before listening (`option`;
 * negative: not set, its default). -EINVAL for an abi out of range.
 */
export function listenBacklog(abi: i32, requested: i32, option: i32, somaxconn: i32): i32 {
  if (<u32>abi >= <u32>Abi.COUNT) return -Errno.INVAL;
  if (wasiSockets(abi)) requested = option >= 0 ? option : optionDefault(abi, SockKind.TCP, SockOpt.LISTEN_BACKLOG);
  return backlogEffective(requested, somaxconn);
}

/**
 * Which step a datagram send is: SEND (to the default peer) or SEND_TO. `explicit`: the guest
 * gave an address; `toPeer`: it is the connected peer's. wasi:sockets sends to the connected
 * peer's own address as an ordinary send (SEND_TO is refused on a connected socket); Linux and
 * Wasmer take any address as sendto. -EINVAL for an abi out of range.
 */
export function udpSendOp(abi: i32, explicit: i32, toPeer: i32): i32 {
  if (<u32>abi >= <u32>Abi.COUNT) return -Errno.INVAL;
  if (explicit == 0) return UdpOp.SEND;
  return wasiSockets(abi) && toPeer != 0 ? UdpOp.SEND : UdpOp.SEND_TO;
}
