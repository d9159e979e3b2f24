/**
 * The options the host can set for real on a live connection or datagram socket: keep-alive (and
 * its idle time), no-delay, the UDP hop limit and (wasi:sockets) buffer sizes. The rest are kept,
 * and read back, as the core validated them (node:net has no knob for them).
 */
import { SockOpt } from "../core/enums.js";
import type { Socket } from "./socket.js";

/** Hand `s`'s stored options to its connection or datagram socket; `idleDefault` when keep-alive
 *  is set without an idle time. */
export function applyOptions(s: Socket, idleDefault: () => number): void {
  const o = s.options;
  const stream = s.conn?.stream;
  if (stream) {
    const on = o.get(SockOpt.KEEPALIVE);
    const idle = o.get(SockOpt.KEEPIDLE);
    if (on !== undefined || idle !== undefined) stream.setKeepAlive((on ?? 0) !== 0, idle ?? idleDefault());
    const nodelay = o.get(SockOpt.NODELAY);
    if (nodelay !== undefined) stream.setNoDelay(nodelay !== 0);
  }
  if (!s.udp) return;
  const ttl = o.get(SockOpt.TTL);
  if (ttl !== undefined) s.udp.setTTL(ttl);
  // wasi:sockets keeps the size asked for (Linux ABIs keep the doubled one getsockopt reads).
  const rcv = o.get(SockOpt.RCVBUF);
  const snd = o.get(SockOpt.SNDBUF);
  if (s.p2 && rcv !== undefined) s.udp.setBufferSize("receive", rcv);
  if (s.p2 && snd !== undefined) s.udp.setBufferSize("send", snd);
}
