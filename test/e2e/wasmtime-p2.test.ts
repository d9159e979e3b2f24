import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BRIDGES } from "../helpers/guest.js";
import { cli } from "../helpers/runtime.js";

/**
 * wasmtime's own wasi:sockets test programs (crates/test-programs/src/bin/p2_*.rs), run unmodified
 * as WASI 0.2 components under `wasock run`. They are built from wasmtime's sources, which is not
 * ours to ship, so this runs when WASOCK_P2_TESTS names a directory of `<name>.component.wasm`.
 * Their assertions are also ported into test/conformance/p2-*.test.ts, which always run.
 */
const dir = process.env.WASOCK_P2_TESTS;
const skip = dir && existsSync(dir) ? false : "set WASOCK_P2_TESTS to a directory of wasmtime's p2_*.component.wasm";

const ALLOWED = ["--allow-net"];
/** [program, flags, exit code expected (0 unless it must trap)]. */
const PROGRAMS: [string, string[], number?][] = [
  ...["bind", "connect", "listen", "states", "sockopts", "streams", "sample_application", "busy_poll"].map((t): [string, string[]] => [`p2_tcp_${t}`, ALLOWED]),
  ...["bind", "connect", "states", "sockopts", "sample_application", "send_to_closed_receiver", "stream"].map((t): [string, string[]] => [`p2_udp_${t}`, ALLOWED]),
  // Sending more datagrams than check-send permitted must trap (the WIT): exit 134, as a trap.
  ["p2_udp_send_too_much", ALLOWED, 134],
  ["p2_ip_name_lookup", ALLOWED],
  ["p2_cli_no_tcp", []],
  ["p2_cli_no_udp", []],
  ["p2_cli_no_ip_name_lookup", []],
];

function run(file: string, flags: string[], bridge: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(...cli(["run", "--bridge", bridge, ...flags, file]), { stdio: ["ignore", "pipe", "pipe"] });
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
    for (const [name, flags, expected = 0] of PROGRAMS) {
      test(`${name} (${bridge} bridge)`, async () => {
        const { code, out } = await run(join(dir!, `${name}.component.wasm`), flags, bridge);
        assert.equal(code, expected, out);
        if (expected === 134) assert.match(out, /guest trapped: wasi:sockets: send of \d+ datagrams, check-send permitted \d+/);
      });
    }
  }
});
