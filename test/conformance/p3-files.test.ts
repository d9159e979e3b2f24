import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasJspi } from "../../host/bridge/jspi.js";
import { Runtime } from "../../host/entries/node.js";
import { ROOT } from "../helpers/guest.js";

/**
 * wasi:filesystem@0.3.0 from inside a component: test/guests/p3_files.wat with the WIT beside it,
 * made into a component here by jco-transpile's own wasm-tools (parse, component embed, component
 * new), as p3-rules.test.ts makes its guest. In its pre-opened directory the guest writes a file
 * through write-via-stream (stream<u8>), reads it back through read-via-stream, lists the
 * directory through read-directory (stream<directory-entry>), reads each call's future, and
 * opens a missing file (no-entry). It exits with the number of the first check that fails (the
 * .wat says which), 0 when all pass.
 */
const skip = hasJspi() ? false : "WASI 0.3 components need JSPI (Node ≥ 24.20, Deno, Bun): this engine has none";

const tmp = mkdtempSync(join(tmpdir(), "wasock-p3-files-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function component(): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const core = await parse(readFileSync(join(ROOT, "test/guests/p3_files.wat"), "utf8"));
  const wit = readFileSync(join(ROOT, "test/guests/p3_files.wit"), "utf8");
  return componentNew(await componentEmbed({ binary: core, witSource: wit, world: "files" } as Parameters<typeof componentEmbed>[0]));
}

/**
 * A component importing wasi:filesystem 0.2 and 0.3 both: jco gives both one Descriptor class and
 * one getDirectories, so it is refused (host/p2/run.ts). Its WIT and WAT are the least that imports
 * both versions' get-directories.
 */
const BOTH_WIT = `package wasock:both;
world both {
  import wasi:filesystem/preopens@0.2.0;
  import wasi:filesystem/preopens@0.3.0;
  export wasi:cli/run@0.3.0;
}
package wasi:filesystem@0.2.0 {
  interface types { resource descriptor; }
  interface preopens { use types.{descriptor}; get-directories: func() -> list<tuple<descriptor, string>>; }
}
package wasi:filesystem@0.3.0 {
  interface types { resource descriptor; }
  interface preopens { use types.{descriptor}; get-directories: func() -> list<tuple<descriptor, string>>; }
}
package wasi:cli@0.3.0 {
  interface run { run: async func() -> result; }
}`;
const BOTH_WAT = `(module
  (import "wasi:filesystem/preopens@0.2.0" "get-directories" (func $old (param i32)))
  (import "wasi:filesystem/preopens@0.3.0" "get-directories" (func $new (param i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "[async-lift-stackful]wasi:cli/run@0.3.0#run") (call $old (i32.const 0)) (call $new (i32.const 8))))`;

describe("wasi:filesystem@0.3.0 from inside a component (test/guests/p3_files.wat)", { skip }, () => {
  test("write-via-stream, read-via-stream and read-directory under a pre-open, and open-at of a missing file is no-entry", async () => {
    writeFileSync(join(tmp, "a.txt"), "a\n");
    let err = "";
    const rt = new Runtime({ preopens: { "/": tmp }, stderr: (d) => void (err += Buffer.from(d).toString()) });
    const { exitCode } = await rt.run(await component());
    assert.equal(exitCode, 0, err);
    assert.equal(readFileSync(join(tmp, "out.txt"), "utf8"), "hello, p3 files");
    assert.deepEqual(readdirSync(tmp).sort(), ["a.txt", "out.txt"]);
  });

  test("a component importing wasi:filesystem 0.2 and 0.3 both is refused in one line", async () => {
    const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
    const bytes = await componentNew(await componentEmbed({ binary: await parse(BOTH_WAT), witSource: BOTH_WIT, world: "both" } as Parameters<typeof componentEmbed>[0]));
    const rt = new Runtime({ preopens: { "/": tmp }, stderr: () => {} });
    await assert.rejects(rt.run(bytes), /imports wasi:filesystem 0\.2 and 0\.3 both/);
  });
});
