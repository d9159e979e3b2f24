/**
 * The live socket table of a running `wasock run`, printed on SIGUSR2 as `netstat -ntp` prints
 * the kernel's: `kill -USR2 <pid>` shows what the guest holds, its accept queues and what they
 * refused, without stopping it. Not SIGUSR1: Node and Deno open an inspector port on that one.
 */
import type { SocketRow } from "../sockets/table.js";

const HEADER = ["Proto", "Recv-Q", "Send-Q", "Local Address", "Foreign Address", "State", "Fd", "Refused"] as const;

/** The rows as aligned text, a header first; `pid` and the time head it. */
export function formatSocketTable(rows: readonly SocketRow[], pid: number, at: Date = new Date()): string {
  const cells = [
    [...HEADER],
    ...rows.map((r) => [r.proto, String(r.recvQ), String(r.sendQ), r.local, r.peer, r.state, r.fd < 0 ? "-" : String(r.fd), String(r.refused)]),
  ];
  const widths = HEADER.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const lines = cells.map((c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join("  "));
  const title = `wasock: sockets of pid ${pid} at ${at.toISOString()} (${rows.length})`;
  return `${[title, ...lines].join("\n")}\n`;
}

/** Print the table to `write` on every SIGUSR2, for the rest of the process's life. */
export function socketTableOnSignal(rows: () => readonly SocketRow[], write: (text: string) => void): void {
  process.on("SIGUSR2", () => write(formatSocketTable(rows(), process.pid)));
}
