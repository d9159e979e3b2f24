import { Core, stepErrno, stepWord } from "../core/core.js";
import { Abi, Errno, TcpOp, TcpState, Word } from "../core/enums.js";
import type { NetBackend } from "../net/backend.js";
import type { Sync } from "../util/sync.js";
import { block, Waitable } from "./readiness.js";
import { TcpSocket } from "./tcp-socket.js";
import { stateName, type SocketRow } from "./table.js";

/** Poll interest and result bits exchanged with the kernel. */
export const PollBits = { READ: 1, WRITE: 2, HANGUP: 4, INVALID: 8 } as const;

/**
 * The socket operations a guest ABI needs, independent of guest memory. Results are numbers:
 * a value ≥ 0 on success, `-errno` on failure. An operation that can complete now returns at
 * once; one that must wait returns a promise (JSPI suspends on it; the worker bridge waits).
 */
export interface Kernel {
  /** Accept on listener `h`; the new socket's handle. `fd` is the guest fd it will get. */
  accept(h: number, nonblock: boolean, fd: number): Sync<number>;
  /** Up to `max` bytes (empty = orderly EOF), or -errno. */
  recv(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number>;
  /** Bytes accepted for sending, or -errno. The kernel keeps `data`. */
  send(h: number, data: Uint8Array, nonblock: boolean): Sync<number>;
  /** `op` is TcpOp.SHUT_RD/SHUT_WR/SHUT_RDWR. 0 or -errno. */
  shutdown(h: number, op: number): number;
  close(h: number): number;
  /** Wait until one of `handles` is ready for its `interests` bits or `timeoutMs` passes (-1: forever). Returns [index, bits, nbytes]… */
  poll(handles: number[], interests: number[], timeoutMs: number): Sync<number[]>;
  sleep(ms: number): Sync<void>;
  writeStdio(fd: number, data: Uint8Array): void;
  readStdin(max: number): Sync<Uint8Array>;
}

export interface StdioOptions {
  stdout?: (data: Uint8Array) => void;
  stderr?: (data: Uint8Array) => void;
  stdin?: AsyncIterable<Uint8Array> | undefined;
}

/** The in-process kernel: sockets over a NetBackend, every transition asked of core.wasm. */
export class LocalKernel implements Kernel {
  private readonly core = Core.load();
  private readonly sockets = new Map<number, TcpSocket>();
  private nextHandle = 1;
  private readonly stdinState = new StdinReader();

  constructor(
    readonly backend: NetBackend,
    readonly somaxconn: number,
    private readonly stdio: StdioOptions = {},
    readonly abi: number = Abi.LINUX,
  ) {
    this.stdinState.source = stdio.stdin;
  }

  private register(s: TcpSocket): number {
    s.handle = this.nextHandle++;
    this.sockets.set(s.handle, s);
    return s.handle;
  }

  /** Step the core's state machine; on success store the new word. Returns errno (0 = ok). */
  private step(s: TcpSocket, op: number): number {
    const r = this.core.tcpStep(this.abi, s.word, op);
    const e = stepErrno(r);
    s.word = stepWord(r);
    return e;
  }

  /** Pre-open a listener (the CLI's --listen). Rejects with the backend's error. */
  async listen(host: string, port: number, backlog: number, fd = -1): Promise<number> {
    const s = new TcpSocket();
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

  /** A connection arrived at a listener: queue it, or refuse it (RST) when the queue is full. */
  private admit(l: TcpSocket, stream: import("../net/backend.js").NetStream): void {
    if (l.state !== TcpState.LISTENING || !this.core.acceptAdmit(l.queue.length, l.backlog)) {
      l.refused++;
      stream.reset();
      return;
    }
    const s = new TcpSocket();
    s.word = TcpState.CONNECTED;
    s.attach(stream);
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
      const s = l.queue.shift();
      if (s !== undefined) {
        s.fd = fd;
        return this.register(s);
      }
      return nonblock ? -Errno.AGAIN : undefined;
    };
    return block(l, attempt);
  }

  recv(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const e = this.step(s, TcpOp.RECV);
    if (e !== 0) return -e;
    const attempt = (): Uint8Array | number | undefined => {
      if (s.state === TcpState.CLOSED) return -Errno.BADF;
      const ended = s.eof || s.error !== undefined || (s.word & Word.SHUT_RD) !== 0;
      if (s.rxBytes > 0 && (!waitall || nonblock || ended || s.rxBytes >= max || peek)) return s.take(max, peek);
      if (s.rxBytes > 0) return undefined; // WAITALL: wait for the rest
      if (s.error !== undefined && !s.errorReported) {
        s.errorReported = true;
        return -this.core.errnoFromCode(s.error);
      }
      if (ended || max === 0) return new Uint8Array(0);
      return nonblock ? -Errno.AGAIN : undefined;
    };
    return block(s, attempt);
  }

  send(h: number, data: Uint8Array, nonblock: boolean): Sync<number> {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    const e = this.step(s, TcpOp.SEND);
    if (e !== 0) return -e;
    const attempt = (): number | undefined => {
      if (s.state === TcpState.CLOSED) return -Errno.BADF;
      if (s.error !== undefined) {
        // Linux reports a reset once as ECONNRESET, then EPIPE.
        if (!s.errorReported && s.error === "ECONNRESET") {
          s.errorReported = true;
          return -Errno.CONNRESET;
        }
        return -Errno.PIPE;
      }
      if (s.word & Word.SHUT_WR) return -Errno.PIPE;
      if (s.writable()) {
        if (data.length > 0) s.stream!.write(data);
        return data.length;
      }
      return nonblock ? -Errno.AGAIN : undefined;
    };
    return block(s, attempt);
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

  close(h: number): number {
    const s = this.sockets.get(h);
    if (!s) return -Errno.BADF;
    this.sockets.delete(h);
    this.step(s, TcpOp.CLOSE);
    if (s.listener) {
      s.listener.close();
      for (const q of s.queue.splice(0)) q.stream?.reset();
    } else if (s.stream) {
      // Linux close(): unread data means RST, otherwise an orderly FIN after queued writes.
      if (s.rxBytes > 0) s.stream.reset();
      else s.stream.close();
    }
    s.notify();
    return 0;
  }

  poll(handles: number[], interests: number[], timeoutMs: number): Sync<number[]> {
    const check = (): number[] => {
      const out: number[] = [];
      for (let i = 0; i < handles.length; i++) {
        const s = this.sockets.get(handles[i]!);
        if (!s) {
          out.push(i, PollBits.INVALID, 0);
          continue;
        }
        const want = interests[i]!;
        let bits = 0;
        if (want & PollBits.READ && s.readable()) bits |= PollBits.READ;
        if (want & PollBits.WRITE && s.writable()) bits |= PollBits.WRITE;
        if (bits !== 0) {
          if (s.hangup()) bits |= PollBits.HANGUP;
          const nbytes = s.listener ? s.queue.length : bits & PollBits.READ ? s.rxBytes : Math.max(0, 65536 - (s.stream?.bufferedAmount ?? 0));
          out.push(i, bits, nbytes);
        }
      }
      return out;
    };
    const now = check();
    if (now.length > 0 || timeoutMs === 0) return now;
    const watched = handles.map((h) => this.sockets.get(h)).filter((s): s is TcpSocket => s !== undefined);
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (r: number[]): void => {
        for (const s of watched) s.off(wake);
        if (timer !== undefined) clearTimeout(timer);
        resolve(r);
      };
      const wake = (): void => {
        const r = check();
        if (r.length > 0) finish(r);
      };
      for (const s of watched) s.on(wake);
      if (timeoutMs > 0) timer = setTimeout(() => finish([]), timeoutMs);
    });
  }

  sleep(ms: number): Sync<void> {
    if (ms <= 0) return;
    return new Promise((resolve) => setTimeout(resolve, ms));
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
    const rows: SocketRow[] = [];
    for (const s of this.sockets.values()) {
      rows.push({
        proto: "tcp",
        fd: s.fd,
        recvQ: s.listener ? s.queue.length : s.rxBytes,
        sendQ: s.listener ? s.backlog : s.stream?.bufferedAmount ?? 0,
        local: s.local ? `${fmtHost(s.local.host)}:${s.local.port}` : "*:*",
        peer: s.remote ? `${fmtHost(s.remote.host)}:${s.remote.port}` : "*:*",
        state: stateName(s.word, s.eof),
        refused: s.refused,
      });
    }
    return rows;
  }

  /** Close every socket (guest exit or runtime stop). */
  closeAll(): void {
    for (const h of [...this.sockets.keys()]) this.close(h);
    this.stdinState.close();
  }
}

function fmtHost(h: string): string {
  return h.includes(":") ? `[${h}]` : h;
}

/** Reads stdin lazily, only when a guest asks (so an idle stdin never keeps the host alive). */
class StdinReader extends Waitable {
  source: AsyncIterable<Uint8Array> | undefined;
  private iterator: AsyncIterator<Uint8Array> | undefined;
  private pending: Uint8Array | undefined;

  read(max: number): Sync<Uint8Array> {
    if (!this.source) return new Uint8Array(0);
    if (this.pending) return this.slice(max);
    this.iterator ??= this.source[Symbol.asyncIterator]();
    return this.iterator.next().then((r) => {
      if (r.done) {
        this.source = undefined;
        return new Uint8Array(0);
      }
      this.pending = r.value;
      return this.slice(max);
    });
  }

  private slice(max: number): Uint8Array {
    const p = this.pending!;
    if (p.length <= max) {
      this.pending = undefined;
      return p;
    }
    this.pending = p.subarray(max);
    return p.subarray(0, max);
  }

  close(): void {
    void this.iterator?.return?.();
    this.source = undefined;
  }
}
