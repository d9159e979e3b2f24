// core.wasm itself: the embedded bytes, no imports, the export contract, and the Core wrapper.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CORE_WASM_SIZE, coreWasmBytes, decodeBase64 } from "../../host/core/core-wasm.js";
import { Core, stepErrno, stepWord } from "../../host/core/core.js";
import * as barrel from "../../host/core/index.js";

/** The WebAssembly API, typed here: the repo's TS lib (ES2022 + @types/node 20) does not declare it. */
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Module: { new (b: Uint8Array): object; imports(m: object): unknown[] };
    Instance: new (m: object, i: object) => { exports: object };
    Memory: abstract new (...a: never[]) => object;
  };
}).WebAssembly;

const buildWasm = new URL("../../../build/core.wasm", import.meta.url);

/** docs/core-interface.md: export name → number of i32 parameters. */
// prettier-ignore
const CONTRACT: Record<string, number> = {
  errno_count: 0, errno_name: 1, errno_message: 1, errno_from_linux: 1, errno_to_linux: 1,
  scratch_ptr: 0, errno_from_code: 1, tcp_step: 3, p2_check_address: 4, backlog_effective: 2, accept_admit: 2,
  check_accept_flags: 2, check_riflags: 2, check_siflags: 2, shutdown_op: 2, check_fdflags: 2,
  // added (documented in the same file)
  errno_to_p2: 1, p2_count: 0, p2_name: 1, scratch_size: 0, p2_from_code: 1, code_count: 0, code_name: 1,
  // capability policy
  policy_slot_alloc: 0, policy_slot_free: 1, policy_clear: 1, policy_add: 6, policy_check: 4, policy_count: 2,
  policy_allow_resolve_all: 1, policy_name_ptr: 0, policy_add_name: 2, policy_check_name: 2,
  // UDP state machine and socket options
  udp_step: 3, option_get: 4, option_set: 5, option_default: 3, option_from_abi: 2, p2_duration_secs: 2,
  // TCP data path
  stream_recv: 3, stream_send: 3, listener_accept: 3,
  // what else differs by ABI
  abi_flags: 1, family_check: 3, listen_backlog: 4, udp_send_op: 3,
  // wasi:sockets 0.3's streams
  tcp_stream: 4,
};

describe("core.wasm", () => {
  const bytes = coreWasmBytes();

  it("the embedded bytes are build/core.wasm", () => {
    const file = readFileSync(buildWasm);
    assert.equal(bytes.length, CORE_WASM_SIZE);
    assert.deepEqual(Buffer.from(bytes), file);
  });

  it("has no imports", () => {
    assert.deepEqual(wasm.Module.imports(new wasm.Module(bytes)), []);
  });

  it("exports exactly the contract's functions, with its arities, and its memory", () => {
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    const exports = instance.exports as Record<string, unknown>;
    assert.deepEqual(Object.keys(exports).sort(), [...Object.keys(CONTRACT), "memory"].sort());
    for (const [name, arity] of Object.entries(CONTRACT)) {
      assert.equal(typeof exports[name], "function", name);
      assert.equal((exports[name] as (...a: number[]) => number).length, arity, name);
    }
    assert.ok(exports.memory instanceof wasm.Memory);
    const scratch = (exports.scratch_ptr as () => number)();
    assert.ok(scratch > 0 && scratch % 4 === 0);
    assert.equal((exports.scratch_size as () => number)(), 64);
  });

  it("the base64 decoder agrees with Buffer on every length and byte", () => {
    for (let n = 0; n < 300; n++) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => (i * 151 + n * 7) & 0xff));
      const b64 = data.toString("base64");
      assert.deepEqual(Buffer.from(decodeBase64(b64)), data, `length ${n}`);
      assert.deepEqual(Buffer.from(decodeBase64(b64.replace(/=+$/, ""))), data, `length ${n} unpadded`);
    }
    assert.throws(() => decodeBase64("AB$D"), /invalid base64/);
  });
});

describe("Core", () => {
  it("load() gives one instance per realm", () => {
    assert.equal(Core.load(), Core.load());
  });

  it("stepErrno / stepWord unpack a step", () => {
    assert.equal(stepErrno((28 << 8) | 0x26), 28);
    assert.equal(stepWord((28 << 8) | 0x26), 0x26);
    assert.equal(stepErrno(6), 0);
    assert.equal(stepWord(6), 6);
  });

  it("strings are read once and stay equal", () => {
    const core = Core.load();
    assert.equal(core.errnoName(53), "ENOTCONN");
    assert.equal(core.errnoName(53), "ENOTCONN");
    assert.equal(core.strerror(53), core.strerror(53));
  });

  it("the barrel exports the API", () => {
    for (const name of ["Core", "stepErrno", "stepWord", "Abi", "Errno", "ErrorCode", "FdFlags", "RiFlags", "RoFlags", "SdFlags", "ShutdownType", "TcpOp", "TcpState", "Word", "PolicyKind", "UdpOp", "UdpState", "SockOpt", "SockKind", "OptClass", "CORE_WASM_SIZE"]) {
      assert.ok(name in barrel, name);
    }
  });
});
