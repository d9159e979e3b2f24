import { Core, stepErrno, stepWord } from "../core/core.js";
import { Abi, Errno, P2AddrUse, SockKind, SockOpt, TcpOp, TcpState, UdpOp, Word } from "../core/enums.js";
import type { NetBackend } from "../net/backend.js";
import type { Sync } from "../util/sync.js";
import { block } from "./readiness.js";
import { attachUdp, udpConnectOs, udpRecvFrom, udpSendTo } from "./udp.js";
import { applyOptions } from "./live-options.js";
import { Poller } from "./poller.js";
import { bytesToIp, ipToBytes, isUnspecifiedHost } from "../ip.js";
import { after } from "../util/sync.js";
import { NO_SOCKETS, TcpSocket } from "./tcp-socket.js";
import { socketRow, type SocketRow } from "./table.js";
import { StdinReader } from "./stdin.js";

export * from "./api.js";
import { SocketType, type AccessCheck, type Addr, type Datagram, type Kernel, type StdioOptions } from "./api.js";
import { timeout } from "../util/timer.js";
import { DEFAULT_LIMITS, ReceiveBudget, type Limits } from "./limits.js";
import { GuestStopped } from "./stopped.js";
import { recvNow, sendNow } from "./stream-io.js";


/** The in-process kernel: sockets over a NetBackend, every transition asked of core.wasm. */
export class LocalKernel implements Kernel {
  readonly core = Core.load();
  private readonly sockets = new Map<number, TcpSocket>();
  private nextHandle = 1;
  private readonly stdinState = new StdinReader();

  /** Asked before a guest listens or connects; deny by default. Pre-opened listeners are not asked. */
  access: AccessCheck = () => Errno.ACCES;
  /** Asked before a wasi:sockets component creates a socket: 0 when any listen or connect rule
   *  exists (wasmtime's tcp/udp switch), else EACCES. */
  socketAccess: (type: number) => number = () => Errno.ACCES;
  /** Asked before a guest resolves a name (IP literals are not looked up, so not asked). */
  resolveAccess: (name: string) => number = () => Errno.ACCES;

  /** Unread bytes of all this guest's sockets together. */
  private readonly budget: ReceiveBudget;

  constructor(
    readonly backend: NetBackend,
    readonly somaxconn: number,
    private readonly stdio: StdioOptions = {},
    readonly abi: number = Abi.LINUX,
    readonly limits: Limits = DEFAULT_LIMITS,
  ) {
    this.stdinState.source = stdio.stdin;
    this.budget = new ReceiveBudget(limits.totalReceive);
  }

  /** A socket under this guest's limits. */
  private newSocket(): TcpSocket {
    const s = new TcpSocket();
    s.rxLimit = this.limits.receiveBuffer;
    s.txLimit = this.limits.sendBuffer;
    s.dgramLimit = this.limits.datagramQueue;
    s.budget = this.budget;
    return s;
  }

  private readonly poller = new Poller((h) => this.sockets.get(h));

  private register(s: TcpSocket): number {
    s.activity = this.poller.onActivity;
    s.handle = this.nextHandle++;
    this.sockets.set(s.handle, s);
    return s.handle;
  }

  /**
   * Step the core's state machine (udp_step for datagram sockets, tcp_step otherwise) and store
   * the word it returns (on an error that is the old word, except where the core says the error
   * itself changes state). Returns errno (0 = ok).
   */
  private step(s: TcpSocket, op: number): number {
    const r = s.dgram ? this.core.udpStep(s.abi, s.word, op) : this.core.tcpStep(s.abi, s.word, op);
    const e = stepErrno(r);
    s.word = stepWord(r);
    return e;
  }

  /** Pre-open a listener (the CLI's --listen). Rejects with the backend's error. */
  async preopen(host: string, port: number, backlog: number, fd = -1): Promise<number> {
    const s = this.newSocket();
    const effective = this.core.backlogEffective(backlog, this.somaxconn);
    const listener = await this.backend.listen({ host, port, backlog: Math.max(effective, 1) });
    let e = this.step(s, TcpOp.BIND);
    if (e === 0) e = this.step(s, TcpOp.LISTEN);
    if (e !== 0) throw new Error(`core refused listen: ${this.core.errnoName(e)}`);
    s.listener = listener;
    s.local = listener.local;
    s.backlog = effective;
    s.fd = fd;
    listener.onConnection = (stream) => this.admit(s, stream);
    return this.register(s);
  }

  open(family: 4 | 6, type: number, abi: number = this.abi): number {
    if (abi === Abi.P2) {
      const denied = this.socketAccess(type);
      if (denied !== 0) return -denied;
    }
    const s = this.newSocket();
    s.abi = abi;
    s.family = family;
    s.dgram = type === SocketType.DGRAM;
    return this.register(s);
  }

  bind(h: number, addr: Addr): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (!s.p2 && addr.family !== s.family) return -Errno.AFNOSUPPORT;
    const before = s.word;
    const e = this.step(s, TcpOp.BIND);
    if (e !== 0) return -e;
    const bad = this.p2Address(s, addr, P2AddrUse.BIND);
    if (bad !== 0) {
      s.word = before;
      return -bad;
    }
    // A chosen port needs a listen rule: a UDP socket bound to one receives from anyone (a
    // listener in all but name), and binding a TCP one probes the host (EADDRINUSE tells a guest
    // with no rules which local ports are taken). Port 0 is what a send or connect picks anyway.
    const denied = addr.port !== 0 ? this.access("listen", addr) : 0;
    if (denied !== 0) {
      s.word = before;
      return -denied;
    }
    for (const o of this.sockets.values())
      if (o !== s && o.dgram === s.dgram && o.local && addr.port !== 0 && o.local.port === addr.port && sameHost(o.local.host, addr.host)) {
        s.word = before;
        return -Errno.ADDRINUSE;
      }
    s.requestedPort = addr.port;
    const failed = (err: unknown): number => {
      if (!s.p2) s.word = before; // wasi:sockets: finish-bind's FINISH_FAIL unbinds
      return -this.core.errnoFromError(err);
    };
    const io = s.dgram
      ? this.backend.udpBind(addr.host, addr.port, addr.family).then((udp) => {
          if (s.state === TcpState.CLOSED) return void udp.close(), -Errno.BADF;
          attachUdp(s, udp);
          this.applyOptions(s);
          return 0;
        }, failed)
      : this.backend.probeBind(addr.host, addr.port).then((port) => {
          s.local = { host: addr.host, port, family: addr.family };
          return 0;
        }, failed);
    return s.p2 ? this.inProgress(s, io) : io;
  }

  /** wasi:sockets (P2 sockets only; else 0): the core's address rules, checked after the state's. */
  private p2Address(s: TcpSocket, addr: Addr, use: number): number {
    if (!s.p2) return 0;
    const bytes = ipToBytes(addr.host);
    return bytes ? this.core.p2CheckAddress(use, s.family, bytes, addr.port) : Errno.INVAL;
  }

  /** wasi:sockets: a start-* answers at once; its I/O's outcome waits in opResult for finish-*. */
  private inProgress(s: TcpSocket, io: Promise<number>): number {
    s.opResult = undefined;
    void io.then((r) => {
      s.opResult = -r;
      s.notify();
    });
    return 0;
  }

  finish(h: number, op: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const r = s.dgram ? this.core.udpStep(s.abi, s.word, op) : this.core.tcpStep(s.abi, s.word, op);
    if (stepErrno(r) !== 0) return -stepErrno(r);
    const result = s.opResult;
    if (result === undefined) return -Errno.AGAIN;
    s.opResult = undefined;
    if (result !== 0) {
      this.step(s, TcpOp.FINISH_FAIL);
      return -result;
    }
    s.word = stepWord(r);
    return 0;
  }

  listen(h: number, backlog: number): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const before = s.word;
    const e = this.step(s, TcpOp.LISTEN);
    if (e !== 0) return -e;
    // wasi:sockets sets the backlog as an option (set-listen-backlog-size) before listening.
    if (s.p2) backlog = s.options.get(SockOpt.LISTEN_BACKLOG) ?? this.core.optionDefault(s.abi, this.kind(s), SockOpt.LISTEN_BACKLOG);
    const effective = this.core.backlogEffective(backlog, this.somaxconn);
    if (s.listener) {
      s.backlog = effective; // listen() again: Linux only updates the backlog
      return 0;
    }
    // Linux auto-binds an unbound socket to the wildcard address and an ephemeral port.
    const local = s.local ?? { host: s.family === 6 ? "::" : "0.0.0.0", port: 0, family: s.family };
    const denied = this.access("listen", { ...local, port: s.local ? s.requestedPort : 0 });
    if (denied !== 0) {
      s.word = before;
      return -denied;
    }
    const io = this.backend.listen({ host: local.host, port: local.port, backlog: Math.max(effective, 1) }).then(
      (listener) => {
        if (s.state === TcpState.CLOSED) return void listener.close(), -Errno.BADF;
        s.listener = listener;
        s.local = listener.local;
        s.backlog = effective;
        listener.onConnection = (stream) => this.admit(s, stream);
        return 0;
      },
      (err: unknown) => {
        if (!s.p2) s.word = before; // wasi:sockets: finish-listen's FINISH_FAIL closes
        return -this.core.errnoFromError(err);
      },
    );
    return s.p2 ? this.inProgress(s, io) : io;
  }

  connect(h: number, addr: Addr, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (!s.p2 && addr.family !== s.family) return -Errno.AFNOSUPPORT;
    if (s.dgram) {
      // UDP connect only sets the default peer (and the only peer datagrams are taken from).
      const before = s.word;
      const e = this.step(s, TcpOp.CONNECT);
      if (e !== 0) return -e;
      const denied = this.p2Address(s, addr, P2AddrUse.REMOTE) || this.access("connect", addr);
      if (denied !== 0) {
        s.word = before;
        return -denied;
      }
      s.remote = addr;
      if (s.p2) udpConnectOs(s, addr);
      return 0;
    }
    const before = s.word;
    const e = this.step(s, TcpOp.CONNECT);
    if (e !== 0) return -e;
    const bad = this.p2Address(s, addr, P2AddrUse.REMOTE);
    if (bad !== 0) {
      s.word = before; // wasmtime validates before the state moves: the socket stays usable
      return -bad;
    }
    const denied = this.access("connect", addr);
    if (denied !== 0) {
      this.step(s, TcpOp.CONNECT_FAIL); // P2: a failed start-connect closes the socket
      return -denied;
    }
    // wasi:sockets: the outcome waits for finish-connect (opResult), the state stays CONNECTING.
    const done = this.backend.connect({ host: addr.host, port: addr.port, localHost: s.local?.host, localPort: s.local?.port }).then(
      (stream) => {
        if (s.state !== TcpState.CONNECTING) {
          stream.reset(); // closed while connecting
          return -Errno.BADF;
        }
        if (s.p2) s.opResult = 0;
        else this.step(s, TcpOp.CONNECT_OK);
        s.attach(stream);
        this.applyOptions(s);
        s.notify();
        return 0;
      },
      (err: unknown) => {
        const errno = this.core.errnoFromError(err);
        if (s.p2) s.opResult = errno;
        else if (s.state === TcpState.CONNECTING) this.step(s, TcpOp.CONNECT_FAIL);
        if (nonblock) s.soError = errno;
        s.notify();
        return -errno;
      },
    );
    if (s.p2) {
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

  localAddr(h: number): Addr | number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const e = this.core.tcpStep(s.abi, s.word, TcpOp.LOCAL_ADDR);
    if (stepErrno(e) !== 0) return -stepErrno(e);
    return s.local ?? { host: s.family === 6 ? "::" : "0.0.0.0", port: 0, family: s.family };
  }

  peerAddr(h: number): Addr | number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const e = this.core.tcpStep(s.abi, s.word, TcpOp.PEER_ADDR);
    if (stepErrno(e) !== 0) return -stepErrno(e);
    return s.remote ?? -Errno.NOTCONN;
  }

  sendTo(h: number, data: Uint8Array, addr: Addr | undefined, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (!s.dgram) return this.send(h, data, nonblock); // Linux ignores the address on a connected stream
    return udpSendTo(this, s, data, addr, (op) => this.step(s, op), (a) => this.p2Address(s, a, P2AddrUse.REMOTE));
  }

  recvFrom(h: number, max: number, peek: boolean, nonblock: boolean): Sync<Datagram | number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (!s.dgram) {
      return after(this.recv(h, max, peek, false, nonblock), (r) =>
        typeof r === "number" ? r : { data: r, from: s.remote ?? { host: "0.0.0.0", port: 0, family: 4 }, truncated: false });
    }
    const e = this.step(s, TcpOp.RECV);
    if (e !== 0) return -e;
    return udpRecvFrom(this, s, max, peek, nonblock);
  }

  resolve(name: string): Sync<Addr[] | number> {
    const literal = ipToBytes(name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name);
    if (literal) return [{ host: bytesToIp(literal), port: 0, family: literal.length === 4 ? 4 : 6 }];
    const denied = this.resolveAccess(name);
    if (denied !== 0) return -denied;
    return this.backend.resolve(name).then(
      (hosts) => hosts.slice(0, this.limits.dnsAnswers).map((host): Addr => ({ host, port: 0, family: host.includes(":") ? 6 : 4 })),
      (err: unknown) => -this.core.errnoFromError(err),
    );
  }

  /** The core's option kind for a socket: TCP (not listening, not connected), listener, stream, UDP; +4 for IPv6. */
  private kind(s: TcpSocket): number {
    const k = s.dgram ? SockKind.UDP : s.listener ? SockKind.LISTENER : s.state === TcpState.CONNECTED ? SockKind.STREAM : SockKind.TCP;
    return s.family === 6 ? k | SockKind.INET6 : k;
  }

  /** `opt` is a SockOpt (WASIX may carry its OptClass bits): the value, or -errno. */
  getOption(h: number, opt: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const kind = this.kind(s);
    const e = this.core.optionGet(s.abi, kind, s.word, opt);
    if (e !== 0) return -e;
    const id = opt & 0xff;
    if (id === SockOpt.ERROR) {
      const pending = s.soError;
      s.soError = 0;
      return pending;
    }
    if (id === SockOpt.ACCEPTCONN) return s.listener ? 1 : 0;
    return s.options.get(id) ?? this.core.optionDefault(s.abi, kind, id);
  }

  /** Validate and clamp through the core; store what a get will read back. 0 or -errno. */
  setOption(h: number, opt: number, value: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const v = this.core.optionSet(s.abi, this.kind(s), s.word, opt, value);
    if (v < 0) return v;
    s.setOption(opt & 0xff, v);
    if ((opt & 0xff) === SockOpt.LISTEN_BACKLOG && s.listener) s.backlog = this.core.backlogEffective(v, this.somaxconn);
    this.applyOptions(s);
    return 0;
  }

  private applyOptions(s: TcpSocket): void {
    applyOptions(s, () => this.core.optionDefault(s.abi, this.kind(s), SockOpt.KEEPIDLE));
  }

  /** A connection arrived at a listener: queue it, or refuse it (RST) when the queue is full. */
  private admit(l: TcpSocket, stream: import("../net/backend.js").NetStream): void {
    const open = l.state === TcpState.LISTENING || l.state === TcpState.LISTEN_IN_PROGRESS; // the OS listens from start-listen on
    if (!open || !this.core.acceptAdmit(l.queue.length, l.backlog)) {
      l.refused++;
      stream.reset();
      return;
    }
    const s = this.newSocket();
    s.abi = l.abi;
    s.family = l.local?.family ?? 4; // a connection has its listener's family
    s.word = TcpState.CONNECTED;
    s.attach(stream);
    if (l.queue === NO_SOCKETS) l.queue = [];
    l.queue.push(s);
    l.notify();
  }

  accept(h: number, nonblock: boolean, fd: number): Sync<number> {
    const l = this.sockets.get(h);
    if (!l) return -Errno.BADF;
    const e = this.step(l, TcpOp.ACCEPT);
    if (e !== 0) return -e;
    const attempt = (): number | undefined => {
      if (l.state !== TcpState.LISTENING) return -Errno.BADF;
      const s = l.queue.length > 0 ? l.queue.shift() : undefined; // (never shift the shared empty one)
      if (s !== undefined) {
        s.fd = fd;
        for (const [opt, v] of l.options) if (opt !== SockOpt.LISTEN_BACKLOG) s.setOption(opt, v); // inherited at accept
        this.applyOptions(s);
        return this.register(s);
      }
      return nonblock ? -Errno.AGAIN : undefined;
    };
    return block(l, attempt);
  }

  /** Connections waiting in `h`'s accept queue (0 for anything but a listener). */
  acceptQueue(h: number): number {
    return this.sockets.get(h)?.queue.length ?? 0;
  }

  recv(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (s.dgram) return after(this.recvFrom(h, max, peek, nonblock), (d) => (typeof d === "number" ? d : d.data));
    const e = this.step(s, TcpOp.RECV);
    if (e !== 0) return -e;
    // Tried here first, so a recv of data already there makes no closure and no promise.
    const now = recvNow(this.core, s, max, peek, waitall, nonblock);
    return now !== undefined ? now : this.recvWait(s, max, peek, waitall, nonblock);
  }

  private recvWait(s: TcpSocket, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
    return block(s, () => recvNow(this.core, s, max, peek, waitall, nonblock));
  }

  send(h: number, data: Uint8Array, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (s.dgram) return this.sendTo(h, data, undefined, nonblock);
    const e = this.step(s, TcpOp.SEND);
    if (e !== 0) return -e;
    const now = sendNow(s, data, nonblock);
    return now !== undefined ? now : this.sendWait(s, data, nonblock);
  }

  private sendWait(s: TcpSocket, data: Uint8Array, nonblock: boolean): Sync<number> {
    return block(s, () => sendNow(s, data, nonblock));
  }

  /**
   * What a TCP send on `h` could take now without waiting: the room below its send limit (the
   * worker bridge lets a guest post sends up to it), or -1 when a send would fail or wait for
   * something other than room (not connected, an error to report, shut down, not TCP).
   */
  sendRoom(h: number): number {
    const s = this.sockets.get(h);
    if (!s || s.dgram || s.state !== TcpState.CONNECTED || s.error !== undefined || s.word & Word.SHUT_WR) return -1;
    return Math.max(0, s.txLimit - (s.stream?.bufferedAmount ?? 0));
  }

  shutdown(h: number, op: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const before = s.word;
    const e = this.step(s, op);
    if (e !== 0) return -e;
    if (s.word & Word.SHUT_WR && !(before & Word.SHUT_WR)) s.stream?.end();
    if (s.word & Word.SHUT_RD && !(before & Word.SHUT_RD)) s.discard();
    s.notify();
    return 0;
  }

  /** One more guest fd refers to the socket (another instance's copy of a pre-opened listener). */
  share(h: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    s.refs++;
    return 0;
  }

  /** A guest fd is closed: the socket closes with the last one (shared ones: see share()). */
  close(h: number, unreadElsewhere = false): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (--s.refs === 0) this.destroy(s, unreadElsewhere);
    return 0;
  }

  /**
   * Bytes a guest on another thread takes ahead of its recv()s (the worker bridge's read-ahead):
   * taken as a recv takes them, up to `max`; undefined unless `h` is a connected stream with
   * bytes waiting.
   */
  takeAhead(h: number, max: number): Uint8Array | undefined {
    const s = this.sockets.get(h);
    if (!s || s.dgram || s.listener || s.state !== TcpState.CONNECTED || s.rxBytes === 0) return undefined;
    if (this.step(s, TcpOp.RECV) !== 0) return undefined;
    return s.take(max, false);
  }

  /** Close the socket itself, whoever still refers to it. */
  private destroy(s: TcpSocket, unreadElsewhere = false): void {
    this.sockets.delete(s.handle);
    this.step(s, TcpOp.CLOSE);
    s.udp?.close();
    s.release();
    if (s.listener) {
      s.listener.close();
      const queued = s.queue;
      s.queue = NO_SOCKETS;
      for (const q of queued) {
        q.release();
        q.stream?.reset();
      }
    } else if (s.stream) {
      // Linux close(): unread data means RST, otherwise an orderly FIN after queued writes.
      if (s.rxBytes > 0 || unreadElsewhere) s.stream.reset();
      else s.stream.close();
    }
    s.notify();
  }

  poll(handles: ArrayLike<number>, interests: ArrayLike<number>, timeoutMs: number): Sync<number[]> {
    const r = this.poller.poll(handles, interests, timeoutMs);
    // Stopped: every socket is closed, so a poll that would still wait waits for nothing.
    if (this.isStopped && r instanceof Promise) return Promise.reject(new GuestStopped());
    return r;
  }

  /** Sleeps in progress, ended early (and their timers cleared) when the runtime stops. */
  private readonly sleeping = new Set<() => void>();

  sleep(ms: number): Sync<void> {
    if (ms <= 0) return;
    // Stopped: a wait begun now (a sleep, or a poll waiting on) unwinds the guest instead.
    if (this.isStopped) return Promise.reject(new GuestStopped());
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.sleeping.delete(wake);
        cancel();
        resolve();
      };
      const cancel = timeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  writeStdio(fd: number, data: Uint8Array): void {
    const sink = fd === 2 ? this.stdio.stderr : this.stdio.stdout;
    sink?.(data);
  }

  readStdin(max: number): Sync<Uint8Array> {
    return this.stdinState.read(max);
  }

  /** The live socket table, like `netstat -ntp`. */
  table(): SocketRow[] {
    // Connections still in an accept queue are listed too (fd -1), as netstat lists them.
    return [...this.sockets.values()].flatMap((s) => [socketRow(s), ...s.queue.map(socketRow)]);
  }

  private readonly stopWatchers = new Set<() => void>();
  private isStopped = false;

  onStop(fn: () => void): () => void {
    this.stopWatchers.add(fn);
    return () => this.stopWatchers.delete(fn);
  }

  /** closeAll() has run: the runtime is stopped. */
  get hasStopped(): boolean {
    return this.isStopped;
  }

  /** Close every socket (guest exit or runtime stop); a guest still waiting is unwound. */
  closeAll(): void {
    for (const s of [...this.sockets.values()]) this.destroy(s);
    this.stdinState.close();
    this.isStopped = true;
    for (const wake of [...this.sleeping]) wake();
    for (const fn of [...this.stopWatchers]) fn();
    this.stopWatchers.clear();
  }
}




function sameHost(a: string, b: string): boolean {
  return a === b || isUnspecifiedHost(a) || isUnspecifiedHost(b);
}
