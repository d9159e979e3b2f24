// Socket options, table-driven: for every ABI, every option × socket kind × get/set, the errno the
// core gives; the boundaries of every value rule; every default; the guests' numberings. The
// expected tables are written out here; a changed cell in assembly/options.ts fails this test.
// LINUX rows and values are what Linux 6.18 answered (python3 sockets, loopback), with the stock
// sysctls (rmem_max = wmem_max = 212992, tcp_rmem[2] = 6 MiB) where the machine's differ.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";
import { Abi, Errno, OptClass, SockKind, SockOpt, TcpState, UdpState } from "../../host/core/enums.js";

const core = Core.load();
const I32_MAX = 0x7fffffff;
/** A word bit no rule looks at. */
const Word80 = 0x80;

/** Row order: SockOpt 0–31. */
const OPTS = [
  "NOOP", "ERROR", "TYPE", "ACCEPTCONN", "REUSEADDR", "KEEPALIVE", "RCVBUF", "SNDBUF", "NODELAY", "LINGER",
  "BROADCAST", "DONTROUTE", "OOBINLINE", "RCVLOWAT", "RCVTIMEO", "SNDTIMEO", "KEEPIDLE", "KEEPINTVL", "KEEPCNT",
  "TTL", "V6ONLY", "LISTEN_BACKLOG", "REUSEPORT", "SNDLOWAT", "MULTICAST_LOOP_V4", "MULTICAST_LOOP_V6",
  "MULTICAST_TTL_V4", "CONNECT_TIMEOUT", "ACCEPT_TIMEOUT", "PROMISCUOUS", "PROTOCOL", "BINDTODEVICE",
] as const;
type OptName = (typeof OPTS)[number];
const KINDS = [SockKind.TCP, SockKind.LISTENER, SockKind.STREAM, SockKind.UDP] as const;
const KIND_NAMES = ["TCP", "LISTENER", "STREAM", "UDP"];
/** The state word the matrices are checked in, per kind: unbound, listening, connected, bound. */
const BASE_WORD = [TcpState.UNBOUND, TcpState.LISTENING, TcpState.CONNECTED, UdpState.BOUND];
/** A value every ABI accepts for each option, for the set column. */
const GOOD: Partial<Record<OptName, number>> = {
  KEEPIDLE: 10, KEEPINTVL: 10, KEEPCNT: 5, TTL: 10, MULTICAST_TTL_V4: 5, LINGER: 6, BINDTODEVICE: 0,
  RCVTIMEO: 1000, SNDTIMEO: 1000, CONNECT_TIMEOUT: 1000, ACCEPT_TIMEOUT: 1000, RCVBUF: 65536, SNDBUF: 65536,
};

/**
 * One row per option: "get: TCP LISTENER STREAM UDP | set: TCP LISTENER STREAM UDP". Cells: `ok` or
 * the errno's WASI name (IS: invalid-state, EBADF).
 */
type Matrix = Record<OptName, string>;

// prettier-ignore
const LINUX_V4: Matrix = {
  NOOP:              "NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  ERROR:             "ok ok ok ok                                 | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  TYPE:              "ok ok ok ok                                 | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  ACCEPTCONN:        "ok ok ok ok                                 | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  REUSEADDR:         "ok ok ok ok                                 | ok ok ok ok",
  KEEPALIVE:         "ok ok ok ok                                 | ok ok ok ok",
  RCVBUF:            "ok ok ok ok                                 | ok ok ok ok",
  SNDBUF:            "ok ok ok ok                                 | ok ok ok ok",
  NODELAY:           "ok ok ok NOTSUP                             | ok ok ok NOPROTOOPT",
  LINGER:            "ok ok ok ok                                 | ok ok ok ok",
  BROADCAST:         "ok ok ok ok                                 | ok ok ok ok",
  DONTROUTE:         "ok ok ok ok                                 | ok ok ok ok",
  OOBINLINE:         "ok ok ok ok                                 | ok ok ok ok",
  RCVLOWAT:          "ok ok ok ok                                 | ok ok ok ok",
  RCVTIMEO:          "ok ok ok ok                                 | ok ok ok ok",
  SNDTIMEO:          "ok ok ok ok                                 | ok ok ok ok",
  KEEPIDLE:          "ok ok ok NOTSUP                             | ok ok ok NOPROTOOPT",
  KEEPINTVL:         "ok ok ok NOTSUP                             | ok ok ok NOPROTOOPT",
  KEEPCNT:           "ok ok ok NOTSUP                             | ok ok ok NOPROTOOPT",
  TTL:               "ok ok ok ok                                 | ok ok ok ok",
  V6ONLY:            "NOTSUP NOTSUP NOTSUP NOTSUP                 | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  LISTEN_BACKLOG:    "NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  REUSEPORT:         "ok ok ok ok                                 | ok ok ok ok",
  SNDLOWAT:          "ok ok ok ok                                 | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  MULTICAST_LOOP_V4: "ok ok ok ok                                 | ok ok ok ok",
  MULTICAST_LOOP_V6: "NOTSUP NOTSUP NOTSUP NOTSUP                 | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  MULTICAST_TTL_V4:  "ok ok ok ok                                 | INVAL INVAL INVAL ok",
  CONNECT_TIMEOUT:   "NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  ACCEPT_TIMEOUT:    "NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  PROMISCUOUS:       "NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  PROTOCOL:          "ok ok ok ok                                 | NOPROTOOPT NOPROTOOPT NOPROTOOPT NOPROTOOPT",
  BINDTODEVICE:      "ok ok ok ok                                 | ok ok ok ok",
};

/** IPv6 sockets: TCP-level gets on UDP are ENOPROTOOPT; the IPv6 options exist (V6ONLY only before bind). */
// prettier-ignore
const LINUX_V6: Matrix = {
  ...LINUX_V4,
  NODELAY:           "ok ok ok NOPROTOOPT | ok ok ok NOPROTOOPT",
  KEEPIDLE:          "ok ok ok NOPROTOOPT | ok ok ok NOPROTOOPT",
  KEEPINTVL:         "ok ok ok NOPROTOOPT | ok ok ok NOPROTOOPT",
  KEEPCNT:           "ok ok ok NOPROTOOPT | ok ok ok NOPROTOOPT",
  V6ONLY:            "ok ok ok ok         | ok INVAL INVAL INVAL",
  MULTICAST_LOOP_V6: "ok ok ok ok         | ok ok ok ok",
};

// Wasmer's kinds: TCP = pre-socket, LISTENER = TcpListener, STREAM = TcpStream, UDP = bound UdpSocket.
// prettier-ignore
const WASIX: Matrix = {
  NOOP:              "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  ERROR:             "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  TYPE:              "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  ACCEPTCONN:        "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  REUSEADDR:         "ok NOTSUP INVAL INVAL     | ok INVAL INVAL INVAL",
  KEEPALIVE:         "ok NOTSUP ok INVAL        | ok INVAL ok INVAL",
  RCVBUF:            "ok NOTSUP ok NOTSUP       | ok NOTSUP ok NOTSUP",
  SNDBUF:            "ok NOTSUP ok NOTSUP       | ok NOTSUP ok NOTSUP",
  NODELAY:           "ok NOTSUP ok INVAL        | ok INVAL ok INVAL",
  LINGER:            "INVAL INVAL INVAL NOTSUP  | IO INVAL INVAL NOTSUP",
  BROADCAST:         "INVAL NOTSUP INVAL ok     | INVAL INVAL INVAL ok",
  DONTROUTE:         "INVAL NOTSUP ok INVAL     | ok INVAL ok INVAL",
  OOBINLINE:         "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  RCVLOWAT:          "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  RCVTIMEO:          "ok INVAL ok NOTSUP        | ok INVAL ok NOTSUP",
  SNDTIMEO:          "ok INVAL ok NOTSUP        | ok INVAL ok NOTSUP",
  KEEPIDLE:          "INVAL INVAL INVAL INVAL   | INVAL INVAL INVAL INVAL",
  KEEPINTVL:         "INVAL INVAL INVAL INVAL   | INVAL INVAL INVAL INVAL",
  KEEPCNT:           "INVAL INVAL INVAL INVAL   | INVAL INVAL INVAL INVAL",
  TTL:               "IO NOTSUP ok ok           | IO NOTSUP ok ok",
  V6ONLY:            "ok NOTSUP INVAL INVAL     | ok INVAL INVAL INVAL",
  LISTEN_BACKLOG:    "INVAL INVAL INVAL INVAL   | INVAL INVAL INVAL INVAL",
  REUSEPORT:         "ok NOTSUP INVAL INVAL     | ok INVAL INVAL INVAL",
  SNDLOWAT:          "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  MULTICAST_LOOP_V4: "INVAL NOTSUP INVAL ok     | INVAL INVAL INVAL ok",
  MULTICAST_LOOP_V6: "INVAL NOTSUP INVAL ok     | INVAL INVAL INVAL ok",
  MULTICAST_TTL_V4:  "IO NOTSUP NOTSUP ok       | IO NOTSUP NOTSUP ok",
  CONNECT_TIMEOUT:   "ok INVAL INVAL NOTSUP     | ok INVAL INVAL NOTSUP",
  ACCEPT_TIMEOUT:    "ok ok INVAL NOTSUP        | ok ok INVAL NOTSUP",
  PROMISCUOUS:       "INVAL NOTSUP INVAL INVAL  | INVAL INVAL INVAL INVAL",
  PROTOCOL:          "INVAL INVAL INVAL INVAL   | INVAL INVAL INVAL INVAL",
  BINDTODEVICE:      "INVAL INVAL INVAL INVAL   | INVAL INVAL INVAL INVAL",
};

/** Which of sock_{get,set}_opt_{flag,time,size} handles each option in Wasmer (NONE: not a WASIX option). */
// prettier-ignore
const WASIX_FAMILY: Record<OptName, "FLAG" | "TIME" | "SIZE" | "NONE"> = {
  NOOP: "FLAG", ERROR: "FLAG", TYPE: "FLAG", ACCEPTCONN: "FLAG", REUSEADDR: "FLAG", KEEPALIVE: "FLAG", RCVBUF: "SIZE",
  SNDBUF: "SIZE", NODELAY: "FLAG", LINGER: "TIME", BROADCAST: "FLAG", DONTROUTE: "FLAG", OOBINLINE: "FLAG",
  RCVLOWAT: "FLAG", RCVTIMEO: "TIME", SNDTIMEO: "TIME", KEEPIDLE: "NONE", KEEPINTVL: "NONE", KEEPCNT: "NONE",
  TTL: "SIZE", V6ONLY: "FLAG", LISTEN_BACKLOG: "NONE", REUSEPORT: "FLAG", SNDLOWAT: "FLAG", MULTICAST_LOOP_V4: "FLAG",
  MULTICAST_LOOP_V6: "FLAG", MULTICAST_TTL_V4: "SIZE", CONNECT_TIMEOUT: "TIME", ACCEPT_TIMEOUT: "TIME",
  PROMISCUOUS: "FLAG", PROTOCOL: "SIZE", BINDTODEVICE: "NONE",
};

const NO = "NOTSUP NOTSUP NOTSUP NOTSUP | NOTSUP NOTSUP NOTSUP NOTSUP";
// prettier-ignore
const P2: Matrix = {
  NOOP: NO, ERROR: NO, TYPE: NO, ACCEPTCONN: NO, REUSEADDR: NO,
  KEEPALIVE:         "ok ok ok NOTSUP | ok ok ok NOTSUP",
  RCVBUF:            "ok ok ok ok     | ok ok ok ok",
  SNDBUF:            "ok ok ok ok     | ok ok ok ok",
  NODELAY: NO, LINGER: NO, BROADCAST: NO, DONTROUTE: NO, OOBINLINE: NO, RCVLOWAT: NO, RCVTIMEO: NO, SNDTIMEO: NO,
  KEEPIDLE:          "ok ok ok NOTSUP | ok ok ok NOTSUP",
  KEEPINTVL:         "ok ok ok NOTSUP | ok ok ok NOTSUP",
  KEEPCNT:           "ok ok ok NOTSUP | ok ok ok NOTSUP",
  TTL:               "ok ok ok ok     | ok ok ok ok",
  V6ONLY: NO,
  LISTEN_BACKLOG:    "NOTSUP NOTSUP NOTSUP NOTSUP | ok ok IS NOTSUP",
  REUSEPORT: NO, SNDLOWAT: NO, MULTICAST_LOOP_V4: NO, MULTICAST_LOOP_V6: NO, MULTICAST_TTL_V4: NO,
  CONNECT_TIMEOUT: NO, ACCEPT_TIMEOUT: NO, PROMISCUOUS: NO, PROTOCOL: NO, BINDTODEVICE: NO,
};

function errnoOf(cell: string): number {
  if (cell === "ok") return 0;
  if (cell === "IS") return Errno.BADF;
  const e = (Errno as Record<string, number>)[cell];
  assert.ok(e !== undefined && e !== 0, `bad cell ${cell}`);
  return e;
}

/** [get errnos, set errnos] of a row, 4 each. */
function parse(row: string): [number[], number[]] {
  const [g, s] = row.split("|").map((h) => h.trim().split(/\s+/).map(errnoOf));
  assert.equal(g!.length, 4, row);
  assert.equal(s!.length, 4, row);
  return [g!, s!];
}

/** The value `set` is checked with, and whether a set succeeded as the cell says. */
function setResult(abi: number, kind: number, word: number, opt: number, value: number): number {
  const r = core.optionSet(abi, kind, word, opt, value);
  return r >= 0 ? 0 : -r;
}

function checkMatrix(abi: number, matrix: Matrix, family = 0): void {
  assert.deepEqual(Object.keys(matrix).sort(), [...OPTS].sort());
  const wrong: string[] = [];
  OPTS.forEach((name, opt) => {
    const [get, set] = parse(matrix[name]);
    KINDS.forEach((kind, k) => {
      const word = BASE_WORD[k]!;
      const g = core.optionGet(abi, kind | family, word, opt);
      const s = setResult(abi, kind | family, word, opt, GOOD[name] ?? 1);
      if (g !== get[k]) wrong.push(`${name} ${KIND_NAMES[k]} get: got ${core.errnoName(g)}, want ${core.errnoName(get[k]!)}`);
      if (s !== set[k]) wrong.push(`${name} ${KIND_NAMES[k]} set: got ${core.errnoName(s)}, want ${core.errnoName(set[k]!)}`);
    });
  });
  assert.deepEqual(wrong, []);
}

describe("option tables", () => {
  it("enums.ts SockOpt is the row order here; 1–15 keep host/sockets/api.ts's numbers", () => {
    assert.deepEqual(Object.keys(SockOpt), [...OPTS]);
    assert.deepEqual(Object.values(SockOpt), OPTS.map((_, i) => i));
    const api = { ERROR: 1, TYPE: 2, ACCEPTCONN: 3, REUSEADDR: 4, KEEPALIVE: 5, RCVBUF: 6, SNDBUF: 7, NODELAY: 8, LINGER: 9, BROADCAST: 10, DONTROUTE: 11, OOBINLINE: 12, RCVLOWAT: 13, RCVTIMEO: 14, SNDTIMEO: 15 };
    for (const [name, n] of Object.entries(api)) assert.equal((SockOpt as Record<string, number>)[name], n, name);
  });

  it("LINUX, IPv4", () => checkMatrix(Abi.LINUX, LINUX_V4));
  it("LINUX, IPv6", () => checkMatrix(Abi.LINUX, LINUX_V6, SockKind.INET6));
  it("WASIX (each option through its own function)", () => checkMatrix(Abi.WASIX, WASIX));
  it("WASIX ignores the family", () => checkMatrix(Abi.WASIX, WASIX, SockKind.INET6));
  it("P2", () => checkMatrix(Abi.P2, P2));
  it("P2 ignores the family", () => checkMatrix(Abi.P2, P2, SockKind.INET6));

  it("WASIX: every option through every function (flag, time, size)", () => {
    const wrong: string[] = [];
    OPTS.forEach((name, opt) => {
      const [get, set] = parse(WASIX[name]);
      for (const [cls, clsName] of [[OptClass.FLAG, "FLAG"], [OptClass.TIME, "TIME"], [OptClass.SIZE, "SIZE"]] as const) {
        const own = WASIX_FAMILY[name];
        KINDS.forEach((kind, k) => {
          // The right function: the table. The wrong one: flag functions answer ENOTSUP for a
          // listener's get, EINVAL otherwise; time and size functions reject the option (EINVAL).
          const wantGet = own === clsName ? get[k]! : own !== "NONE" && clsName === "FLAG" && kind === SockKind.LISTENER ? Errno.NOTSUP : Errno.INVAL;
          const wantSet = own === clsName ? set[k]! : Errno.INVAL;
          const value = clsName === "FLAG" ? 1 : GOOD[name] ?? 1;
          const g = core.optionGet(Abi.WASIX, kind, BASE_WORD[k]!, opt | (cls << OptClass.SHIFT));
          const s = setResult(Abi.WASIX, kind, BASE_WORD[k]!, opt | (cls << OptClass.SHIFT), value);
          if (g !== wantGet) wrong.push(`${name} via ${clsName} ${KIND_NAMES[k]} get: got ${core.errnoName(g)}, want ${core.errnoName(wantGet)}`);
          if (s !== wantSet) wrong.push(`${name} via ${clsName} ${KIND_NAMES[k]} set: got ${core.errnoName(s)}, want ${core.errnoName(wantSet)}`);
        });
      }
    });
    assert.deepEqual(wrong, []);
  });

  it("WASIX: a flag other than 0/1 is EINVAL before anything else", () => {
    OPTS.forEach((name, opt) => {
      for (const kind of KINDS) {
        for (const v of [2, -1, 0x7fffffff]) {
          assert.equal(core.optionSet(Abi.WASIX, kind, BASE_WORD[kind]!, opt | (OptClass.FLAG << OptClass.SHIFT), v), -Errno.INVAL, `${name} ${v}`);
          if (WASIX_FAMILY[name] === "FLAG") assert.equal(core.optionSet(Abi.WASIX, kind, BASE_WORD[kind]!, opt, v), -Errno.INVAL, `${name} ${v} (own)`);
        }
      }
    });
  });

  it("WASIX: an unbound UDP socket is a pre-socket", () => {
    OPTS.forEach((name, opt) => {
      for (const cls of [OptClass.ANY, OptClass.FLAG, OptClass.TIME, OptClass.SIZE]) {
        const o = opt | (cls << OptClass.SHIFT);
        const v = cls === OptClass.FLAG ? 1 : GOOD[name] ?? 1;
        assert.equal(core.optionGet(Abi.WASIX, SockKind.UDP, UdpState.UNBOUND, o), core.optionGet(Abi.WASIX, SockKind.TCP, TcpState.UNBOUND, o), `${name} get`);
        assert.equal(core.optionSet(Abi.WASIX, SockKind.UDP, UdpState.UNBOUND, o, v), core.optionSet(Abi.WASIX, SockKind.TCP, TcpState.UNBOUND, o, v), `${name} set`);
      }
    });
    assert.equal(core.optionGet(Abi.WASIX, SockKind.UDP, UdpState.UNBOUND, SockOpt.BROADCAST), Errno.INVAL);
    assert.equal(core.optionGet(Abi.WASIX, SockKind.UDP, UdpState.CONNECTED, SockOpt.BROADCAST), 0);
  });

  it("every ABI: a closed socket is EBADF (P2: invalid-state)", () => {
    for (const abi of [Abi.LINUX, Abi.WASIX, Abi.P2]) {
      OPTS.forEach((name, opt) => {
        for (const kind of KINDS) {
          assert.equal(core.optionGet(abi, kind, TcpState.CLOSED, opt), Errno.BADF, `${abi} ${name}`);
          assert.equal(core.optionSet(abi, kind, TcpState.CLOSED | Word80, opt, GOOD[name] ?? 1), -Errno.BADF, `${abi} ${name}`);
        }
      });
    }
  });

  it("P2: every option is invalid-state while connecting; other states are the base answer", () => {
    OPTS.forEach((name, opt) => {
      for (const kind of [SockKind.TCP, SockKind.STREAM]) {
        assert.equal(core.optionGet(Abi.P2, kind, TcpState.CONNECTING, opt), Errno.BADF, name);
        assert.equal(core.optionSet(Abi.P2, kind, TcpState.CONNECTING, opt, GOOD[name] ?? 1), -Errno.BADF, name);
      }
      for (const word of [TcpState.BIND_IN_PROGRESS, TcpState.BOUND, TcpState.LISTEN_IN_PROGRESS]) {
        assert.equal(core.optionGet(Abi.P2, SockKind.TCP, word, opt), core.optionGet(Abi.P2, SockKind.TCP, TcpState.UNBOUND, opt), name);
        assert.equal(core.optionSet(Abi.P2, SockKind.TCP, word, opt, 5), core.optionSet(Abi.P2, SockKind.TCP, TcpState.UNBOUND, opt, 5), name);
      }
    });
  });

  it("LINUX: IPV6_V6ONLY can be set only while the socket has no port", () => {
    const v6 = SockKind.INET6;
    for (const [kind, word, want] of [
      [SockKind.TCP, TcpState.UNBOUND, 0], [SockKind.TCP, TcpState.BOUND, Errno.INVAL], [SockKind.STREAM, TcpState.CONNECTING, Errno.INVAL],
      [SockKind.UDP, UdpState.UNBOUND, 0], [SockKind.UDP, UdpState.BOUND, Errno.INVAL], [SockKind.UDP, UdpState.CONNECTED, Errno.INVAL],
    ] as const) {
      assert.equal(setResult(Abi.LINUX, kind | v6, word, SockOpt.V6ONLY, 1), want, `${kind} ${word}`);
      assert.equal(core.optionGet(Abi.LINUX, kind | v6, word, SockOpt.V6ONLY), 0, `${kind} ${word} get`);
      assert.equal(setResult(Abi.LINUX, kind, word, SockOpt.V6ONLY, 1), Errno.NOPROTOOPT, `${kind} ${word} v4`);
    }
  });

  it("arguments out of range are EINVAL", () => {
    const ok = [Abi.LINUX, SockKind.TCP, TcpState.UNBOUND, SockOpt.REUSEADDR] as const;
    const cases: [number, number, number, number][] = [
      [-1, ok[1], ok[2], ok[3]], [4, ok[1], ok[2], ok[3]],
      [ok[0], -1, ok[2], ok[3]], [ok[0], 8, ok[2], ok[3]],
      [ok[0], ok[1], -1, ok[3]], [ok[0], ok[1], 0x100, ok[3]], [ok[0], ok[1], 8, ok[3]], [ok[0], ok[1], 15, ok[3]],
      [ok[0], ok[1], ok[2], -1], [ok[0], ok[1], ok[2], 32], [ok[0], ok[1], ok[2], 0x400 | SockOpt.REUSEADDR],
      // an OptClass for a non-WASIX ABI
      [Abi.LINUX, ok[1], ok[2], SockOpt.REUSEADDR | (OptClass.FLAG << OptClass.SHIFT)],
      [Abi.P2, ok[1], ok[2], SockOpt.TTL | (OptClass.SIZE << OptClass.SHIFT)],
    ];
    for (const [abi, kind, word, opt] of cases) {
      assert.equal(core.optionGet(abi, kind, word, opt), Errno.INVAL, `get ${abi} ${kind} ${word} ${opt}`);
      assert.equal(core.optionSet(abi, kind, word, opt, 1), -Errno.INVAL, `set ${abi} ${kind} ${word} ${opt}`);
    }
    for (const [abi, kind, opt] of [[-1, 0, 4], [4, 0, 4], [0, -1, 4], [0, 8, 4], [0, 0, -1], [0, 0, 32], [1, 0, 0x104]]) {
      assert.equal(core.optionDefault(abi!, kind!, opt!), -Errno.INVAL, `default ${abi} ${kind} ${opt}`);
    }
    // The word's upper bits (shutdown, peer-closed, 0x80) do not matter.
    assert.equal(core.optionGet(Abi.LINUX, SockKind.STREAM, TcpState.CONNECTED | 0xf0, SockOpt.NODELAY), 0);
  });
});

/** [value set, value stored or -errno] pairs. */
type Cases = [number, number][];
const inval = -Errno.INVAL;

function checkValues(abi: number, kind: number, word: number, opt: number, cases: Cases): void {
  for (const [v, want] of cases) assert.equal(core.optionSet(abi, kind, word, opt, v), want, `abi ${abi} kind ${kind} ${OPTS[opt]} ${v}`);
}

describe("option values", () => {
  const T = SockKind.TCP, U = SockKind.UDP, S = SockKind.STREAM, L = SockKind.LISTENER;
  const t0 = TcpState.UNBOUND, u2 = UdpState.BOUND, s6 = TcpState.CONNECTED;

  it("LINUX: buffer sizes double, capped at rmem_max/wmem_max (212992), at least the minimum (probed)", () => {
    // Probed: 0, 1, 1000, 1152 -> 2304; 1153 -> 2306; 65536 -> 131072; 100000 -> 200000 (TCP and UDP).
    const rcv: Cases = [[0, 2304], [1, 2304], [1000, 2304], [1152, 2304], [1153, 2306], [65536, 131072], [100000, 200000],
      [212992, 425984], [212993, 425984], [I32_MAX, 425984], [-1, 425984], [-0x80000000, 425984]];
    const snd: Cases = [[0, 4608], [1, 4608], [1000, 4608], [2304, 4608], [2305, 4610], [65536, 131072],
      [212992, 425984], [212993, 425984], [-1, 425984]];
    for (const [kind, word] of [[T, t0], [L, TcpState.LISTENING], [S, s6], [U, u2]] as const) {
      checkValues(Abi.LINUX, kind, word, SockOpt.RCVBUF, rcv);
      checkValues(Abi.LINUX, kind, word, SockOpt.SNDBUF, snd);
    }
  });

  it("LINUX: SO_RCVLOWAT: 0 reads 1, negative is INT_MAX, TCP caps at tcp_rmem[2]/2 (probed)", () => {
    checkValues(Abi.LINUX, T, t0, SockOpt.RCVLOWAT, [[0, 1], [1, 1], [5, 5], [3145728, 3145728], [3145729, 3145728], [I32_MAX, 3145728], [-1, 3145728]]);
    checkValues(Abi.LINUX, S, s6, SockOpt.RCVLOWAT, [[0, 1], [3145729, 3145728]]);
    checkValues(Abi.LINUX, U, u2, SockOpt.RCVLOWAT, [[0, 1], [1, 1], [5, 5], [3145729, 3145729], [I32_MAX, I32_MAX], [-1, I32_MAX]]);
  });

  it("LINUX: TCP keep-alive ranges: idle and interval 1–32767, count 1–127, else EINVAL (probed)", () => {
    for (const opt of [SockOpt.KEEPIDLE, SockOpt.KEEPINTVL]) checkValues(Abi.LINUX, S, s6, opt, [[-1, inval], [0, inval], [1, 1], [32767, 32767], [32768, inval]]);
    checkValues(Abi.LINUX, T, t0, SockOpt.KEEPCNT, [[-1, inval], [0, inval], [1, 1], [127, 127], [128, inval]]);
  });

  it("LINUX: IP_TTL -1 = 64, 1–255; IP_MULTICAST_TTL -1 = 1, 0–255 (probed)", () => {
    for (const [kind, word] of [[T, t0], [U, u2], [S | SockKind.INET6, s6]] as const) {
      checkValues(Abi.LINUX, kind, word, SockOpt.TTL, [[-2, inval], [-1, 64], [0, inval], [1, 1], [255, 255], [256, inval]]);
    }
    checkValues(Abi.LINUX, U, u2, SockOpt.MULTICAST_TTL_V4, [[-2, inval], [-1, 1], [0, 0], [1, 1], [255, 255], [256, inval]]);
  });

  it("LINUX: flags read back 0 or 1 (probed)", () => {
    for (const opt of [SockOpt.REUSEADDR, SockOpt.KEEPALIVE, SockOpt.NODELAY, SockOpt.BROADCAST, SockOpt.DONTROUTE, SockOpt.OOBINLINE,
      SockOpt.REUSEPORT, SockOpt.MULTICAST_LOOP_V4, SockOpt.MULTICAST_LOOP_V6]) {
      checkValues(Abi.LINUX, T | SockKind.INET6, t0, opt, [[0, 0], [1, 1], [5, 1], [-1, 1]]);
    }
    checkValues(Abi.LINUX, T | SockKind.INET6, t0, SockOpt.V6ONLY, [[0, 0], [1, 1], [5, 1], [-1, 1]]);
  });

  it("LINUX: timeouts (ms) never negative; linger 0 = off, 1 + s = on; only the empty device name", () => {
    for (const opt of [SockOpt.RCVTIMEO, SockOpt.SNDTIMEO]) checkValues(Abi.LINUX, S, s6, opt, [[-1, 0], [-I32_MAX, 0], [0, 0], [1500, 1500], [I32_MAX, I32_MAX]]);
    checkValues(Abi.LINUX, S, s6, SockOpt.LINGER, [[-1, inval], [0, 0], [1, 1], [6, 6], [I32_MAX, I32_MAX]]);
    checkValues(Abi.LINUX, U, u2, SockOpt.BINDTODEVICE, [[0, 0], [2, -Errno.NODEV], [15, -Errno.NODEV], [-1, inval]]);
  });

  it("P2: 0 is invalid-argument, the rest clamped (idle/interval 1–32767 s, count 1–127, hop 1–255, sizes and backlog 1–i32::MAX)", () => {
    for (const opt of [SockOpt.KEEPIDLE, SockOpt.KEEPINTVL]) {
      for (const [kind, word] of [[T, t0], [L, TcpState.LISTENING], [S, s6]] as const) {
        checkValues(Abi.P2, kind, word, opt, [[0, inval], [-1, inval], [1, 1], [42, 42], [32767, 32767], [32768, 32767], [I32_MAX, 32767]]);
      }
    }
    checkValues(Abi.P2, S, s6, SockOpt.KEEPCNT, [[0, inval], [-1, inval], [1, 1], [42, 42], [127, 127], [128, 127], [I32_MAX, 127]]);
    for (const [kind, word] of [[T, t0], [S, s6], [U, u2]] as const) {
      checkValues(Abi.P2, kind, word, SockOpt.TTL, [[0, inval], [-1, inval], [1, 1], [42, 42], [255, 255], [256, 255]]);
      for (const opt of [SockOpt.RCVBUF, SockOpt.SNDBUF]) {
        checkValues(Abi.P2, kind, word, opt, [[0, inval], [-1, inval], [1, 1], [0x10000, 0x10000], [I32_MAX, I32_MAX]]);
      }
    }
    for (const [kind, word] of [[T, t0], [T, TcpState.BOUND], [L, TcpState.LISTENING]] as const) {
      checkValues(Abi.P2, kind, word, SockOpt.LISTEN_BACKLOG, [[0, inval], [-1, inval], [1, 1], [32, 32], [I32_MAX, I32_MAX]]);
    }
    checkValues(Abi.P2, S, s6, SockOpt.KEEPALIVE, [[0, 0], [1, 1], [7, 1]]);
  });

  it("P2: durations in ns become whole seconds: 0 stays 0, else at least 1, rounded down, saturated", () => {
    const cases: [bigint, number][] = [
      [0n, 0], [1n, 1], [999_999_999n, 1], [1_000_000_000n, 1], [1_500_000_000n, 1], [1_999_999_999n, 1], [2_000_000_000n, 2],
      [42_000_000_000n, 42], [32767_000_000_000n, 32767], [(1n << 32n) - 1n, 4], [1n << 32n, 4],
      [2147483647_000_000_000n, I32_MAX], [2147483648_000_000_000n, I32_MAX], [(1n << 64n) - 1n, I32_MAX], [-1n, I32_MAX],
    ];
    for (const [ns, s] of cases) assert.equal(core.p2DurationSecs(ns), s, `${ns}`);
    // 1 ns then reads back as 1 s: in (0, 1 s], as p2_tcp_sockopts asks.
    assert.equal(core.optionSet(Abi.P2, T, t0, SockOpt.KEEPIDLE, core.p2DurationSecs(1n)), 1);
    assert.equal(core.optionSet(Abi.P2, T, t0, SockOpt.KEEPIDLE, core.p2DurationSecs(0n)), inval);
  });

  it("WASIX: a pre-socket keeps sizes as asked; a connection's go through Linux's rules", () => {
    checkValues(Abi.WASIX, T, t0, SockOpt.RCVBUF, [[0, 0], [1, 1], [65536, 65536], [I32_MAX, I32_MAX], [-1, inval]]);
    checkValues(Abi.WASIX, T, t0, SockOpt.SNDBUF, [[0, 0], [5, 5], [-1, inval]]);
    checkValues(Abi.WASIX, U, UdpState.UNBOUND, SockOpt.RCVBUF, [[7, 7]]);
    checkValues(Abi.WASIX, S, s6, SockOpt.RCVBUF, [[0, 2304], [65536, 131072], [I32_MAX, 425984], [-1, inval]]);
    checkValues(Abi.WASIX, S, s6, SockOpt.SNDBUF, [[0, 4608], [65536, 131072], [-1, inval]]);
    for (const [kind, word] of [[S, s6], [U, u2]] as const) checkValues(Abi.WASIX, kind, word, SockOpt.TTL, [[0, inval], [1, 1], [255, 255], [256, inval], [-1, inval]]);
    checkValues(Abi.WASIX, U, u2, SockOpt.MULTICAST_TTL_V4, [[0, 0], [255, 255], [256, inval], [-1, inval]]);
  });

  it("WASIX: flags are 0/1, times (ms) never negative", () => {
    checkValues(Abi.WASIX, T, t0, SockOpt.REUSEADDR, [[0, 0], [1, 1], [2, inval], [-1, inval]]);
    checkValues(Abi.WASIX, U, u2, SockOpt.BROADCAST | (OptClass.FLAG << OptClass.SHIFT), [[0, 0], [1, 1], [2, inval]]);
    checkValues(Abi.WASIX, S, s6, SockOpt.RCVTIMEO | (OptClass.TIME << OptClass.SHIFT), [[-5, 0], [0, 0], [1000, 1000], [I32_MAX, I32_MAX]]);
    checkValues(Abi.WASIX, L, TcpState.LISTENING, SockOpt.ACCEPT_TIMEOUT, [[0, 0], [30000, 30000]]);
  });
});

describe("option defaults", () => {
  /** opt → default per kind [TCP, LISTENER, STREAM, UDP] (one number: the same for all four). */
  type Defaults = Record<OptName, number | [number, number, number, number]>;
  // prettier-ignore
  const LINUX: Defaults = {
    NOOP: 0, ERROR: 0, TYPE: [1, 1, 1, 2], ACCEPTCONN: [0, 1, 0, 0], REUSEADDR: 0, KEEPALIVE: 0,
    RCVBUF: [131072, 131072, 131072, 212992], SNDBUF: [16384, 16384, 16384, 212992],
    NODELAY: [1, 1, 1, 0], // wasock's TCP runs with Nagle off (Linux itself would read 0)
    LINGER: 0, BROADCAST: 0, DONTROUTE: 0, OOBINLINE: 0, RCVLOWAT: 1, RCVTIMEO: 0, SNDTIMEO: 0,
    KEEPIDLE: 7200, KEEPINTVL: 75, KEEPCNT: 9, TTL: 64, V6ONLY: 0, LISTEN_BACKLOG: 0, REUSEPORT: 0, SNDLOWAT: 1,
    MULTICAST_LOOP_V4: 1, MULTICAST_LOOP_V6: 1, MULTICAST_TTL_V4: 1, CONNECT_TIMEOUT: 0, ACCEPT_TIMEOUT: 0,
    PROMISCUOUS: 0, PROTOCOL: [6, 6, 6, 17], BINDTODEVICE: 0,
  };
  // prettier-ignore
  const WASIX: Defaults = { ...LINUX, RCVBUF: [0, 0, 131072, 0], SNDBUF: [0, 0, 16384, 0], NODELAY: [0, 0, 1, 0] };
  // prettier-ignore
  const P2: Defaults = { ...LINUX, RCVBUF: [65536, 65536, 65536, 106496], SNDBUF: [8192, 8192, 8192, 106496], LISTEN_BACKLOG: 128 };

  for (const [abi, name, table] of [[Abi.LINUX, "LINUX", LINUX], [Abi.WASIX, "WASIX", WASIX], [Abi.P2, "P2", P2]] as const) {
    it(`${name}: every option and kind (and IPv6 the same)`, () => {
      const wrong: string[] = [];
      OPTS.forEach((opt, i) => {
        const d = table[opt];
        KINDS.forEach((kind, k) => {
          const want = typeof d === "number" ? d : d[k];
          for (const fam of [0, SockKind.INET6]) {
            const got = core.optionDefault(abi, kind | fam, i);
            if (got !== want) wrong.push(`${opt} ${KIND_NAMES[k]}${fam ? " v6" : ""}: got ${got}, want ${want}`);
          }
        });
      });
      assert.deepEqual(wrong, []);
    });
  }

  it("the Linux defaults probed: TCP buffers 131072/16384, UDP 212992, keep-alive 7200/75/9, TTL 64", () => {
    assert.equal(core.optionDefault(Abi.LINUX, SockKind.STREAM, SockOpt.RCVBUF), 131072);
    assert.equal(core.optionDefault(Abi.LINUX, SockKind.UDP, SockOpt.SNDBUF), 212992);
    assert.equal(core.optionDefault(Abi.LINUX, SockKind.TCP, SockOpt.KEEPIDLE), 7200);
    assert.equal(core.optionDefault(Abi.P2, SockKind.TCP, SockOpt.LISTEN_BACKLOG), 128);
  });
});

describe("option numbering", () => {
  it("WasmEdge sockopt names 0–14 (LINUX)", () => {
    const names = ["REUSEADDR", "TYPE", "ERROR", "DONTROUTE", "BROADCAST", "SNDBUF", "RCVBUF", "KEEPALIVE", "OOBINLINE", "LINGER", "RCVLOWAT", "RCVTIMEO", "SNDTIMEO", "ACCEPTCONN", "BINDTODEVICE"];
    names.forEach((n, i) => assert.equal(core.optionFromAbi(Abi.LINUX, i), (SockOpt as Record<string, number>)[n], `${i} ${n}`));
    for (const n of [-1, 15, 100, 0x7fffffff]) assert.equal(core.optionFromAbi(Abi.LINUX, n), -Errno.INVAL);
  });

  it("WASIX sock_option 0–26", () => {
    const names = ["NOOP", "REUSEPORT", "REUSEADDR", "NODELAY", "DONTROUTE", "V6ONLY", "BROADCAST", "MULTICAST_LOOP_V4", "MULTICAST_LOOP_V6",
      "PROMISCUOUS", "ACCEPTCONN", "ERROR", "KEEPALIVE", "LINGER", "OOBINLINE", "RCVBUF", "SNDBUF", "RCVLOWAT", "SNDLOWAT", "RCVTIMEO",
      "SNDTIMEO", "CONNECT_TIMEOUT", "ACCEPT_TIMEOUT", "TTL", "MULTICAST_TTL_V4", "TYPE", "PROTOCOL"];
    names.forEach((n, i) => assert.equal(core.optionFromAbi(Abi.WASIX, i), (SockOpt as Record<string, number>)[n], `${i} ${n}`));
    for (const n of [-1, 27, 255]) assert.equal(core.optionFromAbi(Abi.WASIX, n), -Errno.INVAL);
  });

  it("P2 has no numbering; bad ABIs none either", () => {
    for (const abi of [Abi.P2, -1, 3]) for (const n of [0, 1, 5]) assert.equal(core.optionFromAbi(abi, n), -Errno.INVAL);
  });
});
