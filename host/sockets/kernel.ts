import { Abi, Errno, TcpOp, TcpState, Word } from "../core/enums.js";
import type { NetBackend } from "../net/backend.js";
import type { Sync } from "../util/sync.js";
import { block } from "./readiness.js";
import { udpRecvFrom, udpSendTo } from "./udp.js";
import { bytesToIp, ipToBytes } from "../ip.js";
import { after } from "../util/sync.js";
import type { Socket } from "./socket.js";
import { StdinReader } from "./stdin.js";

export * from "./api.js";
import { type Addr, type Datagram, type Kernel, type StdioOptions } from "./api.js";
import { timeout } from "../util/timer.js";
import { DEFAULT_LIMITS, type Limits } from "./limits.js";
import { GuestStopped } from "./stopped.js";
import { recvNow, sendNow, sendRoom } from "./stream-io.js";
import { SocketSetup } from "./setup.js";

const ignore = (): void => {};

/**
 * The in-process kernel: sockets over a NetBackend, every transition asked of core.wasm. This
 * file holds the data calls, closing, waiting and stopping; making and joining sockets is
 * setup.ts, the socket table itself socket-set.ts.
 */
export class LocalKernel extends SocketSetup implements Kernel {
  private readonly stdinState = new StdinReader();

  constructor(
    backend: NetBackend,
    somaxconn: number,
    private readonly stdio: StdioOptions = {},
    abi: number = Abi.LINUX,
    limits: Limits = DEFAULT_LIMITS,
  ) {
    super(backend, somaxconn, abi, limits);
    this.stdinState.source = stdio.stdin;
  }

  sendTo(h: number, data: Uint8Array, addr: Addr | undefined, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (!s.dgram) return this.send(h, data, nonblock); // Linux ignores the address on a connected stream
    return udpSendTo(this, s, data, addr);
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

  recv(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (s.dgram) return after(this.recvFrom(h, max, peek, nonblock), (d) => (typeof d === "number" ? d : d.data));
    // Tried here first, so a recv of data already there makes no closure and no promise.
    const now = recvNow(this.core, s, max, peek, waitall, nonblock, false);
    return now !== undefined ? now : this.recvWait(s, max, peek, waitall, nonblock);
  }

  private recvWait(s: Socket, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
    return block(s, () => recvNow(this.core, s, max, peek, waitall, nonblock, true));
  }

  send(h: number, data: Uint8Array, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (s.dgram) return this.sendTo(h, data, undefined, nonblock);
    const now = sendNow(this.core, s, data, nonblock, false);
    return now !== undefined ? now : this.sendWait(s, data, nonblock);
  }

  private sendWait(s: Socket, data: Uint8Array, nonblock: boolean): Sync<number> {
    return block(s, () => sendNow(this.core, s, data, nonblock, true));
  }

  /**
   * What a TCP send on `h` could take now without waiting: the room below its send limit (the
   * worker bridge lets a guest post sends up to it), or -1 when a send would fail or wait for
   * something other than room (not connected, an error to report, shut down, not TCP).
   */
  sendRoom(h: number): number {
    const s = this.sockets.get(h);
    return !s || s.dgram ? -1 : sendRoom(this.core, s);
  }

  shutdown(h: number, op: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const before = s.word;
    const e = this.step(s, op);
    if (e !== 0) return -e;
    if (s.word & Word.SHUT_WR && !(before & Word.SHUT_WR)) s.conn?.stream.end();
    if (s.word & Word.SHUT_RD && !(before & Word.SHUT_RD)) s.conn?.discard();
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
    const c = s?.conn;
    if (!s || c === undefined || s.state !== TcpState.CONNECTED || c.rxBytes === 0) return undefined;
    if (this.step(s, TcpOp.RECV) !== 0) return undefined;
    return c.take(max, false);
  }

  /** Close the socket itself, whoever still refers to it. */
  private destroy(s: Socket, unreadElsewhere = false): void {
    this.sockets.delete(s.handle);
    this.step(s, TcpOp.CLOSE);
    s.udp?.close();
    s.release();
    if (s.listening) {
      s.listening.listener.close();
      for (const q of s.listening.queue.splice(0)) {
        q.release();
        q.conn?.stream.reset();
      }
    } else if (s.conn) {
      // Linux close(): unread data means RST, otherwise an orderly FIN after queued writes.
      if (s.conn.rxBytes > 0 || unreadElsewhere) s.conn.stream.reset();
      else s.conn.stream.close();
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

  writeStdio(fd: number, data: Uint8Array): Sync<void> {
    const sink = fd === 2 ? this.stdio.stderr : this.stdio.stdout;
    const r = sink?.(data);
    return r instanceof Promise ? r.then(ignore) : undefined;
  }

  readStdin(max: number): Sync<Uint8Array> {
    return this.stdinState.read(max);
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
