import { Core, stepErrno, stepWord } from "../core/core.js";
import { Errno } from "../core/enums.js";
import type { NetBackend, NetStream } from "../net/backend.js";
import { Connection } from "./connection.js";
import { Socket } from "./socket.js";
import type { Waitable } from "./readiness.js";
import { socketRow, type SocketRow } from "./table.js";
import type { AccessCheck } from "./api.js";
import { ReceiveBudget, type Limits } from "./limits.js";

/**
 * A guest's sockets, by handle, and what every operation on one needs: the core that steps it,
 * the network, the guest's limits and the policy. The kernel holds one and hands it to the
 * operations of each kind (setup.ts, listener.ts, stream-io.ts, udp.ts, socket-options.ts).
 */
export class SocketTable {
  readonly core = Core.load();
  private readonly sockets = new Map<number, Socket>();
  private nextHandle = 1;

  /** Asked before a guest listens or connects; deny by default. Pre-opened listeners are not asked. */
  access: AccessCheck = () => Errno.ACCES;
  /** Asked before a guest creates a socket (SocketType): 0, or EACCES when that kind is off
   *  (wasmtime's tcp/udp switch). Until the runtime sets it, every kind may be made. */
  socketAccess: (type: number) => number = () => 0;
  /** Asked before a guest resolves a name (IP literals are not looked up, so not asked). */
  resolveAccess: (name: string) => number = () => Errno.ACCES;

  /** Unread bytes of all this guest's sockets together. */
  readonly budget: ReceiveBudget;

  constructor(
    readonly backend: NetBackend,
    readonly somaxconn: number,
    /** The ABI a socket follows unless its open says otherwise. */
    readonly abi: number,
    readonly limits: Limits,
    /** Told of every change on any socket (the poller's wake). */
    private readonly activity: (s: Waitable) => void,
  ) {
    this.budget = new ReceiveBudget(limits.totalReceive);
  }

  get(h: number): Socket | undefined {
    return this.sockets.get(h);
  }

  /** Every socket, in the order they were added. */
  all(): IterableIterator<Socket> {
    return this.sockets.values();
  }

  /** `s` gets a handle: the guest can name it from now on. */
  add(s: Socket): number {
    s.activity = this.activity;
    s.handle = this.nextHandle++;
    this.sockets.set(s.handle, s);
    return s.handle;
  }

  /** `s` has no handle any more (closed): -1, which no look-up finds. */
  remove(s: Socket): void {
    this.sockets.delete(s.handle);
    s.handle = -1;
  }

  /** `s` is connected: its stream's bytes are buffered from now on, under this guest's limits. */
  attach(s: Socket, stream: NetStream): void {
    s.conn = new Connection(s, stream, this.limits.receiveBuffer, this.limits.sendBuffer, this.budget);
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

  /** Whether the core says sockets of `abi` do what `flag` (AbiFlag) names. */
  abiDoes(abi: number, flag: number): boolean {
    const flags = this.core.abiFlags(abi);
    return flags > 0 && (flags & flag) !== 0;
  }

  /** The live socket table, like `netstat -ntp`. */
  rows(): SocketRow[] {
    // Connections still in an accept queue are listed too (fd -1), as netstat lists them.
    return [...this.sockets.values()].flatMap((s) => (s.listening ? [socketRow(s), ...s.listening.queue.map(socketRow)] : [socketRow(s)]));
  }
}
