/** The `wasock` command: its flags and subcommands (commander). */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { runCommand, type RunFlags } from "./run.js";
import { isClusterWorker } from "./cluster-worker.js";
import { MAX_INSTANCES } from "../runtime.js";

/** wasock's package.json: the nearest one above this file (dist/host/cli/ or the bundle's dist/cli/). */
function packageJson(): { version: string } {
  for (let url = new URL("./package.json", import.meta.url); ; url = new URL("../package.json", url)) {
    try {
      return JSON.parse(readFileSync(url, "utf8")) as { version: string };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || url.pathname === "/package.json") throw e;
    }
  }
}

const pkg = packageJson();

/** A repeatable flag's values (no default: `--help` then shows none). */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0x7fffffff) throw new InvalidArgumentError("expected a whole number.");
  return Number(value);
}

/** --instances and --workers: 1 to MAX_INSTANCES (each is a guest memory, a thread or a process). */
function count(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_INSTANCES) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_INSTANCES}.`);
  return Number(value);
}

function bridgeName(value: string): string {
  if (!["auto", "jspi", "worker"].includes(value)) throw new InvalidArgumentError("expected auto, jspi or worker.");
  return value;
}

const program = new Command("wasock")
  .description("Run WebAssembly/WASI guests with real TCP sockets.")
  .version(`wasock ${pkg.version}`)
  .configureOutput({ outputError: (str, write) => write(`wasock: ${str.replace(/^error: /, "")}`) })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .enablePositionalOptions();

program
  .command("run")
  .description("run a WASI command module or a wasi:sockets 0.2 or 0.3 component")
  .argument("<module>", "the .wasm file")
  .argument("[guest-args...]", "arguments for the guest: everything after the module is the guest's")
  .passThroughOptions()
  .option("--listen <host:port>", "pre-open a TCP listener as fd 3, 4, … and set LISTEN_FDS (repeatable; port 0 = any)", collect)
  .addHelpText("after", `
Rules: host:port, host:lo-hi, cidr:port, *:port, host:*; IPv6 in brackets ([::1]:8080).
The module is a WASI command (preview1, WasmEdge or WASIX imports) or a wasi:sockets 0.2 or
0.3 component (0.3 needs JSPI); a component opens its own sockets (no --listen). Everything
after the module is the guest's.

Example:
  wasock run --listen 127.0.0.1:8080 --allow-resolve '*.example.com' server.wasm --port 8080`)
  .option("--allow-listen <rule>", "let the guest listen on matching addresses (repeatable)", collect)
  .option("--allow-connect <rule>", "let the guest connect to matching addresses (repeatable)", collect)
  .option("--allow-resolve <names>", "let the guest resolve names: a comma-separated list (*.example.com: its subdomains), or * for any")
  .option("--allow-net", "let the guest listen, connect and resolve anywhere")
  .option("--no-tcp", "refuse the guest's own TCP sockets (as wasmtime's -S tcp=n); pre-opened ones stay")
  .option("--no-udp", "refuse the guest's own UDP sockets (as wasmtime's -S udp=n)")
  .option("--env <K=V>", "set a guest environment variable; a bare NAME passes the host's (repeatable)", collect)
  .option("--dir <host[::guest]>", "pre-open a directory as <guest> (<host> as given if no ::guest; repeatable)", collect)
  .option("--somaxconn <n>", "backlog ceiling (default: the OS value, else 4096)", nonNegativeInt)
  .option("--backlog <n>", "backlog of the pre-opened listeners (default: somaxconn)", nonNegativeInt)
  .option("--bridge <name>", "how a blocked guest waits: auto, jspi or worker", bridgeName, "auto")
  .option("--instances <n>", "run n instances of the guest on the pre-opened listeners, each blocking on its own (default 1)", count)
  .option("--workers <n>", "run n processes (node:cluster) sharing the pre-opened listeners, one per core (default 1)", count)
  .option("--limit <name=value>", "a limit on what the guest holds: fds, receiveBuffer, sendBuffer, totalReceive, datagramQueue, dnsAnswers (repeatable; 64K, 16M)", collect)
  .action(async (module: string, guestArgs: string[], given: Partial<RunFlags>) => {
    const flags: RunFlags = { listen: [], allowListen: [], allowConnect: [], env: [], dir: [], limit: [], bridge: "auto", ...given };
    // `wasock run app.wasm -- a b`, the form before everything after the module was the guest's.
    if (guestArgs[0] === "--") guestArgs = guestArgs.slice(1);
    if ((flags.workers ?? 1) > 1 && !isClusterWorker()) process.exit(await (await import("./workers.js")).runPrimary(flags.workers!));
    process.exit(await runCommand(module, guestArgs, flags));
  });

/** `wasock app.wasm …` runs it, as `wasmtime app.wasm` does: `run` is the command when none is named. */
const COMMANDS = new Set(["run", "help", "-h", "--help", "-V", "--version"]);
const argv = process.argv.slice();
if (argv[2] !== undefined && !COMMANDS.has(argv[2])) argv.splice(2, 0, "run");

await program.parseAsync(argv);
