import { Abi, Errno, SockOpt } from "../../core/enums.js";
import { bytesToIp, ipToBytes } from "../../ip.js";
import { SocketType, type Addr } from "../../sockets/kernel.js";
import { after, type Sync } from "../../util/sync.js";
import { guard, type GuestContext } from "../../wasi/context.js";
import { Fdflags } from "../../wasi/types.js";
import { wasmedgeNet } from "./net.js";

/**
 * The WasmEdge socket extension (module wasi_snapshot_preview1, docs/abi.md §2): guests that open
 * their own sockets. V1 and V2 entry points share one implementation; where their types differ
 * (sock_accept, sock_getlocaladdr/peeraddr) the guest's declared arity picks the form, since a
 * wasm→JS call passes exactly the parameters the import declares.
 */

/** WasmEdge address family (u8) → IP version. 3 (AF_UNIX) is not offered: ENOSYS, as WasmEdge without unix sockets. */
const FAMILY: Record<number, 4 | 6> = { 1: 4, 2: 6 };
/** WasmEdge socket type: 1 dgram, 2 stream (the opposite of WASIX). */
const TYPE: Record<number, number> = { 1: SocketType.DGRAM, 2: SocketType.STREAM };
const WASI_ADDR_STORAGE = 128;

type Accept = (fd: number, flags: number, retFd: number) => Sync<number>;

export function wasmedgeSockets(ctx: GuestContext, preview1Accept: Accept) {
  const { mem, fds, kernel } = ctx;

  /** Read a WasiAddress {buf, buf_len} at `ptr`: 4 → IPv4, 16 → IPv6, 128 (V2) → family-tagged storage. */
  function readAddr(ptr: number, port: number, v2: boolean): Addr | number {
    const buf = mem.u32At(ptr);
    const len = mem.u32At(ptr + 4);
    let bytes: Uint8Array;
    if (len === 4 || len === 16) bytes = mem.view(buf, len).slice();
    else if (len === WASI_ADDR_STORAGE && v2) {
      const fam = FAMILY[mem.u16At(buf)];
      if (fam === undefined) return mem.u16At(buf) === 3 ? Errno.NOSYS : Errno.INVAL;
      bytes = mem.view(buf + 2, fam === 4 ? 4 : 16).slice();
    } else return Errno.INVAL;
    return { host: bytesToIp(bytes), port: port & 0xffff, family: bytes.length === 4 ? 4 : 6 };
  }

  /** Write an address into the guest's WasiAddress: V1 raw 4/16 bytes (+type 4/6), V2 128-byte storage. */
  function writeAddr(ptr: number, a: Addr, typePtr: number, portPtr: number, v2: boolean): number {
    const buf = mem.u32At(ptr);
    const len = mem.u32At(ptr + 4);
    const bytes = ipToBytes(a.host) ?? new Uint8Array(a.family === 4 ? 4 : 16);
    if (v2) {
      if (len !== WASI_ADDR_STORAGE) return Errno.INVAL;
      mem.fill(buf, WASI_ADDR_STORAGE);
      mem.setU16(buf, bytes.length === 4 ? 1 : 2);
      mem.write(buf + 2, bytes);
    } else {
      if (len !== 4 && len !== 16) return Errno.INVAL;
      if (len < bytes.length) return Errno.INVAL;
      mem.fill(buf, len);
      mem.write(buf, bytes);
      mem.setU32(typePtr, bytes.length === 4 ? 4 : 6);
    }
    mem.setU32(portPtr, a.port);
    return Errno.SUCCESS;
  }

  const open = guard((af: number, type: number, retFd: number): number => {
    const family = FAMILY[af];
    if (family === undefined) return af === 3 ? Errno.NOSYS : Errno.INVAL;
    const t = TYPE[type];
    if (t === undefined) return Errno.INVAL;
    mem.check(retFd, 4);
    if (fds.nextFree() < 0) return Errno.MFILE;
    const h = kernel.open(family, t);
    if (h < 0) return -h;
    mem.setU32(retFd, fds.insert({ kind: "socket", handle: h, flags: 0, dgram: t === SocketType.DGRAM }));
    return Errno.SUCCESS;
  });

  const bindOrConnect = (connect: boolean, v2: boolean) =>
    guard((fd: number, addrPtr: number, port: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const a = readAddr(addrPtr, port, v2);
      if (typeof a === "number") return a;
      const r = connect ? kernel.connect(s.handle, a, (s.flags & Fdflags.NONBLOCK) !== 0) : kernel.bind(s.handle, a);
      return after(r, (e) => -e);
    });

  const listen = guard((fd: number, backlog: number): Sync<number> => {
    const s = fds.socket(fd);
    if (typeof s === "number") return s;
    return after(kernel.listen(s.handle, backlog | 0), (e) => -e);
  });

  const addrOf = (peer: boolean) =>
    guard((...a: number[]): number => {
      const v2 = a.length === 3;
      const [fd, addrPtr] = a as [number, number];
      const typePtr = v2 ? -1 : a[2]!, portPtr = v2 ? a[2]! : a[3]!;
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      mem.check(addrPtr, 8);
      if (!v2) mem.check(typePtr, 4);
      mem.check(portPtr, 4);
      const r = peer ? kernel.peerAddr(s.handle) : kernel.localAddr(s.handle);
      if (typeof r === "number") return -r;
      return writeAddr(addrPtr, r, typePtr, portPtr, v2);
    });

  /**
   * SOL_SOCKET options by WasmEdge's names (0–14), validated and clamped by the core. Values are
   * an int32, except SO_LINGER (struct linger: onoff, seconds), SO_RCVTIMEO/SO_SNDTIMEO (a timeval:
   * i64 sec, i64 usec; kept in ms) and SO_BINDTODEVICE (a name).
   */
  const setsockopt = guard((fd: number, level: number, name: number, valPtr: number, len: number): number => {
    const s = fds.socket(fd);
    if (typeof s === "number") return s;
    if (level !== 0) return Errno.INVAL;
    const opt = ctx.core.optionFromAbi(Abi.LINUX, name);
    if (opt < 0) return -opt;
    len >>>= 0;
    let value: number;
    if (opt === SockOpt.BINDTODEVICE) value = mem.view(valPtr, len).indexOf(0) >= 0 ? mem.view(valPtr, len).indexOf(0) : len;
    else if (opt === SockOpt.RCVTIMEO || opt === SockOpt.SNDTIMEO) {
      if (len < 16) return Errno.INVAL;
      const ms = Number(mem.u64At(valPtr)) * 1000 + Math.floor(Number(mem.u64At(valPtr + 8)) / 1000);
      value = Math.min(ms, 0x7fffffff);
    } else if (opt === SockOpt.LINGER) {
      if (len < 8) return Errno.INVAL;
      value = mem.u32At(valPtr) !== 0 ? 1 + Math.max(0, mem.u32At(valPtr + 4) | 0) : 0;
    } else {
      if (len < 4) return Errno.INVAL;
      value = mem.u32At(valPtr) | 0;
    }
    return -kernel.setOption(s.handle, opt, value);
  });

  const getsockopt = guard((fd: number, level: number, name: number, valPtr: number, lenPtr: number): number => {
    const s = fds.socket(fd);
    if (typeof s === "number") return s;
    if (level !== 0) return Errno.INVAL;
    const opt = ctx.core.optionFromAbi(Abi.LINUX, name);
    if (opt < 0) return -opt;
    const len = mem.u32At(lenPtr);
    const size = opt === SockOpt.RCVTIMEO || opt === SockOpt.SNDTIMEO ? 16 : opt === SockOpt.LINGER ? 8 : 4;
    if (len < size && opt !== SockOpt.BINDTODEVICE) return Errno.INVAL;
    mem.check(valPtr, Math.min(len, size));
    const v = kernel.getOption(s.handle, opt);
    if (v < 0) return -v;
    if (opt === SockOpt.BINDTODEVICE) {
      mem.setU32(lenPtr, 0); // bound to no device
    } else if (size === 16) {
      mem.setU64(valPtr, BigInt(Math.floor(v / 1000)));
      mem.setU64(valPtr + 8, BigInt((v % 1000) * 1000));
      mem.setU32(lenPtr, 16);
    } else if (size === 8) {
      mem.setU32(valPtr, v > 0 ? 1 : 0);
      mem.setU32(valPtr + 4, v > 0 ? v - 1 : 0);
      mem.setU32(lenPtr, 8);
    } else {
      // SO_TYPE back to WasmEdge's numbering (1 dgram, 2 stream); SO_ERROR is already a WASI errno.
      mem.setU32(valPtr, opt === SockOpt.TYPE ? (v === SocketType.DGRAM ? 1 : 2) : v);
      mem.setU32(lenPtr, 4);
    }
    return Errno.SUCCESS;
  });

  const accept = (...a: number[]): Sync<number> =>
    a.length === 2 ? preview1Accept(a[0]!, 0, a[1]!) : preview1Accept(a[0]!, a[1]!, a[2]!);

  return {
    sock_open: open, sock_open_v2: open,
    sock_bind: bindOrConnect(false, false), sock_bind_v2: bindOrConnect(false, true),
    sock_connect: bindOrConnect(true, false), sock_connect_v2: bindOrConnect(true, true),
    sock_listen: listen, sock_listen_v2: listen,
    sock_accept: accept, sock_accept_v2: accept,
    sock_getlocaladdr: addrOf(false), sock_getlocaladdr_v2: addrOf(false),
    sock_getpeeraddr: addrOf(true), sock_getpeeraddr_v2: addrOf(true),
    sock_setsockopt: setsockopt, sock_getsockopt: getsockopt,
    ...wasmedgeNet(ctx, readAddr),
  };
}
