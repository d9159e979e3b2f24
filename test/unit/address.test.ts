// wasi:sockets 0.2 address validation (assembly/address.ts) through the real core: the cases of
// wasmtime's p2_tcp_bind / p2_tcp_connect / p2_udp_connect that must be invalid-argument.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";
import { Errno, P2AddrUse } from "../../host/core/enums.js";
import { ipToBytes } from "../../host/ip.js";

const core = Core.load();
const { BIND, REMOTE } = P2AddrUse;
const OK = 0;
const BAD = Errno.INVAL;

// [use, socket family, address, port, expected]
const CASES: [number, 4 | 6, string, number, number][] = [
  [BIND, 4, "127.0.0.1", 0, OK],
  [BIND, 4, "0.0.0.0", 0, OK],
  [BIND, 4, "192.0.2.0", 80, OK], // not bindable is the OS's answer (address-not-bindable), not ours
  [BIND, 6, "::", 0, OK],
  [BIND, 6, "::1", 0, OK],
  [BIND, 6, "2001:db8::1", 0, OK],
  [BIND, 4, "::1", 0, BAD], // wrong family
  [BIND, 6, "127.0.0.1", 0, BAD],
  [BIND, 4, "224.0.0.1", 0, BAD], // multicast
  [BIND, 4, "239.255.255.255", 0, BAD],
  [BIND, 4, "255.255.255.255", 0, BAD], // limited broadcast
  [BIND, 4, "255.255.255.254", 0, OK],
  [BIND, 6, "ff02::1", 0, BAD],
  [BIND, 6, "::ffff:127.0.0.1", 0, BAD], // IPv4-mapped on an IPv6 (v6only) socket
  [BIND, 6, "::127.0.0.1", 0, BAD], // IPv4-compatible, deprecated
  [BIND, 6, "::2", 0, BAD],
  [REMOTE, 4, "127.0.0.1", 80, OK],
  [REMOTE, 4, "127.0.0.1", 0, BAD], // port 0
  [REMOTE, 4, "0.0.0.0", 80, BAD], // unspecified
  [REMOTE, 6, "::", 80, BAD],
  [REMOTE, 6, "::1", 80, OK],
  [REMOTE, 6, "::1", 0, BAD],
  [REMOTE, 6, "::ffff:127.0.0.1", 80, BAD],
  [REMOTE, 4, "224.0.0.1", 80, BAD],
  [REMOTE, 6, "ff02::1", 80, BAD],
  [REMOTE, 6, "127.0.0.1", 80, BAD],
  [REMOTE, 4, "255.255.255.255", 80, BAD],
];

describe("p2_check_address", () => {
  for (const [use, family, ip, port, want] of CASES) {
    it(`${use === BIND ? "bind" : "remote"} on IPv${family}: ${ip}:${port} → ${want === OK ? "ok" : "invalid-argument"}`, () => {
      assert.equal(core.p2CheckAddress(use, family, ipToBytes(ip)!, port), want);
    });
  }
  it("out-of-range use, family or port is EINVAL", () => {
    const lo = ipToBytes("127.0.0.1")!;
    assert.equal(core.p2CheckAddress(2, 4, lo, 80), BAD);
    assert.equal(core.p2CheckAddress(-1, 4, lo, 80), BAD);
    assert.equal(core.p2CheckAddress(REMOTE, 5, lo, 80), BAD);
    assert.equal(core.p2CheckAddress(REMOTE, 4, lo, 65536), BAD);
    assert.equal(core.p2CheckAddress(REMOTE, 4, lo, -1), BAD);
  });
});
