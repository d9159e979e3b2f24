/**
 * Socket options: read and written as the core's tables say (which exist for the socket's ABI and
 * kind, their defaults, what a write stores), kept on the socket, and those the host can set for
 * real handed to its connection or datagram socket: keep-alive (and its idle time), no-delay, the
 * UDP hop limit and buffer sizes where the ABI sets them on the OS. The rest are kept, and read
 * back, as the core validated them (node:net has no knob for them).
 */
import type { Core } from "../core/core.js";
import { AbiFlag, SockKind, SockOpt, TcpState } from "../core/enums.js";
import type { Socket } from "./socket.js";
import type { SocketTable } from "./socket-table.js";

/** The core's option kind for a socket: TCP (not listening, not connected), listener, stream, UDP; +4 for IPv6. */
export function optionKind(s: Socket): number {
  const k = s.dgram ? SockKind.UDP : s.listening ? SockKind.LISTENER : s.state === TcpState.CONNECTED ? SockKind.STREAM : SockKind.TCP;
  return s.family === 6 ? k | SockKind.INET6 : k;
}

/** `opt` is a SockOpt (WASIX may carry its OptClass bits): the value, or -errno. */
export function getOption(t: SocketTable, s: Socket, opt: number): number {
  const kind = optionKind(s);
  const e = t.core.optionGet(s.abi, kind, s.word, opt);
  if (e !== 0) return -e;
  const id = opt & 0xff;
  if (id === SockOpt.ERROR) {
    const pending = s.soError;
    s.soError = 0;
    return pending;
  }
  if (id === SockOpt.ACCEPTCONN) return s.listening ? 1 : 0;
  return s.options.get(id) ?? t.core.optionDefault(s.abi, kind, id);
}

/** Validate and clamp through the core; store what a get will read back. 0 or -errno. */
export function setOption(t: SocketTable, s: Socket, opt: number, value: number): number {
  const v = t.core.optionSet(s.abi, optionKind(s), s.word, opt, value);
  if (v < 0) return v;
  s.setOption(opt & 0xff, v);
  if ((opt & 0xff) === SockOpt.LISTEN_BACKLOG && s.listening) s.listening.backlog = t.core.backlogEffective(v, t.somaxconn);
  applyOptions(t.core, s);
  return 0;
}

/** Hand `s`'s stored options to its connection or datagram socket (once it has one). */
export function applyOptions(core: Core, s: Socket): void {
  const o = s.options;
  const stream = s.conn?.stream;
  if (stream) {
    const on = o.get(SockOpt.KEEPALIVE);
    const idle = o.get(SockOpt.KEEPIDLE);
    if (on !== undefined || idle !== undefined) stream.setKeepAlive((on ?? 0) !== 0, idle ?? core.optionDefault(s.abi, optionKind(s), SockOpt.KEEPIDLE));
    const nodelay = o.get(SockOpt.NODELAY);
    if (nodelay !== undefined) stream.setNoDelay(nodelay !== 0);
  }
  const udp = s.udp;
  if (!udp) return;
  const ttl = o.get(SockOpt.TTL);
  if (ttl !== undefined) udp.setTTL(ttl);
  // wasi:sockets keeps the size asked for (Linux ABIs keep the doubled one getsockopt reads).
  const flags = core.abiFlags(s.abi);
  if (flags < 0 || (flags & AbiFlag.UDP_OS_BUFFERS) === 0) return;
  const rcv = o.get(SockOpt.RCVBUF);
  const snd = o.get(SockOpt.SNDBUF);
  if (rcv !== undefined) udp.setBufferSize("receive", rcv);
  if (snd !== undefined) udp.setBufferSize("send", snd);
}
