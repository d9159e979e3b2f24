/**
 * The common command lines read without commander: `wasock [run] [--option value | --flag]…
 * module [guest args…]` with known long options only. Loading commander and building its program
 * was a third of the JavaScript a launch ran before its listeners opened; it is now loaded only
 * for what this leaves to it: help, the version, a short or unknown option, a value a parser
 * refuses, a missing module or value, `--`, and any value that begins with `-`. Those end with
 * commander's own words, as before. What this reads, it reads as commander does (the options
 * come from one table, flags.ts; a unit test compares the two on many lines).
 */
import { COMMANDS, optionShape, RUN_OPTIONS, type RunOption } from "./flags.js";

export interface QuickRun {
  module: string;
  guestArgs: string[];
  /** What commander's program hands its action: the options given, and the defaults. */
  given: Record<string, unknown>;
}

const OPTIONS = new Map(RUN_OPTIONS.map((o) => [optionShape(o).name, o] as [string, RunOption]));

/** A value given to an option, or undefined to leave the line to commander. */
function parsed(o: RunOption, value: string, previous: unknown): { value: unknown } | undefined {
  if (value === "" || value.startsWith("-")) return undefined;
  if (!o.parse) return { value };
  try {
    return { value: o.parse(value, previous) };
  } catch {
    return undefined; // commander says what is wrong with it
  }
}

/** `argv` as process.argv (runtime, script, then the arguments): the run it asks for, or
 *  undefined when commander is to read it. */
export function quickRun(argv: readonly string[]): QuickRun | undefined {
  const args = argv.slice(2);
  if (args.length === 0) return undefined;
  if (args[0] === "run") args.shift();
  else if (COMMANDS.has(args[0]!)) return undefined;
  const given: Record<string, unknown> = {};
  for (const o of RUN_OPTIONS) {
    const { key, negated } = optionShape(o);
    if (negated) given[key] = true;
    else if (o.defaultValue !== undefined) given[key] = o.defaultValue;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-")) {
      if (a === "") return undefined;
      return { module: a, guestArgs: args.slice(i + 1), given };
    }
    const eq = a.indexOf("=");
    const o = OPTIONS.get(eq < 0 ? a : a.slice(0, eq));
    if (o === undefined) return undefined; // `--`, `-`, a short option, an unknown one
    const { takesValue, key, negated } = optionShape(o);
    if (!takesValue) {
      if (eq >= 0) return undefined;
      given[key] = !negated;
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) return undefined;
    const v = parsed(o, value, given[key]); // what it held before: its default at first, as commander passes it
    if (v === undefined) return undefined;
    given[key] = v.value;
  }
  return undefined; // no module
}
