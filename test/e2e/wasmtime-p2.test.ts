import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BRIDGES } from "../helpers/guest.js";
import { cli, RUNTIME } from "../helpers/runtime.js";

/**
 * wasmtime's own wasi:sockets test programs, run unmodified as WASI 0.2 components under
 * `wasock run`, in both generations: today's (crates/test-programs/src/bin/p2_*.rs) and those jco
 * 1.1.1 ships (tests/gen/preview2_*.component.wasm and cli_no_*.component.wasm, built against wasi
 * 0.2.0 in early 2024). They are built from wasmtime's sources, which is not ours to ship, so this
 * runs when WASOCK_P2_TESTS names a directory holding either generation (or both); a generation
 * whose programs are not there is skipped, saying so. Their assertions are also ported into
 * test/conformance/p2-*.test.ts, which always run.
 */
const dir = process.env.WASOCK_P2_TESTS;
const skip = dir && existsSync(dir) ? false : "set WASOCK_P2_TESTS to a directory of wasmtime's p2_*.component.wasm (or jco 1.1.1's tests/gen)";

const ALLOWED = ["--allow-net"];
/** The UDP sample application's first datagram is empty, which Deno's node:dgram never sends. */
const NO_EMPTY_DATAGRAM = RUNTIME === "deno" ? "Deno's node:dgram sends no zero-length datagram, and this program's first datagram is one" : undefined;
/** [program, flags, exit code expected (0 unless it must trap), todo: why it cannot pass]. */
type Program = [string, string[], number?, string?];
const CURRENT: Program[] = [
  ...["bind", "connect", "listen", "states", "sockopts", "streams", "sample_application", "busy_poll"].map((t): Program => [`p2_tcp_${t}`, ALLOWED]),
  ...["bind", "connect", "states", "sockopts", "send_to_closed_receiver", "stream"].map((t): Program => [`p2_udp_${t}`, ALLOWED]),
  ["p2_udp_sample_application", ALLOWED, 0, NO_EMPTY_DATAGRAM],
  // Sending more datagrams than check-send permitted must trap (the WIT): exit 134, as a trap.
  ["p2_udp_send_too_much", ALLOWED, 134],
  ["p2_ip_name_lookup", ALLOWED],
  // wasmtime runs these with -S tcp=n / -S udp=n / no name lookup: creating the socket fails.
  ["p2_cli_no_tcp", ["--no-tcp"]],
  ["p2_cli_no_udp", ["--no-udp"]],
  ["p2_cli_no_ip_name_lookup", []],
];
const GEN_2024: Program[] = [
  ...["bind", "connect", "sample_application", "sockopts", "states"].map((t): Program => [`preview2_tcp_${t}`, ALLOWED]),
  ...["bind", "connect", "sockopts", "states"].map((t): Program => [`preview2_udp_${t}`, ALLOWED]),
  ["preview2_udp_sample_application", ALLOWED, 0, NO_EMPTY_DATAGRAM],
  ["preview2_ip_name_lookup", ALLOWED],
  // Written for wasmtime's switch of December 2023, when TCP and UDP off still made the socket and
  // then denied each operation; without rules wasock (as wasmtime by default) makes the socket and
  // denies each address.
  ["cli_no_udp", []],
  ["cli_no_ip_name_lookup", []],
  ["cli_no_tcp", [], 0, "it asserts access-denied from listen() and accept() on a socket that never bound: the switch of December 2023 denied every TCP call; wasmtime today (as wasock) answers invalid-state there, and with -S tcp=n refuses the socket itself, which this program unwraps"],
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

const present = (programs: Program[]): string | false =>
  dir && programs.every(([name]) => existsSync(join(dir, `${name}.component.wasm`))) ? false : `not all of ${programs.map(([n]) => n).join(", ")} are in WASOCK_P2_TESTS`;

const GENERATIONS = [["today's", CURRENT], ["2024's (jco 1.1.1)", GEN_2024]] as const;

for (const [generation, programs] of GENERATIONS) {
  describe(`wasmtime's wasi:sockets test programs, ${generation}`, { skip: skip || present(programs) }, () => {
    for (const bridge of BRIDGES) {
      for (const [name, flags, expected = 0, todo] of programs) {
        test(`${name} (${bridge} bridge)`, { todo }, async () => {
          const { code, out } = await run(join(dir!, `${name}.component.wasm`), flags, bridge);
          assert.equal(code, expected, out);
          if (expected === 134) assert.match(out, /guest trapped: wasi:sockets: send of \d+ datagrams, check-send permitted \d+/);
        });
      }
    }
  });
}
