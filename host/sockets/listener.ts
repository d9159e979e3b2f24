/**
 * A listener's operations: listening (pre-opened by the host, or a guest's listen), admitting the
 * connections that arrive into its accept queue as its backlog allows, and accepting them. Each
 * asks the core first and the policy (access) before the network.
 */
import { stepErrno } from "../core/core.js";
import { Errno, IoAnswer, IoHave, SockOpt, TcpOp, TcpState, UdpOp } from "../core/enums.js";
import type { NetStream } from "../net/backend.js";
import type { Sync } from "../util/sync.js";
import { block } from "./readiness.js";
import { Listening, Socket } from "./socket.js";
import { applyOptions } from "./socket-options.js";
import type { SocketTable } from "./socket-table.js";
import { inProgress, startsFinish } from "./start-finish.js";

/** Pre-open a listener (the CLI's --listen): its handle. Rejects with the backend's error. */
export async function preopen(t: SocketTable, host: string, port: number, backlog: number, fd: number): Promise<number> {
  const s = new Socket();
  const effective = t.core.backlogEffective(backlog, t.somaxconn);
  const listener = await t.backend.listen({ host, port, backlog: Math.max(effective, 1) });
  let e = t.step(s, TcpOp.BIND);
  if (e === 0) e = t.step(s, TcpOp.LISTEN);
  if (e !== 0) throw new Error(`core refused listen: ${t.core.errnoName(e)}`);
  const listening = (s.listening = new Listening(listener, effective));
  s.local = listener.local;
  s.fd = fd;
  listener.onConnection = (stream) => admit(t, s, listening, stream);
  return t.add(s);
}

export function listen(t: SocketTable, s: Socket, backlog: number): Sync<number> {
  const from = s.word;
  const r = t.ask(s, TcpOp.LISTEN);
  if (stepErrno(r) !== 0) return -stepErrno(r);
  // wasi:sockets sets the backlog as an option (set-listen-backlog-size) before listening.
  const effective = t.core.listenBacklog(s.abi, backlog, s.options.get(SockOpt.LISTEN_BACKLOG) ?? -1, t.somaxconn);
  if (s.listening) {
    s.listening.backlog = effective; // listen() again: Linux only updates the backlog
    t.commit(s, from, r);
    return 0;
  }
  // Linux auto-binds an unbound socket to the wildcard address and an ephemeral port.
  const local = s.local ?? { host: s.family === 6 ? "::" : "0.0.0.0", port: 0, family: s.family };
  const denied = t.access("listen", { ...local, port: s.local ? s.requestedPort : 0 });
  if (denied !== 0) return -denied;
  // wasi:sockets: start-listen is the step (finish-listen's FINISH_FAIL closes); otherwise the
  // socket listens once the listener is open.
  const pending = startsFinish(t, s, r, TcpOp.FINISH_LISTEN);
  if (pending) t.commit(s, from, r);
  const io = t.backend.listen({ host: local.host, port: local.port, backlog: Math.max(effective, 1) }).then(
    (listener) => {
      if (s.state === TcpState.CLOSED) return void listener.close(), -Errno.BADF;
      if (!pending) t.commit(s, from, r);
      const listening = (s.listening = new Listening(listener, effective));
      s.local = listener.local;
      listener.onConnection = (stream) => admit(t, s, listening, stream);
      return 0;
    },
    (err: unknown) => -t.core.errnoFromError(err),
  );
  return pending ? inProgress(s, io) : io;
}

/** A connection arrived at a listener: queue it, or refuse it (RST) when the queue is full. */
function admit(t: SocketTable, l: Socket, listening: Listening, stream: NetStream): void {
  const open = l.state === TcpState.LISTENING || l.state === TcpState.LISTEN_IN_PROGRESS; // the OS listens from start-listen on
  if (!open || !t.core.acceptAdmit(listening.queue.length, listening.backlog)) {
    listening.refused++;
    stream.reset();
    return;
  }
  const s = new Socket();
  s.abi = l.abi;
  s.family = l.local?.family ?? 4; // a connection has its listener's family
  s.word = TcpState.CONNECTED;
  t.attach(s, stream);
  listening.queue.push(s);
  l.notify();
}

/** Accept on `l`: the new socket's handle (`fd`: the guest fd it will get), or -errno. */
export function accept(t: SocketTable, l: Socket, nonblock: boolean, fd: number): Sync<number> {
  // A datagram socket never accepts: the UDP table says with which error.
  if (l.dgram) return -(stepErrno(t.ask(l, UdpOp.ACCEPT)) || Errno.BADF);
  // Tried here first: a connection already queued is taken with no closure and no promise.
  const now = acceptAttempt(t, l, nonblock, fd, false);
  return now !== undefined ? now : acceptWait(t, l, nonblock, fd);
}

function acceptWait(t: SocketTable, l: Socket, nonblock: boolean, fd: number): Sync<number> {
  return block(l, () => acceptAttempt(t, l, nonblock, fd, true));
}

/** The core's answer to an accept now: the new socket's handle, -errno, or undefined to wait. */
function acceptAttempt(t: SocketTable, l: Socket, nonblock: boolean, fd: number, woken: boolean): number | undefined {
  let have = (l.listening?.queue.length ?? 0) > 0 ? IoHave.DATA : 0;
  if (nonblock) have |= IoHave.NONBLOCK;
  if (woken) have |= IoHave.WOKEN;
  const r = t.core.listenerAccept(l.abi, l.word, have);
  if (r > 0xff) return -(r >>> 8);
  if (r !== IoAnswer.TAKE) return undefined;
  const s = l.listening?.queue.shift();
  if (s === undefined) return nonblock ? -Errno.AGAIN : undefined; // (the core said one is queued)
  s.fd = fd;
  for (const [opt, v] of l.options) if (opt !== SockOpt.LISTEN_BACKLOG) s.setOption(opt, v); // inherited at accept
  applyOptions(t.core, s);
  return t.add(s);
}
