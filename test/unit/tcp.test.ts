// The TCP state machine, cell by cell: every (ABI, state, operation), with every combination of
// the word's flags. The expected matrices are written out here, one row per state; a changed cell
// in assembly/tcp.ts fails this test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core, stepErrno, stepWord } from "../../host/core/core.js";
import { Abi, Errno, ErrorCode, TcpOp, TcpState, Word } from "../../host/core/enums.js";

const core = Core.load();

/** Column order: TcpOp 0–19. */
const OPS = [
  "BIND", "LISTEN", "ACCEPT", "CONNECT", "CONNECT_OK", "CONNECT_FAIL", "RECV", "SEND", "SHUT_RD", "SHUT_WR",
  "SHUT_RDWR", "LOCAL_ADDR", "PEER_ADDR", "FINISH_BIND", "FINISH_LISTEN", "FINISH_CONNECT", "PEER_CLOSED",
  "SET_OPTION", "CLOSE", "FINISH_FAIL",
] as const;
const STATES = ["UNBOUND", "BIND_IN_PROGRESS", "BOUND", "LISTEN_IN_PROGRESS", "LISTENING", "CONNECTING", "CONNECTED", "CLOSED"] as const;

/**
 * Cells: `ok` allowed, word kept; `>S` allowed, now state S (flags cleared; `>CD*`: but the peer's
 * close, PEER_CLOSED, kept: a connect completes); `+RD`/`+WR`/`+RW`/`+PC`
 * allowed, flag set; `send` allowed unless SHUT_WR is set (then PIPE); anything else is the errno
 * (WASI name), or for P2: IS invalid-state, NIP not-in-progress, CC concurrency-conflict.
 */
type Matrix = Record<(typeof STATES)[number], string>;

// prettier-ignore
const LINUX: Matrix = {
  //                   BIND   LISTEN ACCEPT CONNECT C_OK  C_FAIL RECV    SEND  SHUT_RD SHUT_WR | SHUT_RW LOCAL PEER    F_BIND F_LSN  F_CON  PEER_CL SETOPT CLOSE F_FAIL
  UNBOUND:            ">B     >L     INVAL  >CG     INVAL INVAL  NOTCONN PIPE  NOTCONN NOTCONN   NOTCONN ok    NOTCONN NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  BIND_IN_PROGRESS:   "INVAL  INVAL  INVAL  INVAL   INVAL INVAL  INVAL   INVAL INVAL   INVAL     INVAL   INVAL INVAL   INVAL  INVAL  INVAL  INVAL   INVAL  >X    INVAL",
  BOUND:              "INVAL  >L     INVAL  >CG     INVAL INVAL  NOTCONN PIPE  NOTCONN NOTCONN   NOTCONN ok    NOTCONN NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  LISTEN_IN_PROGRESS: "INVAL  INVAL  INVAL  INVAL   INVAL INVAL  INVAL   INVAL INVAL   INVAL     INVAL   INVAL INVAL   INVAL  INVAL  INVAL  INVAL   INVAL  >X    INVAL",
  LISTENING:          "INVAL  ok     ok     ISCONN  INVAL INVAL  NOTCONN PIPE  NOTCONN NOTCONN   NOTCONN ok    NOTCONN NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  CONNECTING:         "INVAL  INVAL  INVAL  ALREADY >CD*  >B     ok      ok    NOTCONN NOTCONN   NOTCONN ok    NOTCONN NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  CONNECTED:          "INVAL  INVAL  INVAL  ISCONN  INVAL INVAL  ok      send  +RD     +WR       +RW     ok    ok      NOTSUP NOTSUP NOTSUP +PC     ok     >X    NOTSUP",
  CLOSED:             "BADF   BADF   BADF   BADF    BADF  BADF   BADF    BADF  BADF    BADF      BADF    BADF  BADF    BADF   BADF   BADF   BADF    BADF   BADF  BADF",
};

// prettier-ignore
const WASIX: Matrix = {
  //                   BIND    LISTEN  ACCEPT  CONNECT C_OK  C_FAIL RECV    SEND    SHUT_RD SHUT_WR | SHUT_RW LOCAL PEER   F_BIND F_LSN  F_CON  PEER_CL SETOPT CLOSE F_FAIL
  UNBOUND:            ">B      INVAL   NOTCONN >CG     INVAL INVAL  NOTCONN NOTCONN NOTCONN NOTCONN   NOTCONN ok    ok     NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  BIND_IN_PROGRESS:   "INVAL   INVAL   INVAL   INVAL   INVAL INVAL  INVAL   INVAL   INVAL   INVAL     INVAL   INVAL INVAL  INVAL  INVAL  INVAL  INVAL   INVAL  >X    INVAL",
  BOUND:              "ok      >L      NOTCONN >CG     INVAL INVAL  NOTCONN NOTCONN NOTCONN NOTCONN   NOTCONN ok    ok     NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  LISTEN_IN_PROGRESS: "INVAL   INVAL   INVAL   INVAL   INVAL INVAL  INVAL   INVAL   INVAL   INVAL     INVAL   INVAL INVAL  INVAL  INVAL  INVAL  INVAL   INVAL  >X    INVAL",
  LISTENING:          "NOTSUP  NOTSUP  ok      NOTSUP  INVAL INVAL  NOTSUP  NOTSUP  NOTSUP  NOTSUP    NOTSUP  ok    NOTSUP NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  CONNECTING:         "ALREADY ALREADY NOTCONN ALREADY >CD*  >B     ok      ok      NOTCONN NOTCONN   NOTCONN ok    ok     NOTSUP NOTSUP NOTSUP INVAL   ok     >X    NOTSUP",
  CONNECTED:          "NOTSUP  NOTSUP  NOTSUP  NOTSUP  INVAL INVAL  ok      send    +RD     +WR       +RW     ok    ok     NOTSUP NOTSUP NOTSUP +PC     ok     >X    NOTSUP",
  CLOSED:             "BADF    BADF    BADF    BADF    BADF  BADF   BADF    BADF    BADF    BADF      BADF    BADF  BADF   BADF   BADF   BADF   BADF    BADF   BADF  BADF",
};

// prettier-ignore
const P2: Matrix = {
  //                   BIND LISTEN ACCEPT CONNECT C_OK C_FAIL RECV SEND SHUT_RD SHUT_WR | SHUT_RW LOCAL PEER F_BIND F_LSN F_CON PEER_CL SETOPT CLOSE F_FAIL
  UNBOUND:            ">BIP IS     IS     >CG     NIP  NIP    IS   IS   IS      IS        IS      IS    IS   NIP    NIP   NIP   IS      ok     >X    NIP",
  BIND_IN_PROGRESS:   "CC   CC     IS     CC      NIP  NIP    IS   IS   IS      IS        IS      IS    IS   >B     NIP   NIP   IS      ok     >X    >U",
  BOUND:              "IS   >LIP   IS     >CG     NIP  NIP    IS   IS   IS      IS        IS      ok    IS   NIP    NIP   NIP   IS      ok     >X    NIP",
  LISTEN_IN_PROGRESS: "CC   CC     IS     CC      NIP  NIP    IS   IS   IS      IS        IS      IS    IS   NIP    >L    NIP   IS      ok     >X    >X",
  LISTENING:          "IS   IS     ok     IS      NIP  NIP    IS   IS   IS      IS        IS      ok    IS   NIP    NIP   NIP   IS      ok     >X    NIP",
  CONNECTING:         "CC   CC     IS     CC      >CD* >X     IS   IS   IS      IS        IS      IS    IS   NIP    NIP   >CD*  +PC     IS     >X    >X",
  CONNECTED:          "IS   IS     IS     IS      NIP  NIP    ok   send +RD     +WR       +RW     ok    ok   NIP    NIP   NIP   +PC     ok     >X    NIP",
  CLOSED:             "IS   IS     IS     IS      NIP  NIP    IS   IS   IS      IS        IS      IS    IS   NIP    NIP   NIP   IS      IS     ok    NIP",
};

// prettier-ignore
/** P3 (wasi:sockets 0.3): P2's, but listen binds an unbound socket implicitly. */
const P3: Matrix = {
  //                   BIND LISTEN ACCEPT CONNECT C_OK C_FAIL RECV SEND SHUT_RD SHUT_WR | SHUT_RW LOCAL PEER F_BIND F_LSN F_CON PEER_CL SETOPT CLOSE F_FAIL
  UNBOUND:            ">BIP >LIP   IS     >CG     NIP  NIP    IS   IS   IS      IS        IS      IS    IS   NIP    NIP   NIP   IS      ok     >X    NIP",
  BIND_IN_PROGRESS:   "CC   CC     IS     CC      NIP  NIP    IS   IS   IS      IS        IS      IS    IS   >B     NIP   NIP   IS      ok     >X    >U",
  BOUND:              "IS   >LIP   IS     >CG     NIP  NIP    IS   IS   IS      IS        IS      ok    IS   NIP    NIP   NIP   IS      ok     >X    NIP",
  LISTEN_IN_PROGRESS: "CC   CC     IS     CC      NIP  NIP    IS   IS   IS      IS        IS      IS    IS   NIP    >L    NIP   IS      ok     >X    >X",
  LISTENING:          "IS   IS     ok     IS      NIP  NIP    IS   IS   IS      IS        IS      ok    IS   NIP    NIP   NIP   IS      ok     >X    NIP",
  CONNECTING:         "CC   CC     IS     CC      >CD* >X     IS   IS   IS      IS        IS      IS    IS   NIP    NIP   >CD*  +PC     IS     >X    >X",
  CONNECTED:          "IS   IS     IS     IS      NIP  NIP    ok   send +RD     +WR       +RW     ok    ok   NIP    NIP   NIP   +PC     ok     >X    NIP",
  CLOSED:             "IS   IS     IS     IS      NIP  NIP    IS   IS   IS      IS        IS      IS    IS   NIP    NIP   NIP   IS      IS     ok    NIP",
};

const ABBREV: Record<string, number> = {
  U: TcpState.UNBOUND, BIP: TcpState.BIND_IN_PROGRESS, B: TcpState.BOUND, LIP: TcpState.LISTEN_IN_PROGRESS,
  L: TcpState.LISTENING, CG: TcpState.CONNECTING, CD: TcpState.CONNECTED, X: TcpState.CLOSED,
};
const SET: Record<string, number> = { RD: Word.SHUT_RD, WR: Word.SHUT_WR, RW: Word.SHUT_RD | Word.SHUT_WR, PC: Word.PEER_CLOSED };
const P2_ALIASES: Record<string, number> = { IS: Errno.BADF, NIP: Errno.SRCH, CC: Errno.ALREADY };

/** The step result a cell promises for a given starting word. */
function expected(cell: string, word: number): number {
  if (cell === "ok") return word;
  if (cell === "send") return word & Word.SHUT_WR ? (Errno.PIPE << 8) | word : word;
  if (cell.endsWith("*")) return ABBREV[cell.slice(1, -1)]! | (word & Word.PEER_CLOSED);
  if (cell.startsWith(">")) return ABBREV[cell.slice(1)]!;
  if (cell.startsWith("+")) return word | SET[cell.slice(1)]!;
  const errno = P2_ALIASES[cell] ?? (Errno as Record<string, number>)[cell];
  assert.ok(errno !== undefined && errno !== 0, `bad cell ${cell}`);
  return (errno << 8) | word;
}

function show(r: number): string {
  const state = STATES[stepWord(r) & Word.STATE] ?? `state ${stepWord(r) & Word.STATE}`;
  const flags = stepWord(r) >> 4;
  return `${core.errnoName(stepErrno(r))} ${state}${flags ? ` flags 0x${flags.toString(16)}0` : ""}`;
}

function checkMatrix(abi: number, matrix: Matrix): void {
  const wrong: string[] = [];
  let cells = 0;
  STATES.forEach((stateName, state) => {
    const row = matrix[stateName].trim().split(/\s+/);
    assert.equal(row.length, OPS.length, `${stateName}: ${row.length} cells`);
    row.forEach((cell, op) => {
      for (let flags = 0; flags <= Word.FLAGS; flags += 0x10) {
        const word = state | flags;
        const got = core.tcpStep(abi, word, op);
        const want = expected(cell, word);
        cells++;
        if (got !== want) wrong.push(`${stateName}${flags ? `|0x${flags.toString(16)}` : ""} ${OPS[op]}: got ${show(got)}, want ${show(want)} (${cell})`);
      }
    });
  });
  assert.deepEqual(wrong, []);
  assert.equal(cells, 8 * 20 * 8);
}

describe("tcp_step matrices", () => {
  it("enums.ts TcpOp and TcpState are the columns and rows here", () => {
    assert.deepEqual(Object.keys(TcpOp), [...OPS]);
    assert.deepEqual(Object.values(TcpOp), OPS.map((_, i) => i));
    assert.deepEqual(Object.keys(TcpState), [...STATES]);
    assert.deepEqual(Object.values(TcpState), STATES.map((_, i) => i));
  });

  it("LINUX (preview1, WasmEdge)", () => checkMatrix(Abi.LINUX, LINUX));
  it("WASIX", () => checkMatrix(Abi.WASIX, WASIX));
  it("P2 (wasi:sockets)", () => checkMatrix(Abi.P2, P2));
  it("P3 (wasi:sockets 0.3)", () => checkMatrix(Abi.P3, P3));

  it("P2 errnos are the error-codes docs/abi.md §4.2 asks for", () => {
    assert.equal(core.errnoToP2(P2_ALIASES.IS!), ErrorCode.INVALID_STATE);
    assert.equal(core.errnoToP2(P2_ALIASES.NIP!), ErrorCode.NOT_IN_PROGRESS);
    assert.equal(core.errnoToP2(P2_ALIASES.CC!), ErrorCode.CONCURRENCY_CONFLICT);
  });

  it("an error never changes the word", () => {
    for (let abi = 0; abi < 4; abi++) {
      for (let word = 0; word <= 0xff; word++) {
        if ((word & Word.STATE) > TcpState.CLOSED) continue;
        for (let op = 0; op < OPS.length; op++) {
          const r = core.tcpStep(abi, word, op);
          if (stepErrno(r) !== 0) assert.equal(stepWord(r), word, `abi ${abi} word ${word} op ${op}`);
        }
      }
    }
  });
});

describe("tcp_step outside the tables", () => {
  const inval = (word: number) => (Errno.INVAL << 8) | (word & 0xff);
  it("abi out of range", () => {
    for (const abi of [-1, 4, 255, 0x7fffffff]) assert.equal(core.tcpStep(abi, TcpState.BOUND, TcpOp.LISTEN), inval(TcpState.BOUND));
  });
  it("op out of range", () => {
    for (const op of [-1, 20, 21, 0x7fffffff]) assert.equal(core.tcpStep(Abi.LINUX, TcpState.UNBOUND, op), inval(0));
  });
  it("state 8–15", () => {
    for (let s = 8; s < 16; s++) assert.equal(core.tcpStep(Abi.LINUX, s, TcpOp.CLOSE), inval(s));
  });
  it("a word wider than a byte", () => {
    for (const w of [0x100, 0x106, -1]) assert.equal(core.tcpStep(Abi.LINUX, w, TcpOp.RECV), inval(w));
  });
  it("bit 0x80 is carried along where the word is kept", () => {
    assert.equal(core.tcpStep(Abi.LINUX, TcpState.CONNECTED | 0x80, TcpOp.SHUT_WR), TcpState.CONNECTED | 0x80 | Word.SHUT_WR);
    assert.equal(core.tcpStep(Abi.LINUX, TcpState.CONNECTED | 0x80, TcpOp.CLOSE), TcpState.CLOSED);
  });
});

/** Runs ops from a word; returns [errno name, state name, flags] after each. */
function walk(abi: number, word: number, ops: number[]): string[] {
  return ops.map((op) => {
    const r = core.tcpStep(abi, word, op);
    if (stepErrno(r) === 0) word = stepWord(r);
    return `${OPS[op]}:${show(r)}`;
  });
}

describe("tcp_step sequences", () => {
  it("LINUX: listen without bind auto-binds; listen again updates the backlog", () => {
    assert.deepEqual(walk(Abi.LINUX, TcpState.UNBOUND, [TcpOp.LISTEN, TcpOp.LISTEN, TcpOp.ACCEPT, TcpOp.CLOSE, TcpOp.ACCEPT]), [
      "LISTEN:SUCCESS LISTENING", "LISTEN:SUCCESS LISTENING", "ACCEPT:SUCCESS LISTENING", "CLOSE:SUCCESS CLOSED", "ACCEPT:EBADF CLOSED",
    ]);
  });

  it("LINUX: a refused connect can be repeated; a second connect while connecting is EALREADY", () => {
    assert.deepEqual(walk(Abi.LINUX, TcpState.UNBOUND, [TcpOp.CONNECT, TcpOp.CONNECT, TcpOp.CONNECT_FAIL, TcpOp.CONNECT, TcpOp.CONNECT_OK, TcpOp.CONNECT]), [
      "CONNECT:SUCCESS CONNECTING", "CONNECT:EALREADY CONNECTING", "CONNECT_FAIL:SUCCESS BOUND",
      "CONNECT:SUCCESS CONNECTING", "CONNECT_OK:SUCCESS CONNECTED", "CONNECT:EISCONN CONNECTED",
    ]);
  });

  it("LINUX: shutdown sets flags, repeats fine, and send after SHUT_WR is EPIPE", () => {
    assert.deepEqual(walk(Abi.LINUX, TcpState.CONNECTED, [TcpOp.SEND, TcpOp.SHUT_WR, TcpOp.SHUT_WR, TcpOp.SEND, TcpOp.RECV, TcpOp.PEER_CLOSED, TcpOp.SHUT_RD]), [
      "SEND:SUCCESS CONNECTED", "SHUT_WR:SUCCESS CONNECTED flags 0x20", "SHUT_WR:SUCCESS CONNECTED flags 0x20",
      "SEND:EPIPE CONNECTED flags 0x20", "RECV:SUCCESS CONNECTED flags 0x20", "PEER_CLOSED:SUCCESS CONNECTED flags 0x60",
      "SHUT_RD:SUCCESS CONNECTED flags 0x70",
    ]);
  });

  it("WASIX: listen needs a bind; a re-bind is fine; listen twice is ENOTSUP", () => {
    assert.deepEqual(walk(Abi.WASIX, TcpState.UNBOUND, [TcpOp.LISTEN, TcpOp.BIND, TcpOp.BIND, TcpOp.LISTEN, TcpOp.LISTEN, TcpOp.BIND]), [
      "LISTEN:EINVAL UNBOUND", "BIND:SUCCESS BOUND", "BIND:SUCCESS BOUND", "LISTEN:SUCCESS LISTENING", "LISTEN:ENOTSUP LISTENING", "BIND:ENOTSUP LISTENING",
    ]);
  });

  it("P2: bind and listen go through their in-progress states", () => {
    assert.deepEqual(walk(Abi.P2, TcpState.UNBOUND, [TcpOp.LISTEN, TcpOp.FINISH_BIND, TcpOp.BIND, TcpOp.BIND, TcpOp.LOCAL_ADDR, TcpOp.FINISH_BIND, TcpOp.LOCAL_ADDR, TcpOp.LISTEN, TcpOp.ACCEPT, TcpOp.FINISH_LISTEN, TcpOp.ACCEPT, TcpOp.FINISH_LISTEN]), [
      "LISTEN:EBADF UNBOUND", "FINISH_BIND:ESRCH UNBOUND", "BIND:SUCCESS BIND_IN_PROGRESS", "BIND:EALREADY BIND_IN_PROGRESS",
      "LOCAL_ADDR:EBADF BIND_IN_PROGRESS", "FINISH_BIND:SUCCESS BOUND", "LOCAL_ADDR:SUCCESS BOUND", "LISTEN:SUCCESS LISTEN_IN_PROGRESS",
      "ACCEPT:EBADF LISTEN_IN_PROGRESS", "FINISH_LISTEN:SUCCESS LISTENING", "ACCEPT:SUCCESS LISTENING", "FINISH_LISTEN:ESRCH LISTENING",
    ]);
  });

  it("P2: the peer's close before finish-connect is kept into CONNECTED; other state changes clear it", () => {
    assert.deepEqual(walk(Abi.P2, TcpState.UNBOUND, [TcpOp.CONNECT, TcpOp.PEER_CLOSED, TcpOp.FINISH_CONNECT, TcpOp.SHUT_WR, TcpOp.CLOSE]), [
      "CONNECT:SUCCESS CONNECTING", "PEER_CLOSED:SUCCESS CONNECTING flags 0x40", "FINISH_CONNECT:SUCCESS CONNECTED flags 0x40",
      "SHUT_WR:SUCCESS CONNECTED flags 0x60", "CLOSE:SUCCESS CLOSED",
    ]);
    assert.deepEqual(walk(Abi.P2, TcpState.CONNECTING | Word.PEER_CLOSED, [TcpOp.FINISH_FAIL]), ["FINISH_FAIL:SUCCESS CLOSED"]);
    assert.deepEqual(walk(Abi.LINUX, TcpState.CONNECTING, [TcpOp.PEER_CLOSED, TcpOp.CONNECT_OK, TcpOp.PEER_CLOSED]), [
      "PEER_CLOSED:EINVAL CONNECTING", "CONNECT_OK:SUCCESS CONNECTED", "PEER_CLOSED:SUCCESS CONNECTED flags 0x40",
    ]);
  });

  it("P2: a failed connect closes the socket for good; a failed finish-bind unbinds it", () => {
    assert.deepEqual(walk(Abi.P2, TcpState.UNBOUND, [TcpOp.CONNECT, TcpOp.FINISH_FAIL, TcpOp.CONNECT, TcpOp.FINISH_CONNECT, TcpOp.CLOSE]), [
      "CONNECT:SUCCESS CONNECTING", "FINISH_FAIL:SUCCESS CLOSED", "CONNECT:EBADF CLOSED", "FINISH_CONNECT:ESRCH CLOSED", "CLOSE:SUCCESS CLOSED",
    ]);
    assert.deepEqual(walk(Abi.P2, TcpState.UNBOUND, [TcpOp.BIND, TcpOp.FINISH_FAIL, TcpOp.BIND]), [
      "BIND:SUCCESS BIND_IN_PROGRESS", "FINISH_FAIL:SUCCESS UNBOUND", "BIND:SUCCESS BIND_IN_PROGRESS",
    ]);
  });
});
