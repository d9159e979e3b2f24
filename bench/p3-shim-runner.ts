/**
 * Runs a WASI 0.3 component under jco's own glue (jco-transpile, the version in node_modules, in
 * its JSPI async mode, the generated code as jco writes it: none of wasock's rewrites) with
 * @bytecodealliance/preview3-shim serving wasi:sockets, cli and clocks:
 *
 *   node dist/bench/p3-shim-runner.js COMPONENT.wasm [ARGS...]
 *
 * For bench/p3-echo.ts; needs JSPI (Node ≥ 24.20). The bindings go to a temp dir of their own.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const [wasm, ...guestArgs] = process.argv.slice(2);
if (!wasm) {
  console.error("usage: p3-shim-runner COMPONENT.wasm [ARGS...]");
  process.exit(2);
}
const { transpileBytes } = await import("@bytecodealliance/jco-transpile");
const { files, imports: wanted } = await transpileBytes(readFileSync(wasm), {
  name: "component",
  instantiation: "async",
  noTypescript: true,
  nodejsCompat: false,
  wasiShim: false,
  asyncMode: "jspi",
} as Parameters<typeof transpileBytes>[1]);
const dir = mkdtempSync(join(tmpdir(), "wasock-p3-shim-"));
for (const [name, data] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), data);
}
// preview3-shim's environment reads `process.argv.slice(1)` (preview2-shim's): the guest's argv.
process.argv.splice(1, Infinity, "echo", ...guestArgs);
// Each interface's members from preview3-shim, over preview2-shim's (the one it depends on): wasi:io
// and the 0.2 members Rust's std still imports beside 0.3's: `wasi:sockets/ip-name-lookup` is sockets.ipNameLookup.
const p3 = (await import("@bytecodealliance/preview3-shim")) as unknown as Record<string, Record<string, unknown>>;
const p2 = (await import("@bytecodealliance/preview2-shim")) as unknown as Record<string, Record<string, unknown>>;
const camel = (s: string): string => s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
const imports: Record<string, unknown> = {};
for (const name of wanted as string[]) {
  const [pkg, iface] = name.replace(/^wasi:/, "").split("/") as [string, string];
  imports[name] = { ...(p2[pkg]?.[camel(iface)] as object), ...(p3[pkg]?.[camel(iface)] as object) };
}
const { instantiate } = (await import(pathToFileURL(join(dir, "component.js")).href)) as {
  instantiate(get: (n: string) => Promise<WebAssembly.Module>, imports: unknown): Promise<Record<string, { run(): Promise<unknown> }>>;
};
const exports = await instantiate(async (n) => WebAssembly.compile(readFileSync(join(dir, n))), imports);
const run = exports["wasi:cli/run@0.3.0"] ?? exports.run;
await run!.run();
