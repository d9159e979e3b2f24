// A trapping guest says where (issue 19): test/guests/trap.c traps in divide(), called by
// compute(), called by main(). The CLI prints a wasmtime-style backtrace; the library's GuestTrap
// carries the frames as data — named from the module's name section, with the offsets of the
// module as given (not of the copy with yield points that ran) and file:line from its DWARF. Bun
// (JavaScriptCore) reports no offsets, so its frames have names and no offsets or lines.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { GuestTrap, Runtime } from "../../host/entries/node.js";
import { BRIDGES, runCli, wasm } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";

const TRAP = wasm("test/guests/trap.wasm");
const bytes = readFileSync(TRAP);
const OFFSETS = RUNTIME !== "bun";
const MESSAGE = RUNTIME === "bun" ? "Division by zero" : "divide by zero";

/** What run() rejects with. */
async function trapOf(run: Promise<unknown>): Promise<GuestTrap> {
  try {
    await run;
  } catch (e) {
    assert.ok(e instanceof GuestTrap, `not a GuestTrap: ${String(e)}`);
    return e;
  }
  assert.fail("the guest did not trap");
}

for (const bridge of BRIDGES) {
  describe(`a trapping guest (${bridge} bridge)`, () => {
    test("the CLI prints the message, then the wasm backtrace with names and source lines; exit 134", async () => {
      const r = await runCli(["run", "--bridge", bridge, TRAP]);
      assert.equal(r.code, 134, r.stderr);
      assert.equal(r.stdout, "about to divide\n");
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines[0], `wasock: guest trapped: ${MESSAGE}`);
      assert.equal(lines[1], "wasm backtrace:");
      const frames = lines.filter((l) => /^\s+\d+: /.test(l)).map((l) => l.replace(/^\s+\d+: +(0x[0-9a-f]+ - )?/, ""));
      assert.deepEqual(frames.slice(0, 3), ["divide", "compute", "main"]);
      if (OFFSETS) {
        assert.match(lines[2]!, /^ {4}0: +0x[0-9a-f]+ - divide$/);
        assert.match(lines[3]!, /^ +at test\/guests\/trap\.c:9$/);
      } else assert.equal(lines[2], "    0: divide");
    });

    test("GuestTrap carries the frames as data, and a stack that is the backtrace", async () => {
      const rt = new Runtime({ bridge, stdout: () => {} });
      const trap = await trapOf(rt.run(bytes));
      assert.equal(trap.message, MESSAGE);
      const top = trap.frames.slice(0, 3);
      assert.deepEqual(top.map((f) => f.name), ["divide", "compute", "main"]);
      // The function indices of the module's name section: divide and compute are defined one after the other.
      assert.ok(top.every((f) => typeof f.func === "number"));
      assert.equal(top[1]!.func, top[0]!.func! + 1);
      if (OFFSETS) {
        assert.deepEqual(top.map((f) => [f.file, f.line]), [["test/guests/trap.c", 9], ["test/guests/trap.c", 14], ["test/guests/trap.c", 21]]);
        // Offsets in the module as given: the same as the engine reports running it unchanged
        // (a compiled Module runs as it is, and its frames are as the engine gave them).
        const plain = await trapOf(new Runtime({ bridge, stdout: () => {} }).run(new WebAssembly.Module(bytes)));
        assert.deepEqual(top.map((f) => f.offset), plain.frames.slice(0, 3).map((f) => f.offset));
        assert.deepEqual(plain.frames.slice(0, 3).map((f) => f.name), ["divide", "compute", "main"]);
      } else assert.ok(top.every((f) => f.offset === undefined));
      assert.match(trap.stack!, new RegExp(`^GuestTrap: ${MESSAGE}\nwasm backtrace:\n {4}0: +(0x[0-9a-f]+ - )?divide\n`));
    });

    test("the same guest with an argument does not divide by zero: exit 0", async () => {
      const rt = new Runtime({ bridge, args: ["trap", "x"], stdout: () => {} });
      assert.deepEqual(await rt.run(bytes), { exitCode: 0 });
    });
  });
}
