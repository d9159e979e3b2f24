/**
 * wasi:sockets' start/finish pairs, kept by the kernel (on the worker bridge the component runs in
 * a worker and asks the kernel on the main thread, so the outcome must wait here, not in the
 * guest's thread). A start-bind/-listen/-connect is the core's step, stored at once and answered at
 * once; its I/O runs on, and its outcome waits in the socket's opResult for the finish-* that
 * collects it. Which steps are starts is the core's answer (a finish is allowed after them), and
 * which addresses a start may take are the core's rules too: nothing here tests the ABI.
 */
import { stepErrno, stepWord } from "../core/core.js";
import { AbiFlag, Errno, TcpOp, TcpState } from "../core/enums.js";
import { ipToBytes } from "../ip.js";
import type { Addr } from "./api.js";
import type { Socket } from "./socket.js";
import type { SocketTable } from "./socket-table.js";

/**
 * Whether a finish-* (`finish`: TcpOp.FINISH_*) collects the outcome of the I/O behind the step
 * an ask gave (`r`): the core allows it in the state the step leads to. The step is then stored at
 * once and the call answers at once (inProgress); otherwise the call waits for its I/O, whose
 * success stores the step.
 */
export function startsFinish(t: SocketTable, s: Socket, r: number, finish: number): boolean {
  const w = stepWord(r);
  return stepErrno(s.dgram ? t.core.udpStep(s.abi, w, finish) : t.core.tcpStep(s.abi, w, finish)) === 0;
}

/** A start answers at once; its I/O's outcome (0 or -errno) waits in opResult for finish-*. */
export function inProgress(s: Socket, io: Promise<number>): number {
  begin(s);
  void io.then((r) => {
    settle(s, -r);
    s.notify();
  });
  return 0;
}

/** A start's I/O is under way: a finish now would-block. */
export function begin(s: Socket): void {
  s.opResult = undefined;
}

/** A start's I/O ended: `errno` (0: it succeeded) waits for the finish that collects it. */
export function settle(s: Socket, errno: number): void {
  s.opResult = errno;
}

/**
 * finish-bind/-listen/-connect (`op`): 0 once the I/O succeeded (the start's step is stored), -EAGAIN
 * while it is under way, its -errno when it failed (the core's FINISH_FAIL decides the state), or
 * the core's -errno for a finish with nothing in progress.
 */
export function finish(t: SocketTable, s: Socket, op: number): number {
  const from = s.word;
  const r = t.ask(s, op);
  if (stepErrno(r) !== 0) return -stepErrno(r);
  const result = s.opResult;
  if (result === undefined) return -Errno.AGAIN;
  s.opResult = undefined;
  if (result !== 0) {
    t.step(s, TcpOp.FINISH_FAIL);
    return -result;
  }
  t.commit(s, from, r);
  return 0;
}

/** The core's address rules for a start (wasi:sockets; 0 for an ABI without them), checked after
 *  the state's. `use`: P2AddrUse. */
export function checkAddress(t: SocketTable, s: Socket, addr: Addr, use: number): number {
  if (!t.abiDoes(s.abi, AbiFlag.ADDRESS_RULES)) return 0;
  const bytes = ipToBytes(addr.host);
  return bytes ? t.core.p2CheckAddress(use, s.family, bytes, addr.port) : Errno.INVAL;
}

/** A wasi:sockets tcp/udp-socket pollable: ready unless an operation is in progress and not yet
 *  settled, or the socket listens with nothing queued (docs/abi.md §4.2). */
export function settled(s: Socket): boolean {
  const st = s.state;
  if (st === TcpState.BIND_IN_PROGRESS || st === TcpState.LISTEN_IN_PROGRESS || st === TcpState.CONNECTING) return s.opResult !== undefined;
  if (st === TcpState.LISTENING) return (s.listening?.queue.length ?? 0) > 0;
  return true;
}
