/**
 * Reads the command line and does what it asks: a common `run` line is read here (quick-args.ts),
 * and anything else by commander's program (program.ts), loaded only then.
 */
import { quickRun } from "./quick-args.js";
import { runAction, type RunFlags } from "./run.js";

const quick = quickRun(process.argv);
if (quick !== undefined) {
  await runAction(quick.module, quick.guestArgs, quick.given as Partial<RunFlags>);
} else {
  const { makeProgram, withCommand } = await import("./program.js");
  await makeProgram((module, guestArgs, given) => runAction(module, guestArgs, given as Partial<RunFlags>)).parseAsync(withCommand(process.argv));
}
