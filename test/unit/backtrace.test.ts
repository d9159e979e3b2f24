// The parts of a trap's backtrace (host/wasm/backtrace.ts, dwarf.ts) on their own: names from a
// name section, offsets mapped back through the yield-point rewrite, the format, and demangling.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { demangle, formatBacktrace, functionNames, GuestTrap, symbolize } from "../../host/wasm/backtrace.js";
import { withYieldPoints } from "../../host/wasm/preempt.js";
import { yieldPoints } from "../../host/wasm/code.js";
import { Reader } from "../../host/wasm/reader.js";
import { FUEL } from "../../host/util/turns.js";
import { wasm } from "../helpers/guest.js";

const bytes = readFileSync(wasm("test/guests/trap.wasm"));

describe("backtrace", () => {
  test("the name section names the guest's functions by index", () => {
    const [section] = WebAssembly.Module.customSections(new WebAssembly.Module(bytes), "name");
    // customSections gives the body after the section's name; functionNames reads the name too
    const body = new Uint8Array([4, ...new TextEncoder().encode("name"), ...new Uint8Array(section!)]);
    const names = [...functionNames(body).values()];
    for (const n of ["divide", "compute", "main", "_start"]) assert.ok(names.includes(n), n);
  });

  test("an offset in the rewritten module maps to the same instruction in the original", () => {
    const rewritten = withYieldPoints(bytes, FUEL)!;
    assert.ok(rewritten, "the guest has loops: it gets yield points");
    const points = (b: { start: number; end: number }) => yieldPoints(new Reader(bytes, b.start, b.end, "a function body"), b.end);
    // Every function's first and last byte: symbolize the rewritten offset, compare with the original.
    const ran = { original: bytes, rewritten: { bytes: rewritten, points } };
    const orig = symbolize([{ name: "compute" }], { original: bytes });
    const func = orig[0]!.func!;
    assert.equal(typeof func, "number");
    // The `end` of a function body is its last byte in both.
    const bodyEnd = (b: Uint8Array, i: number): number => {
      const r = new Reader(b, 8);
      for (;;) {
        const id = r.byte(), size = r.u(), end = r.at + size;
        if (id !== 10) { r.at = end; continue; }
        let last = 0;
        const n = r.u();
        for (let k = 0; k < n; k++) { const s = r.u(); if (k === i) last = r.at + s - 1; r.at += s; }
        return last;
      }
    };
    const imported = WebAssembly.Module.imports(new WebAssembly.Module(bytes)).filter((i) => i.kind === "function").length;
    const i = func - imported;
    const [f] = symbolize([{ offset: bodyEnd(rewritten, i) }], ran);
    assert.equal(f!.offset, bodyEnd(bytes, i));
    assert.equal(f!.name, "compute");
    assert.notEqual(bodyEnd(rewritten, i), bodyEnd(bytes, i), "compute's loop got a yield point");
  });

  test("formatted like wasmtime's, with or without offsets and names", () => {
    assert.equal(
      formatBacktrace([{ func: 8, name: "divide", offset: 0x1c9, file: "a.c", line: 9 }, { func: 27, offset: 0x273c }, { name: "main" }]),
      ["wasm backtrace:", "    0:  0x1c9 - divide", "                at a.c:9", "    1: 0x273c - <wasm function 27>", "    2: main"].join("\n"),
    );
    assert.equal(new GuestTrap("unreachable").stack, "GuestTrap: unreachable");
  });

  test("Rust's legacy mangling is undone; other names are left as they are", () => {
    assert.equal(demangle("_ZN3std2rt10lang_start17h0123456789abcdefE"), "std::rt::lang_start");
    assert.equal(demangle("_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0123456789abcdefE"),
      "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>");
    assert.equal(demangle("_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17hdccb57e0523d390bE.llvm.17431876281127629768"), "std::rt::lang_start::{{closure}}");
    assert.equal(demangle("_RNvCs1234_4main4main"), "_RNvCs1234_4main4main");
    assert.equal(demangle("divide"), "divide");
  });
});
