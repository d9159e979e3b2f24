/**
 * Runs a WASIX guest under @wasmer/sdk (Wasmer + WASIX compiled to WebAssembly, its networking
 * mapped to node:net by the SDK's "host" network mode), with the given guest arguments:
 *
 *   node dist/bench/wasmer-runner.js GUEST.wasm [ARGS...]
 *
 * The SDK answers the guest's sock_addr_local with port 0, so the guest cannot print its real
 * port. The SDK's listeners are node:net servers in this process: this runner watches
 * net.Server#listen and prints "wasmer: listening on tcp://HOST:PORT" on stderr for each one
 * once it is listening, the same shape as wasock's own line.
 */
import * as net from "node:net";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [guest, ...guestArgs] = process.argv.slice(2);
if (!guest) {
  console.error("usage: wasmer-runner GUEST.wasm [ARGS...]");
  process.exit(2);
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  this.once("listening", () => {
    const a = this.address();
    if (a && typeof a === "object") process.stderr.write(`wasmer: listening on tcp://${a.address}:${a.port}\n`);
  });
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof listen;

interface Stream extends AsyncIterable<Uint8Array> {}
interface Proc { stdout?: Stream; stderr?: Stream; wait(): Promise<{ code?: number; exitCode?: number } | number> }
interface SdkModule {
  Wasmer: new (o: object) => {
    packages: { load(bytes: Uint8Array): Promise<unknown> };
    sandboxes: { create(o: object): Promise<{ command(pkg: unknown, args: string[]): { spawn(o: object): Promise<Proc> } }> };
  };
}

// Resolved at run time: the SDK is an optional devDependency (the suite skips this peer without it).
const spec = "@wasmer/sdk/node";
const { Wasmer } = (await import(spec)) as SdkModule;
const wasmer = new Wasmer({ cache: { directory: join(tmpdir(), "wasock-bench-wasmer-cache") } });
const pkg = await wasmer.packages.load(readFileSync(guest));
const sandbox = await wasmer.sandboxes.create({ packages: [pkg], network: { mode: "host" } });
const proc = await sandbox.command(pkg, guestArgs).spawn({ stdout: "pipe", stderr: "pipe" });
const pump = async (s: Stream | undefined, out: NodeJS.WriteStream): Promise<void> => {
  if (s) for await (const chunk of s) out.write(chunk);
};
void pump(proc.stdout, process.stdout);
void pump(proc.stderr, process.stderr);
const r = await proc.wait();
process.exit(typeof r === "number" ? r : (r.exitCode ?? r.code ?? 0));
