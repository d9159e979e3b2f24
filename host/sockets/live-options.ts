/**
 * The options the host can set for real on a live connection or datagram socket: keep-alive (and
 * its idle time), no-delay, the UDP hop limit and (wasi:sockets) buffer sizes. The rest are kept,
 * and read back, as the core validated them (node:net has no knob for them).
 */
import type { Core } from "../core/core.js";
import { AbiFlag, SockOpt } from "../core/enums.js";
import type { Socket } from "./socket.js";

/** Hand `s`'s stored options to its connection or datagram socket; `kind` (SockKind) picks the
 *  core's default idle time for keep-alive set without one. */
export function applyOptions(core: Core, s: Socket, kind: number): void {
  const o = s.options;
  const stream = s.conn?.stream;
  if (stream) {
    const on = o.get(SockOpt.KEEPALIVE);
    const idle = o.get(SockOpt.KEEPIDLE);
    if (on !== undefined || idle !== undefined) stream.setKeepAlive((on ?? 0) !== 0, idle ?? core.optionDefault(s.abi, kind, SockOpt.KEEPIDLE));
    const nodelay = o.get(SockOpt.NODELAY);
    if (nodelay !== undefined) stream.setNoDelay(nodelay !== 0);
  }
  if (!s.udp) return;
  const ttl = o.get(SockOpt.TTL);
  if (ttl !== undefined) s.udp.setTTL(ttl);
  // wasi:sockets keeps the size asked for (Linux ABIs keep the doubled one getsockopt reads).
  const flags = core.abiFlags(s.abi);
  if (flags < 0 || (flags & AbiFlag.UDP_OS_BUFFERS) === 0) return;
  const rcv = o.get(SockOpt.RCVBUF);
  const snd = o.get(SockOpt.SNDBUF);
  if (rcv !== undefined) s.udp.setBufferSize("receive", rcv);
  if (snd !== undefined) s.udp.setBufferSize("send", snd);
}
