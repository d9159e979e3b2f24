// The guest's end of test/net/send-path.test.ts: in a worker thread, as on the worker bridge, a
// GuestContext over a RemoteKernel calls the send imports of each ABI on guest memory laid out
// by SCENARIOS, then receives DATAGRAMS, counting the bytes it copies (every copy is a Uint8Array
// set() or slice()), and posts the results. The test's thread serves the channel and checks what
// the kernel got.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { Core } from "../../host/core/core.js";
import { GuestContext } from "../../host/wasi/context.js";
import { guestImports } from "../../host/abi/imports.js";
import { RemoteKernel } from "../../host/bridge/remote-kernel.js";
import { P2Context } from "../../host/abi/p2/context.js";
import { OutputStream } from "../../host/abi/p2/streams.js";
import { IncomingDatagramStream, OutgoingDatagramStream } from "../../host/abi/p2/udp.js";

export const PAGES = 80;
export const MEM_END = PAGES * 65536;
/** Where each scenario's iovec array, answer and address are written (below every payload). */
const IOVS = 0x100, RET = 0x80, ADDR = 0x40;
/** Where a datagram is received: above every send's bytes. */
const RECV_AT = 0x480000;
export const STDOUT = -1;

export interface Scenario {
  name: string;
  /** An ABI's import; p2.*: a wasi:sockets resource's method, given a view of guest memory as the
   *  bindings lend it (host/p2/component.ts: lendWrites). */
  call: "p1.sock_send" | "p1.fd_write" | "wx.sock_send" | "wx.sock_send_to" | "we.sock_send_to" | "p2.write" | "p2.blocking-write-and-flush" | "p2.udp-send";
  /** The kernel handle of the socket, or STDOUT. */
  handle: number;
  dgram?: boolean;
  /** [ptr, len] pairs (below RECV_AT). */
  iovs: [number, number][];
  /** Where the iovec array is (default IOVS). */
  iovsAt?: number;
  /** The errno the call must return. */
  errno: number;
}

const MiB = 1 << 20;
const FAULT = 21, SUCCESS = 0;

export const SCENARIOS: Scenario[] = [
  { name: "preview1 sock_send of three iovecs, 3 MiB in all (pieces, posted and not)", call: "p1.sock_send", handle: 7,
    iovs: [[0x10000, MiB + 1], [0x300000, 2], [0x200000, MiB - 3], [0x110001, 1 << 16]], errno: SUCCESS },
  { name: "WASIX sock_send of 3 MiB in one call: bigger than the channel", call: "wx.sock_send", handle: 8,
    iovs: [[0x100000, 3 * MiB]], errno: SUCCESS },
  { name: "fd_write of 2.5 MiB to stdout", call: "p1.fd_write", handle: STDOUT, iovs: [[0x80000, 2.5 * MiB]], errno: SUCCESS },
  { name: "fd_write to a socket", call: "p1.fd_write", handle: 9, iovs: [[0x1000, 100], [0x3000, 0], [0x2000, 7]], errno: SUCCESS },
  { name: "small sends after the room is known are posted", call: "p1.sock_send", handle: 9, iovs: [[0x4000, 300], [0x5000, 1]], errno: SUCCESS },
  { name: "preview1 sock_send whose last iovec straddles the end of memory", call: "p1.sock_send", handle: 9,
    iovs: [[0x1000, 10], [MEM_END - 4, 8]], errno: FAULT },
  { name: "preview1 sock_send whose iovec array straddles the end of memory", call: "p1.sock_send", handle: 9,
    iovs: [[0x1000, 10], [0x1000, 10]], iovsAt: MEM_END - 12, errno: FAULT },
  { name: "fd_write to stdout of an iovec past the end of memory", call: "p1.fd_write", handle: STDOUT, iovs: [[MEM_END, 1]], errno: FAULT },
  { name: "WASIX sock_send of 3 MiB straddling the end of memory", call: "wx.sock_send", handle: 8, iovs: [[MEM_END - 3 * MiB + 1, 3 * MiB]], errno: FAULT },
  { name: "WASIX sock_send_to of a datagram straddling the end of memory", call: "wx.sock_send_to", handle: 10, dgram: true,
    iovs: [[MEM_END - 100, 101]], errno: FAULT },
  { name: "WASIX sock_send_to of a 60000-byte datagram in two iovecs", call: "wx.sock_send_to", handle: 10, dgram: true,
    iovs: [[0x40000, 30000], [0x20000, 30000]], errno: SUCCESS },
  { name: "WasmEdge sock_send_to of a datagram", call: "we.sock_send_to", handle: 11, dgram: true, iovs: [[0x6000, 1000]], errno: SUCCESS },
  { name: "wasi:io output-stream write", call: "p2.write", handle: 12, iovs: [[0x7000, 4096]], errno: SUCCESS },
  { name: "wasi:io output-stream blocking-write-and-flush of 2 MiB", call: "p2.blocking-write-and-flush", handle: 12, iovs: [[0x9000, 2 * MiB]], errno: SUCCESS },
  { name: "wasi:io stdout write", call: "p2.write", handle: STDOUT, iovs: [[0x8000, 777]], errno: SUCCESS },
  { name: "wasi:sockets UDP send", call: "p2.udp-send", handle: 13, dgram: true, iovs: [[0xa000, 1200]], errno: SUCCESS },
];

/** The datagrams the host has for the receive checks: WASIX's sock_recv_from takes the first (on
 *  handle RECV_WX), a wasi:sockets receive of three the others (on RECV_P2). */
export const DATAGRAMS = [1000, 3000, 170, 60000];
const ADDRESS_MAX = 64;
export const RECV_WX = 20, RECV_P2 = 21;
export const datagram = (k: number): Uint8Array => Uint8Array.from({ length: DATAGRAMS[k]! }, (_, i) => (k * 37 + i * 11) & 0xff);

export interface Received {
  /** Each datagram arrived whole and right. */
  right: boolean[];
  /** Bytes the guest's thread copied, beside the copies into guest memory (jco lowers a
   *  wasi:sockets receive's after it returns, so there are none there). */
  copied: number;
}

/** The byte every guest address holds. */
export const pattern = (a: number): number => (a ^ (a >>> 8) ^ (a >>> 16) ^ 0x5a) & 0xff;

export interface Result {
  errno: number;
  /** The byte count the call wrote. */
  n: number;
  /** Bytes the guest's thread copied during the call. */
  copied: number;
}

function run(sab: SharedArrayBuffer): { sends: Result[]; receives: Received[] } {
  const ctx = new GuestContext(new RemoteKernel(sab), Core.load(), [], []);
  const memory = new WebAssembly.Memory({ initial: PAGES });
  ctx.mem.bind(memory);
  const u8 = new Uint8Array(memory.buffer), dv = new DataView(memory.buffer);
  for (let a = 0; a < MEM_END; a++) u8[a] = pattern(a);
  const { wasi_snapshot_preview1: p1, wasix_32v1: wx } = guestImports(ctx).modules;
  const fn = (m: Record<string, unknown>, name: string) => m[name] as (...a: number[]) => number;

  let copied = 0;
  const set = Uint8Array.prototype.set;
  // While receiving, a slice() is counted too, and an address's few bytes are not (its text, its
  // bytes: at most 46); every datagram is larger.
  let receiving = false;
  const count = (n: number): void => void (receiving && n <= ADDRESS_MAX ? 0 : (copied += n));
  Uint8Array.prototype.set = function (this: Uint8Array, from: ArrayLike<number>, at?: number): void {
    count(from.length);
    set.call(this, from, at);
  } as typeof set;
  const slice = Uint8Array.prototype.slice;
  Uint8Array.prototype.slice = function (this: Uint8Array, start?: number, end?: number): Uint8Array {
    const out = slice.call(this, start, end);
    if (receiving) count(out.length);
    return out;
  } as typeof slice;

  const p2 = new P2Context(ctx.kernel);
  const fds = new Map<number, number>();
  const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  const receives: Received[] = [];
  receiving = true;
  {
    const fd = ctx.fds.insert({ kind: "socket", handle: RECV_WX, flags: 0, dgram: true });
    dv.setUint32(IOVS, RECV_AT, true);
    dv.setUint32(IOVS + 4, 65536, true);
    copied = 0;
    const errno = fn(wx, "sock_recv_from")(fd, IOVS, 1, 0, RET, RET + 4, 0x200);
    const got = u8.subarray(RECV_AT, RECV_AT + dv.getUint32(RET, true));
    receives.push({ right: [errno === SUCCESS && same(got, datagram(0))], copied: copied - got.length });
    copied = 0;
    const list = new IncomingDatagramStream(p2, RECV_P2).receive(3n);
    receives.push({ right: list.map((d, k) => same(d.data, datagram(k + 1))), copied });
  }
  receiving = false;
  const sends = SCENARIOS.map((sc) => {
    if (sc.call.startsWith("p2.")) {
      const [p, len] = sc.iovs[0]!;
      const lent = u8.subarray(p, p + len);
      copied = 0;
      if (sc.call === "p2.udp-send") {
        const out = new OutgoingDatagramStream(p2, sc.handle);
        out.checkSend();
        out.send([{ data: lent, remoteAddress: { tag: "ipv4", val: { port: 5353, address: [127, 0, 0, 1] } } }]);
      } else {
        const out = new OutputStream(p2, sc.handle === STDOUT ? -1 : sc.handle);
        if (sc.call === "p2.write") out.write(lent);
        else void out.blockingWriteAndFlush(lent);
      }
      return { errno: SUCCESS, n: len, copied };
    }
    let fd = sc.handle === STDOUT ? 1 : fds.get(sc.handle);
    if (fd === undefined) fds.set(sc.handle, (fd = ctx.fds.insert({ kind: "socket", handle: sc.handle, flags: 0, dgram: sc.dgram })));
    const at = sc.iovsAt ?? IOVS;
    sc.iovs.forEach(([p, len], k) => {
      if (at + k * 8 + 8 > MEM_END) return;
      dv.setUint32(at + k * 8, p, true);
      dv.setUint32(at + k * 8 + 4, len, true);
    });
    dv.setUint32(RET, 0xdeadbeef, true);
    const n = sc.iovs.length;
    copied = 0;
    let errno: number;
    switch (sc.call) {
      case "p1.sock_send": errno = fn(p1, "sock_send")(fd, at, n, 0, RET); break;
      case "p1.fd_write": errno = fn(p1, "fd_write")(fd, at, n, RET); break;
      case "wx.sock_send": errno = fn(wx, "sock_send")(fd, at, n, 0, RET); break;
      case "wx.sock_send_to":
        // addr_port_t: INET4, the port, 127.0.0.1.
        dv.setUint16(ADDR, 1, true);
        dv.setUint16(ADDR + 2, 5353, true);
        dv.setUint32(ADDR + 4, 0x0100007f, true);
        errno = fn(wx, "sock_send_to")(fd, at, n, 0, ADDR, RET);
        break;
      case "we.sock_send_to":
        // WasiAddress {buf, buf_len 4} → 127.0.0.1, port as an argument.
        dv.setUint32(ADDR, ADDR + 8, true);
        dv.setUint32(ADDR + 4, 4, true);
        dv.setUint32(ADDR + 8, 0x0100007f, true);
        errno = fn(p1, "sock_send_to")(fd, at, n, ADDR, 5353, 0, RET);
        break;
      default:
        throw new Error(`no such call: ${sc.call}`);
    }
    return { errno, n: dv.getUint32(RET, true), copied };
  });
  return { sends, receives };
}

if (!isMainThread && (workerData as { sendPath?: boolean } | undefined)?.sendPath) {
  const { sab } = workerData as { sab: SharedArrayBuffer };
  parentPort!.postMessage(run(sab));
}
