// The kernel's poll (host/sockets/poller.ts) over many sockets: a waiting poll looks again only at
// the sockets that changed, finds every place a socket is polled at, and still answers right when
// more changed than it remembers, when a polled socket is closed, and when the list it was given
// last time names other sockets now.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Poller } from "../../host/sockets/poller.js";
import { PollBits } from "../../host/sockets/api.js";
import { Socket } from "../../host/sockets/socket.js";
import { Word } from "../../host/core/enums.js";

/** `n` sockets, handles 1…n, in a table the poller looks them up in. */
function table(n: number): { poller: Poller; sockets: Map<number, Socket>; at: (h: number) => Socket } {
  const sockets = new Map<number, Socket>();
  const poller = new Poller((h) => sockets.get(h));
  for (let h = 1; h <= n; h++) {
    const s = new Socket();
    s.handle = h;
    s.activity = poller.onActivity;
    sockets.set(h, s);
  }
  return { poller, sockets, at: (h) => sockets.get(h)! };
}

/** The peer closed: readable (EOF) and hung up. */
function peerCloses(s: Socket): void {
  s.word |= Word.PEER_CLOSED;
  s.notify();
}

const reads = (n: number): Int32Array => new Int32Array(n).fill(PollBits.READ);
const handles = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i + 1);

describe("poll over many sockets", () => {
  test("a waiting poll of 1,000 answers with the one that became ready", async () => {
    const { poller, at } = table(1000);
    const r = poller.poll(handles(1000), reads(1000), -1);
    assert.ok(r instanceof Promise);
    peerCloses(at(577));
    assert.deepEqual(await r, [576, PollBits.READ | PollBits.HANGUP, 0]);
  });

  test("a socket polled at two places is answered at both, in order", async () => {
    const { poller, at } = table(200);
    const hs = handles(200);
    hs[150] = 9; // handle 9 at index 8 and 150
    const r = poller.poll(hs, reads(200), -1);
    peerCloses(at(9));
    assert.deepEqual(await r, [8, PollBits.READ | PollBits.HANGUP, 0, 150, PollBits.READ | PollBits.HANGUP, 0]);
  });

  test("more changes in one turn than it remembers: every ready one is still found", async () => {
    const { poller, at } = table(300);
    const r = poller.poll(handles(300), reads(300), -1);
    for (let h = 201; h <= 260; h++) peerCloses(at(h));
    const got = (await r) as number[];
    assert.equal(got.length / 3, 60);
    assert.deepEqual(got.filter((_, k) => k % 3 === 0), Array.from({ length: 60 }, (_, i) => 200 + i));
  });

  test("a polled socket closed while the poll waits is answered as gone", async () => {
    const { poller, sockets, at } = table(100);
    const r = poller.poll(handles(100), reads(100), -1);
    const s = at(42);
    sockets.delete(42);
    s.handle = -1; // as SocketTable.remove leaves it
    s.notify();
    assert.deepEqual(await r, [41, PollBits.INVALID, 0]);
  });

  test("a list naming other sockets than last time is looked up afresh", () => {
    const { poller, sockets, at } = table(100);
    assert.deepEqual(poller.poll(handles(100), reads(100), 0), []);
    // handle 7 is closed and a new socket (handle 101) takes its place in the list
    const old = at(7);
    sockets.delete(7);
    old.handle = -1;
    const s = new Socket();
    s.handle = 101;
    s.word |= Word.PEER_CLOSED;
    sockets.set(101, s);
    const hs = handles(100);
    hs[6] = 101;
    assert.deepEqual(poller.poll(hs, reads(100), 0), [6, PollBits.READ | PollBits.HANGUP, 0]);
    // and the closed one, still named by an old list, is gone
    assert.deepEqual(poller.poll(handles(100), reads(100), 0), [6, PollBits.INVALID, 0]);
  });
});

describe("a guest that spins instead of waiting lets its held sends go", () => {
  test("an EAGAIN accept and an empty poll(0) ask the network to flush; a poll that finds something does not", async () => {
    const { MemoryNetwork } = await import("../../host/net/memory/network.js");
    const { LocalKernel } = await import("../../host/sockets/kernel.js");
    const backend = new MemoryNetwork().backend();
    let flushes = 0;
    const counted = Object.assign(Object.create(backend) as typeof backend, { flushWrites: () => void flushes++ });
    const kernel = new LocalKernel(counted, 16, { stdout() {}, stderr() {} });
    const l = await kernel.preopen("127.0.0.1", 80, 4, 3);
    assert.equal(kernel.accept(l, true, 4), -6 /* EAGAIN */);
    assert.equal(flushes, 1);
    assert.deepEqual(kernel.poll([l], [PollBits.READ], 0), []);
    assert.equal(flushes, 2);
    assert.deepEqual(kernel.poll([l + 1000], [PollBits.READ], 0), [0, PollBits.INVALID, 0]);
    assert.equal(flushes, 2, "a poll that answers something is no spin");
    kernel.closeAll();
  });
});
