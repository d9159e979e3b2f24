// GuestMemory.gather: the host's one copy of a send out of guest memory. Small copies are carved
// from shared slabs (host/util/slab.ts); whatever the size, a copy must keep its bytes however
// guest memory and later copies change.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GuestMemory } from "../../host/wasm/guest-memory.js";
import { SLAB_BYTES, SLAB_PIECE_MAX } from "../../host/util/slab.js";

function guest(): { mem: GuestMemory; u8: Uint8Array } {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const mem = new GuestMemory();
  mem.bind(memory);
  return { mem, u8: new Uint8Array(memory.buffer) };
}

describe("gather", () => {
  it("copies: later guest writes and later copies leave a copy as it was", () => {
    const { mem, u8 } = guest();
    const copies: { bytes: Uint8Array; fill: number }[] = [];
    // Enough small copies to roll over several slabs, of sizes that straddle the piece limit.
    for (let i = 0, total = 0; total < SLAB_BYTES * 3; i++) {
      const len = [1, 7, 79, 1000, SLAB_PIECE_MAX, SLAB_PIECE_MAX + 1][i % 6]!;
      u8.fill(i & 0xff, 0, len);
      copies.push({ bytes: mem.gather([{ ptr: 0, len }]), fill: i & 0xff });
      total += len;
    }
    u8.fill(0xee, 0, SLAB_PIECE_MAX + 1);
    for (const { bytes, fill } of copies) assert.ok(bytes.every((b) => b === fill), `a copy of ${bytes.length} bytes changed`);
  });

  it("joins several iovecs in order, small or large", () => {
    const { mem, u8 } = guest();
    for (const len of [3, SLAB_PIECE_MAX, 5000]) {
      for (let i = 0; i < 3 * len; i++) u8[100 + i] = i % 251;
      const iovs = [{ ptr: 100 + 2 * len, len }, { ptr: 100, len }, { ptr: 100 + len, len: 0 }, { ptr: 100 + len, len }];
      const got = mem.gather(iovs);
      const want = [...u8.subarray(100 + 2 * len, 100 + 3 * len), ...u8.subarray(100, 100 + 2 * len)];
      assert.deepEqual([...got], want);
    }
  });

  it("an empty send copies nothing", () => {
    const { mem } = guest();
    assert.equal(mem.gather([]).length, 0);
    assert.equal(mem.gather([{ ptr: 0, len: 0 }]).length, 0);
  });
});
