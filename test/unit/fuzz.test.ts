// A short run of the import fuzzer (npm run fuzz does a million calls): hostile arguments to
// every import of every ABI, with no host fault — no throw but the exit calls, every answer an
// errno, a failed call leaving guest memory as it was, every wait ended by a stop, the sandbox's
// parent untouched. Two fixed seeds, so a failure here is replayed with `npm run fuzz -- --seed N`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fuzz } from "../../fuzz/harness.js";
import { fuzzP2 } from "../../fuzz/p2.js";
import { RUNTIME } from "../helpers/runtime.js";

for (const seed of [1, 2]) {
  test(`20,000 hostile import calls, seed ${seed}: no host fault (${RUNTIME})`, async () => {
    const stats = await fuzz({ seed, calls: 20_000 });
    assert.deepEqual(stats.faults, []);
    assert.equal(stats.calls, 20_000);
    assert.ok(stats.worlds >= 10, `${stats.worlds} worlds`);
    assert.ok((stats.errnos.get(0) ?? 0) > 100, "some calls succeed: the arguments reach past the checks");
  });
}

for (const seed of [1, 2]) {
  test(`20,000 wasi:sockets 0.2 calls with any valid values, seed ${seed}: only WIT's errors (${RUNTIME})`, async () => {
    const stats = await fuzzP2({ seed, calls: 20_000 });
    assert.deepEqual(stats.faults, []);
    assert.ok(stats.calls >= 20_000);
    const reached = (what: string): number => stats.outcomes.get(`${what}: ok`) ?? 0;
    assert.ok(reached("TcpSocket.finishConnect") > 0 && reached("InputStream.read") + reached("InputStream.blockingRead") > 0, "connections got made and read");
    assert.ok(reached("UdpSocket.stream") > 0 && reached("OutgoingDatagramStream.send") > 0, "datagrams got sent");
  });
}
