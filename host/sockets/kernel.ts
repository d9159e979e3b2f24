import { Abi, Errno, TcpOp } from "../core/enums.js";
import type { NetBackend } from "../net/backend.js";
import type { Sync } from "../util/sync.js";
import { after } from "../util/sync.js";
import { bytesToIp, ipToBytes } from "../ip.js";

export * from "./api.js";
import { type AccessCheck, type Addr, type Datagram, type Kernel, type StdioOptions } from "./api.js";
import { DEFAULT_LIMITS, type Limits } from "./limits.js";
import { accept, listen, preopen } from "./listener.js";
import { Poller } from "./poller.js";
import { bind, connect, localAddr, open, peerAddr } from "./setup.js";
import type { Socket } from "./socket.js";
import { getOption, setOption } from "./socket-options.js";
import { SocketTable } from "./socket-table.js";
import { finish } from "./start-finish.js";
import { StdinReader } from "./stdin.js";
import { Stopping } from "./stopping.js";
import { recv, recvFrom, send, sendRoom, shutdown, stream, takeAhead } from "./stream-io.js";
import type { SocketRow } from "./table.js";
import { udpDisconnect, udpRecvFrom, udpSendTo } from "./udp.js";

const ignore = (): void => {};

/**
 * The in-process kernel: sockets over a NetBackend, every transition asked of core.wasm. It holds
 * the guest's socket table and the poller, and hands each call to the operations of the socket's
 * kind: setup.ts (open, bind, connect), listener.ts, stream-io.ts, udp.ts, socket-options.ts and
 * start-finish.ts (wasi:sockets). Stopping (a guest still waiting is unwound) is stopping.ts's.
 */
export class LocalKernel implements Kernel {
  private readonly poller = new Poller((h) => this.sockets.get(h));
  /** The guest's sockets, and what every operation on one needs. */
  private readonly sockets: SocketTable;
  private readonly stdinState = new StdinReader();
  private readonly stopping = new Stopping();

  constructor(
    readonly backend: NetBackend,
    readonly somaxconn: number,
    private readonly stdio: StdioOptions = {},
    readonly abi: number = Abi.LINUX,
    readonly limits: Limits = DEFAULT_LIMITS,
  ) {
    this.sockets = new SocketTable(backend, somaxconn, abi, limits, this.poller.onActivity);
    this.stdinState.source = stdio.stdin;
  }

  /** Asked before a guest listens or connects; deny by default. Pre-opened listeners are not asked. */
  get access(): AccessCheck {
    return this.sockets.access;
  }
  set access(check: AccessCheck) {
    this.sockets.access = check;
  }
  /** Asked before a guest creates a socket: EACCES when its kind is off (wasmtime's tcp/udp switch). */
  get socketAccess(): (type: number) => number {
    return this.sockets.socketAccess;
  }
  set socketAccess(check: (type: number) => number) {
    this.sockets.socketAccess = check;
  }
  /** Asked before a guest resolves a name (IP literals are not looked up, so not asked). */
  get resolveAccess(): (name: string) => number {
    return this.sockets.resolveAccess;
  }
  set resolveAccess(check: (name: string) => number) {
    this.sockets.resolveAccess = check;
  }

  /** Pre-open a listener (the CLI's --listen). Rejects with the backend's error. */
  preopen(host: string, port: number, backlog: number, fd = -1): Promise<number> {
    return preopen(this.sockets, host, port, backlog, fd);
  }

  open(family: 4 | 6, type: number, abi: number = this.abi): number {
    return open(this.sockets, family, type, abi);
  }

  bind(h: number, addr: Addr): Sync<number> {
    const s = this.sockets.get(h);
    return s ? bind(this.sockets, s, addr) : -Errno.BADF;
  }

  listen(h: number, backlog: number): Sync<number> {
    const s = this.sockets.get(h);
    return s ? listen(this.sockets, s, backlog) : -Errno.BADF;
  }

  connect(h: number, addr: Addr, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    return s ? connect(this.sockets, s, addr, nonblock) : -Errno.BADF;
  }

  disconnect(h: number): number {
    const s = this.sockets.get(h);
    return s ? udpDisconnect(this.sockets, s) : -Errno.BADF;
  }

  /** wasi:sockets' start/finish pairs: start-finish.ts. */
  finish(h: number, op: number): number {
    const s = this.sockets.get(h);
    return s ? finish(this.sockets, s, op) : -Errno.BADF;
  }

  /** wasi:sockets 0.3's send/receive streams: stream-io.ts. */
  stream(h: number, op: number): number {
    const s = this.sockets.get(h);
    return s ? stream(this.sockets, s, op) : -Errno.BADF;
  }

  accept(h: number, nonblock: boolean, fd: number): Sync<number> {
    const l = this.sockets.get(h);
    return l ? this.spun(accept(this.sockets, l, nonblock, fd)) : -Errno.BADF;
  }

  /**
   * A call that found nothing to do and did not wait (EAGAIN, an empty poll with no timeout) is
   * what a guest spinning instead of waiting makes: what it sent leaves now, not at its next wait
   * (sends are held to leave together until then: NetBackend.flushWrites).
   */
  private spun<T>(r: T): T {
    if (r === -Errno.AGAIN || (Array.isArray(r) && r.length === 0)) this.sockets.backend.flushWrites?.();
    return r;
  }

  /** Connections waiting in `h`'s accept queue (0 for anything but a listener). */
  acceptQueue(h: number): number {
    return this.sockets.get(h)?.listening?.queue.length ?? 0;
  }

  localAddr(h: number): Addr | number {
    const s = this.sockets.get(h);
    return s ? localAddr(this.sockets, s) : -Errno.BADF;
  }

  peerAddr(h: number): Addr | number {
    const s = this.sockets.get(h);
    return s ? peerAddr(this.sockets, s) : -Errno.BADF;
  }

  getOption(h: number, opt: number): number {
    const s = this.sockets.get(h);
    return s ? getOption(this.sockets, s, opt) : -Errno.BADF;
  }

  setOption(h: number, opt: number, value: number): number {
    const s = this.sockets.get(h);
    return s ? setOption(this.sockets, s, opt, value) : -Errno.BADF;
  }

  sendTo(h: number, data: Uint8Array, addr: Addr | undefined, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (!s.dgram) return send(this.sockets.core, s, data, nonblock); // Linux ignores the address on a connected stream
    return udpSendTo(this.sockets, s, data, addr);
  }

  recvFrom(h: number, max: number, peek: boolean, nonblock: boolean): Sync<Datagram | number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    return this.spun(s.dgram ? udpRecvFrom(this.sockets, s, max, peek, nonblock) : recvFrom(this.sockets.core, s, max, peek, nonblock));
  }

  recv(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (s.dgram) return this.spun(after(udpRecvFrom(this.sockets, s, max, peek, nonblock), (d) => (typeof d === "number" ? d : d.data)));
    return this.spun(recv(this.sockets.core, s, max, peek, waitall, nonblock));
  }

  send(h: number, data: Uint8Array, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    if (s.dgram) return udpSendTo(this.sockets, s, data, undefined);
    return send(this.sockets.core, s, data, nonblock);
  }

  /**
   * What a TCP send on `h` could take now without waiting: the room below its send limit (the
   * worker bridge lets a guest post sends up to it), or -1 when a send would fail or wait for
   * something other than room (not connected, an error to report, shut down, not TCP).
   */
  sendRoom(h: number): number {
    const s = this.sockets.get(h);
    return !s || s.dgram ? -1 : sendRoom(this.sockets.core, s);
  }

  /** Bytes the worker bridge reads ahead of a guest's recv()s: stream-io.ts takeAhead. */
  takeAhead(h: number, max: number): Uint8Array | undefined {
    const s = this.sockets.get(h);
    return s ? takeAhead(this.sockets, s, max) : undefined;
  }

  shutdown(h: number, op: number): number {
    const s = this.sockets.get(h);
    return s ? shutdown(this.sockets, s, op) : -Errno.BADF;
  }

  resolve(name: string): Sync<Addr[] | number> {
    const literal = ipToBytes(name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name);
    if (literal) return [{ host: bytesToIp(literal), port: 0, family: literal.length === 4 ? 4 : 6 }];
    const denied = this.sockets.resolveAccess(name);
    if (denied !== 0) return -denied;
    return this.backend.resolve(name).then(
      (hosts) => hosts.slice(0, this.limits.dnsAnswers).map((host): Addr => ({ host, port: 0, family: host.includes(":") ? 6 : 4 })),
      (err: unknown) => -this.sockets.core.errnoFromError(err),
    );
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

  /** Close the socket itself, whoever still refers to it: each kind closes what it owns. */
  private destroy(s: Socket, unreadElsewhere = false): void {
    this.sockets.remove(s);
    this.sockets.step(s, TcpOp.CLOSE);
    s.udp?.close();
    s.release();
    if (s.listening) s.listening.close();
    else s.conn?.close(unreadElsewhere);
    s.notify();
  }

  /** The live socket table, like `netstat -ntp`. */
  table(): SocketRow[] {
    return this.sockets.rows();
  }

  poll(handles: ArrayLike<number>, interests: ArrayLike<number>, timeoutMs: number): Sync<number[]> {
    return this.stopping.wait(this.spun(this.poller.poll(handles, interests, timeoutMs)));
  }

  sleep(ms: number): Sync<void> {
    return this.stopping.sleep(ms);
  }

  writeStdio(fd: number, data: Uint8Array): Sync<void> {
    const sink = fd === 2 ? this.stdio.stderr : this.stdio.stdout;
    const r = sink?.(data);
    return r instanceof Promise ? r.then(ignore) : undefined;
  }

  readStdin(max: number): Sync<Uint8Array> {
    return this.stdinState.read(max);
  }

  onStop(fn: () => void): () => void {
    return this.stopping.onStop(fn);
  }

  /** closeAll() has run: the runtime is stopped. */
  get hasStopped(): boolean {
    return this.stopping.stopped;
  }

  /** Close every socket (guest exit or runtime stop); a guest still waiting is unwound. */
  closeAll(): void {
    for (const s of [...this.sockets.all()]) this.destroy(s);
    this.stdinState.close();
    this.stopping.stop();
  }
}
