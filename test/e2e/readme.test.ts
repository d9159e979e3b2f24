import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";

/**
 * The README's code is real code: a block marked `<!-- file: PATH -->` is an excerpt of that file,
 * word for word, and the files run here (the C guest is examples/echo-blocking.wasm, which the
 * echo tests serve clients with).
 */
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const MARKED = [...README.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => ({ path: m[1]!, block: m[2]! }));

test("every README block marked with a file is that file's text, word for word", () => {
  assert.ok(MARKED.length >= 2, `found ${MARKED.length} marked blocks`);
  for (const { path, block } of MARKED) {
    const text = readFileSync(join(ROOT, path), "utf8");
    assert.ok(text.includes(block), `README's block for ${path} is not in the file`);
  }
});

test("the library example runs: it serves a request, lists the sockets, stops the guest (exit 143)", { skip: RUNTIME !== "node" ? "a Node program (wasock/node)" : false }, async () => {
  const p = spawn(process.execPath, [join(ROOT, "examples/library/serve.mjs")], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => p.on("exit", resolve));
  assert.equal(code, 0, err);
  assert.match(out, /^200 Hello, world!/m);
  assert.match(out, /LISTEN/);
  assert.match(out, /ESTABLISHED/);
  assert.match(out, /\{ exitCode: 143 \}/);
  // The stopped guest, looping on its accept's EBADF, is unwound after a few calls.
  assert.ok(err.split("accept: Bad file descriptor").length - 1 <= 40, err);
});
