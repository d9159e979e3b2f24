// host/util/slab.ts's pooled copies: a send's copy between 4 KiB and 64 KiB is a view of a
// pooled buffer, given back only by recycle (node:net's write callback), and never handed out
// twice while its holder has it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPooled, recycle, SLAB_PIECE_MAX, uninitialized } from "../../host/util/slab.js";

describe("pooled copies", () => {
  it("sizes from above the slab's pieces to 64 KiB are pooled; others are buffers of their own", () => {
    for (const len of [SLAB_PIECE_MAX + 1, 4096, 4097, 16384, 65536]) {
      const b = uninitialized(len);
      assert.equal(b.length, len);
      assert.ok(isPooled(b), `${len} bytes: pooled`);
      assert.equal(b.buffer.byteLength, 2 ** Math.max(12, Math.ceil(Math.log2(len))), `${len} bytes: its size class`);
    }
    for (const len of [65537, 1 << 20]) assert.ok(!isPooled(uninitialized(len)), `${len} bytes: not pooled`);
    assert.ok(!isPooled(new Uint8Array(16384)));
  });

  it("a recycled buffer is handed out again, and only once", () => {
    const a = uninitialized(16384);
    recycle(a);
    const b = uninitialized(10000); // the same size class
    assert.equal(b.buffer, a.buffer);
    const c = uninitialized(16384);
    assert.notEqual(c.buffer, b.buffer, "a buffer in use is not handed out twice");
  });

  it("holders' bytes are their own: filling one pooled copy leaves the others", () => {
    const held = Array.from({ length: 40 }, (_, i) => uninitialized(8192).fill(i));
    for (const b of held.slice(0, 20)) recycle(b);
    const fresh = Array.from({ length: 20 }, () => uninitialized(8192).fill(0xee));
    held.slice(20).forEach((b, i) => assert.ok(b.every((x) => x === i + 20), `copy ${i + 20} kept its bytes`));
    assert.equal(new Set([...held.slice(20), ...fresh].map((b) => b.buffer)).size, 40);
  });

  it("recycling something not pooled, or pooling more than a size keeps, does no harm", () => {
    recycle(new Uint8Array(16384));
    recycle(uninitialized(100_000));
    const many = Array.from({ length: 64 }, () => uninitialized(32768));
    for (const b of many) recycle(b);
    const again = Array.from({ length: 64 }, () => uninitialized(32768));
    assert.equal(new Set(again.map((b) => b.buffer)).size, 64);
  });
});
