/**
 * One fuzzing world: a guest's import objects (every ABI) over a fresh kernel on an in-process
 * network, with what a real guest would find there — stdio, a pre-opened listener with two
 * clients waiting (one of them sending), a pre-opened directory — and one page of hostile memory.
 * The directory lives inside a parent that must stay as it was: an escape from the sandbox shows.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Core } from "../host/core/core.js";
import { MemoryNetwork } from "../host/net/memory/network.js";
import { LocalKernel } from "../host/sockets/kernel.js";
import { GuestContext } from "../host/wasi/context.js";
import { guestImports } from "../host/abi/imports.js";
import { checkPreopens, NODE_FILES } from "../host/wasi/fs/index.js";
import type { Rng } from "./rng.js";
import { fillMemory } from "./values.js";

type Fn = (...args: unknown[]) => unknown;

export class World {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  readonly ctx: GuestContext;
  readonly kernel: LocalKernel;
  readonly imports: Record<string, Record<string, Fn>>;
  private readonly network = new MemoryNetwork();
  private readonly base: string;

  private constructor(rng: Rng, base: string) {
    this.base = base;
    this.kernel = new LocalKernel(this.network.backend(), 128, { stdout: () => {}, stderr: () => {} });
    if (rng.chance(0.5)) {
      // Half the worlds allow everything, so the calls behind the policy get fuzzed too.
      this.kernel.access = () => 0;
      this.kernel.resolveAccess = () => 0;
      this.kernel.socketAccess = () => 0;
    }
    this.ctx = new GuestContext(this.kernel, Core.load(), ["fuzz", "--flag"], ["HOME=/sandbox"], 48, [], NODE_FILES);
    this.ctx.mem.bind(this.memory);
    fillMemory(rng, new Uint8Array(this.memory.buffer));
    this.imports = guestImports(this.ctx).modules as Record<string, Record<string, Fn>>;
  }

  /** A world with its listener open and its clients connected. */
  static async create(rng: Rng): Promise<World> {
    const base = mkdtempSync(join(tmpdir(), "wasock-fuzz-"));
    const sandbox = join(base, "sandbox");
    mkdirSync(join(sandbox, "dir"), { recursive: true });
    writeFileSync(join(sandbox, "file.txt"), "contents\n");
    writeFileSync(join(base, "outside.txt"), "must stay\n");
    const w = new World(rng, base);
    const handle = await w.kernel.preopen("127.0.0.1", 8080, 16, 3);
    w.ctx.fds.insert({ kind: "socket", handle, flags: 0 });
    w.ctx.addPreopens(checkPreopens({ "/sandbox": sandbox }));
    // Three clients: two accepted before the guest's first call (one has sent a request, one
    // has half-closed), one still queued on the listener.
    const talker = w.network.connect("127.0.0.1", 8080);
    talker.write(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
    const quitter = w.network.connect("127.0.0.1", 8080);
    w.network.connect("127.0.0.1", 8080);
    w.network.bindUdp("127.0.0.1", 5353);
    await new Promise((r) => setImmediate(r)); // let the connections arrive
    for (let i = 0; i < 2; i++) {
      const h = await w.kernel.accept(handle, true, w.ctx.fds.nextFree());
      if (h < 0) throw new Error(`fuzz world: accept failed (${h})`);
      w.ctx.fds.insert({ kind: "socket", handle: h, flags: 0 });
    }
    quitter.end();
    return w;
  }

  openFds(): number[] {
    return [...this.ctx.fds.all()].map(([fd]) => fd);
  }

  socketFds(): number[] {
    return [...this.ctx.fds.all()].filter(([, e]) => e.kind === "socket").map(([fd]) => fd);
  }

  /** Whatever lies beside the sandbox, by name: must be exactly ["outside.txt", "sandbox"]. */
  outside(): string[] {
    return readdirSync(this.base).sort();
  }

  /** Stop the guest's world: every socket closed, every host file closed, the directory gone. */
  close(): void {
    this.kernel.closeAll();
    this.ctx.closeFiles();
    rmSync(this.base, { recursive: true, force: true });
  }
}
