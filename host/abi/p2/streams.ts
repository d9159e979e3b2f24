/**
 * wasi:io/streams over the kernel: a TCP connection's input and output streams, and stdio.
 * Non-blocking methods never wait (the kernel answers EAGAIN at once); the blocking ones return
 * the kernel's promise on the in-process kernel (JSPI suspends on it) or block on the worker's.
 *
 * Stream errors follow wasmtime: the peer's orderly close and a local shutdown are `closed`; a
 * reset is `last-operation-failed` once, then `closed`.
 */
import { Errno } from "../../core/enums.js";
import { PollBits } from "../../sockets/api.js";
import { after, chain, type Sync } from "../../util/sync.js";
import { CLOSED, failed, type P2Context } from "./context.js";
import { Pollable, type Pending } from "./poll.js";
import { outgoingBytes } from "../../sockets/send-path.js";

/** The most one read hands back (and the most check-write grants). */
const CHUNK = 64 * 1024;
/** What `blocking-write-and-flush` may take in one call: 4096 bytes by the WIT contract; we allow more. */
const STDIO_PERMIT = 1n << 20n;

const EMPTY = new Uint8Array(0);

function count(len: bigint): number {
  return len > BigInt(CHUNK) ? CHUNK : Number(len);
}

export class InputStream {
  closed = false;
  private stash: Pending | undefined;
  private stashed: Uint8Array | undefined;

  /** `handle` a kernel socket, or -1 for stdin. */
  constructor(private readonly ctx: P2Context, private readonly handle: number) {}

  private result(r: Uint8Array | number, wanted: number): Uint8Array {
    if (typeof r === "number") {
      if (r === -Errno.AGAIN) return EMPTY;
      this.closed = true;
      throw r === -Errno.PIPE || r === -Errno.NOTCONN || r === -Errno.BADF ? CLOSED : failed(this.ctx, -r);
    }
    if (r.length === 0 && wanted > 0) {
      this.closed = true;
      throw CLOSED;
    }
    return r;
  }

  read(len: bigint): Uint8Array {
    if (this.closed) throw CLOSED;
    if (this.handle < 0) return this.readStdin(count(len));
    const n = count(len);
    // read(0) still reports a closed stream: peek one byte to tell end-of-stream from nothing yet.
    const r = this.ctx.kernel.recv(this.handle, n === 0 ? 1 : n, n === 0, false, true) as Uint8Array | number;
    const got = this.result(r, 1);
    return n === 0 ? EMPTY : got;
  }

  blockingRead(len: bigint): Sync<Uint8Array> {
    if (this.closed) throw CLOSED;
    const n = count(len);
    if (n === 0) return this.read(len);
    if (this.handle < 0) return this.blockingStdin(n);
    return after(this.ctx.kernel.recv(this.handle, n, false, false, false), (r) => this.result(r, n));
  }

  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }

  blockingSkip(len: bigint): Sync<bigint> {
    return after(this.blockingRead(len), (d) => BigInt(d.length));
  }

  subscribe(): Pollable {
    if (this.handle >= 0) return Pollable.socket(this.ctx, this.handle, PollBits.READ);
    if (this.stash) return Pollable.pending(this.ctx, this.stash);
    return Pollable.ready(this.ctx);
  }

  // stdin: the kernel only offers a read that waits; a non-blocking read starts one and hands its
  // bytes to the next read once they are there.
  private readStdin(n: number): Uint8Array {
    if (this.stashed) {
      const d = this.stashed;
      this.stashed = undefined;
      this.stash = undefined;
      if (d.length === 0) {
        this.closed = true;
        throw CLOSED;
      }
      return d;
    }
    if (this.stash) return EMPTY;
    const r = this.ctx.kernel.readStdin(n);
    if (!(r instanceof Promise)) return this.result(r, n);
    const stash: Pending = { done: false, promise: r };
    this.stash = stash;
    r.then((d) => {
      stash.done = true;
      this.stashed = d;
    });
    return EMPTY;
  }

  private blockingStdin(n: number): Sync<Uint8Array> {
    if (this.stash) return this.stash.promise.then(() => this.readStdin(n));
    return after(this.ctx.kernel.readStdin(n), (d) => this.result(d, n));
  }

  [Symbol.dispose](): void {}
}

export class OutputStream {
  closed = false;

  /** `handle` a kernel socket, or -(fd) for stdout (-1) and stderr (-2). */
  constructor(private readonly ctx: P2Context, private readonly handle: number) {}

  private sent(r: number): void {
    if (r >= 0 || r === -Errno.AGAIN) return;
    this.closed = true;
    throw r === -Errno.PIPE || r === -Errno.BADF || r === -Errno.NOTCONN ? CLOSED : failed(this.ctx, -r);
  }

  checkWrite(): bigint {
    if (this.closed) throw CLOSED;
    if (this.handle < 0) return STDIO_PERMIT;
    const r = this.ctx.kernel.poll([this.handle], [PollBits.WRITE], 0) as number[];
    if (r.length === 0) return 0n;
    if (r[1]! & PollBits.HANGUP) {
      // A reset shows here first; an orderly close by the peer still lets us write.
      const probe = this.ctx.kernel.send(this.handle, EMPTY, true) as number;
      this.sent(probe);
    }
    return BigInt(Math.max(r[2]!, 1));
  }

  // A write's bytes are lent: jco's lifting of them is a view of guest memory for the call
  // (p2/component.ts: lendWrites), copied once by the kernel's side, where it keeps them
  // (sockets/send-path.ts). Bytes a splice or a write of zeroes made are the stream's own to hand over.
  write(data: Uint8Array): void {
    this.put(data, true);
  }

  private put(data: Uint8Array, lent: boolean): void {
    if (this.closed) throw CLOSED;
    if (this.handle < 0) return void this.stdio(data, lent);
    if (data.length === 0) return;
    const r = lent ? this.ctx.sends.sendGathered(this.handle, outgoingBytes(data), 0, data.length, true) : this.ctx.kernel.send(this.handle, data, true);
    this.sent(r as number);
  }

  /** Stdio bytes handed on; pending while the sink is full (the last write's promise). */
  private stdioFull: Promise<void> | undefined;
  private stdio(data: Uint8Array, lent: boolean): void {
    const fd = -this.handle;
    const r = lent ? this.ctx.sends.writeStdioGathered(fd, outgoingBytes(data)) : this.ctx.kernel.writeStdio(fd, data);
    this.stdioFull = r instanceof Promise ? r.then(() => void (this.stdioFull = undefined)) : undefined;
  }

  blockingWriteAndFlush(data: Uint8Array): Sync<void> {
    return this.putAndFlush(data, true);
  }

  private putAndFlush(data: Uint8Array, lent: boolean): Sync<void> {
    if (this.closed) throw CLOSED;
    if (this.handle < 0) {
      this.put(data, lent);
      return this.stdioFull; // waits while the pipe is full
    }
    if (data.length === 0) return this.put(data, lent);
    const r = lent ? this.ctx.sends.sendGathered(this.handle, outgoingBytes(data), 0, data.length, false) : this.ctx.kernel.send(this.handle, data, false);
    return after(r, (n) => this.sent(n));
  }

  flush(): void {
    if (this.closed) throw CLOSED;
  }

  /** Bytes handed to the kernel are on their way; wait only for room to write again. */
  blockingFlush(): Sync<void> {
    if (this.closed) throw CLOSED;
    if (this.handle < 0) return this.stdioFull;
    return after(this.ctx.kernel.poll([this.handle], [PollBits.WRITE], -1), () => undefined);
  }

  writeZeroes(len: bigint): void {
    this.put(new Uint8Array(count(len)), false);
  }

  blockingWriteZeroesAndFlush(len: bigint): Sync<void> {
    return this.putAndFlush(new Uint8Array(count(len)), false);
  }

  splice(src: InputStream, len: bigint): bigint {
    const permit = this.checkWrite();
    const data = src.read(len < permit ? len : permit);
    this.put(data, false);
    return BigInt(data.length);
  }

  blockingSplice(src: InputStream, len: bigint): Sync<bigint> {
    return chain(src.blockingRead(len), (data) => after(this.putAndFlush(data, false), () => BigInt(data.length)));
  }

  subscribe(): Pollable {
    if (this.closed || this.handle < 0) return Pollable.ready(this.ctx);
    return Pollable.socket(this.ctx, this.handle, PollBits.WRITE);
  }

  [Symbol.dispose](): void {}
}
