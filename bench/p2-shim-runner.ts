/**
 * Runs a WASI 0.2 command component transpiled by jco in its default mode (wasi:* imported from
 * @bytecodealliance/preview2-shim), with the given guest arguments:
 *
 *   node dist/bench/p2-shim-runner.js /path/to/out/echo-server.component.js [ARGS...]
 *
 * The transpiled module (and so preview2-shim) resolves from its own folder — bench/p2-echo.ts puts
 * it next to a jco install in the temp dir, never in the repo's node_modules.
 */
import { pathToFileURL } from "node:url";

const [componentJs, ...guestArgs] = process.argv.slice(2);
if (!componentJs) {
  console.error("usage: p2-shim-runner COMPONENT.js [ARGS...]");
  process.exit(2);
}
// preview2-shim's wasi:cli/environment reads `process.argv.slice(1)` when its module loads:
// rewrite the array in place before importing, so the guest sees argv = [echo-server, ARGS...].
process.argv.splice(1, Infinity, "echo-server", ...guestArgs);
const mod = (await import(pathToFileURL(componentJs).href)) as { run: { run(): void } };
// A command: returns when main returns; exit(non-zero) throws preview2-shim's exit error.
mod.run.run();
