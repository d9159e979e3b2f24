// Flag validation, every bit of every argument, for each ABI.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";
import { Abi, Errno, FdFlags, RiFlags, SdFlags, ShutdownType, TcpOp } from "../../host/core/enums.js";

const core = Core.load();
const ABIS = [Abi.LINUX, Abi.WASIX, Abi.P2];
const BAD_ABIS = [-1, 4, 100];
/** Each single bit of a u16, then values no u16 flag set can hold. */
const BITS = [...Array.from({ length: 16 }, (_, i) => 1 << i), 0x10000, 0x80000000 | 0, -1];

/** For every ABI, which bits are allowed: checks every single bit, 0, every allowed combination. */
function checkBits(name: string, check: (abi: number, v: number) => number, allowed: Record<number, number>): void {
  for (const abi of ABIS) {
    const ok = allowed[abi]!;
    assert.equal(check(abi, 0), Errno.SUCCESS, `${name} abi ${abi} 0`);
    for (const bit of BITS) {
      const want = (bit & ~ok) === 0 ? Errno.SUCCESS : Errno.INVAL;
      assert.equal(check(abi, bit), want, `${name} abi ${abi} bit 0x${(bit >>> 0).toString(16)}`);
      assert.equal(check(abi, bit | ok), want, `${name} abi ${abi} bit 0x${(bit >>> 0).toString(16)} | allowed`);
    }
    for (let v = 0; v <= ok; v++) if ((v & ~ok) === 0) assert.equal(check(abi, v), Errno.SUCCESS, `${name} abi ${abi} 0x${v.toString(16)}`);
  }
  for (const abi of BAD_ABIS) assert.equal(check(abi, 0), Errno.INVAL, `${name} abi ${abi}`);
}

describe("flag validators", () => {
  it("check_accept_flags: 0 or NONBLOCK", () => {
    checkBits("accept", (a, v) => core.checkAcceptFlags(a, v), { [Abi.LINUX]: FdFlags.NONBLOCK, [Abi.WASIX]: FdFlags.NONBLOCK, [Abi.P2]: FdFlags.NONBLOCK });
    assert.equal(core.checkAcceptFlags(Abi.LINUX, FdFlags.APPEND), Errno.INVAL);
  });

  it("check_fdflags: 0 or NONBLOCK", () => {
    checkBits("fdflags", (a, v) => core.checkFdflags(a, v), { [Abi.LINUX]: FdFlags.NONBLOCK, [Abi.WASIX]: FdFlags.NONBLOCK, [Abi.P2]: FdFlags.NONBLOCK });
    for (const f of [FdFlags.APPEND, FdFlags.DSYNC, FdFlags.RSYNC, FdFlags.SYNC]) assert.equal(core.checkFdflags(Abi.LINUX, f), Errno.INVAL);
  });

  it("check_riflags: preview1 PEEK|WAITALL, WASIX also DATA_TRUNCATED|DONT_WAIT, P2 none", () => {
    checkBits("riflags", (a, v) => core.checkRiflags(a, v), {
      [Abi.LINUX]: RiFlags.RECV_PEEK | RiFlags.RECV_WAITALL,
      [Abi.WASIX]: RiFlags.RECV_PEEK | RiFlags.RECV_WAITALL | RiFlags.RECV_DATA_TRUNCATED | RiFlags.RECV_DONT_WAIT,
      [Abi.P2]: 0,
    });
    assert.equal(core.checkRiflags(Abi.LINUX, 0x4), Errno.INVAL);
    assert.equal(core.checkRiflags(Abi.WASIX, 0xf), Errno.SUCCESS);
  });

  it("check_siflags: 0, and WASIX also SEND_DONT_WAIT (0x1)", () => {
    checkBits("siflags", (a, v) => core.checkSiflags(a, v), { [Abi.LINUX]: 0, [Abi.WASIX]: 0x1, [Abi.P2]: 0 });
  });
});

describe("shutdown_op", () => {
  const E = -Errno.INVAL;
  it("preview1/WASIX sdflags: RD 1, WR 2, both 3; 0 and the rest EINVAL", () => {
    for (const abi of [Abi.LINUX, Abi.WASIX]) {
      // prettier-ignore
      const want: [how: number, op: number][] = [
        [0, E], [SdFlags.RD, TcpOp.SHUT_RD], [SdFlags.WR, TcpOp.SHUT_WR], [SdFlags.RD | SdFlags.WR, TcpOp.SHUT_RDWR],
        [4, E], [5, E], [7, E], [8, E], [0x101, E], [-1, E], [0x80000000 | 0, E],
      ];
      for (const [how, op] of want) assert.equal(core.shutdownOp(abi, how), op, `abi ${abi} how ${how}`);
    }
  });

  it("P2 shutdown-type: receive 0, send 1, both 2; the rest EINVAL", () => {
    // prettier-ignore
    const want: [how: number, op: number][] = [
      [ShutdownType.RECEIVE, TcpOp.SHUT_RD], [ShutdownType.SEND, TcpOp.SHUT_WR], [ShutdownType.BOTH, TcpOp.SHUT_RDWR],
      [3, E], [4, E], [-1, E], [256, E],
    ];
    for (const [how, op] of want) assert.equal(core.shutdownOp(Abi.P2, how), op, `how ${how}`);
  });

  it("unknown ABI", () => {
    for (const abi of BAD_ABIS) for (const how of [0, 1, 2, 3]) assert.equal(core.shutdownOp(abi, how), E);
  });
});
