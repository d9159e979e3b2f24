// The core's data path (assembly/stream.ts): what a stream recv, a stream send and an accept answer
// for each state and each thing the host holds. First the answers written out, one line a case;
// then every (abi, word, have) against a model written the way the host decided before the core
// did (its step, then the socket's state and queues), so a changed answer anywhere fails.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core, stepErrno } from "../../host/core/core.js";
import { Abi, Errno, IoAnswer, IoHave, TcpOp, TcpState, Word } from "../../host/core/enums.js";

const core = Core.load();
const { DATA, ENOUGH, PEEK, WAITALL, NONBLOCK, FAILED, UNREPORTED, RESET, ROOM, WOKEN } = IoHave;
const ALL_HAVE = 0x3ff;
const PC = Word.PEER_CLOSED;

/** An answer as the tables below write it: TAKE, WAIT, EOF, REPORT or the errno's WASI name. */
function show(r: number): string {
  if (r > 0xff) return core.errnoName(r >>> 8).slice(1);
  return ["TAKE", "WAIT", "EOF", "REPORT"][r] ?? `?${r}`;
}

const { CONNECTED, CONNECTING, CLOSED, UNBOUND, BOUND, LISTENING } = TcpState;

describe("stream_recv", () => {
  // prettier-ignore
  const CASES: [abi: number, word: number, have: number, answer: string][] = [
    [Abi.LINUX, CONNECTED, DATA, "TAKE"],
    [Abi.LINUX, CONNECTED, 0, "WAIT"],
    [Abi.LINUX, CONNECTED, NONBLOCK, "AGAIN"],
    [Abi.LINUX, CONNECTED, ENOUGH, "EOF"],                          // asked for 0 bytes
    [Abi.LINUX, CONNECTED | Word.SHUT_RD, 0, "EOF"],
    [Abi.LINUX, CONNECTED | Word.PEER_CLOSED, 0, "EOF"],
    [Abi.LINUX, CONNECTED, FAILED | UNREPORTED, "REPORT"],
    [Abi.LINUX, CONNECTED, FAILED, "EOF"],                          // reported once, then end
    [Abi.LINUX, CONNECTED, DATA | FAILED | UNREPORTED, "TAKE"],     // bytes before the failure
    [Abi.LINUX, CONNECTED, DATA | WAITALL, "WAIT"],                 // waits for the rest
    [Abi.LINUX, CONNECTED, DATA | WAITALL | ENOUGH, "TAKE"],
    [Abi.LINUX, CONNECTED, DATA | WAITALL | NONBLOCK, "TAKE"],
    [Abi.LINUX, CONNECTED, DATA | WAITALL | PEEK, "TAKE"],
    [Abi.LINUX, CONNECTED | PC, DATA | WAITALL, "TAKE"],
    [Abi.LINUX, CONNECTED | Word.SHUT_RD, DATA | WAITALL, "TAKE"],
    [Abi.LINUX, CONNECTING, 0, "WAIT"],
    [Abi.LINUX, CONNECTING, NONBLOCK, "AGAIN"],
    [Abi.LINUX, UNBOUND, 0, "NOTCONN"],
    [Abi.LINUX, LISTENING, DATA, "NOTCONN"],
    [Abi.LINUX, CLOSED, DATA, "BADF"],
    [Abi.LINUX, BOUND, WOKEN, "NOTCONN"],                           // the connect failed meanwhile
    [Abi.LINUX, CLOSED, WOKEN, "BADF"],                             // closed meanwhile
    [Abi.WASIX, LISTENING, 0, "NOTSUP"],
    [Abi.WASIX, CONNECTED, DATA, "TAKE"],
    [Abi.P2, CONNECTED, NONBLOCK, "AGAIN"],
    [Abi.P2, CONNECTING, NONBLOCK, "BADF"],                         // invalid-state: no stream yet
    [Abi.P2, CLOSED, 0, "BADF"],
    [Abi.P2, CONNECTED | PC, NONBLOCK, "EOF"],
    [4, CONNECTED, DATA, "INVAL"],                                  // abi out of range
    [4, CONNECTED, DATA | WOKEN, "INVAL"],
    [Abi.LINUX, 0x100 | CONNECTED, DATA, "INVAL"],                  // word wider than a byte
    [Abi.LINUX, 0x100 | CONNECTED, DATA | WOKEN, "INVAL"],
    [Abi.LINUX, 8, DATA | WOKEN, "INVAL"],                          // state 8
    [Abi.LINUX, CONNECTED, 0x400, "INVAL"],                         // have out of range
    [Abi.LINUX, CONNECTED, -1, "INVAL"],
  ];
  for (const [abi, word, have, answer] of CASES) {
    it(`abi ${abi} word 0x${word.toString(16)} have 0x${(have >>> 0).toString(16)}: ${answer}`, () => {
      assert.equal(show(core.streamRecv(abi, word, have)), answer);
    });
  }
});

describe("stream_send", () => {
  // prettier-ignore
  const CASES: [abi: number, word: number, have: number, answer: string][] = [
    [Abi.LINUX, CONNECTED, ROOM, "TAKE"],
    [Abi.LINUX, CONNECTED, 0, "WAIT"],
    [Abi.LINUX, CONNECTED, NONBLOCK, "AGAIN"],
    [Abi.LINUX, CONNECTED | Word.SHUT_WR, ROOM, "PIPE"],            // EPIPE after SHUT_WR: here only
    [Abi.LINUX, CONNECTED | Word.SHUT_WR, ROOM | WOKEN, "PIPE"],
    [Abi.LINUX, CONNECTED, ROOM | FAILED | UNREPORTED | RESET, "REPORT"],
    [Abi.LINUX, CONNECTED, ROOM | FAILED | RESET, "PIPE"],          // a reset reported once, then EPIPE
    [Abi.LINUX, CONNECTED, ROOM | FAILED | UNREPORTED, "PIPE"],     // another failure: EPIPE at once
    [Abi.LINUX, CONNECTED | PC, ROOM, "TAKE"],                      // the peer's FIN does not stop sending
    [Abi.LINUX, CONNECTING, ROOM, "WAIT"],
    [Abi.LINUX, CONNECTING, NONBLOCK, "AGAIN"],
    [Abi.LINUX, UNBOUND, ROOM, "PIPE"],
    [Abi.LINUX, BOUND, ROOM | WOKEN, "PIPE"],                       // the connect failed meanwhile
    [Abi.LINUX, CLOSED, ROOM, "BADF"],
    [Abi.WASIX, UNBOUND, ROOM, "NOTCONN"],
    [Abi.WASIX, BOUND, ROOM | WOKEN, "PIPE"],
    [Abi.WASIX, CONNECTED | Word.SHUT_WR, ROOM, "PIPE"],
    [Abi.P2, CONNECTED, ROOM, "TAKE"],
    [Abi.P2, LISTENING, ROOM, "BADF"],                              // invalid-state
    [Abi.LINUX, CONNECTED, ROOM | 0x400, "INVAL"],
  ];
  for (const [abi, word, have, answer] of CASES) {
    it(`abi ${abi} word 0x${word.toString(16)} have 0x${have.toString(16)}: ${answer}`, () => {
      assert.equal(show(core.streamSend(abi, word, have)), answer);
    });
  }
});

describe("listener_accept", () => {
  // prettier-ignore
  const CASES: [abi: number, word: number, have: number, answer: string][] = [
    [Abi.LINUX, LISTENING, DATA, "TAKE"],
    [Abi.LINUX, LISTENING, 0, "WAIT"],
    [Abi.LINUX, LISTENING, NONBLOCK, "AGAIN"],
    [Abi.LINUX, CONNECTED, DATA, "INVAL"],
    [Abi.LINUX, CLOSED, DATA, "BADF"],
    [Abi.LINUX, CLOSED, DATA | WOKEN, "BADF"],                      // closed while waiting
    [Abi.WASIX, UNBOUND, DATA, "NOTCONN"],
    [Abi.WASIX, CONNECTED, DATA, "NOTSUP"],
    [Abi.P2, LISTENING, NONBLOCK, "AGAIN"],
    [Abi.P2, BOUND, DATA, "BADF"],                                  // invalid-state
    [Abi.LINUX, LISTENING, 0x400, "INVAL"],
  ];
  for (const [abi, word, have, answer] of CASES) {
    it(`abi ${abi} word 0x${word.toString(16)} have 0x${have.toString(16)}: ${answer}`, () => {
      assert.equal(show(core.listenerAccept(abi, word, have)), answer);
    });
  }
});

// ─── The model: the host's decisions as they were written before the core took them ──────────

type Answer = number; // (errno << 8) | IoAnswer
const errno = (e: number): Answer => e << 8;
const wait = (have: number): Answer => (have & NONBLOCK ? errno(Errno.AGAIN) : IoAnswer.WAIT);

function stepFails(abi: number, word: number, op: number, have: number): number {
  return have & WOKEN ? 0 : stepErrno(core.tcpStep(abi, word, op));
}

function modelRecv(abi: number, word: number, have: number): Answer {
  const e = stepFails(abi, word, TcpOp.RECV, have);
  if (e) return errno(e);
  const state = word & Word.STATE;
  if (state === CLOSED) return errno(Errno.BADF);
  if (state === CONNECTING) return wait(have);
  if (state !== CONNECTED) return errno(Errno.NOTCONN);
  const ended = have & FAILED || word & (Word.SHUT_RD | Word.PEER_CLOSED);
  if (have & DATA) return !(have & WAITALL) || have & (NONBLOCK | ENOUGH | PEEK) || ended ? IoAnswer.TAKE : IoAnswer.WAIT;
  if (have & FAILED && have & UNREPORTED) return IoAnswer.REPORT;
  if (ended || have & ENOUGH) return IoAnswer.EOF;
  return wait(have);
}

function modelSend(abi: number, word: number, have: number): Answer {
  const e = stepFails(abi, word, TcpOp.SEND, have);
  if (e) return errno(e);
  const state = word & Word.STATE;
  if (state === CLOSED) return errno(Errno.BADF);
  if (state === CONNECTING) return wait(have);
  if (state !== CONNECTED) return errno(Errno.PIPE);
  if (have & FAILED) return have & UNREPORTED && have & RESET ? IoAnswer.REPORT : errno(Errno.PIPE);
  if (word & Word.SHUT_WR) return errno(Errno.PIPE);
  return have & ROOM ? IoAnswer.TAKE : wait(have);
}

function modelAccept(abi: number, word: number, have: number): Answer {
  const e = stepFails(abi, word, TcpOp.ACCEPT, have);
  if (e) return errno(e);
  if ((word & Word.STATE) !== LISTENING) return errno(Errno.BADF);
  return have & DATA ? IoAnswer.TAKE : wait(have);
}

describe("every (abi, word, have) as the model answers", () => {
  const fns: [string, (a: number, w: number, h: number) => number, (a: number, w: number, h: number) => number][] = [
    ["stream_recv", (a, w, h) => core.streamRecv(a, w, h), modelRecv],
    ["stream_send", (a, w, h) => core.streamSend(a, w, h), modelSend],
    ["listener_accept", (a, w, h) => core.listenerAccept(a, w, h), modelAccept],
  ];
  for (const [name, got, want] of fns) {
    it(name, () => {
      let checked = 0;
      for (let abi = 0; abi < 4; abi++)
        for (let word = 0; word < 0x100; word++) {
          if ((word & Word.STATE) >= 8) continue;
          for (let have = 0; have <= ALL_HAVE; have++) {
            const g = got(abi, word, have);
            const w = want(abi, word, have);
            if (g !== w) assert.fail(`${name}(${abi}, 0x${word.toString(16)}, 0x${have.toString(16)}) = ${show(g)}, model ${show(w)}`);
            checked++;
          }
        }
      assert.equal(checked, 4 * 128 * 1024);
    });
  }
});
