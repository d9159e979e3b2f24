/**
 * `wasock run`'s options, in the order `--help` lists them, with their value parsers: one table
 * that commander's program (program.ts) is built from and that the quick reading of a common
 * command line (quick-args.ts) reads, so the two cannot differ on a name, a value or a default.
 */
import { MAX_INSTANCES } from "../runtime.js";

/** A value a parser refuses; commander's program says it as commander says a bad value. */
export class BadValue extends Error {}

export interface RunOption {
  /** As commander takes them: `--name`, `--name <value>`, `--no-name`. */
  flags: string;
  description: string;
  /** Called with each value given and what the option held before (undefined at first). */
  parse?: (value: string, previous: unknown) => unknown;
  defaultValue?: string;
}

/** A repeatable flag's values (no default: `--help` then shows none). */
function collect(value: string, previous: unknown): string[] {
  return [...((previous as string[] | undefined) ?? []), value];
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0x7fffffff) throw new BadValue("expected a whole number.");
  return Number(value);
}

/** --instances and --workers: 1 to MAX_INSTANCES (each is a guest memory, a thread or a process). */
function count(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_INSTANCES) throw new BadValue(`expected a whole number from 1 to ${MAX_INSTANCES}.`);
  return Number(value);
}

function bridgeName(value: string): string {
  if (!["auto", "jspi", "worker"].includes(value)) throw new BadValue("expected auto, jspi or worker.");
  return value;
}

export const RUN_OPTIONS: readonly RunOption[] = [
  { flags: "--listen <host:port>", description: "pre-open a TCP listener as fd 3, 4, … and set LISTEN_FDS (repeatable; port 0 = any)", parse: collect },
  { flags: "--allow-listen <rule>", description: "let the guest listen on matching addresses (repeatable)", parse: collect },
  { flags: "--allow-connect <rule>", description: "let the guest connect to matching addresses (repeatable)", parse: collect },
  { flags: "--allow-resolve <names>", description: "let the guest resolve names: a comma-separated list (*.example.com: its subdomains), or * for any" },
  { flags: "--allow-net", description: "let the guest listen, connect and resolve anywhere" },
  { flags: "--no-tcp", description: "refuse the guest's own TCP sockets (as wasmtime's -S tcp=n); pre-opened ones stay" },
  { flags: "--no-udp", description: "refuse the guest's own UDP sockets (as wasmtime's -S udp=n)" },
  { flags: "--env <K=V>", description: "set a guest environment variable; a bare NAME passes the host's (repeatable)", parse: collect },
  { flags: "--dir <host[::guest]>", description: "pre-open a directory as <guest> (<host> as given if no ::guest; repeatable)", parse: collect },
  { flags: "--somaxconn <n>", description: "backlog ceiling (default: the OS value, else 4096)", parse: nonNegativeInt },
  { flags: "--backlog <n>", description: "backlog of the pre-opened listeners (default: somaxconn)", parse: nonNegativeInt },
  { flags: "--bridge <name>", description: "how a blocked guest waits: auto, jspi or worker", parse: bridgeName, defaultValue: "auto" },
  { flags: "--instances <n>", description: "run n instances of the guest on the pre-opened listeners, each blocking on its own (default 1)", parse: count },
  { flags: "--workers <n>", description: "run n processes (node:cluster) sharing the pre-opened listeners, one per core (default 1)", parse: count },
  {
    flags: "--limit <name=value>",
    description: "a limit on what the guest holds: fds, receiveBuffer, sendBuffer, totalReceive, datagramQueue, dnsAnswers (repeatable; 64K, 16M)",
    parse: collect,
  },
];

/** The first words that name a command (or the program's own help and version), not a module. */
export const COMMANDS: ReadonlySet<string> = new Set(["run", "help", "-h", "--help", "-V", "--version"]);

/** An option's long name (`--listen`), whether it takes a value, and the key its value is kept
 *  under, as commander names it: camelCase without `no-` (`--no-tcp` sets `tcp` to false). */
export function optionShape(o: RunOption): { name: string; takesValue: boolean; key: string; negated: boolean } {
  const name = o.flags.split(" ")[0]!;
  const negated = name.startsWith("--no-");
  const key = name.slice(negated ? 5 : 2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return { name, takesValue: o.flags.includes("<"), key, negated };
}
