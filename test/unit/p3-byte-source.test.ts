// host/abi/p3/streams.ts's ByteSource: what a 0.3 stream the host writes (TCP receive) gives jco's
// glue. READ_NOW answers a chunk the pull has at once (the guest's stream.read then completes in
// the call, host/p2/p3-glue.ts); a pull that must wait is started once and next() answers with it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteSource, READ_NOW } from "../../host/abi/p3/streams.js";

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

describe("ByteSource: a chunk at once, or a wait", () => {
  it("answers a chunk the pull has now through READ_NOW, without a promise", () => {
    let pulls = 0;
    const src = new ByteSource(() => (++pulls === 1 ? bytes(1, 2) : undefined));
    assert.deepEqual(src[READ_NOW](), { done: false, value: bytes(1, 2) });
    assert.equal(pulls, 1);
  });

  it("a pull that must wait is started once: READ_NOW answers undefined, next() its result", async () => {
    let pulls = 0;
    let give: (b: Uint8Array) => void = () => {};
    const src = new ByteSource(() => {
      pulls++;
      return new Promise<Uint8Array>((r) => (give = r));
    });
    assert.equal(src[READ_NOW](), undefined);
    assert.equal(src[READ_NOW](), undefined); // still waiting: not pulled again
    assert.equal(pulls, 1);
    const next = src.next();
    give(bytes(7));
    assert.deepEqual(await next, { done: false, value: bytes(7) });
    assert.equal(pulls, 1);
  });

  it("the end (or an error-code) at once ends it, told once", async () => {
    const told: (string | undefined)[] = [];
    const src = new ByteSource(() => "connection-reset", (e) => told.push(e));
    assert.deepEqual(src[READ_NOW](), { done: true, value: undefined });
    assert.deepEqual(await src.next(), { done: true, value: undefined });
    assert.deepEqual(src[READ_NOW](), { done: true, value: undefined });
    assert.deepEqual(told, ["connection-reset"]);
  });
});
