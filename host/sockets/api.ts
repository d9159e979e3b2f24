import type { Sync } from "../util/sync.js";

/** Poll interest and result bits exchanged with the kernel. */
export const PollBits = { READ: 1, WRITE: 2, HANGUP: 4, INVALID: 8, /** wasi:sockets socket pollable (Socket.settled) */ SETTLED: 16 } as const;

/** Socket options: the core's ids (core/enums SockOpt), one list for every ABI. */
export { SockOpt } from "../core/enums.js";

export const SocketType = { STREAM: 1, DGRAM: 2 } as const;

/** An address the kernel speaks: text host (as node:net wants it), port, family. */
export interface Addr {
  host: string;
  port: number;
  family: 4 | 6;
}

/** One received datagram. */
export interface Datagram {
  data: Uint8Array;
  from: Addr;
  truncated: boolean;
}

/** Decides whether a guest may listen on / connect to an address: 0 or an errno (EACCES). */
export type AccessCheck = (kind: "listen" | "connect", addr: Addr) => number;

/**
 * The socket operations a guest ABI needs, independent of guest memory. Results are numbers:
 * a value ≥ 0 on success, `-errno` on failure. An operation that can complete now returns at
 * once; one that must wait returns a promise (JSPI suspends on it; the worker bridge waits).
 */
export interface Kernel {
  /** A new socket's handle, or -errno. `abi` picks the state machine's rules (default: Linux). */
  open(family: 4 | 6, type: number, abi?: number): number;
  bind(h: number, addr: Addr): Sync<number>;
  listen(h: number, backlog: number): Sync<number>;
  /** 0 when connected; -EINPROGRESS when non-blocking (completion shows as writable); or -errno. */
  connect(h: number, addr: Addr, nonblock: boolean): Sync<number>;
  /** Drop a datagram socket's default peer (wasi:sockets `stream(none)`): 0 or -errno. */
  disconnect(h: number): number;
  localAddr(h: number): Addr | number;
  peerAddr(h: number): Addr | number;
  /**
   * Datagram send: to `addr`, or to the connected peer when undefined. Bytes sent or -errno
   * (EACCES when the policy denies the destination, EMSGSIZE past 65507 bytes).
   */
  sendTo(h: number, data: Uint8Array, addr: Addr | undefined, nonblock: boolean): Sync<number>;
  /** Datagram receive: one datagram (truncated to `max`, `truncated` set) and its sender, or -errno. */
  recvFrom(h: number, max: number, peek: boolean, nonblock: boolean): Sync<Datagram | number>;
  /** Addresses of a name (policy-checked: EACCES), or -errno (ENOENT: no such name; ETIMEDOUT: try again). */
  resolve(name: string): Sync<Addr[] | number>;
  /** The option's value (≥ 0) or -errno. */
  getOption(h: number, opt: number): number;
  setOption(h: number, opt: number, value: number): number;
  /** Accept on listener `h`; the new socket's handle. `fd` is the guest fd it will get. */
  accept(h: number, nonblock: boolean, fd: number): Sync<number>;
  /** Up to `max` bytes (empty = orderly EOF), or -errno. */
  recv(h: number, max: number, peek: boolean, waitall: boolean, nonblock: boolean): Sync<Uint8Array | number>;
  /** Bytes accepted for sending, or -errno. The kernel keeps `data`. */
  send(h: number, data: Uint8Array, nonblock: boolean): Sync<number>;
  /**
   * wasi:sockets finish-bind/-listen/-connect (`op` TcpOp.FINISH_*): 0 once the operation's I/O
   * succeeded, -EAGAIN while it is under way (would-block), its -errno when it failed (the core's
   * FINISH_FAIL decides the state), or the core's -errno for a finish with nothing in progress.
   * For an abi P2 socket, bind/listen/connect only start the I/O and answer at once.
   */
  finish(h: number, op: number): number;
  /**
   * wasi:sockets 0.3's send/receive streams (`op` StreamOp), as the core's tcp_stream decides: 0 or
   * -errno (invalid-state is -EBADF). A SEND_END that ends the send stream shuts down sending.
   */
  stream(h: number, op: number): number;
  /** `op` is TcpOp.SHUT_RD/SHUT_WR/SHUT_RDWR. 0 or -errno. */
  shutdown(h: number, op: number): number;
  /** `unreadElsewhere`: the guest held bytes of it still unread (read ahead on its side). */
  close(h: number, unreadElsewhere?: boolean): number;
  /** Wait until one of `handles` is ready for its `interests` bits or `timeoutMs` passes (-1: forever). Returns [index, bits, nbytes]… */
  poll(handles: ArrayLike<number>, interests: ArrayLike<number>, timeoutMs: number): Sync<number[]>;
  sleep(ms: number): Sync<void>;
  /**
   * Call `fn` when the runtime is stopped (`closeAll`), so that a guest still waiting can be
   * unwound rather than left suspended; returns the function that takes `fn` back. Absent on a
   * kernel whose guest is stopped another way (the worker bridge's guest side: its thread is
   * terminated).
   */
  onStop?(fn: () => void): () => void;
  /** Hand the guest's stdout/stderr bytes on; a promise while the sink cannot take more yet
   *  (a full pipe): the guest's write waits on it, as a native write(2) blocks. */
  writeStdio(fd: number, data: Uint8Array): Sync<void>;
  readStdin(max: number): Sync<Uint8Array>;
}

export interface StdioOptions {
  /** The guest's stdout bytes; returning a promise holds the guest's next write until it settles. */
  stdout?: (data: Uint8Array) => unknown;
  stderr?: (data: Uint8Array) => unknown;
  stdin?: AsyncIterable<Uint8Array> | undefined;
}

