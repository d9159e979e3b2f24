import { Core, stepErrno, stepWord } from "../core/core.js";
import { Errno, SockKind, SockOpt, TcpOp, TcpState } from "../core/enums.js";
import type { NetBackend, NetStream } from "../net/backend.js";
import { Connection } from "./connection.js";
import { applyOptions } from "./live-options.js";
import { Poller } from "./poller.js";
import { Socket } from "./socket.js";
import { socketRow, type SocketRow } from "./table.js";
import type { AccessCheck, Addr } from "./api.js";
import { ReceiveBudget, type Limits } from "./limits.js";

/**
 * A guest's sockets, by handle: each made under the guest's limits, every transition of one
 * stepped through core.wasm, its options kept as the core validated them, and its addresses
 * read as the core allows. The kernel's calls build on this (setup.ts, kernel.ts).
 */
export abstract class SocketSet {
  readonly core = Core.load();
  protected readonly sockets = new Map<number, Socket>();
  private nextHandle = 1;

  /** Asked before a guest listens or connects; deny by default. Pre-opened listeners are not asked. */
  access: AccessCheck = () => Errno.ACCES;
  /** Asked before a wasi:sockets component creates a socket: 0 when any listen or connect rule
   *  exists (wasmtime's tcp/udp switch), else EACCES. */
  socketAccess: (type: number) => number = () => Errno.ACCES;
  /** Asked before a guest resolves a name (IP literals are not looked up, so not asked). */
  resolveAccess: (name: string) => number = () => Errno.ACCES;

  /** Unread bytes of all this guest's sockets together. */
  readonly budget: ReceiveBudget;

  constructor(
    readonly backend: NetBackend,
    readonly somaxconn: number,
    readonly abi: number,
    readonly limits: Limits,
  ) {
    this.budget = new ReceiveBudget(limits.totalReceive);
  }

  /** A socket of `type` (SocketType), not yet registered. */
  protected newSocket(type?: number): Socket {
    return new Socket(type);
  }

  /** `s` is connected: its stream's bytes are buffered from now on, under this guest's limits. */
  protected attach(s: Socket, stream: NetStream): void {
    s.conn = new Connection(s, stream, this.limits.receiveBuffer, this.limits.sendBuffer, this.budget);
  }

  protected readonly poller = new Poller((h) => this.sockets.get(h));

  protected register(s: Socket): number {
    s.activity = this.poller.onActivity;
    s.handle = this.nextHandle++;
    this.sockets.set(s.handle, s);
    return s.handle;
  }

  /**
   * What `op` would do to `s` now, nothing stored: `(errno << 8) | word` (stepErrno, stepWord), from
   * udp_step for a datagram socket, tcp_step otherwise. A call whose I/O may still fail asks first,
   * does the I/O and commits only then, so a failure leaves the socket as it was.
   */
  ask(s: Socket, op: number): number {
    return s.dgram ? this.core.udpStep(s.abi, s.word, op) : this.core.tcpStep(s.abi, s.word, op);
  }

  /**
   * Store the word an ask led to, if the socket is still in the word it was asked from (a close
   * while the I/O was under way wins). Whether it was stored.
   */
  commit(s: Socket, from: number, r: number): boolean {
    if (s.word !== from) return false;
    s.word = stepWord(r);
    return true;
  }

  /**
   * Step at once: ask and store the word (on an error that is the old word, except where the core
   * says the error itself changes state). For what has no I/O to wait for: events the host
   * reports, shutdown, close. Returns errno (0 = ok).
   */
  step(s: Socket, op: number): number {
    const r = this.ask(s, op);
    s.word = stepWord(r);
    return stepErrno(r);
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

  /** The core's option kind for a socket: TCP (not listening, not connected), listener, stream, UDP; +4 for IPv6. */
  protected kind(s: Socket): number {
    const k = s.dgram ? SockKind.UDP : s.listening ? SockKind.LISTENER : s.state === TcpState.CONNECTED ? SockKind.STREAM : SockKind.TCP;
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
    if (id === SockOpt.ACCEPTCONN) return s.listening ? 1 : 0;
    return s.options.get(id) ?? this.core.optionDefault(s.abi, kind, id);
  }

  /** Validate and clamp through the core; store what a get will read back. 0 or -errno. */
  setOption(h: number, opt: number, value: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const v = this.core.optionSet(s.abi, this.kind(s), s.word, opt, value);
    if (v < 0) return v;
    s.setOption(opt & 0xff, v);
    if ((opt & 0xff) === SockOpt.LISTEN_BACKLOG && s.listening) s.listening.backlog = this.core.backlogEffective(v, this.somaxconn);
    this.applyOptions(s);
    return 0;
  }

  protected applyOptions(s: Socket): void {
    applyOptions(this.core, s, this.kind(s));
  }

  /** Whether the core says sockets of `abi` do what `flag` (AbiFlag) names. */
  abiDoes(abi: number, flag: number): boolean {
    const flags = this.core.abiFlags(abi);
    return flags > 0 && (flags & flag) !== 0;
  }

  /** The live socket table, like `netstat -ntp`. */
  table(): SocketRow[] {
    // Connections still in an accept queue are listed too (fd -1), as netstat lists them.
    return [...this.sockets.values()].flatMap((s) => (s.listening ? [socketRow(s), ...s.listening.queue.map(socketRow)] : [socketRow(s)]));
  }
}
