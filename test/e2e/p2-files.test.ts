import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Runtime } from "../../host/entries/node.js";
import { BRIDGES, runCli, wasm } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";

/**
 * wasi:filesystem for components: `--dir` (the `preopens` option) gives a component its
 * directories, on each bridge, and it cannot leave them.
 *
 *  - examples/files.component.wasm (examples/component/files.c): reads, writes, appends, lists,
 *    renames, removes under --dir; `..`, an absolute symlink, a symlink to `../` and making a
 *    symlink to an absolute path are all refused.
 *  - test/guests/fs_escape.component.wasm: preview1's held-directory and swap cases
 *    (test/guests/fs_escape.c, as fs-escape.test.ts runs it as a core module), through the
 *    preview1 adapter, so every call is a wasi:filesystem call.
 *  - with WASOCK_P2_TESTS naming a directory of jco 1.1.1's test components (wasmtime's test
 *    programs of early 2024; not ours to ship): its file programs, as jco ran them.
 */

const tmp = mkdtempSync(join(tmpdir(), "wasock-p2-files-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
let trees = 0;
const fresh = (): string => {
  const d = join(tmp, `t${trees++}`);
  mkdirSync(d);
  return d;
};

/** Host fds of this process open on something in the test's tree. */
function openFds(): string[] {
  return readdirSync("/proc/self/fd").flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(tmp) ? [target] : [];
    } catch {
      return [];
    }
  });
}

/** The sandbox files.c expects, beside a secret it must not reach. */
function sandbox(): { root: string; box: string } {
  const root = fresh();
  const box = join(root, "box");
  mkdirSync(box);
  writeFileSync(join(root, "secret.txt"), "outside\n");
  writeFileSync(join(box, "in.txt"), "hello from the host\n");
  symlinkSync(join(root, "secret.txt"), join(box, "abs-link"));
  symlinkSync("../secret.txt", join(box, "up-link"));
  return { root, box };
}

describe("a component reads and writes files under --dir and cannot leave it", () => {
  for (const bridge of BRIDGES) {
    test(`files.component.wasm (${bridge} bridge)`, async () => {
      const { root, box } = sandbox();
      const r = await runCli(["run", "--bridge", bridge, "--dir", `${box}::/sandbox`, wasm("examples/files.component.wasm")], 60000);
      const out = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
      assert.equal(r.code, 0, out);
      assert.deepEqual(r.stdout.split("\n").filter((l) => l.startsWith("FAILED")), [], out);
      assert.match(r.stdout, /^in\.txt: hello from the host$/m);
      for (const path of ["/sandbox/../secret.txt", "/sandbox/made/../../secret.txt", "/sandbox/abs-link", "/sandbox/up-link"])
        assert.ok(r.stdout.includes(`ok: ${path} refused (Operation not permitted)`), `${path}\n${out}`);
      assert.equal(readFileSync(join(box, "made", "moved.txt"), "utf8"), "written by a component\nand appended to\n");
      assert.equal(readFileSync(join(root, "secret.txt"), "utf8"), "outside\n");
      assert.equal(lstatSync(join(box, "passwd"), { throwIfNoEntry: false }), undefined);
      assert.deepEqual(readdirSync(root).sort(), ["box", "secret.txt"]);
    });

    test(`without --dir a component sees no directory (${bridge} bridge)`, async () => {
      const r = await runCli(["run", "--bridge", bridge, wasm("examples/files.component.wasm")], 60000);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^FAILED: open in\.txt$/m);
    });

    test(`no host fd is left open after a run (${bridge} bridge)`, { skip: !existsSync("/proc/self/fd") && "no /proc/self/fd" }, async () => {
      const { box } = sandbox();
      let out = "";
      const rt = new Runtime({ preopens: { "/sandbox": box }, bridge, stdout: (d) => void (out += Buffer.from(d).toString()) });
      assert.deepEqual(openFds(), []);
      const { exitCode } = await rt.run(readFileSync(wasm("examples/files.component.wasm")));
      assert.equal(exitCode, 0, out);
      assert.deepEqual(openFds(), []);
    });
  }
});

/**
 * fs_escape.c's cases through the preview1 adapter. What the adapter answers itself, not the
 * host: a path leaving its directory is EPERM (the adapter's name for not-permitted; wasmtime's
 * too), where wasock's own preview1 says ENOTCAPABLE; fd_filestat_set_times and fd_sync on a
 * directory fd are EBADF (the adapter never asks the host for them).
 */
const ADAPTER: Record<string, RegExp> = {
  "path_open ../outside beneath held": /got EPERM/,
  "path_open sw/outside.txt": /got EPERM/,
  "swap: d -> .. refused": /got 0 want \d+/, // it counts ENOTCAPABLE answers; escapes must still be 0
  "fd_filestat_set_times held": /got EBADF/,
  "fd_filestat_set_times stamped sw2": /got \d+ want/,
  "fd_sync held": /got EBADF/,
};

describe("preview1's held-directory and swap cases, as a component (test/guests/fs_escape.c)", () => {
  for (const bridge of BRIDGES) {
    test(`fs_escape.component.wasm (${bridge} bridge)`, async () => {
      const root = fresh();
      const box = join(root, "box");
      const outside = join(root, "outside");
      mkdirSync(join(box, "sw"), { recursive: true });
      mkdirSync(join(box, "d"));
      mkdirSync(outside);
      writeFileSync(join(box, "sw", "inner.txt"), "inside sw");
      writeFileSync(join(box, "d", "secret.txt"), "inside\n");
      writeFileSync(join(outside, "outside.txt"), "outside");
      writeFileSync(join(root, "secret.txt"), "outside\n");
      const r = await runCli(["run", "--bridge", bridge, "--dir", `${box}::/box`, wasm("test/guests/fs_escape.component.wasm")], 120000);
      const out = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
      const failed = r.stdout.split("\n").filter((l) => l.startsWith("not ok - ")).map((l) => l.slice(9));
      for (const f of failed) {
        const name = f.slice(0, f.indexOf(": got"));
        assert.ok(ADAPTER[name]?.test(f), `${f}\n${out}`);
      }
      assert.match(r.stdout, /^ok - swap: escapes$/m, out);
      assert.ok(r.stdout.split("\n").filter((l) => l.startsWith("ok - ")).length >= 30, out);
      assert.deepEqual(readdirSync(outside), ["outside.txt"]);
      assert.equal(readFileSync(join(root, "secret.txt"), "utf8"), "outside\n");
      assert.equal(readFileSync(join(box, "d", "secret.txt"), "utf8"), "inside\n");
      assert.ok(existsSync(join(box, "sw2", "made")));
    });
  }
});

// ---- jco 1.1.1's test components (wasmtime's test programs, wasi 0.2.0), when given ----

const dir = process.env.WASOCK_P2_TESTS;
const CLI_FILES = ["cli_file_read", "cli_file_append", "cli_directory_list", "cli_file_dir_sync"];
/** wasmtime's preview1 file programs through the adapter; jco ran them with `_ /`, a scratch dir as `/`. */
const PREVIEW1 = dir && existsSync(dir)
  ? readdirSync(dir).filter((f) => /^preview1_.*\.component\.wasm$/.test(f)).map((f) => f.replace(".component.wasm", "")).sort()
  : [];
/** Programs that cannot pass here, and why. */
const DENO_MS = "Deno's node:fs sets and reads file times in ms; the program sets a time in ns (FS_TIME_PRECISION allows 2 µs)";
const TODO: Record<string, string | undefined> = {
  preview1_stdio_isatty: "asserts that stdin is a terminal; a test's stdin is a pipe",
  ...(RUNTIME === "deno" ? { preview1_fd_filestat_set: DENO_MS, preview1_path_filestat: DENO_MS, preview1_symlink_filestat: DENO_MS } : {}),
};
const skip = dir && existsSync(dir) && CLI_FILES.every((n) => existsSync(join(dir, `${n}.component.wasm`)))
  ? false
  : "set WASOCK_P2_TESTS to a directory of jco 1.1.1's test components (tests/gen)";

/** The tree jco's tests pre-open as `/` for the cli_* programs. */
function jcoFixture(): string {
  const d = fresh();
  mkdirSync(join(d, "sub"));
  writeFileSync(join(d, "bar.txt"), "And stood awhile in thought");
  writeFileSync(join(d, "foo.txt"), "foo");
  writeFileSync(join(d, "baz.txt"), "baz");
  writeFileSync(join(d, "sub", "wow.txt"), "wow");
  writeFileSync(join(d, "sub", "yay.txt"), "yay");
  return d;
}

const ENV = ["--env", "FS_TIME_PRECISION=2000", "--env", "NO_DANGLING_FILESYSTEM=1", "--env", "ERRNO_MODE_UNIX=1"];

describe("wasmtime's file test programs of 2024 (jco 1.1.1), as components", { skip }, () => {
  for (const bridge of BRIDGES) {
    for (const name of CLI_FILES) {
      test(`${name} (${bridge} bridge)`, async () => {
        const r = await runCli(["run", "--bridge", bridge, "--dir", `${jcoFixture()}::/`, join(dir!, `${name}.component.wasm`)], 60000);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      });
    }
    for (const name of PREVIEW1) {
      test(`${name} (${bridge} bridge)`, { todo: TODO[name] }, async () => {
        // wasock's argv[0] is the program: "/" is the test's argv[1], the scratch directory.
        const r = await runCli(["run", "--bridge", bridge, "--dir", `${fresh()}::/`, ...ENV, join(dir!, `${name}.component.wasm`), "/"], 60000);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      });
    }
  }
});
