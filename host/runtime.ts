import type { NetBackend } from "./net/backend.js";
import { LocalKernel } from "./sockets/kernel.js";
import type { SocketRow } from "./sockets/table.js";
import { jspiBridge } from "./bridge/jspi.js";
import { chooseBridge, type Bridge, type BridgeKind } from "./bridge/bridge.js";
import { FUEL } from "./util/turns.js";
import { withYieldPoints } from "./wasm/preempt.js";
import { symbolize, type RanModule } from "./wasm/backtrace.js";
import { yieldPoints } from "./wasm/code.js";
import { Reader } from "./wasm/reader.js";
import type { FunctionImport } from "./wasm/imports.js";
import { checkImportTypes, GuestError, GuestTrap } from "./bridge/link.js";
import { parseHostPort } from "./addr.js";
import { parseIp } from "./ip.js";
import { accessCheck, buildPolicy, resolveCheck, socketCheck } from "./access.js";
import type { Policy } from "./policy.js";
import { NO_FILES, PreopenError } from "./wasi/files.js";
import type { Preopen } from "./wasi/fs/handles.js";
import { consoleStdio, type HostServices, type HostStdio } from "./services.js";
import { lineWriter, type LineWriter } from "./util/lines.js";
import { isComponent } from "./p2/detect.js";
import { checkOptions, type BridgeName, type RuntimeOptions } from "./options.js";

export type { BridgeName, RuntimeOptions } from "./options.js";
import { DEFAULT_LIMITS, limitsFrom, type Limits } from "./sockets/limits.js";
export type { HostServices } from "./services.js";


export interface Listening {
  fd: number;
  host: string;
  port: number;
}

/** A pre-opened listener could not be opened; `code` is the host's error code (EADDRINUSE, …). */
export class ListenError extends Error {
  constructor(readonly spec: string, readonly code: string, message: string) {
    super(message);
  }
}

/** Raised by `run()` for a guest that cannot run or that trapped (not for a non-zero exit). */
export { GuestError, GuestTrap };

/** A pre-opened directory is missing or not a directory (thrown by `start()`). */
export { PreopenError };

/**
 * One wasock runtime: a network backend, pre-opened listeners, and the guests run on them.
 * `start()` opens the listeners (so their ports are known before the guest runs); `run()` starts
 * them if needed and resolves with the guest's exit code.
 */
export class Runtime {
  readonly kernel: LocalKernel;
  private listening: Listening[] | undefined;
  private handles: number[] = [];
  private starting: Promise<Listening[]> | undefined;
  private policy: Policy | undefined;
  private dirs: Preopen[] = [];
  readonly limits: Limits;
  private readonly terminals: readonly (0 | 1 | 2)[];
  private readonly stdio: HostStdio;
  /** The stdoutLines / stderrLines writers: their last line, if it has no newline, is given when a run ends. */
  private readonly lines: LineWriter[];

  /** `extensions`: what the host's entry gives (services.ts); a service not given is absent. */
  constructor(private readonly options: RuntimeOptions, backend: NetBackend, private readonly extensions: HostServices = {}) {
    checkOptions(options);
    const stdio = (this.stdio = (extensions.stdio ?? consoleStdio)());
    const stdoutLines = options.stdoutLines && lineWriter(options.stdoutLines);
    const stderrLines = options.stderrLines && lineWriter(options.stderrLines);
    this.lines = [stdoutLines, stderrLines].filter((w) => w !== undefined);
    this.terminals = options.terminals ?? [
      ...(options.stdout === undefined && !stdoutLines && stdio.terminal(1) ? [1 as const] : []),
      ...(options.stderr === undefined && !stderrLines && stdio.terminal(2) ? [2 as const] : []),
    ];
    const somaxconn = options.somaxconn ?? backend.somaxconn() ?? 4096;
    this.limits = limitsFrom(options.limits, { ...DEFAULT_LIMITS, fds: backend.fdLimit() ?? DEFAULT_LIMITS.fds });
    this.kernel = new LocalKernel(
      backend,
      somaxconn,
      {
        stdout: options.stdout ?? stdoutLines ?? stdio.stdout,
        stderr: options.stderr ?? stderrLines ?? stdio.stderr,
        stdin: options.stdin,
      },
      undefined,
      this.limits,
    );
  }

  /** Check the pre-opened directories and open the listeners. Rejects on a missing directory
   *  (PreopenError), a bad address or one in use. */
  start(): Promise<Listening[]> {
    this.starting ??= (async () => {
      this.dirs = (this.extensions.files ?? NO_FILES).check(this.options.preopens);
      this.policy = await buildPolicy(this.options.allow ?? {}, this.kernel.backend);
      const onDeny = this.options.onDeny ?? this.stdio.note;
      this.kernel.access = accessCheck(this.policy, onDeny);
      this.kernel.resolveAccess = resolveCheck(this.policy, onDeny);
      this.kernel.socketAccess = socketCheck(this.options.allow ?? {}, onDeny);
      const out: Listening[] = [];
      let fd = 3;
      for (const spec of this.options.listen ?? []) {
        const { host, port } = parseHostPort(spec);
        const backlog = this.options.backlog ?? this.kernel.somaxconn;
        let h: number;
        try {
          h = await this.kernel.preopen(host, port, backlog, fd);
        } catch (e) {
          throw new ListenError(spec, await this.listenErrorCode(host, e), (e as Error).message);
        }
        this.handles.push(h);
        const local = this.kernel.table().find((r) => r.fd === fd)!;
        out.push({ fd, host, port: Number(local.local.slice(local.local.lastIndexOf(":") + 1)) });
        fd++;
      }
      this.listening = out;
      return out;
    })();
    return this.starting;
  }

  /** The code of a pre-opened listener's failure. Some listen APIs say only that they failed
   *  (Bun.listen; Deno.listen names no code for a name): for a host name, a lookup then tells
   *  whether it is the name (ENOTFOUND, …). */
  private async listenErrorCode(host: string, e: unknown): Promise<string> {
    const code = (e as { code?: string }).code;
    if (code !== undefined && code !== "EIO" && /^E[A-Z0-9_]+$/.test(code)) return code;
    if (parseIp(host) === 0) {
      try {
        await this.kernel.backend.resolve(host);
      } catch (r) {
        return (r as { code?: string }).code ?? "EIO";
      }
    }
    return code ?? "EIO";
  }

  get listeners(): Listening[] {
    return this.listening ?? [];
  }

  /**
   * Run a WASI command module; resolves with its exit code. Closes its sockets when it ends.
   * With `instances` > 1, that many instances of it share the pre-opened listeners (see
   * RuntimeOptions.instances); the run ends when the last one does.
   */
  async run(module: WebAssembly.Module | BufferSource): Promise<{ exitCode: number }> {
    const bytes = module instanceof WebAssembly.Module ? undefined : ArrayBuffer.isView(module) ? new Uint8Array(module.buffer, module.byteOffset, module.byteLength) : new Uint8Array(module);
    const component = bytes !== undefined && isComponent(bytes);
    const instances = this.options.instances ?? 1;
    if (!Number.isInteger(instances) || instances < 1 || instances > MAX_INSTANCES) throw new GuestError(`instances: expected a whole number from 1 to ${MAX_INSTANCES}, not ${instances}`);
    if (component && instances > 1) throw new GuestError("instances: a component opens its own sockets (wasi:sockets has no pre-opened listeners to share); run one");
    if (component && (this.options.listen ?? []).length > 0)
      throw new GuestError("listen: a component opens its own sockets (wasi:sockets has no pre-opened listeners); let it listen with allow.listen");
    const kind = chooseBridge(this.options.bridge, this.extensions.worker !== undefined);
    if (this.options.imports !== undefined) {
      if (component) throw new GuestError("imports: a component imports WIT interfaces, not host functions; the option is for core modules");
      // A guest on the worker bridge runs in another thread, where the host's functions are not.
      if (kind === "worker") throw new GuestError('imports: host functions cannot cross to the worker bridge\'s thread; they need the JSPI bridge (bridge: "jspi", Node >= 24.20, Deno >= 2.3.2, Bun >= 1.3.10)');
    }
    // A guest is given yield points: on the host's thread they give the event loop its turn
    // (util/turns.ts), in a worker they end a stopped guest. A compiled Module cannot be
    // rewritten, and runs as it is.
    const compiled = module instanceof WebAssembly.Module || component ? undefined : await compileGuest(bytes!);
    const mod = compiled?.module ?? module;
    // A compiled Module has no bytes: not checked, and its imports' types are not known.
    const declared = bytes !== undefined && !component ? checkImportTypes(bytes) : undefined;
    const listening = await this.start();
    const args = this.options.args ?? ["guest.wasm"];
    const env = envList(this.options.env);
    if (listening.length > 0 && !env.some((e) => e.startsWith("LISTEN_FDS="))) env.push(`LISTEN_FDS=${listening.length}`);
    try {
      const bridge = await this.bridge(kind);
      if (component) {
        if (!this.extensions.components) throw new GuestError("this host cannot run components: jco compiles WebAssembly at run time, which it forbids");
        const { runComponent } = await this.extensions.components();
        return { exitCode: await runComponent(bytes!, this.kernel, bridge, args, env, { files: this.extensions.files, dirs: this.dirs }) };
      }
      if (instances === 1) return { exitCode: await this.runInstance(mod as WebAssembly.Module, bridge, args, env, declared) };
      // Each further instance holds its own reference to every pre-opened listener.
      for (let n = 1; n < instances; n++) for (const h of this.handles) this.kernel.share(h);
      // An instance that exits 0 leaves the others serving; the first that fails (a non-zero
      // exit or a trap) stops them all, and its outcome is the run's.
      let failed: { code: number } | { error: unknown } | undefined;
      const one = (): Promise<void> =>
        this.runInstance(mod as WebAssembly.Module, bridge, args, env, declared).then(
          (code) => {
            if (code === 0 || failed) return;
            failed = { code };
            this.stop();
          },
          (error: unknown) => {
            if (failed) return;
            failed = { error };
            this.stop();
          },
        );
      await Promise.all(Array.from({ length: instances }, one));
      if (failed && "error" in failed) throw failed.error;
      return { exitCode: failed?.code ?? 0 };
    } catch (e) {
      // The engine's frames, named from the guest's bytes (a compiled Module's are as the engine named them).
      if (e instanceof GuestTrap && bytes !== undefined && !component) throw new GuestTrap(e.message, symbolize(e.frames, ranModule(bytes, compiled!.rewritten)));
      throw e;
    } finally {
      this.stop();
      // The guest has written all it will: a last line without a newline is a line too, given
      // before run() resolves. A callback's rejection there has no guest write left to fail and
      // must not replace the run's own outcome: it is dropped.
      this.stdio.flush?.();
      await Promise.all(this.lines.map((w) => w.flush()?.catch(() => undefined)));
    }
  }

  /** The bridge of that kind (the worker bridge is loaded when first used). */
  private async bridge(kind: BridgeKind): Promise<Bridge> {
    return kind === "jspi" ? jspiBridge : (await this.extensions.worker!()).workerBridge;
  }

  /** One instance of a core module, with the pre-opened listeners and directories; its sockets
   *  close when it ends (the pre-opened ones when no other instance holds them). */
  private runInstance(mod: WebAssembly.Module, bridge: Bridge, args: string[], env: string[], declared?: readonly FunctionImport[]): Promise<number> {
    return bridge.runModule(this.kernel, { module: mod, args, env, preopens: this.handles, dirs: this.dirs, maxFds: this.limits.fds, terminals: this.terminals, files: this.extensions.files, imports: this.options.imports, declared });
  }

  /** The live socket table, like `netstat -ntp`. */
  sockets(): SocketRow[] {
    return this.kernel.table();
  }

  /** Wait (up to `timeoutMs`) until the bytes of every connection closed so far are handed to the OS. */
  drain(timeoutMs = 2000): Promise<void> {
    return this.kernel.backend.drain(timeoutMs);
  }

  /** Close every socket and listener. */
  stop(): void {
    this.kernel.closeAll();
    this.policy?.free();
    this.policy = undefined;
  }
}

/** Beyond this, `instances` is refused (each is a whole guest memory, or a thread). */
export const MAX_INSTANCES = 1024;

function envList(env: RuntimeOptions["env"]): string[] {
  if (env === undefined) return [];
  if (Array.isArray(env)) return [...env];
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/**
 * Compile a core module with yield points (wasm/preempt.ts); should the rewritten bytes not
 * compile (a module that already exports a name the rewrite adds), the module as it came.
 */
async function compileGuest(bytes: Uint8Array): Promise<{ module: WebAssembly.Module; rewritten: boolean }> {
  const rewritten = withYieldPoints(bytes, FUEL);
  if (rewritten !== undefined) {
    try {
      return { module: await WebAssembly.compile(rewritten), rewritten: true };
    } catch {
      // the original's own compile says what is wrong, if anything is
    }
  }
  return { module: await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>), rewritten: false };
}

/** The module a trap's offsets count in: with yield points, the rewrite is made again (the same
 *  bytes: it is deterministic) rather than kept for a trap that seldom comes. */
function ranModule(bytes: Uint8Array, rewritten: boolean): RanModule {
  const again = rewritten ? withYieldPoints(bytes, FUEL) : undefined;
  if (again === undefined) return { original: bytes };
  return { original: bytes, rewritten: { bytes: again, points: (b) => yieldPoints(new Reader(bytes, b.start, b.end, "a function body"), b.end) } };
}
