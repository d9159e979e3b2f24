import { Core, stepErrno, stepWord } from "../core/core.js";
import { TcpState, Word } from "../core/enums.js";
import type { NetListener, NetUdp, SockAddr } from "../net/backend.js";
import { SocketType, type Datagram } from "./api.js";
import type { Connection, Endpoint } from "./connection.js";
import { Waitable } from "./readiness.js";
import { DEFAULT_LIMITS, type ReceiveBudget } from "./limits.js";

const NO_OPTIONS: ReadonlyMap<number, number> = new Map();

/**
 * One socket as the guest sees it: what every kind has (the core's state word, its ABI, family,
 * options, handle and addresses), and the record of what it is now: a connection, a listener or a
 * bound datagram socket (at most one; none while it is neither yet). `word` is the core's state
 * word (state + shutdown/peer flags); every transition is decided by core.tcp_step or udp_step,
 * the connection's end included (event()).
 */
export class Socket extends Waitable implements Endpoint {
  word: number = TcpState.UNBOUND;
  /** Whose rules the core applies to this socket (Abi.LINUX for preview1/WasmEdge). */
  abi = 0;
  /** Address family of a guest-opened socket (accepted and pre-opened ones follow their address). */
  family: 4 | 6 = 4;
  /** wasi:sockets: the outcome of the bind/listen/connect in progress (0 ok, else its errno),
   *  `undefined` while its I/O is under way; finish-* collects it (start-finish.ts). */
  opResult: number | undefined;
  /** wasi:sockets 0.3: which of its streams the guest took (StreamBit; core tcp_stream decides). */
  streams = 0;
  /** SO_ERROR: the errno of a non-blocking connect that failed, until read. */
  soError = 0;
  /** Options set by the guest (SockOpt → value), read back by getsockopt. */
  get options(): ReadonlyMap<number, number> {
    return this.optionValues ?? NO_OPTIONS;
  }
  /** Made by the first option set: most connections have none. */
  private optionValues: Map<number, number> | undefined;

  setOption(id: number, value: number): void {
    (this.optionValues ??= new Map()).set(id, value);
  }
  /** The port the guest asked to bind (0 = ephemeral), for the policy. */
  requestedPort = 0;
  handle = -1;
  /** Guest fds (of all the runtime's instances) that refer to it: the last close closes it. */
  refs = 1;
  /** The guest fd it is known by, for the sockets() table (-1 while queued). */
  fd = -1;
  /** Set by bind, listen and connect; a connection's own (read from it when first asked) win. */
  private localAddr: SockAddr | undefined;
  private remoteAddr: SockAddr | undefined;
  get local(): SockAddr | undefined {
    return this.conn?.stream.local ?? this.localAddr;
  }
  set local(a: SockAddr | undefined) {
    this.localAddr = a;
  }
  /** Undefined once the connection can no longer say (after a reset, as Linux's ENOTCONN). */
  get remote(): SockAddr | undefined {
    if (!this.conn) return this.remoteAddr;
    const r = this.conn.stream.remote;
    return r.host === "" ? undefined : r;
  }
  set remote(a: SockAddr | undefined) {
    this.remoteAddr = a;
  }

  /** A connected (or accepted) stream's own: set once it connects, absent on every other socket. */
  conn: Connection | undefined;
  /** A listener's own: set once it listens (its OS listener is open), absent on every other socket. */
  listening: Listening | undefined;
  /** A datagram socket's own: set once it is bound (attachUdp), absent on every other socket. */
  datagrams: Datagrams | undefined;

  /** `type`: SocketType, STREAM (TCP) or DGRAM (UDP), for as long as the socket lives. */
  constructor(readonly type: number = SocketType.STREAM) {
    super();
  }

  /** A datagram (UDP) socket: its steps are udp_step's, its record (once bound) Datagrams. */
  get dgram(): boolean {
    return this.type === SocketType.DGRAM;
  }

  /** The OS socket of a bound datagram socket. */
  get udp(): NetUdp | undefined {
    return this.datagrams?.udp;
  }

  /** The peer sent FIN, or the connection ended: the word's PEER_CLOSED. */
  get eof(): boolean {
    return (this.word & Word.PEER_CLOSED) !== 0;
  }

  get state(): number {
    return this.word & 0x0f;
  }

  /**
   * Report what the host saw of the connection (TcpOp.PEER_CLOSED) into the word, where the core
   * takes it: not once the socket is closed.
   */
  event(op: number): void {
    const r = Core.load().tcpStep(this.abi, this.word, op);
    if (stepErrno(r) === 0) this.word = stepWord(r);
  }

  /** The guest closed it: what it held of the total receive budget is given back. */
  release(): void {
    this.conn?.release();
    this.datagrams?.release();
  }

  /** poll: a recv would not block. */
  readable(): boolean {
    if (this.listening) return this.listening.queue.length > 0;
    if (this.dgram) return this.datagrams !== undefined && (this.datagrams.queue.length > 0 || this.datagrams.error !== undefined);
    const c = this.conn;
    return (c !== undefined && (c.rxBytes > 0 || c.error !== undefined)) || this.eof || (this.word & Word.SHUT_RD) !== 0;
  }

  /** poll: a send would not block. */
  writable(): boolean {
    if (this.dgram) return true;
    const c = this.conn;
    if (c === undefined) return this.state === TcpState.CONNECTED;
    return c.error !== undefined || (this.state === TcpState.CONNECTED && c.room);
  }

  hangup(): boolean {
    return this.eof || (this.conn?.error ?? this.datagrams?.error) !== undefined;
  }
}

/** What a listening socket holds: its OS listener, its backlog and the connections waiting to be
 *  accepted. A socket has one only while it listens, so no other socket carries a queue. */
export class Listening {
  /** Connections waiting to be accepted, oldest first. */
  readonly queue: Socket[] = [];
  /** Connections refused because the accept queue was full. */
  refused = 0;

  constructor(readonly listener: NetListener, public backlog: number) {}

  /** The listener is closed: connections not yet accepted are reset. */
  close(): void {
    this.listener.close();
    for (const q of this.queue.splice(0)) {
      q.release();
      q.conn?.stream.reset();
    }
  }
}

/** What a bound datagram socket holds: its OS socket and the datagrams received, not yet read. */
export class Datagrams {
  /** Received and not yet read, oldest first. */
  readonly queue: Datagram[] = [];
  /** Their bytes together. */
  bytes = 0;
  /** Datagrams dropped because the queue was full. */
  dropped = 0;
  /** A send or the socket failed (Node code), and whether a call already reported it once. */
  error: string | undefined;
  errorReported = false;

  constructor(
    readonly udp: NetUdp,
    /** Bytes queued past which arriving datagrams are dropped. */
    readonly limit = DEFAULT_LIMITS.datagramQueue,
    /** The guest's total receive budget, shared by all its sockets. */
    readonly budget?: ReceiveBudget,
  ) {}

  private released = false;

  /** The guest closed the socket: what it held of the total budget is given back. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget?.release(this.bytes);
  }
}
