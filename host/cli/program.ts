/**
 * The `wasock` command as commander reads it: its flags (flags.ts), subcommands, help and
 * version. Loaded only for a command line quick-args.ts leaves to it (help, the version, a bad
 * or unusual one): commander's own words stay those of every message about the command line.
 */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { BadValue, COMMANDS, RUN_OPTIONS } from "./flags.js";

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

/** What `run` does with what it read: the module, its arguments, and the options as given. */
export type RunAction = (module: string, guestArgs: string[], given: Record<string, unknown>) => Promise<void>;

/** A flags.ts option as commander's: a value its parser refuses is commander's invalid argument. */
function option(o: (typeof RUN_OPTIONS)[number]): Option {
  const opt = new Option(o.flags, o.description);
  const parse = o.parse;
  if (parse)
    opt.argParser((value: string, previous: unknown) => {
      try {
        return parse(value, previous);
      } catch (e) {
        if (e instanceof BadValue) throw new InvalidArgumentError(e.message);
        throw e;
      }
    });
  if (o.defaultValue !== undefined) opt.default(o.defaultValue);
  return opt;
}

export function makeProgram(action: RunAction): Command {
  const program = new Command("wasock")
    .description("Run WebAssembly/WASI guests with real TCP sockets.")
    .version(`wasock ${packageJson().version}`)
    .configureOutput({ outputError: (str, write) => write(`wasock: ${str.replace(/^error: /, "")}`) })
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .enablePositionalOptions();

  const run = program
    .command("run")
    .description("run a WASI command module or a wasi:sockets 0.2 or 0.3 component")
    .argument("<module>", "the .wasm file")
    .argument("[guest-args...]", "arguments for the guest: everything after the module is the guest's")
    .passThroughOptions()
    .addHelpText("after", `
Rules: host:port, host:lo-hi, cidr:port, *:port, host:*; IPv6 in brackets ([::1]:8080).
The module is a WASI command (preview1, WasmEdge or WASIX imports) or a wasi:sockets 0.2 or
0.3 component (0.3 needs JSPI); a component opens its own sockets (no --listen). Everything
after the module is the guest's.

Example:
  wasock run --listen 127.0.0.1:8080 --allow-resolve '*.example.com' server.wasm --port 8080`);
  for (const o of RUN_OPTIONS) run.addOption(option(o));
  run.action(action);
  return program;
}

/** `wasock app.wasm …` runs it, as `wasmtime app.wasm` does: `run` is the command when none is named. */
export function withCommand(argv: readonly string[]): string[] {
  const out = argv.slice();
  if (out[2] !== undefined && !COMMANDS.has(out[2])) out.splice(2, 0, "run");
  return out;
}
