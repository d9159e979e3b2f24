/**
 * The fuzzer for wasi:sockets 0.2 (components). jco lifts a component's arguments to JS values of
 * the WIT types before wasock sees them, so what a hostile component can pass is any *valid*
 * value: every family, address, port, flow info and scope id, any size, any bytes, any name, any
 * order of calls, on any socket or stream it still holds. This drives wasock's wasi:sockets and
 * wasi:io host objects (as jco would call them) with such values and checks:
 *
 *   - a method returns, or throws what WIT allows: a wasi:sockets `error-code` name, a stream
 *     error (`closed` / `last-operation-failed`), or the trap WASI documents (a UDP send past its
 *     check-send permit); anything else is a host fault
 *   - a call that waits ends once the runtime is stopped under it
 *   - no promise is rejected unhandled
 */
import { MemoryNetwork } from "../host/net/memory/network.js";
import { componentImports } from "../host/abi/p2/imports.js";
import { LocalKernel } from "../host/sockets/kernel.js";
import { GuestStopped } from "../host/wasi/context.js";
import { Core } from "../host/core/core.js";
import { ErrorCode } from "../host/core/enums.js";
import type { Fault } from "./harness.js";
import { Rng } from "./rng.js";
import { settleSoon, settleWithin, turn } from "./settle.js";

type Obj = Record<string | symbol, unknown>;
type Gen = (rng: Rng, w?: P2World) => unknown;

const ERROR_CODES = (() => {
  const core = Core.load();
  return new Set(Array.from({ length: ErrorCode.PERMANENT_RESOLVER_FAILURE + 1 }, (_, i) => core.p2Name(i)));
})();

const U64S = [0n, 1n, 2n, 4096n, 65536n, 1n << 32n, (1n << 63n) - 1n, (1n << 64n) - 1n];
const NAMES = ["localhost", "peer.test", "LOCALHOST.", "", ".", "a..b", "-x-", "x".repeat(254), "::1", "127.0.0.1", "[::1]", "ünïcode.test", "a\u0000b", "*.test"];

const u8: Gen = (r) => r.chance(0.5) ? r.pick([0, 1, 64, 255]) : r.below(256);
const u16: Gen = (r) => r.chance(0.5) ? r.pick([0, 1, 80, 8080, 65535]) : r.below(65536);
const u32: Gen = (r) => r.chance(0.5) ? r.pick([0, 1, 0x7fffffff, 0xffffffff]) : r.u32();
const u64: Gen = (r) => r.chance(0.7) ? r.pick(U64S) : BigInt.asUintN(64, r.i64());
const bool: Gen = (r) => r.chance(0.5);
const family: Gen = (r) => r.pick(["ipv4", "ipv6"]);
const bytes: Gen = (r) => new Uint8Array(r.pick([0, 1, 5, 1024, 4096, 65536, 70000])).fill(r.below(256));

/** The peer's address (127.0.0.1:80, TCP echo; :53, UDP) often, so connections get made. */
function socketAddress(r: Rng): unknown {
  if (r.chance(0.35)) return { tag: "ipv4", val: { port: r.pick([80, 53]), address: [127, 0, 0, 1] } };
  if (r.chance(0.5)) {
    const address = r.pick([[127, 0, 0, 1], [0, 0, 0, 0], [10, 0, 0, 1], [255, 255, 255, 255], [r.below(256), r.below(256), r.below(256), r.below(256)]]);
    return { tag: "ipv4", val: { port: u16(r) as number, address } };
  }
  const address = r.pick([[0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1], Array.from({ length: 8 }, () => r.below(65536))]);
  return { tag: "ipv6", val: { port: u16(r) as number, flowInfo: u32(r), address, scopeId: u32(r) } };
}

/** Each method a component can call, by the class of its receiver, with its argument types. */
const METHODS: Record<string, [string, Gen[]][]> = {
  TcpSocket: [
    ["startBind", [(r, w) => w!.network, socketAddress]], ["finishBind", []], ["startConnect", [(r, w) => w!.network, socketAddress]],
    ["finishConnect", []], ["startListen", []], ["finishListen", []], ["accept", []], ["localAddress", []], ["remoteAddress", []],
    ["isListening", []], ["addressFamily", []], ["setListenBacklogSize", [u64]], ["keepAliveEnabled", []], ["setKeepAliveEnabled", [bool]],
    ["keepAliveIdleTime", []], ["setKeepAliveIdleTime", [u64]], ["keepAliveInterval", []], ["setKeepAliveInterval", [u64]],
    ["keepAliveCount", []], ["setKeepAliveCount", [u32]], ["hopLimit", []], ["setHopLimit", [u8]], ["receiveBufferSize", []],
    ["setReceiveBufferSize", [u64]], ["sendBufferSize", []], ["setSendBufferSize", [u64]], ["subscribe", []],
    ["shutdown", [(r) => r.pick(["receive", "send", "both"])]],
  ],
  UdpSocket: [
    ["startBind", [(r, w) => w!.network, socketAddress]], ["finishBind", []], ["stream", [(r) => (r.chance(0.4) ? undefined : socketAddress(r))]],
    ["localAddress", []], ["remoteAddress", []], ["addressFamily", []], ["unicastHopLimit", []], ["setUnicastHopLimit", [u8]],
    ["receiveBufferSize", []], ["setReceiveBufferSize", [u64]], ["sendBufferSize", []], ["setSendBufferSize", [u64]], ["subscribe", []],
  ],
  InputStream: [["read", [u64]], ["blockingRead", [u64]], ["skip", [u64]], ["blockingSkip", [u64]], ["subscribe", []]],
  OutputStream: [
    ["checkWrite", []], ["write", [bytes]], ["blockingWriteAndFlush", [bytes]], ["flush", []], ["blockingFlush", []],
    ["writeZeroes", [u64]], ["blockingWriteZeroesAndFlush", [u64]], ["subscribe", []],
    ["splice", [(r, w) => w!.any("InputStream"), u64]], ["blockingSplice", [(r, w) => w!.any("InputStream"), u64]],
  ],
  IncomingDatagramStream: [["receive", [u64]], ["subscribe", []]],
  OutgoingDatagramStream: [
    ["checkSend", []], ["subscribe", []],
    ["send", [(r) => Array.from({ length: r.pick([0, 1, 2, 70]) }, () => ({ data: bytes(r), remoteAddress: r.chance(0.3) ? undefined : socketAddress(r) }))]],
  ],
  ResolveAddressStream: [["resolveNextAddress", []], ["subscribe", []]],
  Pollable: [["ready", []], ["block", []]],
};

/** A component's world: its imports over a fresh kernel on an in-process network with a peer. */
class P2World {
  readonly kernel: LocalKernel;
  readonly imports: Record<string, Record<string, unknown>>;
  readonly network: unknown;
  private readonly pool = new Map<string, Obj[]>();

  constructor(rng: Rng) {
    const net = new MemoryNetwork();
    net.names.set("peer.test", ["127.0.0.1", "::1"]);
    const peer = net.listen("127.0.0.1", 80);
    peer.onConnection = (s) => {
      s.onData = (d) => s.write(d); // an echo peer
      s.write(new TextEncoder().encode("hello"));
    };
    net.bindUdp("127.0.0.1", 53).onMessage = () => {};
    this.kernel = new LocalKernel(net.backend(), 128, { stdout: () => {}, stderr: () => {} });
    if (rng.chance(0.7)) {
      this.kernel.access = () => 0;
      this.kernel.resolveAccess = () => 0;
      this.kernel.socketAccess = () => 0;
    }
    this.imports = componentImports(this.kernel, { args: [], env: [] }, true);
    this.network = (this.imports["wasi:sockets/instance-network"]!.instanceNetwork as () => unknown)();
  }

  add(value: unknown): void {
    if (Array.isArray(value)) return value.forEach((v) => this.add(v));
    if (value === null || typeof value !== "object") return;
    const kind = value.constructor?.name;
    if (kind && kind in METHODS) {
      const list = this.pool.get(kind) ?? [];
      if (list.length < 16) list.push(value as Obj);
      this.pool.set(kind, list);
    }
  }

  any(kind: string): Obj | undefined {
    const list = this.pool.get(kind);
    return list && list.length > 0 ? list[list.length - 1] : undefined;
  }

  pick(rng: Rng): [string, Obj] | undefined {
    const kinds = [...this.pool.keys()].filter((k) => this.pool.get(k)!.length > 0);
    if (kinds.length === 0) return undefined;
    const kind = rng.pick(kinds);
    return [kind, rng.pick(this.pool.get(kind)!)];
  }

  drop(kind: string, obj: Obj): void {
    const list = this.pool.get(kind)!;
    list.splice(list.indexOf(obj), 1);
    (obj[Symbol.dispose] as (() => void) | undefined)?.call(obj);
  }

  create(rng: Rng): unknown {
    return rng.chance(0.6)
      ? (this.imports["wasi:sockets/tcp-create-socket"]!.createTcpSocket as (f: unknown) => unknown)(family(rng))
      : rng.chance(0.7)
        ? (this.imports["wasi:sockets/udp-create-socket"]!.createUdpSocket as (f: unknown) => unknown)(family(rng))
        : (this.imports["wasi:sockets/ip-name-lookup"]!.resolveAddresses as (n: unknown, s: string) => unknown)(this.network, rng.pick(NAMES));
  }
}

/** What WIT lets a method throw. */
function allowed(e: unknown): boolean {
  if (typeof e === "string") return ERROR_CODES.has(e);
  if (e instanceof GuestStopped) return true;
  if (e instanceof WebAssembly.RuntimeError) return /check-send permitted/.test(e.message);
  const tag = (e as { tag?: unknown })?.tag;
  return tag === "closed" || tag === "last-operation-failed";
}

export interface P2Stats {
  calls: number;
  worlds: number;
  blocked: number;
  /** Outcomes by "Class.method: ok|<error>", to see how deep the calls reach. */
  outcomes: Map<string, number>;
  faults: Fault[];
}

export async function fuzzP2(options: { seed: number; calls: number; worldCalls?: number }): Promise<P2Stats> {
  const rng = new Rng(options.seed);
  const stats: P2Stats = { calls: 0, worlds: 0, blocked: 0, outcomes: new Map(), faults: [] };
  const count = (what: string, how: string): void => void stats.outcomes.set(`${what}: ${how}`, (stats.outcomes.get(`${what}: ${how}`) ?? 0) + 1);
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  const fault = (what: string, problem: string): void => void stats.faults.push({ seed: options.seed, call: stats.calls, import: what, args: "", problem });
  try {
    while (stats.calls < options.calls) {
      const w = new P2World(rng);
      stats.worlds++;
      let alive = true;
      for (let i = 0; alive && i < (options.worldCalls ?? 300) && stats.calls < options.calls; i++) {
        stats.calls++;
        const target = rng.chance(0.08) ? undefined : w.pick(rng);
        let what = "create";
        try {
          let r: unknown;
          if (!target) {
            r = w.create(rng);
          } else if (rng.chance(0.03)) {
            what = `${target[0]}.drop`;
            w.drop(target[0], target[1]);
            continue;
          } else {
            const [name, gens] = rng.pick(METHODS[target[0]]!);
            what = `${target[0]}.${name}`;
            const args = gens.map((g) => g(rng, w));
            if (args.some((a) => a === undefined) && name.includes("plice")) continue; // no stream to splice from yet
            r = (target[1][name] as (...a: unknown[]) => unknown).apply(target[1], args);
          }
          if (r instanceof Promise) {
            const soon = await settleSoon(r);
            if (!soon.done) {
              stats.blocked++;
              alive = false;
              w.kernel.closeAll();
              const later = await settleWithin(r, 2000);
              if (!later.done) fault(what, "still waiting 2 s after the runtime stopped");
              else if (later.error !== undefined && !allowed(later.error)) fault(what, `rejected after stop: ${String(later.error)}`);
              continue;
            }
            if (soon.error !== undefined) throw soon.error;
            r = soon.value;
          }
          w.add(r);
          count(what, "ok");
          // A started operation is mostly finished next, as a component would: that is where
          // the connections, listeners and streams come from.
          const finish = target && what.includes(".start") ? `finish${what.slice(what.indexOf(".start") + 6)}` : undefined;
          if (finish && rng.chance(0.8)) {
            for (let k = 0; k < 3; k++) await turn();
            what = `${target![0]}.${finish}`;
            stats.calls++;
            const got = (target![1][finish] as () => unknown).call(target![1]);
            w.add(got);
            count(what, "ok");
          }
        } catch (e) {
          count(what, typeof e === "string" ? e : ((e as { tag?: string })?.tag ?? (e as Error)?.constructor?.name ?? "?"));
          if (!allowed(e)) fault(what, `threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : JSON.stringify(e)}`);
        }
      }
      if (alive) w.kernel.closeAll();
      await turn();
      for (const e of unhandled.splice(0)) fault("world", `unhandled rejection: ${String(e)}`);
    }
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  return stats;
}
