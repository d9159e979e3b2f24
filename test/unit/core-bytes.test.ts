// The core is the same bytes in every host: what the embedded module decodes to is build/core.wasm,
// byte for byte, under whichever runtime runs this (Node, Deno, Bun), and it loads as one module.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { coreWasmBytes, CORE_WASM_SIZE } from "../../host/core/core-wasm.js";
import { RUNTIME } from "../helpers/runtime.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

test(`the embedded core.wasm is build/core.wasm, byte for byte (${RUNTIME})`, () => {
  const built = readFileSync(new URL("../../../build/core.wasm", import.meta.url));
  const embedded = coreWasmBytes();
  assert.equal(embedded.length, CORE_WASM_SIZE);
  assert.equal(sha256(embedded), sha256(built));
  assert.ok(WebAssembly.validate(embedded as Uint8Array<ArrayBuffer>));
  assert.deepEqual(WebAssembly.Module.imports(new WebAssembly.Module(embedded as Uint8Array<ArrayBuffer>)), []);
});

test(`the core.wasm shipped for hosts that import it (wasock/core.wasm, workerd) is build/core.wasm (${RUNTIME})`, () => {
  const built = readFileSync(new URL("../../../build/core.wasm", import.meta.url));
  const shipped = readFileSync(new URL("../../host/core/core.wasm", import.meta.url));
  assert.equal(sha256(shipped), sha256(built));
});
