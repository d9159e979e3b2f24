import { Abi, Errno, RiFlags } from "../../core/enums.js";
import { GuestMemory, IOV_MAX, type Iovec } from "../../wasm/guest-memory.js";
import { SockOpt, SocketType, type Addr } from "../../sockets/kernel.js";
import { after, type Sync } from "../../util/sync.js";
import { guard, type GuestContext } from "../../wasi/context.js";
import type { SocketEntry } from "../../wasi/fd-table.js";
import { preview1 } from "../preview1/imports.js";
import { nosysImports, type Implementation } from "../signature.js";
import { PREVIEW1 } from "../preview1/table.js";
import { WASMEDGE } from "../wasmedge/table.js";
import { Fdflags, Roflags } from "../../wasi/types.js";
import { ADDR_IP_SIZE, ADDR_PORT_SIZE, decodeOpen, readAddrPort, SIFLAGS_SEND_DONT_WAIT, SockStatus, unspecified, writeAddrIp, writeAddrPort } from "./types.js";
import { wasixOptions } from "./options.js";
import { WASIX } from "./table.js";

/**
 * WASIX (Wasmer's `wasix_32v1`, docs/abi.md §3): guests that open, bind, listen, connect and resolve
 * themselves. The namespace also carries every preview1 import, as Wasmer's does; the four preview1
 * socket calls are replaced by their WASIX forms (sock_accept is accept_v2, recv/send take WASIX's
 * extra flags). Sockets are opened with Abi.WASIX, so the core applies Wasmer's state rules
 * (listen without bind EINVAL, accept before listen ENOTCONN, …); this module only translates.
 * Precedence as elsewhere: EBADF/ENOTSOCK, then EINVAL for arguments, then EFAULT, then the call's own.
 */

/** `base` is the guest's wasi_snapshot_preview1 module, whose imports this namespace also carries. */
export function wasix(ctx: GuestContext, base: Implementation<typeof PREVIEW1 & typeof WASMEDGE> = preview1(ctx)): Implementation<typeof PREVIEW1 & typeof WASMEDGE & typeof WASIX> {
  const { mem, fds, kernel, core, sends } = ctx;
  /** Datagram sockets this module opened (kernel handles are never reused), for sock_status. */
  const dgrams = new Set<number>();

  /**
   * sock_status: opening for Wasmer's pre-socket (opened, bound, connecting; an unbound UDP socket),
   * opened for a listener, a connection, a bound UDP socket. The kernel does not report a socket's
   * state, so it is read off answers the core fixes per state: a connection has a peer, a WASIX
   * listener refuses getpeername with ENOTSUP (a Linux-ABI pre-opened one reads ACCEPTCONN 1).
   */
  function status(h: number): number {
    if (dgrams.has(h)) {
      const local = kernel.localAddr(h);
      return typeof local !== "number" && local.port !== 0 ? SockStatus.OPENED : SockStatus.OPENING;
    }
    const peer = kernel.peerAddr(h);
    if (typeof peer !== "number" || peer === -Errno.NOTSUP) return SockStatus.OPENED;
    return kernel.getOption(h, SockOpt.ACCEPTCONN) === 1 ? SockStatus.OPENED : SockStatus.OPENING;
  }

  /** EBADF/ENOTSOCK, else ENOTSUP: for the calls whose first argument is a socket and that wasock does not offer. */
  const notSupported = guard((fd: number): number => {
    const s = fds.socket(fd);
    return typeof s === "number" ? s : Errno.NOTSUP;
  });

  /** The peer, or for a socket with none yet the unspecified address: the core lets WASIX ask (Wasmer answers so). */
  function peerOf(h: number): Addr | number {
    const p = kernel.peerAddr(h);
    if (p !== -Errno.NOTCONN) return p;
    const local = kernel.localAddr(h);
    return typeof local === "number" ? local : unspecified(local.family);
  }

  /** An fd's reads and writes block unless it is NONBLOCK or the call says DONT_WAIT. */
  const nonblocking = (s: SocketEntry, dontWait: boolean): boolean => dontWait || (s.flags & Fdflags.NONBLOCK) !== 0;

  /**
   * Receive into checked iovecs. With `retAddr` (recv_from) the kernel's recvFrom, which gives a
   * datagram's sender and a stream's peer; roflags are 0 but for a truncated datagram.
   */
  function receive(s: SocketEntry, iovs: Iovec[], flags: number, retLen: number, retFlags: number, retAddr?: number): Sync<number> {
    const max = GuestMemory.total(iovs);
    const peek = (flags & RiFlags.RECV_PEEK) !== 0;
    const nb = nonblocking(s, (flags & RiFlags.RECV_DONT_WAIT) !== 0);
    if (retAddr !== undefined) {
      return after(kernel.recvFrom(s.handle, max, peek, nb), (d) => {
        if (typeof d === "number") return -d;
        mem.setU32(retLen, mem.scatter(iovs, d.data));
        mem.setU16(retFlags, d.truncated ? Roflags.RECV_DATA_TRUNCATED : 0);
        writeAddrPort(mem, retAddr, d.from);
        return Errno.SUCCESS;
      });
    }
    const waitall = (flags & RiFlags.RECV_WAITALL) !== 0;
    return after(kernel.recv(s.handle, max, peek, waitall, nb), (data) => {
      if (typeof data === "number") return -data;
      mem.setU32(retLen, mem.scatter(iovs, data));
      mem.setU16(retFlags, 0);
      return Errno.SUCCESS;
    });
  }

  /** Send checked iovecs (copied out by the kernel's side: sockets/send-path.ts); send_to passes `to`
   *  (a stream ignores it, as Wasmer and Linux do). */
  function transmit(s: SocketEntry, iovs: Iovec[], flags: number, retLen: number, to?: Addr): Sync<number> {
    const data = mem.outgoing(iovs);
    const nb = nonblocking(s, (flags & SIFLAGS_SEND_DONT_WAIT) !== 0);
    const r = to !== undefined ? sends.sendToGathered(s.handle, data, to, nb) : sends.sendGathered(s.handle, data, 0, data.length, nb);
    return after(r, (n) => {
      if (n < 0) return -n;
      mem.setU32(retLen, n);
      return Errno.SUCCESS;
    });
  }

  /** riflags (WASIX adds DATA_TRUNCATED and DONT_WAIT), iovec count, then the iovecs' memory. */
  function recvArgs(riData: number, riLen: number, riFlags: number): Iovec[] | number {
    const bad = core.checkRiflags(Abi.WASIX, riFlags);
    if (bad !== 0) return bad;
    if (riLen >>> 0 > IOV_MAX) return Errno.INVAL;
    return mem.iovecs(riData, riLen);
  }

  /** siflags: SEND_DONT_WAIT is WASIX's; the core judges the rest (it knows no siflag yet). */
  function sendArgs(siData: number, siLen: number, siFlags: number): Iovec[] | number {
    const bad = core.checkSiflags(Abi.WASIX, siFlags & ~SIFLAGS_SEND_DONT_WAIT);
    if (bad !== 0) return bad;
    if (siLen >>> 0 > IOV_MAX) return Errno.INVAL;
    return mem.iovecs(siData, siLen);
  }

  /** accept_v2: the accepted fd is NONBLOCK if the listener is or `fdflags` asks, and then the call does not wait either (Wasmer). */
  function accept(fd: number, flags: number, retFd: number, retAddr?: number): Sync<number> {
    const s = fds.socket(fd);
    if (typeof s === "number") return s;
    const bad = core.checkAcceptFlags(Abi.WASIX, flags);
    if (bad !== 0) return bad;
    mem.check(retFd, 4);
    if (retAddr !== undefined) mem.check(retAddr, ADDR_PORT_SIZE);
    const newFd = fds.nextFree();
    if (newFd < 0) return Errno.MFILE;
    const nb = nonblocking(s, (flags & Fdflags.NONBLOCK) !== 0);
    return after(kernel.accept(s.handle, nb, newFd), (h) => {
      if (h < 0) return -h;
      mem.setU32(retFd, fds.insert({ kind: "socket", handle: h, flags: nb ? Fdflags.NONBLOCK : 0, abi: Abi.WASIX }));
      if (retAddr !== undefined) {
        const p = peerOf(h);
        writeAddrPort(mem, retAddr, typeof p === "number" ? unspecified(4) : p);
      }
      return Errno.SUCCESS;
    });
  }

  const sockets = {
    sock_open: guard((af: number, type: number, proto: number, retFd: number): number => {
      const o = decodeOpen(af, type, proto);
      if (typeof o === "number") return o;
      mem.check(retFd, 4);
      if (fds.nextFree() < 0) return Errno.MFILE;
      const h = kernel.open(o.family, o.type, Abi.WASIX);
      if (h < 0) return -h;
      if (o.type === SocketType.DGRAM) dgrams.add(h);
      mem.setU32(retFd, fds.insert({ kind: "socket", handle: h, flags: o.nonblock ? Fdflags.NONBLOCK : 0, abi: Abi.WASIX, dgram: o.type === SocketType.DGRAM }));
      return Errno.SUCCESS;
    }),

    /** Socket pairs need an in-process stream pair the kernel does not have. */
    sock_pair: guard((): number => Errno.NOTSUP),

    sock_bind: guard((fd: number, addrPtr: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const a = readAddrPort(mem, addrPtr);
      if (typeof a === "number") return a;
      // A family that does not match the socket's is EINVAL in Wasmer (Linux: EAFNOSUPPORT).
      return after(kernel.bind(s.handle, a), (e) => (e === -Errno.AFNOSUPPORT ? Errno.INVAL : -e));
    }),

    /** Wasmer ignores the backlog; -1 is "as many as somaxconn allows" to the core's backlog rule. */
    sock_listen: guard((fd: number, _backlog: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      return after(kernel.listen(s.handle, -1), (e) => -e);
    }),

    sock_connect: guard((fd: number, addrPtr: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const a = readAddrPort(mem, addrPtr);
      if (typeof a === "number") return a;
      return after(kernel.connect(s.handle, a, nonblocking(s, false)), (e) => -e);
    }),

    /** In wasix_32v1 `sock_accept` is accept_v2 (4 parameters); a 3-parameter import gets no address. */
    sock_accept: guard((...a: number[]): Sync<number> => accept(a[0]!, a[1]!, a[2]!, a[3])),
    sock_accept_v2: guard((fd: number, flags: number, retFd: number, retAddr: number): Sync<number> => accept(fd, flags, retFd, retAddr)),

    sock_recv: guard((fd: number, riData: number, riLen: number, riFlags: number, retLen: number, retFlags: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const iovs = recvArgs(riData, riLen, riFlags);
      if (typeof iovs === "number") return iovs;
      mem.check(retLen, 4);
      mem.check(retFlags, 2);
      return receive(s, iovs, riFlags, retLen, retFlags);
    }),

    /** WASIX order: fd, ri_data, ri_data_len, ri_flags, ret_len, ret_roflags, ret_addr (WasmEdge's differs). */
    sock_recv_from: guard((fd: number, riData: number, riLen: number, riFlags: number, retLen: number, retFlags: number, retAddr: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const iovs = recvArgs(riData, riLen, riFlags);
      if (typeof iovs === "number") return iovs;
      mem.check(retLen, 4);
      mem.check(retFlags, 2);
      mem.check(retAddr, ADDR_PORT_SIZE);
      return receive(s, iovs, riFlags, retLen, retFlags, retAddr);
    }),

    sock_send: guard((fd: number, siData: number, siLen: number, siFlags: number, retLen: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const iovs = sendArgs(siData, siLen, siFlags);
      if (typeof iovs === "number") return iovs;
      mem.check(retLen, 4);
      return transmit(s, iovs, siFlags, retLen);
    }),

    sock_send_to: guard((fd: number, siData: number, siLen: number, siFlags: number, addrPtr: number, retLen: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const iovs = sendArgs(siData, siLen, siFlags);
      if (typeof iovs === "number") return iovs;
      mem.check(retLen, 4);
      const to = readAddrPort(mem, addrPtr);
      if (typeof to === "number") return to;
      return transmit(s, iovs, siFlags, retLen, to);
    }),

    /** Not offered (it would read `in_fd` through the file layer): ENOTSUP once `out_fd` is a socket. */
    sock_send_file: notSupported,

    sock_shutdown: guard((fd: number, how: number): number => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const op = core.shutdownOp(Abi.WASIX, how);
      if (op < 0) return -op;
      return -kernel.shutdown(s.handle, op);
    }),

    sock_status: guard((fd: number, ret: number): number => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      mem.check(ret, 1);
      mem.setU8(ret, status(s.handle));
      return Errno.SUCCESS;
    }),

    sock_addr_local: guard((fd: number, ret: number): number => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      mem.check(ret, ADDR_PORT_SIZE);
      const a = kernel.localAddr(s.handle);
      if (typeof a === "number") return -a;
      writeAddrPort(mem, ret, a);
      return Errno.SUCCESS;
    }),

    sock_addr_peer: guard((fd: number, ret: number): number => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      mem.check(ret, ADDR_PORT_SIZE);
      const a = peerOf(s.handle);
      if (typeof a === "number") return -a;
      writeAddrPort(mem, ret, a);
      return Errno.SUCCESS;
    }),

    /** Multicast needs UDP group membership the kernel does not offer. */
    sock_join_multicast_v4: notSupported, sock_leave_multicast_v4: notSupported,
    sock_join_multicast_v6: notSupported, sock_leave_multicast_v6: notSupported,

    /** Up to `naddrs` addresses of a name; `port` is only a hint (Wasmer ignores it for the lookup too). */
    resolve: guard((hostPtr: number, hostLen: number, _port: number, addrs: number, naddrs: number, retN: number): Sync<number> => {
      const name = mem.string(hostPtr, hostLen);
      mem.check(addrs, Math.min((naddrs >>> 0) * ADDR_IP_SIZE, 0xffffffff));
      mem.check(retN, 4);
      return after(kernel.resolve(name), (r) => {
        if (typeof r === "number") return -r;
        const n = Math.min(r.length, naddrs >>> 0);
        for (let i = 0; i < n; i++) writeAddrIp(mem, addrs + i * ADDR_IP_SIZE, r[i]!);
        mem.setU32(retN, n);
        return Errno.SUCCESS;
      });
    }),
  };

  // wasix-libc's exit(), _Exit() and a non-zero return from main call proc_exit2 (since 6cc8097):
  // the same exit as preview1's (the guest's code; it never returns).
  return { ...base, ...nosysImports(WASIX, Errno.NOSYS), proc_exit2: base.proc_exit!, ...sockets, ...wasixOptions(ctx) };
}
