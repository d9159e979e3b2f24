import { Abi, Errno } from "../../core/enums.js";
import { GuestMemory, IOV_MAX, type Iovec } from "../../wasm/guest-memory.js";
import type { SocketEntry } from "../../wasi/fd-table.js";
import { guard, type GuestContext } from "../../wasi/context.js";
import { Fdflags, Riflags } from "../../wasi/types.js";
import { after, type Sync } from "../../util/sync.js";

/**
 * WASI preview1 sockets: sock_accept, sock_recv, sock_send, sock_shutdown. Each import only
 * translates guest memory ⇄ kernel calls; precedence is EBADF/ENOTSOCK (fd), then EINVAL
 * (flags), then EFAULT (pointers), then the operation's own errno.
 */

/** Receive into checked iovecs: writes the byte count at `retLen`. Shared with fd_read. */
export function recvInto(ctx: GuestContext, s: SocketEntry, iovs: Iovec[], flags: number, retLen: number, retFlags: number): Sync<number> {
  const max = GuestMemory.total(iovs);
  // WASIX's RECV_DONT_WAIT (MSG_DONTWAIT) makes one call non-blocking; other ABIs reject the bit earlier.
  const nonblock = (s.flags & Fdflags.NONBLOCK) !== 0 || (flags & RECV_DONT_WAIT) !== 0;
  const r = ctx.kernel.recv(s.handle, max, (flags & Riflags.RECV_PEEK) !== 0, (flags & Riflags.RECV_WAITALL) !== 0, nonblock);
  // The answer at hand is written without a closure: this is every read of data already there.
  return r instanceof Promise ? recvLater(ctx, r, iovs, retLen, retFlags) : received(ctx, r, iovs, retLen, retFlags);
}

function recvLater(ctx: GuestContext, r: Promise<Uint8Array | number>, iovs: Iovec[], retLen: number, retFlags: number): Promise<number> {
  return r.then((data) => received(ctx, data, iovs, retLen, retFlags));
}

function received(ctx: GuestContext, data: Uint8Array | number, iovs: Iovec[], retLen: number, retFlags: number): number {
  if (typeof data === "number") return -data;
  const n = ctx.mem.scatter(iovs, data);
  ctx.mem.setU32(retLen, n);
  if (retFlags >= 0) ctx.mem.setU16(retFlags, 0);
  return Errno.SUCCESS;
}

/**
 * Bytes of a stream send copied out of guest memory at a time. A larger send is taken in pieces,
 * each once the socket can take it, so a socket never holds more than its send limit plus one
 * piece, however large the guest's buffer (the worker bridge's channel does the same).
 */
const SEND_PIECE = 64 * 1024;

/** Send checked iovecs (copied out by the kernel's side: sockets/send-path.ts); writes the byte count at `retLen`. Shared with fd_write. */
export function sendFrom(ctx: GuestContext, s: SocketEntry, iovs: Iovec[], retLen: number, siflags = 0): Sync<number> {
  // WASIX's SEND_DONT_WAIT (MSG_DONTWAIT); other ABIs reject the bit earlier.
  const nonblock = (s.flags & Fdflags.NONBLOCK) !== 0 || (siflags & SEND_DONT_WAIT) !== 0;
  const total = GuestMemory.total(iovs);
  if (total > SEND_PIECE && !s.dgram) return sendPieces(ctx, s.handle, iovs, total, retLen, nonblock);
  const r = ctx.sends.sendGathered(s.handle, ctx.mem.outgoing(iovs, total), 0, total, nonblock);
  return r instanceof Promise ? sendLater(ctx, r, retLen) : sent(ctx, r, retLen);
}

function sendLater(ctx: GuestContext, r: Promise<number>, retLen: number): Promise<number> {
  return r.then((n) => sent(ctx, n, retLen));
}

function sent(ctx: GuestContext, n: number, retLen: number): number {
  if (n < 0) return -n;
  ctx.mem.setU32(retLen, n);
  return Errno.SUCCESS;
}

/** A stream send larger than SEND_PIECE, copied and handed to the socket a piece at a time. */
function sendPieces(ctx: GuestContext, handle: number, iovs: Iovec[], total: number, retLen: number, nonblock: boolean): Sync<number> {
  const src = ctx.mem.outgoing(iovs, total);
  let done = 0;
  let failed = 0;
  /** Account one piece's answer; true to go on with the next. */
  const took = (k: number, asked: number): boolean => {
    if (k < 0) failed = k;
    else done += k;
    return k === asked;
  };
  // A blocking send takes every piece (waiting between them); a non-blocking one what fits now.
  // An error after some bytes went reports the bytes, as Linux does; the error shows next call.
  const finish = (): number => sent(ctx, done > 0 ? done : failed, retLen);
  const loop = (): Sync<number> => {
    while (done < total) {
      const n = Math.min(SEND_PIECE, total - done);
      const r = ctx.sends.sendGathered(handle, src, done, n, nonblock);
      if (r instanceof Promise) return r.then((k) => (took(k, n) ? loop() : finish()));
      if (!took(r, n)) return finish();
    }
    return finish();
  };
  return loop();
}

/** WASIX flag bits that wasix-libc passes through wasi_snapshot_preview1's sock_recv/sock_send. */
const RECV_DONT_WAIT = 0x8;
const SEND_DONT_WAIT = 0x1;

/** Each socket's flags are checked by its own ABI's rules: a WASIX socket reaches these calls too. */
export function preview1Sockets(ctx: GuestContext) {
  const { mem, fds, core, kernel } = ctx;

  return {
    sock_accept: guard((fd: number, flags: number, retFd: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const bad = core.checkAcceptFlags(s.abi ?? Abi.LINUX, flags);
      if (bad !== 0) return bad;
      mem.check(retFd, 4);
      const newFd = fds.nextFree();
      if (newFd < 0) return Errno.MFILE;
      return after(kernel.accept(s.handle, (s.flags & Fdflags.NONBLOCK) !== 0, newFd), (h) => {
        if (h < 0) return -h;
        const at = fds.insert({ kind: "socket", handle: h, flags: flags & Fdflags.NONBLOCK, abi: s.abi });
        mem.setU32(retFd, at);
        return Errno.SUCCESS;
      });
    }),

    sock_recv: guard((fd: number, riData: number, riLen: number, riFlags: number, retLen: number, retFlags: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const bad = core.checkRiflags(s.abi ?? Abi.LINUX, riFlags);
      if (bad !== 0) return bad;
      if (riLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = mem.iovecs(riData, riLen);
      mem.check(retLen, 4);
      mem.check(retFlags, 2);
      return recvInto(ctx, s, iovs, riFlags, retLen, retFlags);
    }),

    sock_send: guard((fd: number, siData: number, siLen: number, siFlags: number, retLen: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const bad = core.checkSiflags(s.abi ?? Abi.LINUX, siFlags);
      if (bad !== 0) return bad;
      if (siLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = mem.iovecs(siData, siLen);
      mem.check(retLen, 4);
      return sendFrom(ctx, s, iovs, retLen, siFlags);
    }),

    sock_shutdown: guard((fd: number, how: number): number => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const op = core.shutdownOp(s.abi ?? Abi.LINUX, how);
      if (op < 0) return -op;
      return -kernel.shutdown(s.handle, op);
    }),
  };
}
