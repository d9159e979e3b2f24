import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BRIDGES, runCli, wasm } from "../helpers/guest.js";
import { runConformance } from "../helpers/peer.js";
import { Runtime } from "../../host/entries/node.js";
import { PreopenError } from "../../host/runtime.js";

/**
 * Pre-opened directories (`--dir host::guest`): test/guests/fs_basic.c asserts from inside the
 * guest (libc file calls, raw errnos, escapes refused with ENOTCAPABLE, a listener on fd 3 and
 * the directory on fd 4); here the host side prepares its tree and checks what it left behind.
 */

const tmp = mkdtempSync(join(tmpdir(), "wasock-fs-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh tree per run: <root>/data is pre-opened; <root>/secret.txt lies outside it. */
function tree(name: string): { root: string; data: string; other: string } {
  const root = join(tmp, name);
  const data = join(root, "data");
  const other = join(root, "other");
  mkdirSync(join(data, "sub"), { recursive: true });
  mkdirSync(other);
  writeFileSync(join(data, "hello.txt"), "hello from the host\n");
  writeFileSync(join(data, "sub", "inner.txt"), "inner");
  writeFileSync(join(root, "secret.txt"), "secret\n");
  symlinkSync("sub/inner.txt", join(data, "inside-link"));
  symlinkSync("sub", join(data, "sub-link"));
  symlinkSync("../secret.txt", join(data, "escape"));
  symlinkSync(join(root, "secret.txt"), join(data, "abs-escape"));
  symlinkSync("..", join(data, "up-link"));
  return { root, data, other };
}

/** Exactly one line on stderr, starting with "wasock: ". */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  return lines[0]!;
}

describe("pre-opened directories: fs_basic guest (listener on fd 3, /data on fd 4)", () => {
  for (const bridge of BRIDGES) {
    test(`${bridge} bridge`, async () => {
      const { root, data, other } = tree(bridge);
      const r = await runConformance(wasm("test/guests/fs_basic.wasm"), bridge, [
        "--dir", `${data}::/data`, "--dir", other, "--env", `SECOND_DIR=${other}`,
      ]);
      assert.deepEqual(r.failed, [], `failed checks:\n${r.failed.join("\n")}\nstderr:\n${r.stderr}`);
      assert.deepEqual(r.peerFailures, []);
      assert.ok(r.passed.length >= 100, `only ${r.passed.length} checks ran; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.equal(r.exitCode, 0, `exit ${r.exitCode}; stderr:\n${r.stderr}`);

      // What the guest wrote is on the host, where it should be.
      assert.equal(readFileSync(join(data, "out.txt"), "utf8"), "written by the guest\nappended\n");
      assert.equal(readFileSync(join(data, "made", "f.txt"), "utf8"), "in a new dir");
      assert.equal(readFileSync(join(data, "moved.txt"), "utf8"), "moved");
      assert.equal(readFileSync(join(data, "from-socket.txt"), "utf8"), "ping");
      for (const gone of ["tmp.txt", "gone.txt", "fault-created", "empty", "trunc.txt", "new-link"]) {
        assert.ok(!existsSync(join(data, gone)), `${gone} should not exist`);
      }
      // Nothing escaped: no file or directory appeared next to data/, the secret is intact.
      assert.ok(!existsSync(join(root, "made-outside")));
      assert.ok(!existsSync(join(root, "new")));
      assert.equal(readFileSync(join(root, "secret.txt"), "utf8"), "secret\n");
      assert.equal(readFileSync(join(data, "hello.txt"), "utf8"), "hello from the host\n");
    });
  }
});

describe("pre-opened directories: --dir errors are one line and exit 2", () => {
  const module = wasm("test/guests/fs_basic.wasm");

  test("a missing directory", async () => {
    const missing = join(tmp, "no-such-dir");
    const r = await runCli(["run", "--dir", `${missing}::/data`, module]);
    assert.equal(r.code, 2);
    assert.equal(oneLine(r.stderr), `wasock: --dir ${missing}::/data: no such directory`);
  });

  test("a file, not a directory", async () => {
    const file = join(tmp, "plain-file");
    writeFileSync(file, "x");
    const r = await runCli(["run", "--dir", file, module]);
    assert.equal(r.code, 2);
    assert.equal(oneLine(r.stderr), `wasock: --dir ${file}: not a directory`);
  });

  test("bad syntax: an empty host or guest path", async () => {
    for (const bad of ["::/data", `${tmp}::`]) {
      const r = await runCli(["run", "--dir", bad, module]);
      assert.equal(r.code, 2, bad);
      assert.equal(oneLine(r.stderr), `wasock: --dir ${bad}: expected <host>[::<guest>]`, bad);
    }
  });

  test("the same guest path twice", async () => {
    const r = await runCli(["run", "--dir", `${tmp}::/d`, "--dir", `${tmp}::/d`, module]);
    assert.equal(r.code, 2);
    assert.match(oneLine(r.stderr), /^wasock: --dir .*::\/d: guest path \/d is already pre-opened$/);
  });

  test("no listener line is printed before the directory error", async () => {
    const r = await runCli(["run", "--listen", "127.0.0.1:0", "--dir", join(tmp, "absent"), module]);
    assert.equal(r.code, 2);
    assert.match(oneLine(r.stderr), /no such directory$/);
  });
});

describe("pre-opened directories: library", () => {
  test("start() rejects a missing directory with PreopenError", async () => {
    const rt = new Runtime({ preopens: { "/data": join(tmp, "absent") } });
    await assert.rejects(rt.start(), (e: unknown) => e instanceof PreopenError && e.reason === "no such directory");
    rt.stop();
  });
});
