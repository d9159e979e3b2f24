// stdoutLines / stderrLines (RuntimeOptions): the guest's output as whole lines, however it was
// written — pieces split inside a line and inside a UTF-8 character — and a last line with no
// newline when the run ends, on both bridges.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GuestError, Runtime } from "../../host/entries/node.js";
import { BRIDGES } from "../helpers/guest.js";

const leb = (n: number): number[] => (n < 128 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >> 7)]);
const str = (s: string): number[] => [s.length, ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];

/** Each piece written with its own fd_write, in order. */
const PIECES: [fd: number, bytes: number[]][] = [
  [1, [..."hel"].map((c) => c.charCodeAt(0))],
  [1, [..."lo\nwor"].map((c) => c.charCodeAt(0))],
  [2, [0x63, 0x61, 0x66, 0xc3]], // "caf" and the first byte of "é"
  [1, [..."ld\n"].map((c) => c.charCodeAt(0))],
  [2, [0xa9, 0x0a]], // the rest of "é", "\n"
  [1, [..."tail, no newline"].map((c) => c.charCodeAt(0))],
];

/** A guest that writes PIECES (data from byte 16; the iovec at 0, nwritten at 8) and returns. */
function writer(): Uint8Array {
  const data = PIECES.flatMap(([, b]) => b);
  const code: number[] = [0];
  let at = 16;
  for (const [fd, b] of PIECES) {
    // iovec { buf: at, len } at 0; fd_write(fd, 0, 1, 8); drop
    code.push(0x41, 0, 0x41, ...leb(at), 0x36, 2, 0, 0x41, 4, 0x41, b.length, 0x36, 2, 0, 0x41, fd, 0x41, 0, 0x41, 1, 0x41, 8, 0x10, 0, 0x1a);
    at += b.length;
  }
  code.push(0x0b);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0]),
    ...section(2, [1, ...str("wasi_snapshot_preview1"), ...str("fd_write"), 0x00, 0]),
    ...section(3, [1, 1]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...str("memory"), 0x02, 0, ...str("_start"), 0x00, 1]),
    ...section(10, [1, ...leb(code.length), ...code]),
    ...section(11, [1, 0x00, 0x41, 16, 0x0b, ...leb(data.length), ...data]),
  ]);
}

for (const bridge of BRIDGES) {
  describe(`stdoutLines, stderrLines (${bridge} bridge)`, () => {
    test("whole lines however the guest wrote them; the last one without a newline when it exits", async () => {
      const out: string[] = [], err: string[] = [], chunks: string[] = [];
      const rt = new Runtime({ bridge, stdoutLines: (l) => void out.push(l), stderrLines: (l) => void err.push(l) });
      assert.deepEqual(await rt.run(writer()), { exitCode: 0 });
      assert.deepEqual(out, ["hello", "world", "tail, no newline"]);
      assert.deepEqual(err, ["café"]);
      // The bytes callback, for contrast, gets the pieces as written.
      await new Runtime({ bridge, stdout: (d) => void chunks.push(Buffer.from(d).toString()), stderr: () => {} }).run(writer());
      assert.deepEqual(chunks, ["hel", "lo\nwor", "ld\n", "tail, no newline"]);
    });

    test("a line callback's promise is waited for, and the lines keep their order", async () => {
      const out: string[] = [];
      const rt = new Runtime({ bridge, stdoutLines: async (l) => (await new Promise((r) => setTimeout(r, 5)), out.push(l)), stderr: () => {} });
      assert.deepEqual(await rt.run(writer()), { exitCode: 0 });
      assert.deepEqual(out, ["hello", "world", "tail, no newline"]);
    });
  });
}

describe("stdoutLines: the option", () => {
  test("with stdout as well, or not a function, is one GuestError", () => {
    assert.throws(() => new Runtime({ stdout: () => {}, stdoutLines: () => {} }), (e) => e instanceof GuestError && e.message === "stdout, stdoutLines: give one of them (stdout receives bytes, stdoutLines whole lines)");
    assert.throws(() => new Runtime({ stderrLines: "x" as never }), (e) => e instanceof GuestError && e.message === 'stderrLines: expected a function, got "x"');
  });
});
