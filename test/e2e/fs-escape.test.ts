import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BRIDGES, runCli, wasm } from "../helpers/guest.js";
import { Runtime } from "../../host/entries/node.js";

/**
 * Held directory fds and swaps (test/guests/fs_escape.c, through wasi_snapshot_preview1 and
 * through wasix_32v1): the guest renames a directory it holds and puts a symlink leading out in
 * its place, and swaps `d` for `d -> ..` while opening `d/secret.txt`. Here the host prepares the
 * tree and checks that nothing outside the box was touched.
 */

const tmp = mkdtempSync(join(tmpdir(), "wasock-fs-escape-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** 2001-01-01: what the guest stamps on the directory it holds. */
const MTIME_2001 = 978307200;
/** A date the outside directory carries, which must survive the run. */
const OUTSIDE_MTIME = 1234567890;

let trees = 0;
function tree(): { root: string; box: string; outside: string } {
  const root = join(tmp, `t${trees++}`);
  const box = join(root, "box");
  const outside = join(root, "outside");
  mkdirSync(join(box, "sw"), { recursive: true });
  mkdirSync(join(box, "d"));
  mkdirSync(outside);
  writeFileSync(join(box, "sw", "inner.txt"), "inside sw");
  writeFileSync(join(box, "d", "secret.txt"), "inside\n");
  writeFileSync(join(outside, "outside.txt"), "outside");
  writeFileSync(join(root, "secret.txt"), "outside\n");
  utimesSync(outside, OUTSIDE_MTIME, OUTSIDE_MTIME);
  return { root, box, outside };
}

/** What must hold after a run, whatever the guest reported: nothing outside the box changed. */
function outsideUntouched(root: string, outside: string): void {
  assert.equal(statSync(outside).mtimeMs, OUTSIDE_MTIME * 1000, "the outside directory's mtime changed");
  assert.deepEqual(readdirSync(outside), ["outside.txt"]);
  assert.equal(readFileSync(join(root, "secret.txt"), "utf8"), "outside\n");
}

function failures(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.startsWith("not ok - ")).map((l) => l.slice(9));
}

const GUESTS = { preview1: "test/guests/fs_escape.wasm", wasix: "test/guests/fs_escape_wasix.wasm" };

describe("held directory fds: rename and symlink swaps stay in the box", () => {
  for (const [abi, guest] of Object.entries(GUESTS)) {
    for (const bridge of BRIDGES) {
      test(`${abi}, ${bridge} bridge`, async () => {
        const { root, box, outside } = tree();
        const r = await runCli(["run", "--dir", `${box}::/box`, "--bridge", bridge, wasm(guest)], 60000);
        assert.deepEqual(failures(r.stdout), [], `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
        assert.ok(r.stdout.split("\n").filter((l) => l.startsWith("ok - ")).length >= 30, r.stdout);
        assert.equal(r.code, 0, r.stderr);
        outsideUntouched(root, outside);
        assert.equal(statSync(join(box, "sw2")).mtimeMs, MTIME_2001 * 1000);
        assert.ok(existsSync(join(box, "sw2", "made")));
        assert.equal(readFileSync(join(box, "d", "secret.txt"), "utf8"), "inside\n");
      });
    }
  }
});

/** Host fds of this process open on something in the test's tree (a runtime's own fds, such as
 *  Deno's per-worker eventfds, come and go on their own schedule). */
function openFds(): string[] {
  return readdirSync("/proc/self/fd").flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(tmp) ? [target] : [];
    } catch {
      return []; // the fd readdir itself used, closed by now
    }
  });
}

describe("held directory fds are closed", () => {
  for (const bridge of BRIDGES) {
    test(`no host fd left open after a run (${bridge} bridge)`, { skip: !existsSync("/proc/self/fd") && "no /proc/self/fd" }, async () => {
      const { box } = tree();
      const bytes = readFileSync(wasm(GUESTS.preview1));
      const module = await WebAssembly.compile(bytes);
      const run = async (): Promise<void> => {
        let out = "";
        const rt = new Runtime({ preopens: { "/box": box }, bridge, stdout: (d) => void (out += Buffer.from(d).toString()) });
        const { exitCode } = await rt.run(module);
        assert.equal(exitCode, 0, out);
      };
      assert.deepEqual(openFds(), []);
      await run();
      assert.deepEqual(openFds(), []);
    });
  }
});

describe("the path fallback (WASOCK_FS_PATHS=1: no /proc/self/fd)", () => {
  /** What the fallback answers differently: a held directory that was moved is ENOENT, not sw2. */
  const MOVED = [
    "fd_readdir lists sw2's entry", "fd_filestat_get held", "fd_filestat_get is sw2's inode",
    "fd_filestat_get is the inode opened", "fd_filestat_get is a directory",
    "fd_filestat_set_times held", "fd_filestat_set_times stamped sw2",
    "path_open inner.txt beneath held", "path_open inner.txt content", "path_filestat_get inner.txt beneath held",
    "path_create_directory beneath held", "path_open . beneath held", "swap: held d read",
  ];
  test("still no escape; a moved held directory answers ENOENT", async () => {
    const { root, box, outside } = tree();
    process.env.WASOCK_FS_PATHS = "1";
    let r;
    try {
      r = await runCli(["run", "--dir", `${box}::/box`, wasm(GUESTS.preview1)], 60000);
    } finally {
      delete process.env.WASOCK_FS_PATHS;
    }
    const failed = failures(r.stdout).map((l) => l.slice(0, l.indexOf(": got")));
    assert.deepEqual(failed.filter((f) => !MOVED.includes(f)), [], r.stdout);
    outsideUntouched(root, outside);
  });
});
