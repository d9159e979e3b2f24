import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BRIDGES, CLI } from "../helpers/guest.js";

/**
 * wasmtime's own wasi:sockets test programs (crates/test-programs/src/bin/p2_*.rs), run unmodified
 * as WASI 0.2 components under `wasock run`. They are built from wasmtime's sources, which is not
 * ours to ship, so this runs when WASOCK_P2_TESTS names a directory of `<name>.component.wasm`.
 * Their assertions are also ported into test/conformance/p2-*.test.ts, which always run.
 */
const dir = process.env.WASOCK_P2_TESTS;
const skip = dir && existsSync(dir) ? false : "set WASOCK_P2_TESTS to a directory of wasmtime's p2_*.component.wasm";

const ALLOWED = ["--allow-net"];
/** [program, flags, why it is skipped (or undefined)]. */
const PROGRAMS: [string, string[], string?][] = [
  ["p2_tcp_bind", ALLOWED],
  ["p2_tcp_connect", ALLOWED],
  ["p2_tcp_listen", ALLOWED],
  ["p2_tcp_states", ALLOWED],
  ["p2_tcp_sockopts", ALLOWED],
  ["p2_tcp_streams", ALLOWED],
  ["p2_tcp_sample_application", ALLOWED],
  ["p2_tcp_busy_poll", ALLOWED],
  ["p2_ip_name_lookup", ALLOWED],
  ["p2_cli_no_tcp", []],
  ["p2_cli_no_udp", []],
  ["p2_cli_no_ip_name_lookup", []],
  ...["bind", "connect", "states", "sockopts", "sample_application", "send_to_closed_receiver", "stream"].map(
    (t): [string, string[], string] => [`p2_udp_${t}`, ALLOWED, "wasi:sockets/udp is not implemented for components yet"],
  ),
];

function run(file: string, flags: string[], bridge: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, "run", "--bridge", bridge, ...flags, file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    const t = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("exit", (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

describe("wasmtime's wasi:sockets test programs", { skip }, () => {
  for (const bridge of BRIDGES) {
    for (const [name, flags, why] of PROGRAMS) {
      test(`${name} (${bridge} bridge)`, { skip: why ?? false }, async () => {
        const { code, out } = await run(join(dir!, `${name}.component.wasm`), flags, bridge);
        assert.equal(code, 0, out);
      });
    }
  }
});
