// A host with no files (a browser, a Worker: wasi/files.ts NO_FILES) answers each file import as
// node:fs's (NODE_FILES) answers a guest given no directory: every import, on stdio, a socket and
// a closed fd, gives the same errno and leaves the same fd table.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Core } from "../../host/core/core.js";
import { MemoryNetwork } from "../../host/net/memory/network.js";
import { LocalKernel } from "../../host/sockets/kernel.js";
import { GuestContext } from "../../host/wasi/context.js";
import { NO_FILES, type Files } from "../../host/wasi/files.js";
import { NODE_FILES } from "../../host/wasi/fs/index.js";

/** A guest with stdio on 0–2, a listening socket on 3 and nothing on 4 and up. */
async function guest(files: Files): Promise<GuestContext & { kernel: LocalKernel }> {
  const kernel = new LocalKernel(new MemoryNetwork().backend(), 16, { stdout() {}, stderr() {} });
  const ctx = new GuestContext(kernel, Core.load(), [], [], 1024, [], files);
  ctx.mem.bind(new WebAssembly.Memory({ initial: 1 }));
  ctx.fds.insert({ kind: "socket", handle: await kernel.preopen("127.0.0.1", 80, 4, 3), flags: 0 });
  return ctx as GuestContext & { kernel: LocalKernel };
}

const FDS = [0, 1, 2, 3, 4, 1000];
type Call = (...a: (number | bigint)[]) => number;

/** Each import's parameters (witx), "b" for an i64: the fd goes first (path_symlink: third). */
const PARAMS: Record<string, string> = {
  path_open: "iiiiibbii", path_create_directory: "iii", path_remove_directory: "iii", path_unlink_file: "iii",
  path_rename: "iiiiii", path_link: "iiiiiii", path_symlink: "iiiii", path_readlink: "iiiiii",
  path_filestat_get: "iiiii", path_filestat_set_times: "iiiibbi", fd_readdir: "iiibi", fd_pread: "iiibi",
  fd_pwrite: "iiibi", fd_advise: "ibbi", fd_sync: "i", fd_datasync: "i", fd_filestat_set_size: "ib",
  fd_filestat_set_times: "ibbi", fd_fdstat_set_rights: "ibb", fd_allocate: "ibb",
};

/** The arguments of a call on `fd`, zeros elsewhere: with no directory, nothing past the fd is read. */
function args(name: string, fd: number): (number | bigint)[] {
  const at = name === "path_symlink" ? 2 : 0;
  return [...PARAMS[name]!].map((t, i) => (i === at ? fd : t === "b" ? 0n : 0));
}

const kinds = (ctx: GuestContext): string[] => [...ctx.fds.all()].map(([fd, e]) => `${fd}:${e.kind}`);

describe("a host with no files", () => {
  test("answers every file import as node:fs does for a guest given no directory", async () => {
    const names = Object.keys(NO_FILES.imports(await guest(NO_FILES)));
    assert.deepEqual(names.sort(), Object.keys(NODE_FILES.imports(await guest(NODE_FILES))).sort());
    for (const name of names.filter((n) => n !== "fd_renumber")) {
      for (const fd of FDS) {
        const node = NODE_FILES.imports(await guest(NODE_FILES))[name] as Call;
        const none = NO_FILES.imports(await guest(NO_FILES))[name] as Call;
        const a = args(name, fd);
        assert.equal(none(...a), node(...a), `${name} on fd ${fd}`);
      }
    }
  });

  test("fd_renumber moves and closes as with node:fs", async () => {
    for (const from of FDS) {
      for (const to of FDS) {
        const [n, m] = [await guest(NODE_FILES), await guest(NO_FILES)];
        const node = NODE_FILES.imports(n).fd_renumber as Call;
        const none = NO_FILES.imports(m).fd_renumber as Call;
        assert.equal(none(from, to), node(from, to), `fd_renumber(${from}, ${to})`);
        assert.deepEqual(kinds(m), kinds(n));
        assert.equal(m.kernel.table().length, n.kernel.table().length);
      }
    }
  });

  test("refuses pre-opened directories", () => {
    assert.deepEqual(NO_FILES.check(undefined), []);
    assert.deepEqual(NO_FILES.check({}), []);
    assert.throws(() => NO_FILES.check({ "/data": "/tmp" }), { name: "Error", message: "/tmp: this host has no files to pre-open" });
  });
});
