import { Core, stepErrno, stepWord } from "../core/core.js";
import { Abi, TcpOp, TcpState, Word } from "../core/enums.js";
import type { NetListener, NetStream, NetUdp, SockAddr } from "../net/backend.js";
import type { Datagram } from "./api.js";
import { Waitable } from "./readiness.js";
import { DEFAULT_LIMITS, type BudgetWaiter, type ReceiveBudget } from "./limits.js";

/** Receive buffering above this pauses the connection (TCP window does the rest): the default. */
export const RX_HIGH_WATER = DEFAULT_LIMITS.receiveBuffer;
/** A send is accepted while less than this is queued towards the OS (the default); beyond it the guest blocks or gets EAGAIN. */
export const TX_HIGH_WATER = DEFAULT_LIMITS.sendBuffer;

const EMPTY = new Uint8Array(0);
const NO_OPTIONS: ReadonlyMap<number, number> = new Map();

// A connection's callbacks, called as methods of its NetStream.
const owner = (s: NetStream): Socket => s.owner as Socket;
function streamData(this: NetStream, chunk: Uint8Array): void {
  owner(this).received(chunk);
}
/** The peer's FIN, or the connection is closed: an event the core steps (PEER_CLOSED). */
function streamEnd(this: NetStream): void {
  const s = owner(this);
  s.event(TcpOp.PEER_CLOSED);
  s.notify();
}
/** Writes drained. */
function streamChange(this: NetStream): void {
  owner(this).notify();
}
function streamError(this: NetStream, code: string): void {
  const s = owner(this);
  s.error ??= code;
  s.notify();
}

/**
 * One TCP socket as the guest sees it. `word` is the core's state word (state + shutdown/peer
 * flags); every transition is decided by core.tcp_step, the connection's end included (event()),
 * this class only holds data and readiness.
 */
export class Socket extends Waitable implements BudgetWaiter {
  word: number = TcpState.UNBOUND;
  /** Whose rules the core applies to this socket (Abi.LINUX for preview1/WasmEdge). */
  abi = 0;
  /** Address family of a guest-opened socket (accepted and pre-opened ones follow their address). */
  family: 4 | 6 = 4;
  /** A datagram socket (guest-opened UDP); everything else here is stream. */
  dgram = false;
  /** wasi:sockets: the outcome of the bind/listen/connect in progress (0 ok, else its errno),
   *  `undefined` while its I/O is under way; finish-* collects it. */
  opResult: number | undefined;
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
    return this.stream?.local ?? this.localAddr;
  }
  set local(a: SockAddr | undefined) {
    this.localAddr = a;
  }
  /** Undefined once the connection can no longer say (after a reset, as Linux's ENOTCONN). */
  get remote(): SockAddr | undefined {
    if (!this.stream) return this.remoteAddr;
    const r = this.stream.remote;
    return r.host === "" ? undefined : r;
  }
  set remote(a: SockAddr | undefined) {
    this.remoteAddr = a;
  }

  /** A listener's own: set once it listens (its OS listener is open), absent on every other socket. */
  listening: Listening | undefined;

  /** A datagram socket's own: set once it is bound (attachUdp), absent on every other socket. */
  datagrams: Datagrams | undefined;
  /** The OS socket of a bound datagram socket. */
  get udp(): NetUdp | undefined {
    return this.datagrams?.udp;
  }

  // stream side
  stream: NetStream | undefined;
  private readonly rx: Uint8Array[] = [];
  /** `rx[rxFirst .. rxEnd)` are the chunks not yet fully read; `rxHead` bytes of the first are. */
  private rxFirst = 0;
  private rxEnd = 0;
  private rxHead = 0;
  rxBytes = 0;
  /** The peer sent FIN, or the connection ended: the word's PEER_CLOSED. */
  get eof(): boolean {
    return (this.word & Word.PEER_CLOSED) !== 0;
  }
  /** The connection failed (Node code), and whether recv/send already reported it once. */
  error: string | undefined;
  errorReported = false;
  private paused = false;
  /** Closed by the guest: whatever still arrives is dropped, and nothing counts any more. */
  private released = false;

  // limits (the kernel sets them from its Limits)
  rxLimit = RX_HIGH_WATER;
  txLimit = TX_HIGH_WATER;
  dgramLimit = DEFAULT_LIMITS.datagramQueue;
  /** The guest's total receive budget, shared by all its sockets. */
  budget: ReceiveBudget | undefined;

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

  /** Attach a live connection: start buffering its bytes. Its callbacks are shared by every
   *  connection (a closure each was a few hundred bytes of every idle one): see NetStream.owner. */
  attach(stream: NetStream): void {
    this.stream = stream;
    stream.owner = this;
    stream.onData = streamData;
    stream.onEnd = streamEnd;
    stream.onDrain = streamChange;
    stream.onError = streamError;
    stream.onClose = streamEnd;
  }

  /** Bytes arrived on the connection. */
  received(chunk: Uint8Array): void {
    if (this.word & Word.SHUT_RD || this.released) return; // Linux: data after SHUT_RD is dropped
    this.rx[this.rxEnd++] = chunk;
    this.rxBytes += chunk.length;
    this.budget?.add(chunk.length);
    if (!this.paused && (this.rxBytes >= this.rxLimit || this.budget?.exhausted)) {
      this.paused = true;
      this.stream!.pause();
      if (this.budget?.exhausted) this.budget.wait(this);
    }
    this.notify();
  }

  /** Take (or with `peek`, copy) up to `max` buffered bytes. */
  take(max: number, peek: boolean): Uint8Array {
    if (this.rxBytes === 0 || max === 0) return EMPTY;
    const rx = this.rx;
    const first = rx[this.rxFirst]!;
    const avail = first.length - this.rxHead;
    let out: Uint8Array;
    if (avail >= max || this.rxFirst === this.rxEnd - 1) {
      const n = Math.min(avail, max);
      // A whole chunk is handed over as it came (no view made).
      out = n === first.length ? first : first.subarray(this.rxHead, this.rxHead + n);
      if (!peek) {
        this.rxHead += n;
        if (this.rxHead === first.length) this.dropFirst();
      }
    } else {
      const n = Math.min(max, this.rxBytes);
      out = new Uint8Array(n);
      let o = 0, i = this.rxFirst, head = this.rxHead;
      while (o < n) {
        const c = rx[i]!;
        const k = Math.min(c.length - head, n - o);
        out.set(c.subarray(head, head + k), o);
        o += k;
        head += k;
        if (head === c.length) { i++; head = 0; }
      }
      if (!peek) {
        for (let k = i - this.rxFirst; k > 0; k--) this.dropFirst();
        this.rxHead = head;
      }
    }
    if (!peek) {
      this.rxBytes -= out.length;
      this.budget?.release(out.length);
      this.maybeResume();
    }
    return out;
  }

  /** The first queued chunk is used up. The queue restarts at slot 0 once all is read, so
   *  steady traffic neither shifts the array nor gives back and regrows its storage. */
  private dropFirst(): void {
    this.rx[this.rxFirst++] = EMPTY;
    this.rxHead = 0;
    if (this.rxFirst === this.rxEnd) this.rxFirst = this.rxEnd = 0;
  }

  /** Paused, and now below half its own limit and half the guest's total: resume. */
  private maybeResume(): void {
    if (!this.paused || this.released || this.rxBytes >= this.rxLimit / 2) return;
    if (this.budget && this.budget.used >= this.budget.limit / 2) {
      this.budget.wait(this); // told when the total frees up
      return;
    }
    this.paused = false;
    this.stream?.resume();
  }

  budgetFreed(): void {
    this.maybeResume();
  }

  /** Drop everything buffered (shutdown(SHUT_RD)). */
  discard(): void {
    this.rx.length = 0;
    this.rxFirst = this.rxEnd = 0;
    this.rxHead = 0;
    this.budget?.release(this.rxBytes);
    this.rxBytes = 0;
    this.maybeResume();
  }

  /** The guest closed it: give back what it held of the total budget; drop what arrives later. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget?.forget(this);
    this.budget?.release(this.rxBytes + (this.datagrams?.bytes ?? 0));
  }

  /** poll: a recv would not block. */
  readable(): boolean {
    if (this.listening) return this.listening.queue.length > 0;
    if (this.dgram) return (this.datagrams?.queue.length ?? 0) > 0 || this.error !== undefined;
    return this.rxBytes > 0 || this.eof || this.error !== undefined || (this.word & Word.SHUT_RD) !== 0;
  }

  /** poll: a send would not block. */
  writable(): boolean {
    if (this.error !== undefined || this.dgram) return true;
    return this.state === TcpState.CONNECTED && (this.stream?.bufferedAmount ?? 0) < this.txLimit;
  }

  /** A wasi:sockets tcp/udp-socket pollable: ready unless an operation is in progress and not
   *  yet settled, or the socket listens with nothing queued (docs/abi.md §4.2). */
  settled(): boolean {
    const st = this.state;
    if (st === TcpState.BIND_IN_PROGRESS || st === TcpState.LISTEN_IN_PROGRESS || st === TcpState.CONNECTING) return this.opResult !== undefined;
    if (st === TcpState.LISTENING) return (this.listening?.queue.length ?? 0) > 0;
    return true;
  }

  get p2(): boolean {
    return this.abi === Abi.P2;
  }

  hangup(): boolean {
    return this.eof || this.error !== undefined;
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
}

/** What a bound datagram socket holds: its OS socket and the datagrams received, not yet read. */
export class Datagrams {
  /** Received and not yet read, oldest first. */
  readonly queue: Datagram[] = [];
  /** Their bytes together. */
  bytes = 0;
  /** Datagrams dropped because the queue was full. */
  dropped = 0;

  constructor(readonly udp: NetUdp) {}
}
