import { Errno } from "../../core/enums.js";
import { GuestMemory, IOV_MAX } from "../../wasm/guest-memory.js";
import { ipToBytes } from "../../ip.js";
import type { Addr } from "../../sockets/api.js";
import { after, type Sync } from "../../util/sync.js";
import { guard, type GuestContext } from "../../wasi/context.js";
import { Fdflags, Riflags, Roflags } from "../../wasi/types.js";

/**
 * WasmEdge's datagram calls (sock_send_to, sock_recv_from V1/V2) and sock_getaddrinfo
 * (docs/abi.md §2.2–2.4). Addresses come and go through a WasiAddress {buf, buf_len}.
 */

/** WasmEdge's getaddrinfo errnos (77–87, from EAI_*). */
const EAI = { ADDRFAMILY: 77, AGAIN: 78, BADFLAG: 79, FAIL: 80, FAMILY: 81, MEMORY: 82, NODATA: 83, NONAME: 84, SERVICE: 85, SOCKTYPE: 86, SYSTEM: 87 } as const;
const AI = { PASSIVE: 0x1, CANONNAME: 0x2, NUMERICHOST: 0x4, NUMERICSERV: 0x8, ALL_FLAGS: 0x7f } as const;
/** Service names a guest may pass instead of a number (the few that matter for sockets). */
const SERVICES: Record<string, number> = { http: 80, https: 443, ftp: 21, ssh: 22, smtp: 25, domain: 53, "http-alt": 8080 };

export type AddrReader = (ptr: number, port: number, v2: boolean) => Addr | number;

export function wasmedgeNet(ctx: GuestContext, readAddr: AddrReader) {
  const { mem, fds, kernel, core } = ctx;

  const sendTo = (v2: boolean) =>
    guard((fd: number, siData: number, siLen: number, addrPtr: number, port: number, siFlags: number, retLen: number): Sync<number> => {
      const s = fds.socket(fd);
      if (typeof s === "number") return s;
      const bad = core.checkSiflags(0, siFlags);
      if (bad !== 0) return bad;
      if (siLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = mem.iovecs(siData, siLen);
      mem.check(retLen, 4);
      const to = readAddr(addrPtr, port, v2);
      if (typeof to === "number") return to;
      return after(ctx.sends.sendToGathered(s.handle, mem.outgoing(iovs), to, (s.flags & Fdflags.NONBLOCK) !== 0), (n) => {
        if (n < 0) return -n;
        mem.setU32(retLen, n);
        return Errno.SUCCESS;
      });
    });

  /** V1: (fd, ri_data, ri_len, addr, ri_flags, ret_len, ret_roflags); V2 adds ret_port (u16) before ret_len. */
  const recvFrom = guard((...a: number[]): Sync<number> => {
    const v2 = a.length === 8;
    const [fd, riData, riLen, addrPtr, riFlags] = a as [number, number, number, number, number];
    const retPort = v2 ? a[5]! : -1, retLen = v2 ? a[6]! : a[5]!, retFlags = v2 ? a[7]! : a[6]!;
    const s = fds.socket(fd);
    if (typeof s === "number") return s;
    const bad = core.checkRiflags(0, riFlags);
    if (bad !== 0) return bad;
    if (riLen >>> 0 > IOV_MAX) return Errno.INVAL;
    const iovs = mem.iovecs(riData, riLen);
    const buf = mem.u32At(addrPtr), bufLen = mem.u32At(addrPtr + 4);
    if (bufLen !== 4 && bufLen !== 16 && !(v2 && bufLen === 128)) return Errno.INVAL;
    mem.check(buf, bufLen);
    if (v2) mem.check(retPort, 2);
    mem.check(retLen, 4);
    mem.check(retFlags, 2);
    const r = kernel.recvFrom(s.handle, GuestMemory.total(iovs), (riFlags & Riflags.RECV_PEEK) !== 0, (s.flags & Fdflags.NONBLOCK) !== 0);
    return after(r, (d) => {
      if (typeof d === "number") return -d;
      const n = mem.scatter(iovs, d.data);
      const bytes = ipToBytes(d.from.host) ?? new Uint8Array(4);
      mem.fill(buf, bufLen);
      if (bufLen === 128) {
        mem.setU16(buf, bytes.length === 4 ? 1 : 2);
        mem.write(buf + 2, bytes);
      } else mem.write(buf, bytes.subarray(0, bufLen));
      // WasmEdge stores sin_port without ntohs: the two bytes land in network order (docs/abi.md §2.4).
      if (v2) mem.setU16(retPort, ((d.from.port & 0xff) << 8) | (d.from.port >> 8));
      mem.setU32(retLen, n);
      mem.setU16(retFlags, d.truncated ? Roflags.RECV_DATA_TRUNCATED : 0);
      return Errno.SUCCESS;
    });
  });

  const getaddrinfo = guard((nodePtr: number, nodeLen: number, servPtr: number, servLen: number, hints: number, resPtr: number, maxRes: number, retLen: number): Sync<number> => {
    const node = mem.string(nodePtr, nodeLen).replace(/\0.*$/, "");
    const service = mem.string(servPtr, servLen).replace(/\0.*$/, "");
    const flags = mem.u16At(hints), family = mem.u8At(hints + 2), socktype = mem.u8At(hints + 3), protocol = mem.u8At(hints + 4);
    mem.check(retLen, 4);
    if (node === "" && service === "") return EAI.NONAME;
    if (maxRes >>> 0 < 1) return EAI.MEMORY;
    if (flags & ~AI.ALL_FLAGS) return EAI.BADFLAG;
    if (flags & AI.CANONNAME && node === "") return EAI.BADFLAG;
    if (family > 2) return EAI.FAMILY;
    if (protocol > 2 || socktype > 2) return Errno.NOSYS; // WasmEdge's own answer for these hints
    const port = service === "" ? 0 : /^\d+$/.test(service) ? Number(service) : flags & AI.NUMERICSERV ? -1 : SERVICES[service] ?? -1;
    if (port < 0 || port > 65535) return EAI.SERVICE;
    const literal = ipToBytes(node);
    if (flags & AI.NUMERICHOST && node !== "" && !literal) return EAI.NONAME;
    const lookup: Sync<Addr[] | number> = node === ""
      ? [flags & AI.PASSIVE ? { host: "0.0.0.0", port: 0, family: 4 } : { host: "127.0.0.1", port: 0, family: 4 },
         flags & AI.PASSIVE ? { host: "::", port: 0, family: 6 } : { host: "::1", port: 0, family: 6 }]
      : kernel.resolve(node);
    return after(lookup, (list) => {
      if (typeof list === "number") {
        if (list === -Errno.NOENT) return EAI.NONAME;
        if (list === -Errno.TIMEDOUT || list === -Errno.AGAIN) return EAI.AGAIN;
        if (list === -Errno.ACCES) return Errno.ACCES;
        return EAI.FAIL;
      }
      const wanted = list.filter((a) => family === 0 || a.family === (family === 1 ? 4 : 6));
      if (wanted.length === 0) return EAI.NONAME;
      const type = socktype === 0 ? 2 : socktype;
      const proto = protocol !== 0 ? protocol : type === 2 ? 1 : 2;
      let at = mem.u32At(resPtr);
      let written = 0;
      for (const a of wanted) {
        if (written >= maxRes >>> 0 || at === 0) break;
        const bytes = ipToBytes(a.host)!;
        const v4 = bytes.length === 4;
        const sa = mem.u32At(at + 12);
        const saData = mem.u32At(sa + 8);
        const sockaddr = new Uint8Array(v4 ? 14 : 26);
        sockaddr[0] = port >> 8;
        sockaddr[1] = port & 0xff;
        sockaddr.set(bytes, v4 ? 2 : 6);
        mem.write(saData, sockaddr);
        mem.setU8(sa, v4 ? 1 : 2);
        mem.setU32(sa + 4, sockaddr.length);
        mem.setU16(at, flags);
        mem.setU8(at + 2, v4 ? 1 : 2);
        mem.setU8(at + 3, type);
        mem.setU8(at + 4, proto);
        mem.setU32(at + 8, v4 ? 16 : 28);
        if (flags & AI.CANONNAME && written === 0) {
          const name = new TextEncoder().encode(`${node}\0`);
          const canon = mem.u32At(at + 16);
          mem.write(canon, name);
          mem.setU32(at + 20, name.length - 1);
        }
        written++;
        at = mem.u32At(at + 24);
      }
      mem.setU32(retLen, written);
      return Errno.SUCCESS;
    });
  });

  return {
    sock_send_to: sendTo(false), sock_send_to_v2: sendTo(true),
    sock_recv_from: recvFrom, sock_recv_from_v2: recvFrom,
    sock_getaddrinfo: getaddrinfo,
  };
}
