import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasJspi } from "../../host/bridge/jspi.js";
import { Runtime } from "../../host/entries/node.js";
import { ROOT } from "../helpers/guest.js";

/**
 * WASI 0.3's own rules (core.wasm's Abi.P3 rows, docs/abi.md §4.6) asserted from inside a
 * component: test/guests/p3_rules.wat with the WIT beside it, made into a component here by
 * jco-transpile's own wasm-tools (parse, component embed, component new), since there is no Rust
 * wasip3 toolchain to build one. The guest exits with the number of the first check that fails
 * (the .wat says which), 0 when all pass. send's and receive's outcomes are futures, read with the
 * async ABI's future.read and waited for in a waitable set.
 */
const skip = hasJspi() ? false : "WASI 0.3 components need JSPI (Node ≥ 24.20, Deno, Bun): this engine has none";

async function component(): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const core = await parse(readFileSync(join(ROOT, "test/guests/p3_rules.wat"), "utf8"));
  const wit = readFileSync(join(ROOT, "test/guests/p3_rules.wit"), "utf8");
  return componentNew(await componentEmbed({ binary: core, witSource: wit, world: "rules" } as Parameters<typeof componentEmbed>[0]));
}

async function run(bytes: Uint8Array, listen: string[]): Promise<number> {
  const rt = new Runtime({ allow: { listen, connect: ["127.0.0.1:*"] }, stderr: () => {} });
  return (await rt.run(bytes)).exitCode;
}

describe("WASI 0.3 rules from inside a component (test/guests/p3_rules.wat)", { skip }, () => {
  test("listen and a UDP connect bind implicitly, a second listen or bind is invalid-state, disconnect without a peer is invalid-state; send and receive are invalid-state before connect and the second time (core tcp_stream)", async () => {
    assert.equal(await run(await component(), ["127.0.0.1:*", "0.0.0.0:*"]), 0);
  });

  test("listen's implicit bind is the policy's to allow: to the wildcard address (check 3 fails)", async () => {
    assert.equal(await run(await component(), ["127.0.0.1:*"]), 3);
  });
});
