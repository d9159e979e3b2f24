// The worker bridge's posted-send ring (host/bridge/post-ring.ts), both ends on one thread: every
// record comes out once, whole and in order, across wrap-arounds (posted from an array or gathered
// into the ring), and a full ring refuses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Channel, RING_BYTES, Slot } from "../../host/bridge/channel.js";
import { MAX_POST, RingWriter, takePosted } from "../../host/bridge/post-ring.js";
import { outgoingBytes } from "../../host/sockets/send-path.js";

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let k = 0; k < n; k++) b[k] = (seed * 31 + k) & 0xff;
  return b;
}

function take(ch: Channel): [number, Uint8Array][] {
  const got: [number, Uint8Array][] = [];
  const r = takePosted(ch, { send: (h, d) => void got.push([h, d]), close: (h) => void got.push([h, new Uint8Array(0)]) });
  assert.equal(r, undefined, "a synchronous consumer never makes the ring wait");
  return got;
}

describe("posted-send ring", () => {
  it("hands back what was posted, in order, and is empty after", () => {
    const ch = new Channel();
    const w = new RingWriter(ch);
    const sent = [[3, bytes(1, 1)], [4, bytes(5, 2)], [3, bytes(4096, 3)]] as const;
    for (const [h, d] of sent) assert.equal(w.post(h, d), true);
    assert.deepEqual(take(ch), sent.map(([h, d]) => [h, d]));
    assert.deepEqual(take(ch), []);
  });

  it("a posted close comes after the socket's sends, and says whether bytes were left unread", () => {
    const ch = new Channel();
    const w = new RingWriter(ch);
    assert.equal(w.post(7, bytes(10, 1)), true);
    assert.equal(w.postClose(7, false), true);
    assert.equal(w.post(8, bytes(3, 2)), true);
    assert.equal(w.postClose(8, true), true);
    const got: string[] = [];
    takePosted(ch, { send: (h, d) => void got.push(`send ${h} ${d.length}`), close: (h, unread) => void got.push(`close ${h}${unread ? " unread" : ""}`) });
    assert.deepEqual(got, ["send 7 10", "close 7", "send 8 3", "close 8 unread"]);
  });

  it("wraps around the end many times without losing or reordering a byte", () => {
    const ch = new Channel();
    const w = new RingWriter(ch);
    let seq = 0, next = 0, total = 0;
    const sizes = [1, 3, 7, 8, 4093, MAX_POST, 65_531, 12_345, 2];
    // Post until the ring refuses, take all, repeat: ~40 MiB through a 1 MiB ring.
    while (total < 40 * RING_BYTES) {
      let posted = 0;
      // Every other record gathered straight into the ring, from a piece of a larger buffer.
      const post = (h: number, b: Uint8Array): boolean => {
        if (h % 2 === 0) return w.post(h, b);
        const within = new Uint8Array(b.length + 10);
        within.set(b, 7);
        return w.postGathered(h, outgoingBytes(within), 7, b.length);
      };
      while (post(seq, bytes(sizes[seq % sizes.length]!, seq))) {
        total += sizes[seq % sizes.length]!;
        seq++;
        posted++;
      }
      assert.ok(posted > 0, "an empty ring takes a record");
      for (const [h, d] of take(ch)) {
        assert.equal(h, next);
        assert.deepEqual(d, bytes(sizes[next % sizes.length]!, next));
        next++;
      }
      assert.equal(next, seq);
    }
  });

  it("refuses a record that does not fit, and takes it once there is room", () => {
    const ch = new Channel();
    const w = new RingWriter(ch);
    let n = 0;
    while (w.post(n, bytes(MAX_POST, n))) n++;
    assert.ok(n >= RING_BYTES / (MAX_POST + 8) - 1 && n < RING_BYTES / MAX_POST, `${n} records of 64 KiB in a 1 MiB ring`);
    assert.equal(w.post(99, bytes(MAX_POST, 99)), false);
    assert.equal(take(ch).length, n);
    assert.equal(w.post(99, bytes(MAX_POST, 99)), true);
    assert.deepEqual(take(ch), [[99, bytes(MAX_POST, 99)]]);
  });

  it("rings the host only when it said it sleeps", () => {
    const ch = new Channel();
    const w = new RingWriter(ch);
    const before = Atomics.load(ch.i32, Slot.EVENTS);
    w.post(1, bytes(1, 1));
    assert.equal(Atomics.load(ch.i32, Slot.EVENTS), before, "awake: no ring");
    Atomics.store(ch.i32, Slot.WAITING, 1);
    w.post(1, bytes(1, 2));
    assert.equal(Atomics.load(ch.i32, Slot.EVENTS), before + 1, "asleep: one ring");
    assert.equal(Atomics.load(ch.i32, Slot.WAITING), 0, "and the host is marked awake");
  });
});
