// Validation of the flag arguments guests pass (docs/abi.md §1.2, §1.3, §3.2). Undefined bits are
// EINVAL, as wasmtime's generated bindings and WasmEdge reject them.

import { Abi, FdFlags, RiFlags, SdFlags, ShutdownType, TcpOp, wasiSockets } from "./enums";
import { Errno } from "./errno";

@inline function validAbi(abi: i32): bool {
  return <u32>abi < <u32>Abi.COUNT;
}

/** sock_accept's flags for the new fd: 0 or NONBLOCK (wasi-common; uvwasi says ENOTSUP). */
export function checkAcceptFlags(abi: i32, fdflags: i32): i32 {
  if (!validAbi(abi)) return Errno.INVAL;
  return (fdflags & ~FdFlags.NONBLOCK) == 0 ? Errno.SUCCESS : Errno.INVAL;
}

/**
 * sock_recv's riflags: preview1 PEEK | WAITALL; WASIX adds DATA_TRUNCATED (MSG_TRUNC) and
 * DONT_WAIT (MSG_DONTWAIT). wasi:sockets has no receive flags, so P2 accepts only 0.
 */
export function checkRiflags(abi: i32, flags: i32): i32 {
  let allowed = 0;
  if (abi == Abi.LINUX) allowed = RiFlags.RECV_PEEK | RiFlags.RECV_WAITALL;
  else if (abi == Abi.WASIX) {
    allowed = RiFlags.RECV_PEEK | RiFlags.RECV_WAITALL | RiFlags.RECV_DATA_TRUNCATED | RiFlags.RECV_DONT_WAIT;
  } else if (!wasiSockets(abi)) return Errno.INVAL;
  return (flags & ~allowed) == 0 ? Errno.SUCCESS : Errno.INVAL;
}

/**
 * sock_send's siflags: preview1 defines none, so anything but 0 is EINVAL (WasmEdge; wasi-common
 * ignored them). WASIX defines SEND_DONT_WAIT (0x1, MSG_DONTWAIT), which wasix-libc passes through
 * wasi_snapshot_preview1.sock_send.
 */
export function checkSiflags(abi: i32, flags: i32): i32 {
  if (!validAbi(abi)) return Errno.INVAL;
  const allowed = abi == Abi.WASIX ? SIFLAGS_SEND_DONT_WAIT : 0;
  return (flags & ~allowed) == 0 ? Errno.SUCCESS : Errno.INVAL;
}

/** WASIX siflags bit: MSG_DONTWAIT. */
const SIFLAGS_SEND_DONT_WAIT: i32 = 0x1;

/**
 * The TcpOp of a shutdown: preview1 sdflags RD 1 → SHUT_RD, WR 2 → SHUT_WR, both 3 → SHUT_RDWR,
 * anything else -(EINVAL) (0 too: wasi-common; WasmEdge's "0 means SHUT_RD" is a bug not copied).
 * P2 passes wasi:sockets shutdown-type instead: receive 0, send 1, both 2.
 */
export function shutdownOp(abi: i32, how: i32): i32 {
  if (wasiSockets(abi)) {
    if (how == ShutdownType.RECEIVE) return TcpOp.SHUT_RD;
    if (how == ShutdownType.SEND) return TcpOp.SHUT_WR;
    if (how == ShutdownType.BOTH) return TcpOp.SHUT_RDWR;
    return -Errno.INVAL;
  }
  if (!validAbi(abi)) return -Errno.INVAL;
  if (how == SdFlags.RD) return TcpOp.SHUT_RD;
  if (how == SdFlags.WR) return TcpOp.SHUT_WR;
  if (how == (SdFlags.RD | SdFlags.WR)) return TcpOp.SHUT_RDWR;
  return -Errno.INVAL;
}

/** fd_fdstat_set_flags on a socket: 0 or NONBLOCK (wasi-common); APPEND, sync flags → EINVAL. */
export function checkFdflags(abi: i32, fdflags: i32): i32 {
  if (!validAbi(abi)) return Errno.INVAL;
  return (fdflags & ~FdFlags.NONBLOCK) == 0 ? Errno.SUCCESS : Errno.INVAL;
}
