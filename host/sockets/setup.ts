import { stepErrno } from "../core/core.js";
import { AbiFlag, Errno, P2AddrUse, SockOpt, TcpOp, TcpState, UdpOp } from "../core/enums.js";
import type { NetStream } from "../net/backend.js";
import type { Sync } from "../util/sync.js";
import { block } from "./readiness.js";
import { acceptNow } from "./stream-io.js";
import { attachUdp, udpConnectOs } from "./udp.js";
import { isUnspecifiedHost } from "../ip.js";
import { checkAddress, finish, inProgress, startsFinish } from "./start-finish.js";
import { Listening, type Socket } from "./socket.js";
import { SocketType, type Addr } from "./api.js";
import { SocketSet } from "./socket-set.js";

/**
 * Making and joining sockets: pre-opened and guest-opened ones, bind, listen, connect (and a
 * UDP socket's default peer), wasi:sockets' start/finish pairs, and accepting connections. Each
 * asks the core first and the policy (access) before the network.
 */
export abstract class SocketSetup extends SocketSet {
  /** Pre-open a listener (the CLI's --listen). Rejects with the backend's error. */
  async preopen(host: string, port: number, backlog: number, fd = -1): Promise<number> {
    const s = this.newSocket();
    const effective = this.core.backlogEffective(backlog, this.somaxconn);
    const listener = await this.backend.listen({ host, port, backlog: Math.max(effective, 1) });
    let e = this.step(s, TcpOp.BIND);
    if (e === 0) e = this.step(s, TcpOp.LISTEN);
    if (e !== 0) throw new Error(`core refused listen: ${this.core.errnoName(e)}`);
    const listening = (s.listening = new Listening(listener, effective));
    s.local = listener.local;
    s.fd = fd;
    listener.onConnection = (stream) => this.admit(s, listening, stream);
    return this.register(s);
  }

  open(family: 4 | 6, type: number, abi: number = this.abi): number {
    if (this.abiDoes(abi, AbiFlag.CREATE_ASKS_POLICY)) {
      const denied = this.socketAccess(type);
      if (denied !== 0) return -denied;
    }
    const s = this.newSocket(type === SocketType.DGRAM ? SocketType.DGRAM : SocketType.STREAM);
    s.abi = abi;
    s.family = family;
    return this.register(s);
  }

  bind(h: number, addr: Addr): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const family = this.core.familyCheck(s.abi, s.family, addr.family);
    if (family !== 0) return -family;
    const from = s.word;
    const r = this.ask(s, TcpOp.BIND);
    if (stepErrno(r) !== 0) return -stepErrno(r);
    const bad = checkAddress(this, s, addr, P2AddrUse.BIND);
    if (bad !== 0) return -bad;
    // A chosen port needs a listen rule: a UDP socket bound to one receives from anyone (a
    // listener in all but name), and binding a TCP one probes the host (EADDRINUSE tells a guest
    // with no rules which local ports are taken). Port 0 is what a send or connect picks anyway.
    const denied = addr.port !== 0 ? this.access("listen", addr) : 0;
    if (denied !== 0) return -denied;
    for (const o of this.sockets.values())
      if (o !== s && o.dgram === s.dgram && o.local && addr.port !== 0 && o.local.port === addr.port && sameHost(o.local.host, addr.host)) return -Errno.ADDRINUSE;
    s.requestedPort = addr.port;
    // wasi:sockets: start-bind is the step; finish-bind collects the I/O's outcome (FINISH_FAIL
    // unbinds). Otherwise the socket is bound once the I/O succeeded.
    const pending = startsFinish(this, s, r, TcpOp.FINISH_BIND);
    if (pending) this.commit(s, from, r);
    const failed = (err: unknown): number => -this.core.errnoFromError(err);
    const io = s.dgram
      ? this.backend.udpBind(addr.host, addr.port, addr.family).then((udp) => {
          if (s.state === TcpState.CLOSED) return void udp.close(), -Errno.BADF;
          attachUdp(s, udp, this.limits, this.budget);
          if (!pending) this.commit(s, from, r);
          this.applyOptions(s);
          return 0;
        }, failed)
      : this.backend.probeBind(addr.host, addr.port).then((port) => {
          s.local = { host: addr.host, port, family: addr.family };
          if (!pending) this.commit(s, from, r);
          return 0;
        }, failed);
    return pending ? inProgress(s, io) : io;
  }

  /** wasi:sockets' start/finish pairs: start-finish.ts. */
  finish(h: number, op: number): number {
    const s = this.sockets.get(h);
    return s ? finish(this, s, op) : -Errno.BADF;
  }

  listen(h: number, backlog: number): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const from = s.word;
    const r = this.ask(s, TcpOp.LISTEN);
    if (stepErrno(r) !== 0) return -stepErrno(r);
    // wasi:sockets sets the backlog as an option (set-listen-backlog-size) before listening.
    const effective = this.core.listenBacklog(s.abi, backlog, s.options.get(SockOpt.LISTEN_BACKLOG) ?? -1, this.somaxconn);
    if (s.listening) {
      s.listening.backlog = effective; // listen() again: Linux only updates the backlog
      this.commit(s, from, r);
      return 0;
    }
    // Linux auto-binds an unbound socket to the wildcard address and an ephemeral port.
    const local = s.local ?? { host: s.family === 6 ? "::" : "0.0.0.0", port: 0, family: s.family };
    const denied = this.access("listen", { ...local, port: s.local ? s.requestedPort : 0 });
    if (denied !== 0) return -denied;
    // wasi:sockets: start-listen is the step (finish-listen's FINISH_FAIL closes); otherwise the
    // socket listens once the listener is open.
    const pending = startsFinish(this, s, r, TcpOp.FINISH_LISTEN);
    if (pending) this.commit(s, from, r);
    const io = this.backend.listen({ host: local.host, port: local.port, backlog: Math.max(effective, 1) }).then(
      (listener) => {
        if (s.state === TcpState.CLOSED) return void listener.close(), -Errno.BADF;
        if (!pending) this.commit(s, from, r);
        const listening = (s.listening = new Listening(listener, effective));
        s.local = listener.local;
        listener.onConnection = (stream) => this.admit(s, listening, stream);
        return 0;
      },
      (err: unknown) => -this.core.errnoFromError(err),
    );
    return pending ? inProgress(s, io) : io;
  }

  connect(h: number, addr: Addr, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const family = this.core.familyCheck(s.abi, s.family, addr.family);
    if (family !== 0) return -family;
    if (s.dgram) {
      // UDP connect only sets the default peer (and the only peer datagrams are taken from).
      const from = s.word;
      const r = this.ask(s, TcpOp.CONNECT);
      if (stepErrno(r) !== 0) return -stepErrno(r);
      const denied = checkAddress(this, s, addr, P2AddrUse.REMOTE) || this.access("connect", addr);
      if (denied !== 0) return -denied;
      this.commit(s, from, r);
      s.remote = addr;
      if (this.abiDoes(s.abi, AbiFlag.UDP_CONNECT_OS)) udpConnectOs(s, addr);
      return 0;
    }
    const from = s.word;
    const r = this.ask(s, TcpOp.CONNECT);
    if (stepErrno(r) !== 0) return -stepErrno(r);
    const bad = checkAddress(this, s, addr, P2AddrUse.REMOTE);
    if (bad !== 0) return -bad; // wasmtime validates before the state moves: the socket stays usable
    this.commit(s, from, r); // connecting is a state of its own, from the start

    const denied = this.access("connect", addr);
    if (denied !== 0) {
      this.step(s, TcpOp.CONNECT_FAIL); // P2: a failed start-connect closes the socket
      return -denied;
    }
    // wasi:sockets: the outcome waits for finish-connect (opResult), the state stays CONNECTING;
    // otherwise it is an event the core steps (CONNECT_OK, CONNECT_FAIL).
    const pending = startsFinish(this, s, r, TcpOp.FINISH_CONNECT);
    const done = this.backend.connect({ host: addr.host, port: addr.port, localHost: s.local?.host, localPort: s.local?.port }).then(
      (stream) => {
        if (s.state !== TcpState.CONNECTING) {
          stream.reset(); // closed while connecting
          return -Errno.BADF;
        }
        if (pending) s.opResult = 0;
        else this.step(s, TcpOp.CONNECT_OK);
        this.attach(s, stream);
        this.applyOptions(s);
        s.notify();
        return 0;
      },
      (err: unknown) => {
        const errno = this.core.errnoFromError(err);
        if (pending) s.opResult = errno;
        else if (s.state === TcpState.CONNECTING) this.step(s, TcpOp.CONNECT_FAIL);
        if (nonblock) s.soError = errno;
        s.notify();
        return -errno;
      },
    );
    if (pending) {
      s.opResult = undefined;
      return 0;
    }
    return nonblock ? -Errno.INPROGRESS : done;
  }

  disconnect(h: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const e = this.step(s, UdpOp.DISCONNECT);
    if (e !== 0) return -e;
    s.remote = undefined;
    if (s.udp) {
      s.udp.disconnect();
      s.local = s.udp.localNow();
    }
    return 0;
  }

  /** A connection arrived at a listener: queue it, or refuse it (RST) when the queue is full. */
  private admit(l: Socket, listening: Listening, stream: NetStream): void {
    const open = l.state === TcpState.LISTENING || l.state === TcpState.LISTEN_IN_PROGRESS; // the OS listens from start-listen on
    if (!open || !this.core.acceptAdmit(listening.queue.length, listening.backlog)) {
      listening.refused++;
      stream.reset();
      return;
    }
    const s = this.newSocket();
    s.abi = l.abi;
    s.family = l.local?.family ?? 4; // a connection has its listener's family
    s.word = TcpState.CONNECTED;
    this.attach(s, stream);
    listening.queue.push(s);
    l.notify();
  }

  accept(h: number, nonblock: boolean, fd: number): Sync<number> {
    const l = this.sockets.get(h);
    if (!l) return -Errno.BADF;
    // A datagram socket never accepts: the UDP table says with which error.
    if (l.dgram) return -(stepErrno(this.ask(l, UdpOp.ACCEPT)) || Errno.BADF);
    // Tried here first: a connection already queued is taken with no closure and no promise.
    const now = this.acceptAttempt(l, nonblock, fd, false);
    return now !== undefined ? now : block(l, () => this.acceptAttempt(l, nonblock, fd, true));
  }

  /** The core's answer to an accept now: the new socket's handle, -errno, or undefined to wait. */
  private acceptAttempt(l: Socket, nonblock: boolean, fd: number, woken: boolean): number | undefined {
    const r = acceptNow(this.core, l, nonblock, woken);
    if (r !== 1) return r;
    const s = l.listening?.queue.shift();
    if (s === undefined) return nonblock ? -Errno.AGAIN : undefined; // (the core said one is queued)
    s.fd = fd;
    for (const [opt, v] of l.options) if (opt !== SockOpt.LISTEN_BACKLOG) s.setOption(opt, v); // inherited at accept
    this.applyOptions(s);
    return this.register(s);
  }

  /** Connections waiting in `h`'s accept queue (0 for anything but a listener). */
  acceptQueue(h: number): number {
    return this.sockets.get(h)?.listening?.queue.length ?? 0;
  }
}

function sameHost(a: string, b: string): boolean {
  return a === b || isUnspecifiedHost(a) || isUnspecifiedHost(b);
}
