// The UDP state machine, cell by cell: every (ABI, state, operation), with every combination of the
// word's upper bits. The expected matrices are written out here, one row per state; a changed cell
// in assembly/udp.ts fails this test. The LINUX rows are what Linux 6.18 does (probed with python3
// sockets on loopback; see the notes in assembly/udp.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core, stepErrno, stepWord } from "../../host/core/core.js";
import { Abi, Errno, ErrorCode, TcpOp, UdpOp, UdpState, Word } from "../../host/core/enums.js";

const core = Core.load();

/** Column order: UdpOp 0–21. */
const OPS = [
  "BIND", "LISTEN", "ACCEPT", "CONNECT", "CONNECT_OK", "CONNECT_FAIL", "RECV", "SEND", "SHUT_RD", "SHUT_WR",
  "SHUT_RDWR", "LOCAL_ADDR", "PEER_ADDR", "FINISH_BIND", "FINISH_LISTEN", "FINISH_CONNECT", "PEER_CLOSED",
  "SET_OPTION", "CLOSE", "FINISH_FAIL", "SEND_TO", "DISCONNECT",
] as const;
/** Row order: the state numbers 0–7 (TcpState's); 3–5 are not UDP states. */
const STATES = ["UNBOUND", "BIND_IN_PROGRESS", "BOUND", "LISTEN_IN_PROGRESS", "LISTENING", "CONNECTING", "CONNECTED", "CLOSED"] as const;

/**
 * Cells: `ok` allowed, word kept; `>S` allowed, now state S (the upper bits kept; `>X`: CLOSED, bits
 * cleared); `+RD`/`+WR`/`+RW` allowed, flag set; `send` allowed unless SHUT_WR is set (then PIPE);
 * `send>B` likewise, and now BOUND; `E+RD` etc. errno E *and* the flag set; anything else is the
 * errno (WASI name), or for P2: IS invalid-state, NIP not-in-progress, CC concurrency-conflict.
 */
type Matrix = Record<(typeof STATES)[number], string>;

const NOT_A_STATE = "INVAL ".repeat(18) + ">X INVAL INVAL INVAL";

// prettier-ignore
const LINUX: Matrix = {
  //                   BIND   LISTEN ACCEPT CONNECT C_OK  C_FAIL RECV SEND        SHUT_RD    SHUT_WR   | SHUT_RW    LOCAL PEER    F_BIND F_LSN  F_CON  PEER_CL SETOPT CLOSE F_FAIL | SEND_TO DISCONN
  UNBOUND:            ">B     NOTSUP NOTSUP >CD     INVAL INVAL  ok   DESTADDRREQ NOTCONN+RD NOTCONN+WR  NOTCONN+RW ok    NOTCONN NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP   send>B  ok",
  BIND_IN_PROGRESS:   NOT_A_STATE,
  BOUND:              "INVAL  NOTSUP NOTSUP >CD     INVAL INVAL  ok   DESTADDRREQ NOTCONN+RD NOTCONN+WR  NOTCONN+RW ok    NOTCONN NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP   send    ok",
  LISTEN_IN_PROGRESS: NOT_A_STATE,
  LISTENING:          NOT_A_STATE,
  CONNECTING:         NOT_A_STATE,
  CONNECTED:          "INVAL  NOTSUP NOTSUP ok      INVAL INVAL  ok   send        +RD        +WR         +RW        ok    ok      NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP   send    >B",
  CLOSED:             "BADF ".repeat(22),
};

// prettier-ignore
const WASIX: Matrix = {
  //                   BIND   LISTEN ACCEPT  CONNECT C_OK  C_FAIL RECV    SEND    SHUT_RD SHUT_WR | SHUT_RW LOCAL PEER F_BIND F_LSN  F_CON  PEER_CL SETOPT CLOSE F_FAIL | SEND_TO DISCONN
  UNBOUND:            ">B     NOTSUP NOTCONN >CD     INVAL INVAL  NOTCONN NOTCONN NOTCONN NOTCONN   NOTCONN ok    ok   NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP   NOTCONN INVAL",
  BIND_IN_PROGRESS:   NOT_A_STATE,
  BOUND:              "NOTSUP NOTSUP NOTSUP  >CD     INVAL INVAL  ok      NOTCONN NOTSUP  NOTSUP    NOTSUP  ok    ok   NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP   ok      INVAL",
  LISTEN_IN_PROGRESS: NOT_A_STATE,
  LISTENING:          NOT_A_STATE,
  CONNECTING:         NOT_A_STATE,
  CONNECTED:          "NOTSUP NOTSUP NOTSUP  ok      INVAL INVAL  ok      ok      NOTSUP  NOTSUP    NOTSUP  ok    ok   NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP   ok      INVAL",
  CLOSED:             "BADF ".repeat(22),
};

// prettier-ignore
const P2: Matrix = {
  //                   BIND LISTEN ACCEPT CONNECT C_OK C_FAIL RECV SEND        SHUT_RD SHUT_WR | SHUT_RW LOCAL PEER F_BIND F_LSN F_CON PEER_CL SETOPT CLOSE F_FAIL | SEND_TO DISCONN
  UNBOUND:            ">BIP NOTSUP NOTSUP IS      NIP  NIP    IS   IS          NOTSUP  NOTSUP    NOTSUP  IS    IS   NIP    NIP   NIP   INVAL   ok     >X    NIP      IS      IS",
  BIND_IN_PROGRESS:   "CC   NOTSUP NOTSUP IS      NIP  NIP    IS   IS          NOTSUP  NOTSUP    NOTSUP  IS    IS   >B     NIP   NIP   INVAL   ok     >X    >U       IS      IS",
  BOUND:              "IS   NOTSUP NOTSUP >CD     NIP  NIP    ok   DESTADDRREQ NOTSUP  NOTSUP    NOTSUP  ok    IS   NIP    NIP   NIP   INVAL   ok     >X    NIP      ok      ok",
  LISTEN_IN_PROGRESS: NOT_A_STATE,
  LISTENING:          NOT_A_STATE,
  CONNECTING:         NOT_A_STATE,
  CONNECTED:          "IS   NOTSUP NOTSUP ok      NIP  NIP    ok   ok          NOTSUP  NOTSUP    NOTSUP  ok    ok   NIP    NIP   NIP   INVAL   ok     >X    NIP      INVAL   >B",
  CLOSED:             "IS   NOTSUP NOTSUP IS      NIP  NIP    IS   IS          NOTSUP  NOTSUP    NOTSUP  IS    IS   NIP    NIP   NIP   INVAL   IS     ok    NIP      IS      IS",
};

// prettier-ignore
/** P3 (wasi:sockets 0.3): P2's, but connect and a send to an address bind an unbound socket implicitly, and disconnect without a peer is invalid-state. */
const P3: Matrix = {
  //                   BIND LISTEN ACCEPT CONNECT C_OK C_FAIL RECV SEND        SHUT_RD SHUT_WR | SHUT_RW LOCAL PEER F_BIND F_LSN F_CON PEER_CL SETOPT CLOSE F_FAIL | SEND_TO DISCONN
  UNBOUND:            ">BIP NOTSUP NOTSUP >CD     NIP  NIP    IS   DESTADDRREQ NOTSUP  NOTSUP    NOTSUP  IS    IS   NIP    NIP   NIP   INVAL   ok     >X    NIP      send>B  IS",
  BIND_IN_PROGRESS:   "CC   NOTSUP NOTSUP IS      NIP  NIP    IS   IS          NOTSUP  NOTSUP    NOTSUP  IS    IS   >B     NIP   NIP   INVAL   ok     >X    >U       IS      IS",
  BOUND:              "IS   NOTSUP NOTSUP >CD     NIP  NIP    ok   DESTADDRREQ NOTSUP  NOTSUP    NOTSUP  ok    IS   NIP    NIP   NIP   INVAL   ok     >X    NIP      ok      IS",
  LISTEN_IN_PROGRESS: NOT_A_STATE,
  LISTENING:          NOT_A_STATE,
  CONNECTING:         NOT_A_STATE,
  CONNECTED:          "IS   NOTSUP NOTSUP ok      NIP  NIP    ok   ok          NOTSUP  NOTSUP    NOTSUP  ok    ok   NIP    NIP   NIP   INVAL   ok     >X    NIP      INVAL   >B",
  CLOSED:             "IS   NOTSUP NOTSUP IS      NIP  NIP    IS   IS          NOTSUP  NOTSUP    NOTSUP  IS    IS   NIP    NIP   NIP   INVAL   IS     ok    NIP      IS      IS",
};

const ABBREV: Record<string, number> = {
  U: UdpState.UNBOUND, BIP: UdpState.BIND_IN_PROGRESS, B: UdpState.BOUND, CD: UdpState.CONNECTED, X: UdpState.CLOSED,
};
const SET: Record<string, number> = { RD: Word.SHUT_RD, WR: Word.SHUT_WR, RW: Word.SHUT_RD | Word.SHUT_WR };
const P2_ALIASES: Record<string, number> = { IS: Errno.BADF, NIP: Errno.SRCH, CC: Errno.ALREADY };
const UPPER = 0xf0;

function errnoOf(name: string): number {
  const e = P2_ALIASES[name] ?? (Errno as Record<string, number>)[name];
  assert.ok(e !== undefined && e !== 0, `bad cell ${name}`);
  return e;
}

/** The step result a cell promises for a given starting word. */
function expected(cell: string, word: number): number {
  const pipe = (Errno.PIPE << 8) | word;
  if (cell === "ok") return word;
  if (cell === "send") return word & Word.SHUT_WR ? pipe : word;
  if (cell === "send>B") return word & Word.SHUT_WR ? pipe : UdpState.BOUND | (word & UPPER);
  if (cell === ">X") return UdpState.CLOSED;
  if (cell.startsWith(">")) return ABBREV[cell.slice(1)]! | (word & UPPER);
  if (cell.startsWith("+")) return word | SET[cell.slice(1)]!;
  const [name, flag] = cell.split("+");
  return (errnoOf(name!) << 8) | word | (flag ? SET[flag]! : 0);
}

function show(r: number): string {
  const state = STATES[stepWord(r) & Word.STATE] ?? `state ${stepWord(r) & Word.STATE}`;
  const flags = stepWord(r) >> 4;
  return `${core.errnoName(stepErrno(r))} ${state}${flags ? ` bits 0x${flags.toString(16)}0` : ""}`;
}

function checkMatrix(abi: number, matrix: Matrix): void {
  const wrong: string[] = [];
  let cells = 0;
  STATES.forEach((stateName, state) => {
    const row = matrix[stateName].trim().split(/\s+/);
    assert.equal(row.length, OPS.length, `${stateName}: ${row.length} cells`);
    row.forEach((cell, op) => {
      for (let upper = 0; upper <= UPPER; upper += 0x10) {
        const word = state | upper;
        const got = core.udpStep(abi, word, op);
        const want = expected(cell, word);
        cells++;
        if (got !== want) wrong.push(`${stateName}${upper ? `|0x${upper.toString(16)}` : ""} ${OPS[op]}: got ${show(got)}, want ${show(want)} (${cell})`);
      }
    });
  });
  assert.deepEqual(wrong, []);
  assert.equal(cells, 8 * 22 * 16);
}

describe("udp_step matrices", () => {
  it("enums.ts UdpOp and UdpState are the columns and rows here, on TcpOp's numbers", () => {
    assert.deepEqual(Object.keys(UdpOp), [...OPS]);
    assert.deepEqual(Object.values(UdpOp), OPS.map((_, i) => i));
    for (const [name, n] of Object.entries(TcpOp)) assert.equal((UdpOp as Record<string, number>)[name], n, name);
    for (const [name, n] of Object.entries(UdpState)) assert.equal(STATES[n], name);
  });

  it("LINUX (preview1, WasmEdge)", () => checkMatrix(Abi.LINUX, LINUX));
  it("WASIX", () => checkMatrix(Abi.WASIX, WASIX));
  it("P2 (wasi:sockets)", () => checkMatrix(Abi.P2, P2));
  it("P3 (wasi:sockets 0.3)", () => checkMatrix(Abi.P3, P3));

  it("P2 errnos are the error-codes the WIT asks for", () => {
    assert.equal(core.errnoToP2(Errno.BADF), ErrorCode.INVALID_STATE);
    assert.equal(core.errnoToP2(Errno.SRCH), ErrorCode.NOT_IN_PROGRESS);
    assert.equal(core.errnoToP2(Errno.ALREADY), ErrorCode.CONCURRENCY_CONFLICT);
    // send without a peer or address, and to an address other than the connected peer
    assert.equal(core.errnoToP2(Errno.DESTADDRREQ), ErrorCode.INVALID_ARGUMENT);
    assert.equal(core.errnoToP2(Errno.INVAL), ErrorCode.INVALID_ARGUMENT);
    assert.equal(core.errnoToP2(Errno.NOTSUP), ErrorCode.NOT_SUPPORTED);
  });

  it("an error keeps the word, except a Linux shutdown that only sets flags", () => {
    for (let abi = 0; abi < 4; abi++) {
      for (let word = 0; word <= 0xff; word++) {
        if ((word & Word.STATE) > UdpState.CLOSED) continue;
        for (let op = 0; op < OPS.length; op++) {
          const r = core.udpStep(abi, word, op);
          if (stepErrno(r) === 0) continue;
          const shut = op === UdpOp.SHUT_RD || op === UdpOp.SHUT_WR || op === UdpOp.SHUT_RDWR;
          const unconnected = (word & Word.STATE) === UdpState.UNBOUND || (word & Word.STATE) === UdpState.BOUND;
          if (abi === Abi.LINUX && shut && unconnected) assert.equal(stepWord(r) & ~(Word.SHUT_RD | Word.SHUT_WR), word & ~(Word.SHUT_RD | Word.SHUT_WR));
          else assert.equal(stepWord(r), word, `abi ${abi} word ${word} op ${op}`);
        }
      }
    }
  });
});

describe("udp_step outside the tables", () => {
  const inval = (word: number) => (Errno.INVAL << 8) | (word & 0xff);
  it("abi out of range", () => {
    for (const abi of [-1, 4, 255, 0x7fffffff]) assert.equal(core.udpStep(abi, UdpState.BOUND, UdpOp.SEND_TO), inval(UdpState.BOUND));
  });
  it("op out of range", () => {
    for (const op of [-1, 22, 23, 0x7fffffff]) assert.equal(core.udpStep(Abi.LINUX, UdpState.UNBOUND, op), inval(0));
  });
  it("state 8–15", () => {
    for (let s = 8; s < 16; s++) assert.equal(core.udpStep(Abi.LINUX, s, UdpOp.CLOSE), inval(s));
  });
  it("a word wider than a byte", () => {
    for (const w of [0x100, 0x106, -1]) assert.equal(core.udpStep(Abi.LINUX, w, UdpOp.RECV), inval(w));
  });
  it("SEND_TO and DISCONNECT are not TCP ops", () => {
    assert.equal(core.tcpStep(Abi.LINUX, 6, UdpOp.SEND_TO), inval(6));
    assert.equal(core.tcpStep(Abi.LINUX, 6, UdpOp.DISCONNECT), inval(6));
  });
});

/** Runs ops from a word; the word is stored after every step (errors included), as a UDP host does. */
function walk(abi: number, word: number, ops: number[]): string[] {
  return ops.map((op) => {
    const r = core.udpStep(abi, word, op);
    word = stepWord(r);
    return `${OPS[op]}:${show(r)}`;
  });
}

describe("udp_step sequences", () => {
  it("LINUX: connect auto-binds and can change the peer; disconnect keeps the binding", () => {
    assert.deepEqual(walk(Abi.LINUX, UdpState.UNBOUND, [UdpOp.PEER_ADDR, UdpOp.CONNECT, UdpOp.CONNECT, UdpOp.SEND, UdpOp.BIND, UdpOp.DISCONNECT, UdpOp.SEND, UdpOp.PEER_ADDR, UdpOp.SEND_TO]), [
      "PEER_ADDR:ENOTCONN UNBOUND", "CONNECT:SUCCESS CONNECTED", "CONNECT:SUCCESS CONNECTED", "SEND:SUCCESS CONNECTED",
      "BIND:EINVAL CONNECTED", "DISCONNECT:SUCCESS BOUND", "SEND:EDESTADDRREQ BOUND", "PEER_ADDR:ENOTCONN BOUND", "SEND_TO:SUCCESS BOUND",
    ]);
  });

  it("LINUX: sendto auto-binds; a second bind is EINVAL; listen/accept are EOPNOTSUPP", () => {
    assert.deepEqual(walk(Abi.LINUX, UdpState.UNBOUND, [UdpOp.RECV, UdpOp.SEND, UdpOp.SEND_TO, UdpOp.BIND, UdpOp.LISTEN, UdpOp.ACCEPT, UdpOp.CLOSE, UdpOp.SEND_TO]), [
      "RECV:SUCCESS UNBOUND", "SEND:EDESTADDRREQ UNBOUND", "SEND_TO:SUCCESS BOUND", "BIND:EINVAL BOUND",
      "LISTEN:ENOTSUP BOUND", "ACCEPT:ENOTSUP BOUND", "CLOSE:SUCCESS CLOSED", "SEND_TO:EBADF CLOSED",
    ]);
  });

  it("LINUX: shutdown of an unconnected socket is ENOTCONN yet sticks, through connect and disconnect", () => {
    assert.deepEqual(walk(Abi.LINUX, UdpState.UNBOUND, [UdpOp.SHUT_WR, UdpOp.SEND_TO, UdpOp.BIND, UdpOp.CONNECT, UdpOp.SEND, UdpOp.DISCONNECT, UdpOp.SEND, UdpOp.SEND_TO, UdpOp.CLOSE]), [
      "SHUT_WR:ENOTCONN UNBOUND bits 0x20", "SEND_TO:EPIPE UNBOUND bits 0x20", "BIND:SUCCESS BOUND bits 0x20",
      "CONNECT:SUCCESS CONNECTED bits 0x20", "SEND:EPIPE CONNECTED bits 0x20", "DISCONNECT:SUCCESS BOUND bits 0x20",
      "SEND:EDESTADDRREQ BOUND bits 0x20", "SEND_TO:EPIPE BOUND bits 0x20", "CLOSE:SUCCESS CLOSED",
    ]);
  });

  it("LINUX: shutdown of a connected socket sets flags; receiving stays legal", () => {
    assert.deepEqual(walk(Abi.LINUX, UdpState.BOUND, [UdpOp.CONNECT, UdpOp.SHUT_RD, UdpOp.RECV, UdpOp.SHUT_RD, UdpOp.SHUT_RDWR, UdpOp.SEND]), [
      "CONNECT:SUCCESS CONNECTED", "SHUT_RD:SUCCESS CONNECTED bits 0x10", "RECV:SUCCESS CONNECTED bits 0x10",
      "SHUT_RD:SUCCESS CONNECTED bits 0x10", "SHUT_RDWR:SUCCESS CONNECTED bits 0x30", "SEND:EPIPE CONNECTED bits 0x30",
    ]);
  });

  it("WASIX: the pre-socket answers ENOTCONN; connect binds it; shutdown is ENOTSUP", () => {
    assert.deepEqual(walk(Abi.WASIX, UdpState.UNBOUND, [UdpOp.SEND_TO, UdpOp.RECV, UdpOp.PEER_ADDR, UdpOp.CONNECT, UdpOp.SEND, UdpOp.SHUT_WR, UdpOp.BIND]), [
      "SEND_TO:ENOTCONN UNBOUND", "RECV:ENOTCONN UNBOUND", "PEER_ADDR:SUCCESS UNBOUND", "CONNECT:SUCCESS CONNECTED",
      "SEND:SUCCESS CONNECTED", "SHUT_WR:ENOTSUP CONNECTED", "BIND:ENOTSUP CONNECTED",
    ]);
    assert.deepEqual(walk(Abi.WASIX, UdpState.UNBOUND, [UdpOp.BIND, UdpOp.SEND, UdpOp.SEND_TO, UdpOp.ACCEPT]), [
      "BIND:SUCCESS BOUND", "SEND:ENOTCONN BOUND", "SEND_TO:SUCCESS BOUND", "ACCEPT:ENOTSUP BOUND",
    ]);
  });

  it("P2: bind in two steps; stream(some)/stream(none) need a bound socket and toggle the peer", () => {
    assert.deepEqual(walk(Abi.P2, UdpState.UNBOUND, [UdpOp.CONNECT, UdpOp.LOCAL_ADDR, UdpOp.FINISH_BIND, UdpOp.BIND, UdpOp.BIND, UdpOp.FINISH_BIND,
      UdpOp.PEER_ADDR, UdpOp.SEND, UdpOp.SEND_TO, UdpOp.CONNECT, UdpOp.PEER_ADDR, UdpOp.SEND_TO, UdpOp.SEND, UdpOp.DISCONNECT, UdpOp.DISCONNECT, UdpOp.LOCAL_ADDR]), [
      "CONNECT:EBADF UNBOUND", "LOCAL_ADDR:EBADF UNBOUND", "FINISH_BIND:ESRCH UNBOUND", "BIND:SUCCESS BIND_IN_PROGRESS",
      "BIND:EALREADY BIND_IN_PROGRESS", "FINISH_BIND:SUCCESS BOUND", "PEER_ADDR:EBADF BOUND", "SEND:EDESTADDRREQ BOUND",
      "SEND_TO:SUCCESS BOUND", "CONNECT:SUCCESS CONNECTED", "PEER_ADDR:SUCCESS CONNECTED", "SEND_TO:EINVAL CONNECTED",
      "SEND:SUCCESS CONNECTED", "DISCONNECT:SUCCESS BOUND", "DISCONNECT:SUCCESS BOUND", "LOCAL_ADDR:SUCCESS BOUND",
    ]);
  });

  it("P2: a failed finish-bind unbinds; drop is allowed anywhere", () => {
    assert.deepEqual(walk(Abi.P2, UdpState.UNBOUND, [UdpOp.BIND, UdpOp.FINISH_FAIL, UdpOp.BIND, UdpOp.CLOSE, UdpOp.CLOSE, UdpOp.SET_OPTION]), [
      "BIND:SUCCESS BIND_IN_PROGRESS", "FINISH_FAIL:SUCCESS UNBOUND", "BIND:SUCCESS BIND_IN_PROGRESS",
      "CLOSE:SUCCESS CLOSED", "CLOSE:SUCCESS CLOSED", "SET_OPTION:EBADF CLOSED",
    ]);
  });
});
