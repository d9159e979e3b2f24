/**
 * Which JavaScript runtime this suite runs under, how to start the CLI under the same one, and
 * the one table of tests a runtime skips — every entry with its reason.
 */
import { fileURLToPath } from "node:url";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
export const RUNTIME: "deno" | "bun" | "node" = g.Deno !== undefined ? "deno" : g.Bun !== undefined ? "bun" : "node";

const CLI = fileURLToPath(new URL("../../cli/main.js", import.meta.url));

/** [command, argv] that run `wasock <args>` under this test's own runtime. */
export function cli(args: string[]): [string, string[]] {
  return [process.execPath, RUNTIME === "deno" ? ["run", "-A", CLI, ...args] : [CLI, ...args]];
}

/** Whether this run's network adapter can reset a connection: Deno's own (Deno.Conn, WASOCK_NET=deno)
 *  has no SO_LINGER, so a close that Linux turns into an RST (unread data) is a plain close there. */
export const RESETS = !(RUNTIME === "deno" && process.env.WASOCK_NET === "deno");

/** Tests a runtime cannot pass, by a key the test names itself with, and why. */
const SKIPS: Record<string, Partial<Record<typeof RUNTIME, string>>> = {
  "udp: empty datagram": {
    deno: "Deno's node:dgram does not send zero-length datagrams",
  },
  "udp: ICMP port unreachable": {
    deno: "Deno's node:dgram never reports ICMP errors (ECONNREFUSED) on a connected socket",
  },
};

/** The skip reason of test `key` on this runtime, or false. */
export function skipOn(key: string): string | false {
  return SKIPS[key]?.[RUNTIME] ?? false;
}
