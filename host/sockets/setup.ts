/**
 * Making sockets and giving them addresses: open, bind, connect (a datagram socket's default peer
 * is udp.ts's), and the addresses a socket reports; listening is listener.ts's. Each asks the
 * core first and the policy (access) before the network.
 */
import { stepErrno } from "../core/core.js";
import { AbiFlag, Errno, P2AddrUse, TcpOp, TcpState, UdpOp } from "../core/enums.js";
import type { Sync } from "../util/sync.js";
import { isUnspecifiedHost } from "../ip.js";
import { SocketType, type Addr } from "./api.js";
import { Socket } from "./socket.js";
import { applyOptions } from "./socket-options.js";
import type { SocketTable } from "./socket-table.js";
import { begin, checkAddress, inProgress, settle, startsFinish } from "./start-finish.js";
import { attachUdp, udpConnect } from "./udp.js";

/** A new socket's handle, or -errno. */
export function open(t: SocketTable, family: 4 | 6, type: number, abi: number): number {
  const denied = t.socketAccess(type); // TCP or UDP off (--no-tcp, --no-udp), in every ABI
  if (denied !== 0) return -denied;
  const s = new Socket(type === SocketType.DGRAM ? SocketType.DGRAM : SocketType.STREAM);
  s.abi = abi;
  s.family = family;
  return t.add(s);
}

export function bind(t: SocketTable, s: Socket, addr: Addr): Sync<number> {
  const family = t.core.familyCheck(s.abi, s.family, addr.family);
  if (family !== 0) return -family;
  const from = s.word;
  const r = t.ask(s, TcpOp.BIND);
  if (stepErrno(r) !== 0) return -stepErrno(r);
  const bad = checkAddress(t, s, addr, P2AddrUse.BIND);
  if (bad !== 0) return -bad;
  // A chosen port needs a listen rule: a UDP socket bound to one receives from anyone (a
  // listener in all but name), and binding a TCP one probes the host (EADDRINUSE tells a guest
  // with no rules which local ports are taken). Port 0 is what a send or connect picks anyway.
  const denied = addr.port !== 0 ? t.access("listen", addr) : 0;
  if (denied !== 0) return -denied;
  for (const o of t.all())
    if (o !== s && o.type === s.type && o.local && addr.port !== 0 && o.local.port === addr.port && sameHost(o.local.host, addr.host)) return -Errno.ADDRINUSE;
  s.requestedPort = addr.port;
  // wasi:sockets: start-bind is the step; finish-bind collects the I/O's outcome (FINISH_FAIL
  // unbinds). Otherwise the socket is bound once the I/O succeeded.
  const pending = startsFinish(t, s, r, TcpOp.FINISH_BIND);
  if (pending) t.commit(s, from, r);
  const failed = (err: unknown): number => -t.core.errnoFromError(err);
  const io = s.dgram
    ? t.backend.udpBind(addr.host, addr.port, addr.family).then((udp) => {
        if (s.state === TcpState.CLOSED) return void udp.close(), -Errno.BADF;
        attachUdp(t, s, udp);
        if (!pending) t.commit(s, from, r);
        applyOptions(t.core, s);
        return 0;
      }, failed)
    : t.backend.probeBind(addr.host, addr.port).then((port) => {
        s.local = { host: addr.host, port, family: addr.family };
        if (!pending) t.commit(s, from, r);
        return 0;
      }, failed);
  return pending ? inProgress(s, io) : io;
}

/** A datagram socket's default peer (udp.ts), or a stream's connect: 0 when connected;
 *  -EINPROGRESS when non-blocking (completion shows as writable); 0 at once for a wasi:sockets
 *  start-connect; or -errno. */
export function connect(t: SocketTable, s: Socket, addr: Addr, nonblock: boolean): Sync<number> {
  const family = t.core.familyCheck(s.abi, s.family, addr.family);
  if (family !== 0) return -family;
  return s.dgram ? udpConnect(t, s, addr) : connectStream(t, s, addr, nonblock);
}

function connectStream(t: SocketTable, s: Socket, addr: Addr, nonblock: boolean): Sync<number> {
  const from = s.word;
  const r = t.ask(s, TcpOp.CONNECT);
  if (stepErrno(r) !== 0) return -stepErrno(r);
  const bad = checkAddress(t, s, addr, P2AddrUse.REMOTE);
  if (bad !== 0) return -bad; // wasmtime validates before the state moves: the socket stays usable
  t.commit(s, from, r); // connecting is a state of its own, from the start

  const denied = t.access("connect", addr);
  if (denied !== 0) {
    t.step(s, TcpOp.CONNECT_FAIL); // P2: a failed start-connect closes the socket
    return -denied;
  }
  // wasi:sockets: the outcome waits for finish-connect (opResult), the state stays CONNECTING;
  // otherwise it is an event the core steps (CONNECT_OK, CONNECT_FAIL).
  const pending = startsFinish(t, s, r, TcpOp.FINISH_CONNECT);
  const done = t.backend.connect({ host: addr.host, port: addr.port, localHost: s.local?.host, localPort: s.local?.port }).then(
    (stream) => {
      if (s.state !== TcpState.CONNECTING) {
        stream.reset(); // closed while connecting
        return -Errno.BADF;
      }
      if (pending) settle(s, 0);
      else t.step(s, TcpOp.CONNECT_OK);
      t.attach(s, stream);
      applyOptions(t.core, s);
      s.notify();
      return 0;
    },
    (err: unknown) => {
      const errno = t.core.errnoFromError(err);
      if (pending) settle(s, errno);
      else if (s.state === TcpState.CONNECTING) t.step(s, TcpOp.CONNECT_FAIL);
      if (nonblock) s.soError = errno;
      s.notify();
      return -errno;
    },
  );
  if (pending) {
    begin(s);
    return 0;
  }
  return nonblock ? -Errno.INPROGRESS : done;
}

export function localAddr(t: SocketTable, s: Socket): Addr | number {
  // Asked of the socket's own table (udp_step for a datagram socket), nothing stored.
  const e = t.ask(s, s.dgram ? UdpOp.LOCAL_ADDR : TcpOp.LOCAL_ADDR);
  if (stepErrno(e) !== 0) return -stepErrno(e);
  return s.local ?? { host: s.family === 6 ? "::" : "0.0.0.0", port: 0, family: s.family };
}

export function peerAddr(t: SocketTable, s: Socket): Addr | number {
  const e = t.ask(s, s.dgram ? UdpOp.PEER_ADDR : TcpOp.PEER_ADDR);
  if (stepErrno(e) !== 0) return -stepErrno(e);
  return s.remote ?? -Errno.NOTCONN;
}

function sameHost(a: string, b: string): boolean {
  return a === b || isUnspecifiedHost(a) || isUnspecifiedHost(b);
}
