/**
 * The seam between the runtime and the ways a guest can block on a host that must not: a Bridge
 * runs a core module or a component over the runtime's kernel and resolves with its exit code
 * (or rejects as outcome.ts says). Two exist:
 *  - JSPI (jspi.ts): the guest runs on the host's thread; a call that must wait suspends it;
 *  - worker (worker-host.ts): the guest runs in a worker thread and blocks there, its calls
 *    served on the host's thread over a SharedArrayBuffer (channel.ts).
 * The runtime picks one (`chooseBridge`) and runs every guest through it; neither it nor the
 * component runner (p2/run.ts) knows which it has. A component is handed over as what each
 * bridge needs of it, so nothing here imports the component code (p2/ imports the bridges).
 */
import type { FunctionImport } from "../wasm/imports.js";
import type { Files } from "../wasi/files.js";
import type { LocalKernel } from "../sockets/kernel.js";
import type { Kernel } from "../sockets/api.js";
import type { Preopen } from "../wasi/fs/handles.js";
import { GuestError } from "./link.js";
import type { HostImports } from "./host-imports.js";

export type BridgeKind = "jspi" | "worker";

/** JSPI is there when the engine has WebAssembly.Suspending/promising (Node ≥ 24.20, Deno ≥ 2.3.2, Bun ≥ 1.3.10). */
export function hasJspi(): boolean {
  const W = WebAssembly as unknown as { Suspending?: unknown; promising?: unknown };
  return typeof W.Suspending === "function" && typeof W.promising === "function";
}

/** A core module (a WASI command) and what its process is given. */
export interface ModuleGuest {
  module: WebAssembly.Module;
  args: string[];
  env: string[];
  /** Pre-opened sockets, as fds 3, 4, …: this guest holds one reference to each. */
  preopens: readonly number[];
  /** Pre-opened directories: the fds after the sockets. */
  dirs: Preopen[];
  /** The guest's fd limit (Limits.fds). */
  maxFds: number;
  /** The stdio fds it sees as terminals. */
  terminals: readonly number[];
  /** Its host's files (absent: none; the worker bridge's thread uses Node's). */
  files?: Files;
  /** The host's own imports (RuntimeOptions.imports): the JSPI bridge's only. */
  imports?: HostImports;
  /** Its function imports as it declares them (from its bytes; absent for a compiled Module):
   *  the JSPI bridge's calls that may wait answer at once without suspending where it knows them. */
  declared?: readonly FunctionImport[];
}

/** A transpiled component (p2/component.ts) and how to start it on either bridge. */
export interface ComponentGuest {
  /** The directory of its jco bindings (made for this bridge: `suspends` or not). */
  dir: string;
  args: string[];
  env: string[];
  /** Pre-opened directories (a worker thread opens them with node:fs itself). */
  dirs?: Preopen[];
  /** Instantiate it on this thread over `kernel`: its `wasi:cli/run`. */
  instantiate(kernel: Kernel): Promise<() => unknown>;
  /** The worker-thread entry that instantiates and runs it there (given a ComponentWorkerInit). */
  workerEntry: URL;
}

/** What a component's worker thread is given. */
export interface ComponentWorkerInit {
  dir: string;
  args: string[];
  env: string[];
  dirs?: Preopen[];
  sab: SharedArrayBuffer;
}

export interface Bridge {
  readonly kind: BridgeKind;
  /** Whether a guest's blocking calls suspend it on this thread (its bindings must be made so). */
  readonly suspends: boolean;
  /** Run a core module; its sockets close when it ends (a pre-opened one drops this guest's reference). */
  runModule(kernel: LocalKernel, guest: ModuleGuest): Promise<number>;
  /** Run a component's `wasi:cli/run`. */
  runComponent(kernel: LocalKernel, guest: ComponentGuest): Promise<number>;
}

/**
 * Which bridge a run uses: `auto` (or none) is JSPI when the engine has it, else the worker
 * bridge. A bridge this host cannot give is a GuestError, before anything is started.
 */
export function chooseBridge(name: "auto" | BridgeKind | undefined, hasWorker: boolean): BridgeKind {
  const kind = name === undefined || name === "auto" ? (hasJspi() ? "jspi" : "worker") : name;
  if (kind === "jspi" && !hasJspi()) throw new GuestError("the JSPI bridge needs WebAssembly.Suspending (Node >= 24.20, Deno >= 2.3.2, Bun >= 1.3.10)");
  if (kind === "worker" && !hasWorker) throw new GuestError("this host has no worker bridge: it needs JSPI (WebAssembly.Suspending)");
  return kind;
}
