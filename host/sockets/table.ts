import { TcpState, Word } from "../core/enums.js";
import type { Socket } from "./socket.js";

/** One row of `rt.sockets()`: what `netstat -ntp` shows for a socket. */
export interface SocketRow {
  proto: "tcp" | "udp";
  /** The guest fd (-1: still in the accept queue). */
  fd: number;
  /** Listener: connections waiting in the accept queue. Stream: bytes received, not yet read. */
  recvQ: number;
  /** Listener: the effective backlog. Stream: bytes written, not yet sent. */
  sendQ: number;
  local: string;
  peer: string;
  /** netstat's names: LISTEN, ESTABLISHED, CLOSE_WAIT, FIN_WAIT, SYN_SENT, CLOSE, … (UDP: UNCONN or ESTABLISHED) */
  state: string;
  /** Listener: connections refused because its queue was full. UDP: datagrams dropped because its queue was full. */
  refused: number;
}

export function stateName(word: number, peerClosed: boolean): string {
  switch (word & 0x0f) {
    case TcpState.LISTENING: return "LISTEN";
    case TcpState.CONNECTING: return "SYN_SENT";
    case TcpState.CONNECTED:
      if (word & Word.SHUT_WR) return peerClosed ? "LAST_ACK" : "FIN_WAIT";
      return peerClosed ? "CLOSE_WAIT" : "ESTABLISHED";
    case TcpState.CLOSED: return "CLOSE";
    default: return "CLOSE";
  }
}

function fmt(a: { host: string; port: number } | undefined): string {
  if (!a) return "*:*";
  return `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}

export function socketRow(s: Socket): SocketRow {
  return {
    proto: s.dgram ? "udp" : "tcp",
    fd: s.fd,
    recvQ: s.listening ? s.listening.queue.length : s.dgram ? s.datagrams?.bytes ?? 0 : s.conn?.rxBytes ?? 0,
    sendQ: s.listening ? s.listening.backlog : s.conn?.stream.bufferedAmount ?? 0,
    local: fmt(s.local),
    peer: fmt(s.remote),
    state: s.dgram ? (s.remote ? "ESTABLISHED" : "UNCONN") : stateName(s.word, s.eof),
    refused: s.dgram ? s.datagrams?.dropped ?? 0 : s.listening?.refused ?? 0,
  };
}
