/**
 * The kernel as seen from a guest worker: each call is a synchronous request to the host thread
 * (Atomics.wait until answered), made by the stubs the op table gives (protocol.ts), except
 * where an answer is already here: a TCP send that fits the room the host reported for its
 * socket is posted (post-ring.ts) and returns at once, bytes read ahead are read here
 * (read-ahead.ts), and a close is posted. Never returns a promise.
 *
 * A send's bytes are gathered here, straight out of guest memory into the channel or the post
 * ring (the Gathering of sockets/send-path.ts); bytes answered are views of the channel, good until
 * the next call, kept past it only when asked (Keeping).
 */
import type { Addr, Datagram, Kernel } from "../sockets/kernel.js";
import { Channel, DATA_BYTES, HOST_BYTES, ring, Slot, State } from "./channel.js";
import { MAX_POST, RingWriter } from "./post-ring.js";
import { ReadAhead } from "./read-ahead.js";
import { PollBits } from "../sockets/api.js";
import { Errno, TcpOp } from "../core/enums.js";
import { Reply, type Stubs } from "./ops.js";
import { stubs } from "./protocol.js";
import type { Gathering, Keeping, Outgoing } from "../sockets/send-path.js";

/** At most this many Atomics.load polls (≈20 µs) before Atomics.wait. */
const SPIN_MAX = 20_000;
/** A park shorter than this (ms) means a longer spin would have caught the answer. */
const SHORT_PARK_MS = 0.05;

export class RemoteKernel implements Kernel, Gathering, Keeping {
  private readonly ch: Channel;
  private readonly nap = new Int32Array(new SharedArrayBuffer(4));
  /** How long to spin before parking, per op, learnt from how its answers came (see call()). */
  private readonly spin = new Int32Array(32).fill(SPIN_MAX);
  private readonly ring: RingWriter;
  /** Bytes the host handed over with poll answers, read here without a round trip. */
  private readonly ahead: ReadAhead;
  /** Per socket: bytes it may still post, from the room its last SEND answer reported. */
  private readonly credit = new Map<number, number>();
  /** The host's REVOKED count when the credits were last checked against it. */
  private revoked = 0;
  /** The requests, one function per op. */
  private readonly wire: Stubs;
  /** A send's array as an Outgoing, reused: this kernel's calls never overlap. */
  private readonly bytes = new ArrayBytes();
  // No onStop: the host stops a worker's guest by terminating its thread.

  // The calls with nothing to answer on this side are the stubs themselves (an open's absent
  // abi is sent as 0, the default).
  readonly open: Stubs["open"];
  readonly bind: Stubs["bind"];
  readonly listen: Stubs["listen"];
  readonly connect: Stubs["connect"];
  readonly localAddr: Stubs["localAddr"];
  readonly peerAddr: Stubs["peerAddr"];
  readonly resolve: Stubs["resolve"];
  readonly getOption: Stubs["getOption"];
  readonly setOption: Stubs["setOption"];
  readonly finish: Stubs["finish"];
  readonly stream: Stubs["stream"];
  readonly readStdin: Stubs["readStdin"];

  constructor(sab: SharedArrayBuffer) {
    this.ch = new Channel(sab);
    this.wire = stubs(this.ch, (op) => this.call(op));
    this.ring = new RingWriter(this.ch);
    this.ahead = new ReadAhead(this.ch);
    ({
      open: this.open, bind: this.bind, listen: this.listen, connect: this.connect, localAddr: this.localAddr, peerAddr: this.peerAddr,
      resolve: this.resolve, getOption: this.getOption, setOption: this.setOption, finish: this.finish, stream: this.stream, readStdin: this.readStdin,
    } = this.wire);
  }

  /** Post bytes [from, from + len) of `src` if the socket's credit covers them; false: send them as a request. */
  private posted(h: number, src: Outgoing, from: number, len: number): boolean {
    if (len === 0 || len > MAX_POST) return false;
    const revoked = Atomics.load(this.ch.i32, Slot.REVOKED);
    if (revoked !== this.revoked) {
      this.revoked = revoked; // a posted send failed: the next call on its socket reports why
      this.credit.clear();
    }
    const c = this.credit.get(h) ?? 0;
    if (len > c || !this.ring.postGathered(h, src, from, len)) return false;
    this.credit.set(h, c - len);
    return true;
  }

  /** Up to DATA_BYTES of `src` from `from`, copied to the start of the data area: a request's payload in place. */
  private gather(src: Outgoing, from: number, len: number): Uint8Array {
    const into = this.ch.data.subarray(0, len);
    src.copyTo(into, from);
    return into;
  }

  /** Make the request whose arguments are in the channel; its RESULT. */
  private call(op: number): number {
    const i = this.ch.i32;
    this.drained = -1;
    i[Slot.OP] = op;
    Atomics.store(i, Slot.STATE, State.REQUEST);
    ring(i);
    // Spin before parking: most answers come back within microseconds, and waking a parked
    // thread costs far more (measured on a 2-vCPU VM: 9.4k → 31k requests/s for http-hello).
    // But a spin only pays while the host thread has a core to answer on: an op whose answers
    // keep coming late (a wait for the network, or many guest threads sharing the cores and
    // the host's thread) spins less each time, one whose answer came just after parking more.
    const budget = this.spin[op & 31]!;
    for (let n = 0; n < budget && Atomics.load(i, Slot.STATE) === State.REQUEST; n++);
    let parked = 0;
    for (;;) {
      const s = Atomics.load(i, Slot.STATE);
      if (s === State.RESPONSE) break;
      if (s === State.CLOSED) throw new Error("wasock: host closed the guest's channel");
      parked ||= performance.now();
      Atomics.wait(i, Slot.STATE, s);
    }
    if (parked !== 0) this.spin[op & 31] = performance.now() - parked < SHORT_PARK_MS ? Math.min(SPIN_MAX, budget * 2 + 256) : budget >> 1;
    const r = i[Slot.RESULT]!;
    Atomics.store(i, Slot.STATE, State.IDLE);
    return r;
  }

  /**
   * The listener whose accept just took the last queued connection, until the next request: a
   * non-blocking accept on it right after is EAGAIN without asking (the answer the host would
   * have given as that accept returned; an event loop's accept loop ends on it).
   */
  private drained = -1;

  accept(h: number, nonblock: boolean, fd: number): number {
    if (nonblock && h === this.drained) {
      this.drained = -1;
      return -Errno.AGAIN;
    }
    const r = this.wire.accept(h, nonblock, fd);
    if (r >= 0) {
      this.credit.set(r, this.ch.i32[Reply.ROOM]!); // a response's first send need not wait
      if (this.ch.i32[Reply.QUEUED] === 0) this.drained = h;
    }
    return r;
  }

  /** Bytes received are a view of the channel or of the read-ahead store, good until the next call (the ABI copies them into guest memory). */
  recv(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Uint8Array | number {
    const held = this.ahead.take(h, max, peek);
    if (held === undefined) return this.recvRemote(h, max, peek, waitall, nonblock);
    // MSG_WAITALL wants the rest too: what the host has (or waits for) follows what was held.
    if (!waitall || nonblock || peek || held.length === max) return held;
    const rest = this.recvRemote(h, max - held.length, false, true, false);
    if (typeof rest === "number" || rest.length === 0) return held; // the error shows next call
    const all = new Uint8Array(held.length + rest.length);
    all.set(held);
    all.set(rest, held.length);
    return all;
  }

  private recvRemote(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Uint8Array | number {
    const data = this.wire.recv(h, max, peek, waitall, nonblock);
    if (typeof data === "number") return data;
    this.ahead.fill([h], data.length, this.ch.i32[Reply.AHEAD]!);
    return data;
  }

  // The Kernel's sends take bytes the caller owns (a wasi:sockets splice's, a write of zeroes):
  // they are copied into the channel as the ABIs' lent bytes are, once.
  send(h: number, data: Uint8Array, nonblock: boolean): number {
    return this.sendGathered(h, this.bytes.of(data), 0, data.length, nonblock);
  }

  sendTo(h: number, data: Uint8Array, addr: Addr | undefined, nonblock: boolean): number {
    return this.sendToGathered(h, this.bytes.of(data), addr, nonblock);
  }

  writeStdio(fd: number, data: Uint8Array): void {
    this.writeStdioGathered(fd, this.bytes.of(data));
  }

  // Gathering (sockets/send-path.ts): the ABI's bytes go straight from guest memory into the post
  // ring or the data area, the guest thread's one copy of them; the host copies them out once.

  sendGathered(h: number, src: Outgoing, at: number, len: number, nonblock: boolean): number {
    if (this.posted(h, src, at, len)) return len;
    let sent = 0;
    do {
      const n = Math.min(len - sent, DATA_BYTES);
      const r = this.wire.send(h, this.gather(src, at + sent, n), nonblock);
      this.credit.set(h, this.ch.i32[Reply.ROOM]!); // the room left, as the host answered
      if (r < 0) return sent > 0 ? sent : r;
      sent += r;
      if (r < n || nonblock) break;
    } while (sent < len);
    return sent;
  }

  sendToGathered(h: number, src: Outgoing, addr: Addr | undefined, nonblock: boolean): number {
    if (src.length > DATA_BYTES - HOST_BYTES) return -Errno.MSGSIZE; // no datagram is this large
    return this.wire.sendTo(h, this.gather(src, 0, src.length), addr, nonblock);
  }

  writeStdioGathered(fd: number, src: Outgoing): void {
    // An empty write is still one request.
    let o = 0;
    do {
      const n = Math.min(src.length - o, DATA_BYTES);
      this.wire.writeStdio(fd, this.gather(src, o, n));
      o += n;
    } while (o < src.length);
  }

  recvFrom(h: number, max: number, peek: boolean, nonblock: boolean): Datagram | number {
    if (this.ahead.size(h) > 0) {
      // A stream socket's bytes read ahead (datagrams never are): from its peer.
      const from = this.peerAddr(h);
      const data = this.ahead.take(h, max, peek)!;
      return { data, from: typeof from === "number" ? { host: "0.0.0.0", port: 0, family: 4 } : from, truncated: false };
    }
    return this.wire.recvFrom(h, max, peek, nonblock);
  }

  /** Keeping (sockets/send-path.ts): an answer's bytes past the next call. Only the channel's are
   *  overwritten by it; bytes read ahead stay where they are until taken. */
  keep(bytes: Uint8Array): Uint8Array {
    return bytes.buffer === this.ch.sab ? bytes.slice() : bytes;
  }

  disconnect(h: number): number {
    this.credit.delete(h);
    return this.wire.disconnect(h);
  }

  shutdown(h: number, op: number): number {
    this.credit.delete(h);
    if (op === TcpOp.SHUT_RD || op === TcpOp.SHUT_RDWR) this.ahead.drop(h); // as the host discards its own
    return this.wire.shutdown(h, op);
  }

  close(h: number): number {
    this.credit.delete(h);
    // Unread bytes held here are unread data all the same: the host resets the connection.
    const unread = this.ahead.drop(h);
    // Posted, after the socket's last sends: the guest's fd was real, so the close cannot fail.
    if (this.ring.postClose(h, unread)) return 0;
    return this.wire.close(h, unread);
  }

  poll(handles: ArrayLike<number>, interests: ArrayLike<number>, timeoutMs: number): number[] {
    // Sockets with bytes held here are readable now: answered without asking the host.
    let held: number[] | undefined;
    for (let k = 0; k < handles.length; k++) {
      const n = interests[k]! & PollBits.READ ? this.ahead.size(handles[k]!) : 0;
      if (n > 0) (held ??= []).push(k, PollBits.READ, n);
    }
    if (held) return held;
    const ready = this.wire.poll(handles, interests, timeoutMs);
    this.ahead.fill(handles, ready.length * 4, this.ch.i32[Reply.AHEAD]!);
    return ready;
  }

  sleep(ms: number): void {
    if (ms > 0) Atomics.wait(this.nap, 0, 0, ms);
  }
}

/** A host array's bytes as an Outgoing (RemoteKernel.send). */
class ArrayBytes implements Outgoing {
  private data: Uint8Array = new Uint8Array(0);

  get length(): number {
    return this.data.length;
  }

  of(data: Uint8Array): this {
    this.data = data;
    return this;
  }

  copyTo(into: Uint8Array, from: number): void {
    into.set(this.data.subarray(from, from + into.length));
  }
}
