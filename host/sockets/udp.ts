/**
 * A datagram socket's operations: its OS socket bound (attachUdp: the datagrams it receives
 * queued, under the guest's limits), its default peer set and dropped, send_to and recv_from.
 * Each asks the core's UDP table first and the policy (access) before the network.
 */
import { AbiFlag, Errno, P2AddrUse, TcpState, UdpOp } from "../core/enums.js";
import { stepErrno } from "../core/core.js";
import type { NetUdp } from "../net/backend.js";
import type { Sync } from "../util/sync.js";
import { block } from "./readiness.js";
import { isLoopbackHost, isUnspecifiedHost } from "../ip.js";
import type { Addr, Datagram } from "./api.js";
import type { SocketTable } from "./socket-table.js";
import { checkAddress } from "./start-finish.js";
import { Datagrams, type Socket } from "./socket.js";

/** Largest UDP payload per family (65535 - IP and UDP headers); more is EMSGSIZE. */
export const MAX_DATAGRAM: Record<4 | 6, number> = { 4: 65507, 6: 65527 };

/** Start delivering a bound UDP socket's datagrams into `s`'s queue, under the guest's limits. */
export function attachUdp(t: SocketTable, s: Socket, udp: NetUdp): void {
  const q = (s.datagrams = new Datagrams(udp, t.limits.datagramQueue, t.budget));
  s.local = udp.local;
  udp.onMessage = (data, from) => {
    if (q.bytes + data.length > q.limit || q.budget?.exhausted) {
      q.dropped++;
      return;
    }
    q.queue.push({ data, from, truncated: false });
    q.bytes += data.length;
    q.budget?.add(data.length);
    s.notify();
  };
  udp.onError = (code) => {
    q.error ??= code;
    s.notify();
  };
}

/** The next datagram (cut to `max`, marked truncated), consumed unless `peek`. */
export function takeDatagram(s: Socket, max: number, peek: boolean): Datagram | undefined {
  const q = s.datagrams;
  if (q === undefined) return undefined;
  const d = q.queue[0];
  if (d === undefined) return undefined;
  if (!peek) {
    q.queue.shift();
    q.bytes -= d.data.length;
    q.budget?.release(d.data.length);
  }
  return d.data.length > max ? { data: d.data.subarray(0, max), from: d.from, truncated: true } : d;
}

/**
 * UDP connect sets the default peer (and the only peer datagrams are taken from): 0 or -errno.
 * Where the ABI binds an unbound socket at connect (UDP_CONNECT_BINDS), its OS socket is bound
 * first, and the step is committed only once it is.
 */
export function udpConnect(t: SocketTable, s: Socket, addr: Addr): Sync<number> {
  const from = s.word;
  const r = t.ask(s, UdpOp.CONNECT);
  if (stepErrno(r) !== 0) return -stepErrno(r);
  const denied = checkAddress(t, s, addr, P2AddrUse.REMOTE) || t.access("connect", addr);
  if (denied !== 0) return -denied;
  const connected = (): number => {
    t.commit(s, from, r);
    s.remote = addr;
    if (t.abiDoes(s.abi, AbiFlag.UDP_CONNECT_OS)) udpConnectOs(s, addr);
    return 0;
  };
  if (s.udp || !t.abiDoes(s.abi, AbiFlag.UDP_CONNECT_BINDS)) return connected();
  return t.backend.udpBind(s.family === 6 ? "::" : "0.0.0.0", 0, s.family).then((udp) => {
    if (s.state === TcpState.CLOSED) return udp.close(), -Errno.BADF;
    if (s.udp) udp.close();
    else attachUdp(t, s, udp);
    return connected();
  }, (err: unknown) => -t.core.errnoFromError(err));
}

/** Drop the default peer (connect to AF_UNSPEC; wasi:sockets `stream(none)`): 0 or -errno. */
export function udpDisconnect(t: SocketTable, s: Socket): number {
  const e = t.step(s, UdpOp.DISCONNECT);
  if (e !== 0) return -e;
  s.remote = undefined;
  if (s.udp) {
    s.udp.disconnect();
    s.local = s.udp.localNow();
  }
  return 0;
}

/**
 * wasi:sockets stream(some(remote)): a real connect, so the OS chooses the source address
 * (local-address shows it, as on Linux) and reports ICMP errors. Until it answers, loopback's
 * source is known.
 */
function udpConnectOs(s: Socket, addr: Addr): void {
  const udp = s.udp;
  if (!udp) return;
  if (s.local && isUnspecifiedHost(s.local.host) && isLoopbackHost(addr.host)) s.local = { ...s.local, host: addr.family === 6 ? "::1" : "127.0.0.1" };
  udp.connect(addr.host, addr.port, () => {
    if (s.udp !== udp || s.remote !== addr) return;
    // Deno's node:dgram still says the wildcard after a connect: keep the source known above.
    const now = udp.localNow();
    if (!(isUnspecifiedHost(now.host) && s.local && !isUnspecifiedHost(s.local.host))) s.local = now;
  });
}

/**
 * send_to on a datagram socket: to `addr` or the default peer. Bytes sent or -errno. The core's
 * step (no peer: EDESTADDRREQ, after shutdown(WR): EPIPE, from UNBOUND: auto-bind) is committed
 * once the address is checked and allowed; a failed auto-bind leaves the socket as it was.
 */
export function udpSendTo(k: SocketTable, s: Socket, data: Uint8Array, addr: Addr | undefined): Sync<number> {
  // Whether an address that is the connected peer's own is sent to as the peer (the core's rule).
  const peer = s.remote;
  const toPeer = addr !== undefined && peer !== undefined && addr.port === peer.port && sameAddr(addr.host, peer.host);
  const op = k.core.udpSendOp(s.abi, addr !== undefined, toPeer);
  if (op === UdpOp.SEND) addr = undefined;
  const to = addr ?? peer;
  const family = to !== undefined ? k.core.familyCheck(s.abi, s.family, to.family) : 0;
  if (family !== 0) return -family;
  const from = s.word;
  const r = k.ask(s, op);
  if (stepErrno(r) !== 0) return -stepErrno(r);
  const bad = addr !== undefined ? checkAddress(k, s, addr, P2AddrUse.REMOTE) : 0;
  if (bad !== 0) return -bad;
  // These failures come after the step and keep it (an auto-bind stays, as Linux's does).
  if (to === undefined) return k.commit(s, from, r), -Errno.DESTADDRREQ;
  if (data.length > MAX_DATAGRAM[s.family]) return k.commit(s, from, r), -Errno.MSGSIZE;
  const q = s.datagrams;
  if (q?.error !== undefined && !q.errorReported) {
    k.commit(s, from, r);
    q.errorReported = true;
    return -k.core.errnoFromCode(q.error);
  }
  if (addr !== undefined) {
    const denied = k.access("connect", to);
    if (denied !== 0) return -denied;
  }
  const send = (udp: NetUdp): number => {
    // Fire and forget, as UDP is: a late failure surfaces on the next call.
    udp.send(data, to.host, to.port, (code) => {
      const bound = s.datagrams;
      if (code !== undefined && bound !== undefined) {
        bound.error ??= code;
        s.notify();
      }
    });
    return data.length;
  };
  if (s.udp) {
    k.commit(s, from, r);
    return send(s.udp);
  }
  // Linux binds an unbound UDP socket to the wildcard address and an ephemeral port on first send.
  return k.backend.udpBind(s.family === 6 ? "::" : "0.0.0.0", 0, s.family).then((udp) => {
    // Closed while the bind was under way: nothing would ever close this OS socket.
    if (s.state === TcpState.CLOSED) return void udp.close(), -Errno.BADF;
    if (s.udp) udp.close();
    else attachUdp(k, s, udp);
    k.commit(s, from, r);
    return send(s.udp ?? udp);
  }, (err: unknown) => -k.core.errnoFromError(err));
}

/** recv_from on a datagram socket: one datagram and its sender, or -errno. */
export function udpRecvFrom(k: SocketTable, s: Socket, max: number, peek: boolean, nonblock: boolean): Sync<Datagram | number> {
  const e = k.step(s, UdpOp.RECV);
  if (e !== 0) return -e;
  const attempt = (): Datagram | number | undefined => {
    if (s.state === TcpState.CLOSED) return -Errno.BADF;
    const q = s.datagrams;
    if (q?.error !== undefined && !q.errorReported) {
      q.errorReported = true;
      return -k.core.errnoFromCode(q.error);
    }
    const r = s.remote;
    // A connected UDP socket takes datagrams from its peer only: others are dropped.
    for (let d = q?.queue[0]; r && d && !(d.from.port === r.port && sameAddr(d.from.host, r.host)); d = q?.queue[0]) takeDatagram(s, 0, false);
    return takeDatagram(s, max, peek) ?? (nonblock ? -Errno.AGAIN : undefined);
  };
  return block(s, attempt);
}

function sameAddr(a: string, b: string): boolean {
  return a === b || a === `::ffff:${b}` || b === `::ffff:${a}`;
}
