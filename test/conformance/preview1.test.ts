import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { BRIDGES, ROOT, wasm } from "../helpers/guest.js";
import { runConformance } from "../helpers/peer.js";

/** Every test/guests/p1_*.wasm asserts errnos from inside WASM; this only plays the peer and reads the verdicts. */
const guests = readdirSync(`${ROOT}test/guests`).filter((f) => /^p1_.*\.wasm$/.test(f)).sort();

describe("preview1 conformance guests", () => {
  test("there are guests to run", () => assert.ok(guests.length >= 3, guests.join(", ")));
  for (const g of guests) {
    for (const bridge of BRIDGES) {
      test(`${g} (${bridge} bridge)`, async () => {
        const r = await runConformance(wasm(`test/guests/${g}`), bridge);
        assert.deepEqual(r.failed, [], `failed checks:\n${r.failed.join("\n")}\nstderr:\n${r.stderr}`);
        assert.deepEqual(r.peerFailures, []);
        assert.ok(r.passed.length > 0, `no checks ran; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
        assert.equal(r.exitCode, 0, `exit ${r.exitCode}; stderr:\n${r.stderr}`);
      });
    }
  }
});
