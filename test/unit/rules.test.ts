// The ABIs' differences outside the state tables (assembly/rules.ts) through the real core: what
// the kernel asks instead of testing which ABI a socket follows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";
import { Abi, AbiFlag, Errno, UdpOp } from "../../host/core/enums.js";

const core = Core.load();
const ABIS = [Abi.LINUX, Abi.WASIX, Abi.P2, Abi.P3];
const OUT_OF_RANGE = [-1, 4, 0x7fffffff, -0x80000000];

describe("abi_flags", () => {
  it("only wasi:sockets asks the policy to create, checks addresses and does UDP's OS calls", () => {
    assert.equal(core.abiFlags(Abi.LINUX), 0);
    assert.equal(core.abiFlags(Abi.WASIX), 0);
    assert.equal(core.abiFlags(Abi.P2), AbiFlag.ADDRESS_RULES | AbiFlag.UDP_CONNECT_OS | AbiFlag.UDP_OS_BUFFERS);
    assert.equal(core.abiFlags(Abi.P3), core.abiFlags(Abi.P2) | AbiFlag.UDP_CONNECT_BINDS);
  });

  it("an abi out of range is -EINVAL", () => {
    for (const abi of OUT_OF_RANGE) assert.equal(core.abiFlags(abi), -Errno.INVAL, `abi ${abi}`);
  });
});

describe("family_check", () => {
  it("LINUX and WASIX refuse another family with EAFNOSUPPORT; P2 leaves it to its address rules", () => {
    for (const abi of ABIS) {
      for (const sf of [4, 6]) {
        for (const af of [4, 6]) {
          const want = sf === af || abi === Abi.P2 || abi === Abi.P3 ? 0 : Errno.AFNOSUPPORT;
          assert.equal(core.familyCheck(abi, sf, af), want, `abi ${abi}, socket ${sf}, address ${af}`);
        }
      }
    }
  });

  it("a family other than 4 or 6, or an abi out of range, is EINVAL", () => {
    for (const abi of ABIS) {
      for (const [sf, af] of [[0, 4], [4, 0], [5, 5], [-4, 4], [4, 10]]) assert.equal(core.familyCheck(abi, sf!, af!), Errno.INVAL, `abi ${abi}, ${sf}/${af}`);
    }
    for (const abi of OUT_OF_RANGE) assert.equal(core.familyCheck(abi, 4, 4), Errno.INVAL, `abi ${abi}`);
  });
});

describe("listen_backlog", () => {
  it("LINUX and WASIX take listen()'s argument, capped as backlog_effective does; the option is ignored", () => {
    for (const abi of [Abi.LINUX, Abi.WASIX]) {
      for (const [requested, option] of [[5, -1], [5, 77], [0, -1], [-1, 3], [5000, -1], [0x7fffffff, 9]]) {
        assert.equal(core.listenBacklog(abi, requested!, option!, 4096), core.backlogEffective(requested!, 4096), `abi ${abi}: ${requested}/${option}`);
      }
    }
  });

  it("P2 takes the LISTEN_BACKLOG option set before listening, else its default (128), capped", () => {
    assert.equal(core.listenBacklog(Abi.P2, 5, -1, 4096), 128);
    assert.equal(core.listenBacklog(Abi.P2, 5, 77, 4096), 77);
    assert.equal(core.listenBacklog(Abi.P2, 5, 1, 4096), 1);
    assert.equal(core.listenBacklog(Abi.P2, 5, 0x7fffffff, 4096), 4096);
    assert.equal(core.listenBacklog(Abi.P2, 5, -1, 100), 100);
    assert.equal(core.listenBacklog(Abi.P2, 5000, 9, 4096), 9, "listen()'s argument is not wasi:sockets'");
  });

  it("an abi out of range is -EINVAL", () => {
    for (const abi of OUT_OF_RANGE) assert.equal(core.listenBacklog(abi, 5, -1, 4096), -Errno.INVAL, `abi ${abi}`);
  });
});

describe("udp_send_op", () => {
  it("no address is a send to the default peer, in every ABI", () => {
    for (const abi of ABIS) for (const toPeer of [false, true]) assert.equal(core.udpSendOp(abi, false, toPeer), UdpOp.SEND);
  });

  it("an address is SEND_TO, except the connected peer's own on P2", () => {
    for (const abi of [Abi.LINUX, Abi.WASIX]) for (const toPeer of [false, true]) assert.equal(core.udpSendOp(abi, true, toPeer), UdpOp.SEND_TO);
    assert.equal(core.udpSendOp(Abi.P2, true, false), UdpOp.SEND_TO);
    assert.equal(core.udpSendOp(Abi.P2, true, true), UdpOp.SEND);
  });

  it("an abi out of range is -EINVAL", () => {
    for (const abi of OUT_OF_RANGE) assert.equal(core.udpSendOp(abi, true, true), -Errno.INVAL, `abi ${abi}`);
  });
});
