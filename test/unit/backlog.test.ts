// Backlog clamping (Linux __sys_listen) and accept-queue admission (Linux sk_acceptq_is_full).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";

const core = Core.load();
const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;

describe("backlog_effective", () => {
  // [requested, somaxconn, effective]
  // prettier-ignore
  const cases: [number, number, number][] = [
    [-1,          4096, 4096],   // negative → somaxconn ((unsigned) -1 is huge)
    [-4096,       4096, 4096],
    [INT_MIN,     4096, 4096],
    [0,           4096, 0],      // 0 stays 0 (Node would have turned it into 511 before asking)
    [1,           4096, 1],
    [128,         4096, 128],    // wasi-libc SOMAXCONN, wasmtime's default
    [511,         4096, 511],    // Node's default
    [4095,        4096, 4095],   // below
    [4096,        4096, 4096],   // equal
    [4097,        4096, 4096],   // above
    [INT_MAX,     4096, 4096],
    [511,         128,  128],    // pre-5.4 kernels' somaxconn
    [128,         128,  128],
    [127,         128,  127],
    [5,           0,    0],      // somaxconn 0: everything becomes 0
    [0,           0,    0],
    [-1,          0,    0],
    [INT_MAX,     INT_MAX, INT_MAX],
    [INT_MIN,     INT_MAX, INT_MAX],
  ];
  for (const [requested, somaxconn, effective] of cases) {
    it(`listen(${requested}) with somaxconn ${somaxconn} → ${effective}`, () => {
      assert.equal(core.backlogEffective(requested, somaxconn), effective);
    });
  }
});

describe("accept_admit", () => {
  it("admits while queued <= backlog", () => {
    // prettier-ignore
    const cases: [queued: number, backlog: number, admit: boolean][] = [
      [0, 0, true], [1, 0, false],                   // backlog 0 still takes one connection
      [0, 1, true], [1, 1, true], [2, 1, false],
      [127, 128, true], [128, 128, true], [129, 128, false],
      [4096, 4096, true], [4097, 4096, false],
      [INT_MAX - 1, INT_MAX, true], [INT_MAX, INT_MAX, true],
      [0, INT_MAX, true],
    ];
    for (const [queued, backlog, admit] of cases) assert.equal(core.acceptAdmit(queued, backlog), admit, `${queued}/${backlog}`);
  });

  it("a queue filled one by one holds backlog + 1 connections", () => {
    for (const requested of [-1, 0, 1, 5, 128, 511, 5000]) {
      const backlog = core.backlogEffective(requested, 4096);
      let queued = 0;
      while (core.acceptAdmit(queued, backlog) && queued < 10000) queued++;
      assert.equal(queued, backlog + 1, `listen(${requested})`);
    }
  });
});
