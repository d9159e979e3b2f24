import type { NetUdp } from "../net/backend.js";
import type { Datagram } from "./api.js";
import type { TcpSocket } from "./tcp-socket.js";

/** Largest UDP payload per family (65535 - IP and UDP headers); more is EMSGSIZE. */
export const MAX_DATAGRAM: Record<4 | 6, number> = { 4: 65507, 6: 65527 };
/** Datagrams queued per socket before new ones are dropped, as a full Linux receive buffer does. */
export const UDP_RX_LIMIT = 256 * 1024;

/** Start delivering a bound UDP socket's datagrams into `s`'s queue. */
export function attachUdp(s: TcpSocket, udp: NetUdp): void {
  s.udp = udp;
  s.local = udp.local;
  udp.onMessage = (data, from) => {
    if (s.dgramBytes + data.length > UDP_RX_LIMIT) {
      s.dropped++;
      return;
    }
    s.dgrams.push({ data, from, truncated: false });
    s.dgramBytes += data.length;
    s.notify();
  };
  udp.onError = (code) => {
    s.error ??= code;
    s.notify();
  };
}

/** The next datagram (cut to `max`, marked truncated), consumed unless `peek`. */
export function takeDatagram(s: TcpSocket, max: number, peek: boolean): Datagram | undefined {
  const d = s.dgrams[0];
  if (d === undefined) return undefined;
  if (!peek) {
    s.dgrams.shift();
    s.dgramBytes -= d.data.length;
  }
  return d.data.length > max ? { data: d.data.subarray(0, max), from: d.from, truncated: true } : d;
}
