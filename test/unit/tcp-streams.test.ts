// wasi:sockets 0.3's send/receive streams (core tcp_stream), cell by cell: every ABI, every state
// with every combination of the word's flags, every streams byte and every op. The expected cells
// are written out here; a changed rule in assembly/tcp-streams.ts fails this test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core, stepErrno, stepWord } from "../../host/core/core.js";
import { Abi, Errno, ErrorCode, StreamBit, StreamOp, TcpState, Word } from "../../host/core/enums.js";

const core = Core.load();
const STATES = ["UNBOUND", "BIND_IN_PROGRESS", "BOUND", "LISTEN_IN_PROGRESS", "LISTENING", "CONNECTING", "CONNECTED", "CLOSED"] as const;
const { SEND, RECEIVE, FIN } = StreamBit;

/**
 * P3, per state: [SEND, RECEIVE, SEND_END] for streams byte 0..7. `+S`/`+R`/`+F`: allowed, that bit
 * set; `IS` invalid-state (EBADF); `INVAL` a host bug. Only CONNECTED takes a stream, once each.
 */
// prettier-ignore
const CONNECTED_ROWS: Record<number, [string, string, string]> = {
  //                      SEND  RECEIVE SEND_END
  0:                   ["+S", "+R",   "INVAL"],
  [SEND]:              ["IS", "+R",   "+F"],
  [RECEIVE]:           ["+S", "IS",   "INVAL"],
  [SEND | RECEIVE]:    ["IS", "IS",   "+F"],
  [FIN]:               ["+S", "+R",   "INVAL"],
  [SEND | FIN]:        ["IS", "+R",   "+F"],
  [RECEIVE | FIN]:     ["+S", "IS",   "INVAL"],
  [SEND | RECEIVE | FIN]: ["IS", "IS", "+F"],
};

/** Any other state: no stream can be taken; SEND_END after a SEND still ends it (FIN). */
function otherRow(streams: number): [string, string, string] {
  return ["IS", "IS", streams & SEND ? "+F" : "INVAL"];
}

const BIT: Record<string, number> = { S: SEND, R: RECEIVE, F: FIN };

function expected(cell: string, streams: number): number {
  if (cell.startsWith("+")) return streams | BIT[cell.slice(1)]!;
  if (cell === "IS") return (Errno.BADF << 8) | streams;
  return (Errno.INVAL << 8) | streams;
}

describe("tcp_stream", () => {
  it("P3: every state, flag combination, streams byte and op", () => {
    const wrong: string[] = [];
    let cells = 0;
    STATES.forEach((name, state) => {
      for (let flags = 0; flags <= 0xf0; flags += 0x10) {
        for (let streams = 0; streams <= 7; streams++) {
          const row = state === TcpState.CONNECTED ? CONNECTED_ROWS[streams]! : otherRow(streams);
          row.forEach((cell, op) => {
            const got = core.tcpStream(Abi.P3, state | flags, streams, op);
            const want = expected(cell, streams);
            cells++;
            if (got !== want) wrong.push(`${name}|0x${flags.toString(16)} streams ${streams} op ${op}: got ${got.toString(16)}, want ${want.toString(16)} (${cell})`);
          });
        }
      }
    });
    assert.deepEqual(wrong, []);
    assert.equal(cells, 8 * 16 * 8 * 3);
  });

  it("the other ABIs have no streams: ENOTSUP, the byte unchanged", () => {
    for (const abi of [Abi.LINUX, Abi.WASIX, Abi.P2]) {
      for (let state = 0; state < 8; state++) {
        for (let streams = 0; streams <= 7; streams++) {
          for (let op = 0; op < 3; op++) assert.equal(core.tcpStream(abi, state, streams, op), (Errno.NOTSUP << 8) | streams);
        }
      }
    }
  });

  it("invalid-state is the error-code wasi:sockets asks for", () => {
    assert.equal(core.errnoToP2(Errno.BADF), ErrorCode.INVALID_STATE);
  });

  it("out of range: EINVAL, the byte unchanged (masked to a byte)", () => {
    const C = TcpState.CONNECTED;
    const inval = (s: number) => (Errno.INVAL << 8) | (s & 0xff);
    for (const abi of [-1, 4, 0x7fffffff]) assert.equal(core.tcpStream(abi, C, 0, StreamOp.SEND), inval(0));
    for (const op of [-1, 3, 0x7fffffff]) assert.equal(core.tcpStream(Abi.P3, C, 0, op), inval(0));
    for (const word of [8, 15, 0x100, -1]) assert.equal(core.tcpStream(Abi.P3, word, 0, StreamOp.SEND), inval(0));
    for (const streams of [8, 0x100, -1]) assert.equal(core.tcpStream(Abi.P3, C, streams, StreamOp.RECEIVE), inval(streams));
  });

  it("a connection's life: send and receive once each, the send's end a FIN once", () => {
    let streams = 0;
    const steps = [StreamOp.RECEIVE, StreamOp.SEND, StreamOp.RECEIVE, StreamOp.SEND, StreamOp.SEND_END, StreamOp.SEND_END].map((op) => {
      const r = core.tcpStream(Abi.P3, TcpState.CONNECTED | Word.PEER_CLOSED, streams, op);
      if (stepErrno(r) === 0) streams = stepWord(r);
      return `${core.errnoName(stepErrno(r))} ${streams}`;
    });
    assert.deepEqual(steps, ["SUCCESS 2", "SUCCESS 3", "EBADF 3", "EBADF 3", "SUCCESS 7", "SUCCESS 7"]);
  });
});
