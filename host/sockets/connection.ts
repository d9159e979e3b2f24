/** A TCP connection's own record (Connection), and the stream callbacks every connection shares. */
import { TcpOp, Word } from "../core/enums.js";
import type { NetStream } from "../net/backend.js";
import { DEFAULT_LIMITS, type BudgetWaiter, type ReceiveBudget } from "./limits.js";

/** Receive buffering above this pauses the connection (TCP window does the rest): the default. */
export const RX_HIGH_WATER = DEFAULT_LIMITS.receiveBuffer;
/** A send is accepted while less than this is queued towards the OS (the default); beyond it the guest blocks or gets EAGAIN. */
export const TX_HIGH_WATER = DEFAULT_LIMITS.sendBuffer;

const EMPTY = new Uint8Array(0);

/** What a connection needs of the socket it belongs to: its state word, and telling its waiters. */
export interface Endpoint {
  readonly word: number;
  /** Report what the host saw of the connection (TcpOp.PEER_CLOSED) to the core. */
  event(op: number): void;
  notify(): void;
}

// A connection's callbacks, called as methods of its NetStream: shared by every connection (a
// closure each was a few hundred bytes of every idle one), each finds its own through `owner`.
const owner = (s: NetStream): Connection => s.owner as Connection;
function streamData(this: NetStream, chunk: Uint8Array): void {
  owner(this).received(chunk);
}
/** The peer's FIN, or the connection is closed: an event the core steps (PEER_CLOSED). */
function streamEnd(this: NetStream): void {
  const at = owner(this).at;
  at.event(TcpOp.PEER_CLOSED);
  at.notify();
}
/** Writes drained. */
function streamChange(this: NetStream): void {
  owner(this).at.notify();
}
function streamError(this: NetStream, code: string): void {
  const c = owner(this);
  c.error ??= code;
  c.at.notify();
}

/**
 * A live TCP connection (connected or accepted): its stream, the bytes received and not yet read,
 * and its failure. Only a socket that has a connection has these, so nothing else carries a receive
 * queue. Its state (connected, shut down, the peer's FIN) stays in the socket's word, which the
 * core steps.
 */
export class Connection implements BudgetWaiter {
  private readonly rx: Uint8Array[] = [];
  /** `rx[rxFirst .. rxEnd)` are the chunks not yet fully read; `rxHead` bytes of the first are. */
  private rxFirst = 0;
  private rxEnd = 0;
  private rxHead = 0;
  rxBytes = 0;
  /** The connection failed (Node code), and whether recv/send already reported it once. */
  error: string | undefined;
  errorReported = false;
  private paused = false;
  /** Closed by the guest: whatever still arrives is dropped, and nothing counts any more. */
  private released = false;

  /** Attach a live stream to socket `at`: start buffering its bytes. */
  constructor(
    readonly at: Endpoint,
    readonly stream: NetStream,
    /** Receive buffering above this pauses the stream. */
    readonly rxLimit = RX_HIGH_WATER,
    /** A send is taken while less than this waits for the OS. */
    readonly txLimit = TX_HIGH_WATER,
    /** The guest's total receive budget, shared by all its sockets. */
    private readonly budget?: ReceiveBudget,
  ) {
    stream.owner = this;
    stream.onData = streamData;
    stream.onEnd = streamEnd;
    stream.onDrain = streamChange;
    stream.onError = streamError;
    stream.onClose = streamEnd;
  }

  /** Bytes arrived on the connection. */
  received(chunk: Uint8Array): void {
    if (this.at.word & Word.SHUT_RD || this.released) return; // Linux: data after SHUT_RD is dropped
    this.rx[this.rxEnd++] = chunk;
    this.rxBytes += chunk.length;
    this.budget?.add(chunk.length);
    if (!this.paused && (this.rxBytes >= this.rxLimit || this.budget?.exhausted)) {
      this.paused = true;
      this.stream.pause();
      if (this.budget?.exhausted) this.budget.wait(this);
    }
    this.at.notify();
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
    this.stream.resume();
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
    this.budget?.release(this.rxBytes);
  }

  /** The guest closed it (`unreadElsewhere`: bytes it read ahead are unread): as Linux's close(),
   *  unread data means RST, otherwise an orderly FIN after queued writes. */
  close(unreadElsewhere: boolean): void {
    if (this.rxBytes > 0 || unreadElsewhere) this.stream.reset();
    else this.stream.close();
  }

  /** A send would not wait for room. */
  get room(): boolean {
    return this.stream.bufferedAmount < this.txLimit;
  }
}
