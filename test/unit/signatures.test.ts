// The ABIs' import tables (host/abi/*/table.ts, gathered in host/abi/imports.ts), the import-section reader (host/wasm/imports.ts)
// and the check that refuses a guest declaring a wasock import with another type.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { formatSignature, sameSignature } from "../../host/abi/signature.js";
import { checkImportTypes, GuestError, importTypeMismatch } from "../../host/bridge/link.js";
import { Core } from "../../host/core/core.js";
import { NodeNetBackend } from "../../host/net/node/backend.js";
import { Runtime } from "../../host/entries/node.js";
import { LocalKernel } from "../../host/sockets/kernel.js";
import { functionImports, WasmParseError } from "../../host/wasm/imports.js";
import { GuestContext } from "../../host/wasi/context.js";
import { acceptedSignatures, guestImports, MODULES, WAITING } from "../../host/abi/imports.js";
import { Errno } from "../../host/core/enums.js";
import { ROOT, runCli } from "../helpers/guest.js";

// A tiny module encoder: enough for a type section and an import section.
const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d } as const;
type Val = keyof typeof T;
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
};
const str = (s: string): number[] => [...leb(new TextEncoder().encode(s).length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** A module importing each function with its own type. */
function moduleImporting(imports: { module: string; name: string; params: Val[]; results: Val[] }[]): Uint8Array {
  const types = imports.flatMap((i) => [0x60, ...leb(i.params.length), ...i.params.map((p) => T[p]), ...leb(i.results.length), ...i.results.map((r) => T[r])]);
  const imps = imports.flatMap((i, at) => [...str(i.module), ...str(i.name), 0x00, ...leb(at)]);
  return new Uint8Array([...HEADER, ...section(1, [...leb(imports.length), ...types]), ...section(2, [...leb(imports.length), ...imps])]);
}
const one = (module: string, name: string, params: Val[], results: Val[] = ["i32"]) => moduleImporting([{ module, name, params, results }]);

/** The committed core-module guests: examples/*.wasm (not components) and test/guests/*.wasm. */
function committedGuests(): { path: string; bytes: Uint8Array }[] {
  return ["examples", "test/guests"].flatMap((dir) =>
    readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".wasm")).map((f) => ({ path: `${dir}/${f}`, bytes: new Uint8Array(readFileSync(join(ROOT, dir, f))) })),
  ).filter((g) => g.bytes[4] === 1); // version 1: a core module (a component's is 0x0d)
}

describe("the import tables: each import listed once, with its type, whether it waits, whether it is offered", () => {
  it("name exactly what guestImports() returns, module by module", () => {
    const kernel = new LocalKernel(new NodeNetBackend(), 128, { stdout() {}, stderr() {} });
    const { modules } = guestImports(new GuestContext(kernel, Core.load(), ["x"], []));
    assert.deepEqual(Object.keys(MODULES).sort(), Object.keys(modules).sort());
    for (const [m, fns] of Object.entries(modules)) {
      const provided = Object.keys(fns).sort();
      const typed = Object.keys(MODULES[m as keyof typeof MODULES]).sort();
      assert.deepEqual(provided.filter((n) => !typed.includes(n)), [], `${m}: provided without a table entry`);
      assert.deepEqual(typed.filter((n) => !provided.includes(n)), [], `${m}: a table entry for nothing provided`);
    }
    assert.equal(Object.keys(MODULES.wasi_snapshot_preview1).length, 66);
    assert.equal(Object.keys(MODULES.wasix_32v1).length, 172);
    kernel.closeAll();
  });

  it("the nosys imports answer ENOSYS and no other import is a stub", () => {
    const kernel = new LocalKernel(new NodeNetBackend(), 128, { stdout() {}, stderr() {} });
    const { modules } = guestImports(new GuestContext(kernel, Core.load(), ["x"], []));
    for (const [m, table] of Object.entries(MODULES)) {
      const nosys = Object.entries(table).filter(([, i]) => i.nosys).map(([n]) => n);
      for (const n of nosys) assert.equal((modules[m as keyof typeof modules][n] as () => number)(), Errno.NOSYS, `${m}.${n}`);
      assert.equal(nosys.length, m === "wasix_32v1" ? 90 : 1, m); // preview1: proc_raise; WASIX: its 89 and proc_raise
    }
    kernel.closeAll();
  });

  it("the imports that may wait (suspending under JSPI, ended by a stop)", () => {
    assert.deepEqual([...WAITING.wasi_snapshot_preview1].sort(), [
      "fd_read", "fd_write", "poll_oneoff", "sock_accept", "sock_accept_v2", "sock_bind", "sock_bind_v2",
      "sock_connect", "sock_connect_v2", "sock_getaddrinfo", "sock_listen", "sock_listen_v2", "sock_recv",
      "sock_recv_from", "sock_recv_from_v2", "sock_send", "sock_send_to", "sock_send_to_v2",
    ]);
    assert.deepEqual([...WAITING.wasix_32v1].filter((n) => !WAITING.wasi_snapshot_preview1.includes(n)), ["resolve"]);
    assert.ok(WAITING.wasi_snapshot_preview1.every((n) => WAITING.wasix_32v1.includes(n)));
  });

  it("alternatives only where an import takes two forms, each a different type", () => {
    const withAlternatives: string[] = [];
    for (const [m, table] of Object.entries(MODULES)) {
      for (const [name, i] of Object.entries(table)) {
        if (i.alternatives.length > 0) withAlternatives.push(`${m}.${name}`);
        for (const a of i.alternatives) assert.ok(!sameSignature(a, i.sig), `${m}.${name}`);
      }
    }
    assert.deepEqual(withAlternatives.sort(), [
      "wasi_snapshot_preview1.sock_accept", "wasi_snapshot_preview1.sock_getlocaladdr", "wasi_snapshot_preview1.sock_getpeeraddr",
      "wasi_snapshot_preview1.sock_recv_from", "wasix_32v1.sock_getlocaladdr", "wasix_32v1.sock_getpeeraddr",
    ]);
  });

  it("the forms the ABIs define", () => {
    const p = (m: string, n: string) => acceptedSignatures(m, n)?.map(formatSignature);
    assert.deepEqual(p("wasi_snapshot_preview1", "sock_accept"), ["(i32, i32, i32) -> i32", "(i32, i32) -> i32"]);
    assert.deepEqual(p("wasi_snapshot_preview1", "sock_accept_v2"), ["(i32, i32, i32) -> i32"]);
    assert.deepEqual(p("wasix_32v1", "sock_accept"), ["(i32, i32, i32, i32) -> i32"]);
    assert.deepEqual(p("wasi_snapshot_preview1", "sock_recv_from"), [`(${Array(7).fill("i32").join(", ")}) -> i32`, `(${Array(8).fill("i32").join(", ")}) -> i32`]);
    assert.deepEqual(p("wasi_snapshot_preview1", "proc_exit"), ["(i32) -> ()"]);
    assert.deepEqual(p("wasix_32v1", "sock_set_opt_size"), ["(i32, i32, i64) -> i32"]);
    assert.deepEqual(p("wasix_32v1", "sock_send_file"), ["(i32, i32, i64, i64, i32) -> i32"]);
    assert.equal(acceptedSignatures("wasi_snapshot_preview1", "toString"), undefined);
    assert.equal(acceptedSignatures("env", "sock_accept"), undefined);
  });
});

describe("committed guests declare their wasock imports as the table says", () => {
  const guests = committedGuests();
  it("finds the guests", () => assert.ok(guests.length >= 15, `${guests.length} guests`));
  for (const g of guests) {
    it(g.path, () => {
      const imports = functionImports(g.bytes);
      const listed = WebAssembly.Module.imports(new WebAssembly.Module(g.bytes as Uint8Array<ArrayBuffer>)).filter((i) => i.kind === "function");
      assert.deepEqual(imports.map((i) => `${i.module}.${i.name}`), listed.map((i) => `${i.module}.${i.name}`), "the reader sees what WebAssembly sees");
      for (const i of imports) {
        const accepted = acceptedSignatures(i.module, i.name);
        assert.ok(accepted, `${i.module}.${i.name} is provided`);
        assert.ok(accepted.some((s) => sameSignature(i.type, s)), `${i.module}.${i.name}: ${formatSignature(i.type)}`);
      }
      assert.equal(importTypeMismatch(g.bytes), undefined);
    });
  }
});

describe("a guest declaring a wasock import with another type is refused", () => {
  it("Runtime.run: wasix_32v1.sock_accept with 3 parameters, both types named", async () => {
    const rt = new Runtime({ stdout() {}, stderr() {} });
    await assert.rejects(rt.run(one("wasix_32v1", "sock_accept", ["i32", "i32", "i32"])), (e: unknown) => {
      assert.ok(e instanceof GuestError, String(e));
      assert.equal(e.message, "guest imports wasix_32v1.sock_accept as (i32, i32, i32) -> i32; wasock provides (i32, i32, i32, i32) -> i32");
      return true;
    });
    rt.stop();
  });

  it("the CLI: one line naming both types, exit 1", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "wasock-sig-")), "bad.wasm");
    writeFileSync(f, one("wasi_snapshot_preview1", "fd_write", ["i32", "i32", "i32"]));
    const r = await runCli(["run", f]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `wasock: ${f}: guest imports wasi_snapshot_preview1.fd_write as (i32, i32, i32) -> i32; wasock provides (i32, i32, i32, i32) -> i32\n`);
  });

  const refused: [string, Uint8Array, RegExp][] = [
    ["a result where there is none", one("wasi_snapshot_preview1", "proc_exit", ["i32"]), /proc_exit as \(i32\) -> i32; wasock provides \(i32\) -> \(\)$/],
    ["no result where there is one", one("wasi_snapshot_preview1", "fd_close", ["i32"], []), /fd_close as \(i32\) -> \(\); wasock provides \(i32\) -> i32$/],
    ["i32 for an i64", one("wasi_snapshot_preview1", "clock_time_get", ["i32", "i32", "i32"]), /clock_time_get as \(i32, i32, i32\) -> i32; wasock provides \(i32, i64, i32\) -> i32$/],
    ["another value type, by its name", one("wasix_32v1", "sock_status", ["i32", "f32"]), /sock_status as \(i32, f32\) -> i32;/],
    ["a _v2 name in its V1 form", one("wasi_snapshot_preview1", "sock_accept_v2", ["i32", "i32"]), /sock_accept_v2 as \(i32, i32\) -> i32; wasock provides \(i32, i32, i32\) -> i32$/],
    ["a WasmEdge name in neither form", one("wasi_snapshot_preview1", "sock_getlocaladdr", ["i32", "i32"]), /wasock provides \(i32, i32, i32, i32\) -> i32 or \(i32, i32, i32\) -> i32$/],
  ];
  for (const [what, bytes, message] of refused) {
    it(what, () => assert.throws(() => checkImportTypes(bytes), (e: unknown) => e instanceof GuestError && message.test(e.message)));
  }

  it("accepts both WasmEdge forms of a plain name, and leaves names wasock lacks to linkImports", () => {
    const ok = moduleImporting([
      { module: "wasi_snapshot_preview1", name: "sock_accept", params: ["i32", "i32"], results: ["i32"] },
      { module: "wasi_snapshot_preview1", name: "sock_getpeeraddr", params: ["i32", "i32", "i32"], results: ["i32"] },
      { module: "wasix_32v1", name: "sock_accept", params: ["i32", "i32", "i32", "i32"], results: ["i32"] },
      { module: "wasix_32v1", name: "thread_exit", params: ["i32"], results: [] },
      { module: "env", name: "anything", params: ["f32"], results: [] },
      { module: "wasix_32v1", name: "no_such_call", params: [], results: [] },
    ]);
    assert.equal(importTypeMismatch(ok), undefined);
    checkImportTypes(ok);
  });
});

describe("functionImports: the import-section reader", () => {
  it("reads types through GC rec groups and skips memory, table and global imports", () => {
    const types = [
      0x4e, 0x02, // rec group of two
      0x5f, 0x01, T.i32, 0x01, // struct { mut i32 }
      0x50, 0x00, 0x60, 0x01, 0x63, 0x00, 0x01, T.i64, // sub (func (param (ref null 0)) (result i64))
      0x60, 0x02, T.i32, T.f32, 0x00, // func (param i32 f32)
    ];
    const imps = [
      ...str("env"), ...str("mem"), 0x02, 0x05, 0x01, 0x02, // memory64 (min 1, max 2)
      ...str("env"), ...str("tbl"), 0x01, 0x70, 0x00, 0x01, // table funcref (min 1)
      ...str("env"), ...str("g"), 0x03, T.i32, 0x01, // global (mut i32)
      ...str("m"), ...str("a"), 0x00, 0x01,
      ...str("m"), ...str("b"), 0x00, 0x02,
    ];
    const bytes = new Uint8Array([...HEADER, ...section(0, [...str("custom"), 1, 2, 3]), ...section(1, [0x02, ...types]), ...section(2, [0x05, ...imps])]);
    assert.deepEqual(functionImports(bytes), [
      { module: "m", name: "a", type: { params: ["(ref null 0)"], results: ["i64"] } },
      { module: "m", name: "b", type: { params: ["i32", "f32"], results: [] } },
    ]);
  });

  it("no imports: an empty list", () => {
    assert.deepEqual(functionImports(new Uint8Array(HEADER)), []);
    assert.deepEqual(functionImports(new Uint8Array([...HEADER, ...section(1, [0x01, 0x60, 0x00, 0x00]), ...section(3, [0x01, 0x00])])), []);
  });

  const bad: [string, number[], RegExp][] = [
    ["empty", [], /a 0-byte file: no 8-byte header at byte 0/],
    ["no magic", [0x7f, 0x45, 0x4c, 0x46, 1, 0, 0, 0], /no \\0asm magic/],
    ["a component", [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00], /not a version-1 core module/],
    ["a section past the end", [...HEADER, 0x01, 0x64, 0x01], /100 bytes wanted, 1 left/],
    ["a LEB128 of six bytes", [...HEADER, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /LEB128 longer than 5 bytes at byte 9/],
    ["a LEB128 over 32 bits", [...HEADER, 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f], /LEB128 over 32 bits/],
    ["a vector longer than its section", [...HEADER, ...section(1, [0xff, 0x01])], /a vector of 255 items past the end/],
    ["a section shorter than its size", [...HEADER, ...section(1, [0x00, 0x00])], /section 1 ends 1 byte\(s\) before its size at byte 11/],
    ["an unknown type form", [...HEADER, ...section(1, [0x01, 0x61])], /type form 0x61/],
    ["an unknown value type", [...HEADER, ...section(1, [0x01, 0x60, 0x01, 0x40, 0x00])], /value type 0x40/],
    ["a type index out of range", [...HEADER, ...section(2, [0x01, ...str("m"), ...str("f"), 0x00, 0x05])], /type index 5 is not a function type/],
    ["an import of a struct type", [...HEADER, ...section(1, [0x01, 0x5f, 0x00]), ...section(2, [0x01, ...str("m"), ...str("f"), 0x00, 0x00])], /type index 0 is not a function type/],
    ["an unknown import kind", [...HEADER, ...section(2, [0x01, ...str("m"), ...str("f"), 0x07])], /import kind 0x7/],
    ["a name that is not UTF-8", [...HEADER, ...section(2, [0x01, 0x01, 0xff, ...str("f"), 0x00, 0x00])], /not UTF-8/],
    ["a name past its section", [...HEADER, ...section(2, [0x01, 0x09, 0x61])], /9 bytes wanted, 1 left/],
    ["a truncated import", [...HEADER, ...section(2, [0x01, ...str("m")])], /unexpected end of section 2 at byte 13/],
  ];
  it("every truncation and thousands of corrupted bytes of a guest: a result or a WasmParseError, nothing else", () => {
    const good = new Uint8Array(readFileSync(join(ROOT, "examples/wasix-echo-server.wasm")));
    const tried = (b: Uint8Array): void => {
      try {
        functionImports(b);
      } catch (e) {
        if (!(e instanceof WasmParseError)) throw e;
      }
    };
    const end = Math.min(good.length, 4096); // the type and import sections are at the front
    for (let n = 0; n < end; n++) tried(good.subarray(0, n));
    let seed = 1;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 5000; i++) {
      const b = good.slice(0, end);
      for (let k = 0; k < 1 + (next() % 4); k++) b[next() % end] = next() & 0xff;
      tried(b);
    }
  });

  for (const [what, bytes, message] of bad) {
    it(`malformed: ${what}`, () => {
      assert.throws(() => functionImports(new Uint8Array(bytes)), (e: unknown) => {
        assert.ok(e instanceof WasmParseError, String(e));
        assert.match(e.message, /^malformed WebAssembly module: /);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
