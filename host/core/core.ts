import { coreWasmBytes } from "./core-wasm.js";
import { Errno, ErrorCode } from "./enums.js";

/**
 * The part of the WebAssembly JS API the core needs, typed here so that neither this module nor
 * its .d.ts depends on a TypeScript lib declaring `WebAssembly` (ES2022 + @types/node 20 does not).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => CoreInstance;
}

/** What `Core` needs of an instance of core.wasm. */
export interface CoreInstance {
  readonly exports: object;
}

/** core.wasm's exports (docs/core-interface.md): every parameter and result is an i32. */
interface CoreExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  errno_count(): number;
  errno_name(e: number): number;
  errno_message(e: number): number;
  errno_from_linux(n: number): number;
  errno_to_linux(e: number): number;
  errno_to_p2(e: number): number;
  p2_count(): number;
  p2_name(code: number): number;
  scratch_ptr(): number;
  scratch_size(): number;
  errno_from_code(len: number): number;
  p2_from_code(len: number): number;
  code_count(): number;
  code_name(i: number): number;
  tcp_step(abi: number, word: number, op: number): number;
  tcp_stream(abi: number, word: number, streams: number, op: number): number;
  udp_step(abi: number, word: number, op: number): number;
  stream_recv(abi: number, word: number, have: number): number;
  stream_send(abi: number, word: number, have: number): number;
  listener_accept(abi: number, word: number, have: number): number;
  option_get(abi: number, kind: number, word: number, opt: number): number;
  option_set(abi: number, kind: number, word: number, opt: number, value: number): number;
  option_default(abi: number, kind: number, opt: number): number;
  option_from_abi(abi: number, n: number): number;
  p2_duration_secs(lo: number, hi: number): number;
  p2_check_address(use: number, socketFamily: number, addrFamily: number, port: number): number;
  backlog_effective(requested: number, somaxconn: number): number;
  accept_admit(queued: number, backlog: number): number;
  abi_flags(abi: number): number;
  family_check(abi: number, socketFamily: number, addrFamily: number): number;
  listen_backlog(abi: number, requested: number, option: number, somaxconn: number): number;
  udp_send_op(abi: number, explicit: number, toPeer: number): number;
  check_accept_flags(abi: number, fdflags: number): number;
  check_riflags(abi: number, flags: number): number;
  check_siflags(abi: number, flags: number): number;
  shutdown_op(abi: number, how: number): number;
  check_fdflags(abi: number, fdflags: number): number;
  policy_slot_alloc(): number;
  policy_slot_free(slot: number): number;
  policy_clear(slot: number): number;
  policy_add(slot: number, kind: number, family: number, prefix: number, lo: number, hi: number): number;
  policy_check(slot: number, kind: number, family: number, port: number): number;
  policy_count(slot: number, kind: number): number;
  policy_allow_resolve_all(slot: number): number;
  policy_name_ptr(): number;
  policy_add_name(slot: number, len: number): number;
  policy_check_name(slot: number, len: number): number;
}

/** errno of a `tcpStep` result (0 = allowed). */
export function stepErrno(r: number): number {
  return r >>> 8;
}

/** The state word after a `tcpStep` (unchanged when the step failed, except where the ABI says). */
export function stepWord(r: number): number {
  return r & 0xff;
}

/** Host error codes repeat; this many distinct ones are remembered before the cache starts over. */
const CODE_CACHE_LIMIT = 512;
/** A code the core's table does not know (p2_from_code's answer for it). */
const NOT_IN_TABLE = -1;
/** Bytes of an address in scratch (IPv4 in the first 4). */
const ADDR_BYTES = 16;
/** Size of the core's name buffer (policy_name_ptr): a 253-byte name and its trailing dot fit. */
const NAME_BUF_SIZE = 256;

let shared: Core | undefined;

/**
 * The core's decisions, typed. One instance per JS realm (process, worker, isolate): `Core.load()`
 * compiles the embedded bytes synchronously the first time and returns the same object after.
 * Numbers come straight from core.wasm; strings are read from its memory once and remembered.
 */
export class Core {
  /** The core for this realm, instantiated on first use. */
  static load(): Core {
    if (shared === undefined) {
      const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      shared = new Core(new wasm.Instance(new wasm.Module(coreWasmBytes()), {}));
    }
    return shared;
  }

  /**
   * For hosts that compile no WebAssembly from bytes at run time (workerd): make the realm's core
   * from a core.wasm the host compiled (`import core from "wasock/core.wasm"`). Call before the
   * first `load()`; once the core exists, later calls return it.
   */
  static provide(module: object): Core {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    shared ??= new Core(new wasm.Instance(module, {}));
    return shared;
  }

  private readonly wasm: CoreExports;
  private readonly step: CoreExports["tcp_step"];
  private readonly ustep: CoreExports["udp_step"];
  private readonly recv: CoreExports["stream_recv"];
  private readonly send: CoreExports["stream_send"];
  private readonly acceptNow: CoreExports["listener_accept"];
  private readonly scratch: number;
  private readonly scratchSize: number;
  private readonly check: CoreExports["policy_check"];
  /** scratch[0..16) and the name buffer as views, remade if the memory's buffer ever changes. */
  private addrView: Uint8Array;
  private nameView: Uint8Array;
  private readonly names: string[] = [];
  private readonly messages: string[] = [];
  private readonly p2Names: string[] = [];
  /** code → p2 << 8 | errno (p2 + 1 in the high bits, so "not in table" packs as 0). */
  private readonly codes = new Map<string, number>();

  /** Prefer `Core.load()`; this wraps an instance of core.wasm the caller made. */
  constructor(instance: CoreInstance) {
    this.wasm = instance.exports as unknown as CoreExports;
    this.step = this.wasm.tcp_step;
    this.ustep = this.wasm.udp_step;
    this.recv = this.wasm.stream_recv;
    this.send = this.wasm.stream_send;
    this.acceptNow = this.wasm.listener_accept;
    this.scratch = this.wasm.scratch_ptr();
    this.scratchSize = this.wasm.scratch_size();
    this.check = this.wasm.policy_check;
    this.addrView = new Uint8Array(this.wasm.memory.buffer, this.scratch, ADDR_BYTES);
    this.nameView = new Uint8Array(this.wasm.memory.buffer, this.wasm.policy_name_ptr(), NAME_BUF_SIZE);
  }

  /** How many WASI errnos there are (77). */
  get errnoCount(): number {
    return this.wasm.errno_count();
  }

  /** One step of the TCP state machine: `(errno << 8) | newWord`; see `stepErrno`, `stepWord`. */
  tcpStep(abi: number, word: number, op: number): number {
    return this.step(abi, word, op);
  }

  /**
   * wasi:sockets 0.3's send/receive streams of a socket (StreamOp): `(errno << 8) | newStreams`
   * (`stepErrno`, `stepWord`), from the socket's word and its streams byte (StreamBit).
   */
  tcpStream(abi: number, word: number, streams: number, op: number): number {
    return this.wasm.tcp_stream(abi, word, streams, op);
  }

  /**
   * One step of the UDP state machine: `(errno << 8) | newWord` (`stepErrno`, `stepWord`). Store
   * `stepWord(r)` after every step: on an error it is the old word, except that a Linux shutdown
   * of an unconnected socket answers ENOTCONN and still sets its flags.
   */
  udpStep(abi: number, word: number, op: number): number {
    return this.ustep(abi, word, op);
  }

  /**
   * What a stream recv answers now, its RECV step included: `(errno << 8) | IoAnswer` (see
   * `stepErrno`; the answer is the low byte). `have` is IoHave bits: what the host holds.
   */
  streamRecv(abi: number, word: number, have: number): number {
    return this.recv(abi, word, have);
  }

  /** What a stream send answers now, its SEND step (EPIPE after SHUT_WR) included: as streamRecv. */
  streamSend(abi: number, word: number, have: number): number {
    return this.send(abi, word, have);
  }

  /** What an accept answers now, its ACCEPT step included (IoHave.DATA: a connection is queued). */
  listenerAccept(abi: number, word: number, have: number): number {
    return this.acceptNow(abi, word, have);
  }

  /**
   * Whether the guest may read option `opt` (SockOpt; WASIX: `| OptClass.X << OptClass.SHIFT` for
   * the sock_get_opt_* it called) of a socket of `kind` (SockKind, `| SockKind.INET6`) whose state
   * word is `word`: 0 or the errno.
   */
  optionGet(abi: number, kind: number, word: number, opt: number): number {
    return this.wasm.option_get(abi, kind, word, opt);
  }

  /** A write of `value` to `opt`: the value to keep (>= 0: what a get reads back), or -errno. */
  optionSet(abi: number, kind: number, word: number, opt: number, value: number): number {
    return this.wasm.option_set(abi, kind, word, opt, value);
  }

  /** What `opt` reads before any write (-EINVAL for an abi, kind or option out of range). */
  optionDefault(abi: number, kind: number, opt: number): number {
    return this.wasm.option_default(abi, kind, opt);
  }

  /** A guest's option number (LINUX: WasmEdge sockopt name 0–14; WASIX: sock_option 0–26) → SockOpt, or -EINVAL. */
  optionFromAbi(abi: number, n: number): number {
    return this.wasm.option_from_abi(abi, n);
  }

  /** A wasi:sockets duration in ns → whole seconds for KEEPIDLE/KEEPINTVL (0 stays 0, else >= 1, rounded down). */
  p2DurationSecs(ns: bigint): number {
    const n = BigInt.asUintN(64, ns);
    return this.wasm.p2_duration_secs(Number(n & 0xffffffffn) | 0, Number(n >> 32n) | 0);
  }

  /** "EADDRINUSE"-style name of a WASI errno ("SUCCESS" for 0, "EUNKNOWN" out of range). */
  errnoName(e: number): string {
    const i = this.slot(e);
    return (this.names[i] ??= this.read(this.wasm.errno_name(i)));
  }

  /** The WASI message of an errno ("Address in use."); "Unknown error." out of range. */
  strerror(e: number): string {
    const i = this.slot(e);
    return (this.messages[i] ??= this.read(this.wasm.errno_message(i)));
  }

  /** Linux errno (a negative one is read as -n, like libuv's err.errno) → WASI errno; unknown → EIO. */
  errnoFromLinux(n: number): number {
    return this.wasm.errno_from_linux(n);
  }

  /** WASI errno → Linux errno; 0 → 0; none of the same name → -1. */
  errnoToLinux(e: number): number {
    return this.wasm.errno_to_linux(e);
  }

  /** WASI errno → wasi:sockets error-code; SUCCESS → -1. */
  errnoToP2(e: number): number {
    return this.wasm.errno_to_p2(e);
  }

  /** WIT name of a wasi:sockets error-code ("invalid-state"); out of range "unknown". */
  p2Name(code: number): string {
    const i = code >>> 0 <= ErrorCode.PERMANENT_RESOLVER_FAILURE ? code : ErrorCode.UNKNOWN;
    return (this.p2Names[i] ??= this.read(this.wasm.p2_name(i)));
  }

  /** A host error code (Node `err.code`, c-ares, Deno class name) → WASI errno; unknown → EIO. */
  errnoFromCode(code: string): number {
    return this.lookup(code) & 0xff;
  }

  /** A host error code → wasi:sockets error-code; unknown → `unknown`. */
  p2FromCode(code: string): number {
    const p2 = (this.lookup(code) >> 8) - 1;
    return p2 === NOT_IN_TABLE ? ErrorCode.UNKNOWN : p2;
  }

  /** Whether the core's table has a row for this host error code. */
  knowsCode(code: string): boolean {
    return this.lookup(code) >> 8 !== 0;
  }

  /** An error a backend threw or emitted → WASI errno: its `code` if the table knows it, else its
   *  `name` (Deno's error classes), else EIO. */
  errnoFromError(err: unknown): number {
    const key = this.errorKey(err);
    return key === undefined ? Errno.IO : this.errnoFromCode(key);
  }

  /** An error a backend threw or emitted → wasi:sockets error-code (`unknown` when nothing matches). */
  p2FromError(err: unknown): number {
    const key = this.errorKey(err);
    return key === undefined ? ErrorCode.UNKNOWN : this.p2FromCode(key);
  }

  /** The backlog a listen() gets: Linux caps (unsigned) `requested` at somaxconn. */
  backlogEffective(requested: number, somaxconn: number): number {
    return this.wasm.backlog_effective(requested, somaxconn);
  }

  /** Whether a connection fits an accept queue holding `queued` (Linux: while queued <= backlog). */
  acceptAdmit(queued: number, backlog: number): boolean {
    return this.wasm.accept_admit(queued, backlog) !== 0;
  }

  /** The ABI's AbiFlag bits (what the host does or asks for its sockets), or -EINVAL. */
  abiFlags(abi: number): number {
    return this.wasm.abi_flags(abi);
  }

  /** An address of `addrFamily` for a socket of `socketFamily`: 0, or the errno answered before
   *  the state's (LINUX/WASIX EAFNOSUPPORT; wasi:sockets checks it with its address rules). */
  familyCheck(abi: number, socketFamily: number, addrFamily: number): number {
    return this.wasm.family_check(abi, socketFamily, addrFamily);
  }

  /** The backlog a listen gets: listen()'s `requested`, or (wasi:sockets) the LISTEN_BACKLOG option
   *  set before (`option`, -1 when none), capped at somaxconn as backlogEffective does. */
  listenBacklog(abi: number, requested: number, option: number, somaxconn: number): number {
    return this.wasm.listen_backlog(abi, requested, option, somaxconn);
  }

  /** The step a datagram send is (UdpOp.SEND or SEND_TO): `explicit`, an address was given;
   *  `toPeer`, it is the connected peer's. */
  udpSendOp(abi: number, explicit: boolean, toPeer: boolean): number {
    return this.wasm.udp_send_op(abi, explicit ? 1 : 0, toPeer ? 1 : 0);
  }

  /** sock_accept's new-fd flags: 0 or EINVAL. */
  checkAcceptFlags(abi: number, fdflags: number): number {
    return this.wasm.check_accept_flags(abi, fdflags);
  }

  /** sock_recv's riflags for this ABI: 0 or EINVAL. */
  checkRiflags(abi: number, flags: number): number {
    return this.wasm.check_riflags(abi, flags);
  }

  /** sock_send's siflags: 0 or EINVAL. */
  checkSiflags(abi: number, flags: number): number {
    return this.wasm.check_siflags(abi, flags);
  }

  /** The TcpOp (SHUT_RD/SHUT_WR/SHUT_RDWR) of a shutdown `how`, or -EINVAL. */
  shutdownOp(abi: number, how: number): number {
    return this.wasm.shutdown_op(abi, how);
  }

  /** fd_fdstat_set_flags on a socket: 0 or EINVAL. */
  checkFdflags(abi: number, fdflags: number): number {
    return this.wasm.check_fdflags(abi, fdflags);
  }

  // Capability policy (docs/core-interface.md "Capability policy"). Rules live in slots of the
  // shared core, one per runtime; host/policy.ts (`Policy`) allocates one and parses rule text.

  /** A free policy slot, now allocated and empty (denies everything); -1 when all 16 are in use. */
  policySlotAlloc(): number {
    return this.wasm.policy_slot_alloc();
  }

  /** Give a slot back: 0, or EINVAL if it was not allocated. */
  policySlotFree(slot: number): number {
    return this.wasm.policy_slot_free(slot);
  }

  /** Drop every rule and name of a slot: 0 or EINVAL. */
  policyClear(slot: number): number {
    return this.wasm.policy_clear(slot);
  }

  /**
   * Allow `kind` (PolicyKind) on `bytes` (IPv4: 4 bytes, IPv6: 16) within the first `prefix` bits,
   * ports lo..hi: 0, EINVAL (bad slot/kind/family/prefix/range) or ENOMEM (slot full).
   */
  policyAdd(slot: number, kind: number, family: number, bytes: Uint8Array, prefix: number, lo: number, hi: number): number {
    this.putAddr(bytes);
    return this.wasm.policy_add(slot, kind, family, prefix, lo, hi);
  }

  /** Whether `kind` on `bytes`:`port` is allowed: 0, else EACCES (EINVAL for bad arguments). Allocates nothing. */
  policyCheck(slot: number, kind: number, family: number, bytes: Uint8Array, port: number): number {
    this.putAddr(bytes);
    return this.check(slot, kind, family, port);
  }

  /** How many rules of `kind` a slot holds (-EINVAL for a bad slot or kind). */
  policyCount(slot: number, kind: number): number {
    return this.wasm.policy_count(slot, kind);
  }

  /** Let a slot resolve every name: 0 or EINVAL. */
  policyAllowResolveAll(slot: number): number {
    return this.wasm.policy_allow_resolve_all(slot);
  }

  /** Let a slot resolve `name` (`*.example.com`: every name below; `*`: all): 0, EINVAL, ENOMEM. */
  policyAddName(slot: number, name: string): number {
    const n = this.putName(name);
    return n < 0 ? Errno.INVAL : this.wasm.policy_add_name(slot, n);
  }

  /** Whether a slot may resolve `name` (case-insensitive, trailing dot ignored): 0 or EACCES (EINVAL if malformed). */
  policyCheckName(slot: number, name: string): number {
    const n = this.putName(name);
    return n < 0 ? Errno.INVAL : this.wasm.policy_check_name(slot, n);
  }

  /** Whether a wasi:sockets socket of `socketFamily` may use this address (`use`: P2AddrUse.BIND or
   *  REMOTE): 0, or EINVAL (invalid-argument) for a wrong family, a non-unicast, IPv4-mapped or
   *  IPv4-compatible address, and for a remote also the unspecified address or port 0. */
  p2CheckAddress(use: number, socketFamily: number, bytes: Uint8Array, port: number): number {
    this.putAddr(bytes);
    return this.wasm.p2_check_address(use, socketFamily, bytes.length === 4 ? 4 : 6, port);
  }

  /** Write an address into scratch[0..16), zero-filled past its bytes. */
  private putAddr(bytes: Uint8Array): void {
    let view = this.addrView;
    if (view.byteLength === 0) view = this.addrView = new Uint8Array(this.wasm.memory.buffer, this.scratch, ADDR_BYTES);
    const n = bytes.length < ADDR_BYTES ? bytes.length : ADDR_BYTES;
    for (let i = 0; i < n; i++) view[i] = bytes[i];
    for (let i = n; i < ADDR_BYTES; i++) view[i] = 0;
  }

  /** Write an ASCII name into the name buffer: its length, or -1 if it is not ASCII or too long. */
  private putName(name: string): number {
    const n = name.length;
    if (n > NAME_BUF_SIZE) return -1;
    let view = this.nameView;
    if (view.byteLength === 0) view = this.nameView = new Uint8Array(this.wasm.memory.buffer, this.wasm.policy_name_ptr(), NAME_BUF_SIZE);
    for (let i = 0; i < n; i++) {
      const c = name.charCodeAt(i);
      if (c > 0x7f) return -1;
      view[i] = c;
    }
    return n;
  }

  /** Every host error code the core's table knows, in table order. */
  knownCodes(): string[] {
    const out: string[] = [];
    for (let i = 0, n = this.wasm.code_count(); i < n; i++) out.push(this.read(this.wasm.code_name(i)));
    return out;
  }

  /** errno → the index its strings are cached under (77 = every out-of-range value). */
  private slot(e: number): number {
    const n = Errno.NOTCAPABLE + 1;
    return e >>> 0 < n ? e : n;
  }

  /** p2 + 1 << 8 | errno for a code, from the cache or the core. */
  private lookup(code: string): number {
    let packed = this.codes.get(code);
    if (packed !== undefined) return packed;
    packed = this.ask(code);
    if (this.codes.size >= CODE_CACHE_LIMIT) this.codes.clear();
    this.codes.set(code, packed);
    return packed;
  }

  private ask(code: string): number {
    const n = code.length;
    if (n > this.scratchSize) return Errno.IO;
    const bytes = new Uint8Array(this.wasm.memory.buffer, this.scratch, n);
    for (let i = 0; i < n; i++) {
      const c = code.charCodeAt(i);
      if (c > 0x7f) return Errno.IO;
      bytes[i] = c;
    }
    return ((this.wasm.p2_from_code(n) + 1) << 8) | this.wasm.errno_from_code(n);
  }

  private errorKey(err: unknown): string | undefined {
    if (typeof err !== "object" || err === null) return undefined;
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === "string" && this.knowsCode(code)) return code;
    if (typeof name === "string" && this.knowsCode(name)) return name; // Deno.errors.* class names
    return undefined;
  }

  /** A static string of the core: UTF-16LE code units at p, byte length at p - 4. */
  private read(p: number): string {
    const view = new DataView(this.wasm.memory.buffer);
    const bytes = view.getUint32(p - 4, true);
    let s = "";
    for (let i = 0; i < bytes; i += 2) s += String.fromCharCode(view.getUint16(p + i, true));
    return s;
  }
}
