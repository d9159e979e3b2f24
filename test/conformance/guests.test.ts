import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { BRIDGES, ROOT, wasm } from "../helpers/guest.js";
import { runConformance } from "../helpers/peer.js";

/**
 * Every test/guests/p1_*.wasm (preview1), we_*.wasm (WasmEdge extension) and wx_*.wasm (WASIX,
 * module wasix_32v1) asserts errnos from inside WASM; this only plays the peer and reads the
 * verdicts. Guests that open their own sockets (we_, wx_) run with --allow-net.
 */
/** we_ guests run by their own tests (differential, name resolution, workerd). */
const NOT_CONFORMANCE = new Set(["we_misuse.wasm", "we_getaddrinfo.wasm", "we_connect_only.wasm"]);
const guests = readdirSync(`${ROOT}test/guests`).filter((f) => /^(p1|we|wx)_.*\.wasm$/.test(f) && !NOT_CONFORMANCE.has(f)).sort();

describe("conformance guests (preview1, WasmEdge, WASIX)", () => {
  test("there are guests to run", () => assert.ok(guests.length >= 4, guests.join(", ")));
  for (const g of guests) {
    for (const bridge of BRIDGES) {
      test(`${g} (${bridge} bridge)`, async () => {
        const r = await runConformance(wasm(`test/guests/${g}`), bridge, /^w[ex]_/.test(g) ? ["--allow-net"] : []);
        assert.deepEqual(r.failed, [], `failed checks:\n${r.failed.join("\n")}\nstderr:\n${r.stderr}`);
        assert.deepEqual(r.peerFailures, []);
        assert.ok(r.passed.length > 0, `no checks ran; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
        assert.equal(r.exitCode, 0, `exit ${r.exitCode}; stderr:\n${r.stderr}`);
      });
    }
  }
});
