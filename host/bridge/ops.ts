/**
 * The worker bridge's protocol, declared once: each Kernel call a guest thread makes of the host
 * thread, as its arguments' fields and its answer (wire.ts), the kernel call that serves it, and
 * what else its answer tells the guest. Both ends are made from this table (protocol.ts): the
 * guest's stubs, which RemoteKernel's methods are, and the host's dispatch. An op's number is its
 * place in the table (from 1), so the two ends cannot disagree on it.
 *
 * What else an answer carries, in the slots the answer itself leaves free:
 *  - accept: the new connection's send room (a response's first send need not wait: post-ring.ts)
 *    and how many more wait to be accepted (none: the guest's next non-blocking accept is EAGAIN);
 *  - send: the room left, up to which the guest may post sends (post-ring.ts);
 *  - recv, poll: how many read-ahead records follow the answer (read-ahead.ts).
 */
import type { LocalKernel } from "../sockets/kernel.js";
import type { Sync } from "../util/sync.js";
import { DATA_BYTES, HOST_BYTES, Slot, type Channel } from "./channel.js";
import { writeAhead, writeAheadAfterRecv } from "./read-ahead.js";
import {
  addr, address, addresses, bool, bytes, capped, datagram, fam, int, none, optAddr, payload, ready, someBytes, status, text, words,
  type Answer, type Field,
} from "./wire.js";

export interface OpSpec<A extends unknown[], R> {
  /** The Kernel method's arguments, in order. */
  readonly params: { readonly [I in keyof A]: Field<A[I]> };
  readonly answer: Answer<R>;
  /** The host's end: the kernel call. */
  serve(k: LocalKernel, a: A): Sync<R>;
  /** What else the answer tells the guest (`result`: the answer's RESULT). */
  also?(ch: Channel, k: LocalKernel, a: A, v: R, result: number): void;
  /** What it changes of the guest's sockets: a new one (a result ≥ 0) or the first argument closed (a result of 0). */
  readonly holds?: "opens" | "closes";
}

const op = <A extends unknown[], R>(spec: OpSpec<A, R>): OpSpec<A, R> => spec;

/** The slots an answer's extras are in (named where the guest reads them). */
export const Reply = { ROOM: Slot.A1, QUEUED: Slot.A2, AHEAD: Slot.A2 } as const;

export const OPS = {
  accept: op({
    params: [int, bool, int], answer: status, holds: "opens",
    serve: (k, a) => k.accept(a[0], a[1], a[2]),
    also: (ch, k, a, h) => {
      ch.i32[Reply.ROOM] = h >= 0 ? Math.max(0, k.sendRoom(h)) : 0;
      ch.i32[Reply.QUEUED] = k.acceptQueue(a[0]);
    },
  }),
  recv: op({
    params: [int, capped(DATA_BYTES), bool, bool, bool], answer: bytes,
    serve: (k, a) => k.recv(a[0], a[1], a[2], a[3], a[4]),
    // The rest of what the socket has comes along (not after a peek: it must stay queued).
    also: (ch, k, a, _d, n) => void (ch.i32[Reply.AHEAD] = !a[2] && n > 0 ? writeAheadAfterRecv(ch, k, n, a[0]) : 0),
  }),
  send: op({
    params: [int, payload, bool], answer: status,
    serve: (k, a) => k.send(a[0], a[1], a[2]),
    also: (ch, k, a) => void (ch.i32[Reply.ROOM] = Math.max(0, k.sendRoom(a[0]))),
  }),
  shutdown: op({ params: [int, int], answer: status, serve: (k, a) => k.shutdown(a[0], a[1]) }),
  close: op({ params: [int, bool], answer: status, holds: "closes", serve: (k, a) => k.close(a[0], a[1]) }),
  poll: op({
    params: [words(0), words(1), int], answer: ready,
    serve: (k, a) => k.poll(a[0], a[1], a[2]),
    also: (ch, k, a, r) => void (ch.i32[Reply.AHEAD] = writeAhead(ch, k, a[0], r)),
  }),
  writeStdio: op({ params: [int, payload], answer: none, serve: (k, a) => k.writeStdio(a[0], a[1]) }),
  readStdin: op({ params: [capped(DATA_BYTES)], answer: someBytes, serve: (k, a) => k.readStdin(a[0]) }),
  open: op({ params: [fam, int, int], answer: status, holds: "opens", serve: (k, a) => k.open(a[0], a[1], a[2]) }),
  bind: op({ params: [int, addr], answer: status, serve: (k, a) => k.bind(a[0], a[1]) }),
  listen: op({ params: [int, int], answer: status, serve: (k, a) => k.listen(a[0], a[1]) }),
  connect: op({ params: [int, addr, bool], answer: status, serve: (k, a) => k.connect(a[0], a[1], a[2]) }),
  localAddr: op({ params: [int], answer: address, serve: (k, a) => k.localAddr(a[0]) }),
  peerAddr: op({ params: [int], answer: address, serve: (k, a) => k.peerAddr(a[0]) }),
  getOption: op({ params: [int, int], answer: status, serve: (k, a) => k.getOption(a[0], a[1]) }),
  setOption: op({ params: [int, int, int], answer: status, serve: (k, a) => k.setOption(a[0], a[1], a[2]) }),
  sendTo: op({ params: [int, payload, optAddr, bool], answer: status, serve: (k, a) => k.sendTo(a[0], a[1], a[2], a[3]) }),
  recvFrom: op({ params: [int, capped(DATA_BYTES - HOST_BYTES), bool, bool], answer: datagram, serve: (k, a) => k.recvFrom(a[0], a[1], a[2], a[3]) }),
  resolve: op({ params: [text], answer: addresses, serve: (k, a) => k.resolve(a[0]) }),
  finish: op({ params: [int, int], answer: status, serve: (k, a) => k.finish(a[0], a[1]) }),
  disconnect: op({ params: [int], answer: status, serve: (k, a) => k.disconnect(a[0]) }),
  stream: op({ params: [int, int], answer: status, serve: (k, a) => k.stream(a[0], a[1]) }),
};

export type OpName = keyof typeof OPS;
type ArgsOf<S> = S extends OpSpec<infer A, unknown> ? A : never;
type ResultOf<S> = S extends { readonly answer: Answer<infer R> } ? R : never;

/** The guest's end of every op: a function per Kernel method, as the table declares it. */
export type Stubs = { readonly [K in OpName]: (...a: ArgsOf<(typeof OPS)[K]>) => ResultOf<(typeof OPS)[K]> };

/** Any op, its types erased (both ends handle them alike). */
export type AnyOp = OpSpec<unknown[], unknown>;

/** The ops by number (index 0 unused: no op). */
export const BY_CODE: readonly (AnyOp | undefined)[] = [undefined, ...Object.values(OPS)];
/** The ops' names, by number. */
export const NAMES: readonly (OpName | undefined)[] = [undefined, ...(Object.keys(OPS) as OpName[])];
