// The capability policy: rule text (host/policy.ts) and the decisions core.wasm makes on it
// (assembly/policy.ts) — CIDR, port ranges, kinds, IPv4-mapped addresses, wildcards, port 0,
// names, slots and capacity. Every check goes through the real core.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Core } from "../../host/core/core.js";
import { Errno, PolicyKind } from "../../host/core/enums.js";
import {
  formatIp,
  parseIp,
  parseNames,
  parseRule,
  Policy,
  POLICY_MAX_NAMES,
  POLICY_MAX_RULES,
  POLICY_SLOTS,
  PolicyError,
  resolveRules,
  type Lookup,
  type ParsedRule,
} from "../../host/policy.js";

const core = Core.load();
const { LISTEN, CONNECT } = PolicyKind;
const L = "listen";
const C = "connect";
type K = typeof L | typeof C;
const KIND = { listen: LISTEN, connect: CONNECT } as const;
const OK = 0;
const NO = Errno.ACCES;

/** A Policy with these rules, given to fn, freed after. */
function withPolicy(rules: [K, string][], fn: (p: Policy) => void): void {
  const p = new Policy(core);
  try {
    for (const [k, text] of rules) p.allow(KIND[k], text);
    fn(p);
  } finally {
    p.free();
  }
}

/** The 16 bytes of an IP text (asserting it parses). */
function ip(text: string): Uint8Array {
  const b = new Uint8Array(16);
  assert.notEqual(parseIp(text, b), 0, text);
  return b;
}

describe("parseIp / formatIp", () => {
  // [text, family, canonical text]
  // prettier-ignore
  const good: [string, 4 | 6, string][] = [
    ["0.0.0.0", 4, "0.0.0.0"],
    ["127.0.0.1", 4, "127.0.0.1"],
    ["255.255.255.255", 4, "255.255.255.255"],
    ["::", 6, "::"],
    ["::1", 6, "::1"],
    ["1::", 6, "1::"],
    ["1:2:3:4:5:6:7:8", 6, "1:2:3:4:5:6:7:8"],
    ["2001:DB8::1", 6, "2001:db8::1"],
    ["2001:0db8:0000:0000:0001:0000:0000:0001", 6, "2001:db8::1:0:0:1"], // first of two equal runs
    ["1:0:2:3:4:5:6:7", 6, "1:0:2:3:4:5:6:7"],                           // one zero group stays
    ["1:0:0:2:0:0:0:3", 6, "1:0:0:2::3"],                                 // the longest run
    ["::ffff:1.2.3.4", 6, "::ffff:1.2.3.4"],
    ["::FFFF:0102:0304", 6, "::ffff:1.2.3.4"],
    ["1:2:3:4:5:6:1.2.3.4", 6, "1:2:3:4:5:6:102:304"],
    ["::1.2.3.4", 6, "::102:304"],                                        // IPv4-compatible: plain IPv6
    ["fe80::1%eth0", 6, "fe80::1"],
  ];
  for (const [text, family, canonical] of good) {
    it(`${text} → IPv${family} ${canonical}`, () => {
      const b = new Uint8Array(16).fill(0xaa);
      assert.equal(parseIp(text, b), family);
      assert.equal(formatIp(family, b), canonical);
      if (family === 4) assert.deepEqual([...b.subarray(4)], new Array(12).fill(0));
      assert.equal(parseIp(canonical), family);
    });
  }
  // prettier-ignore
  const bad = [
    "", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1..2.3", "01.1.1.1", "1.2.3.4.", ".1.2.3.4", "1.2.3.-4",
    "a.b.c.d", "1.2.3.4%eth0", "localhost", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:::2", "12345::",
    "1:2:3:4:5:6:7::8", "1:2:3:4:5:6:7:1.2.3.4", "1::2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:7:8::", "::1.2.3.4.5", "::1.2.3", "g::", "fe80::1%", "1:", ":",
    "::1:", "1.2.3.4::", "::01.2.3.4", " ::1",
  ];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseIp(text), 0));
  }
});

describe("parseRule", () => {
  type Want = { nets: [4 | 6, string, number][]; lo: number; hi: number; name?: string };
  const ANY: [4 | 6, string, number][] = [[4, "0.0.0.0", 0], [6, "::", 0]];
  // prettier-ignore
  const good: [string, Want][] = [
    ["127.0.0.1:8080",        { nets: [[4, "127.0.0.1", 32]], lo: 8080, hi: 8080 }],
    ["127.0.0.1:8000-8999",   { nets: [[4, "127.0.0.1", 32]], lo: 8000, hi: 8999 }],
    ["127.0.0.1:0",           { nets: [[4, "127.0.0.1", 32]], lo: 0, hi: 0 }],
    ["127.0.0.1:65535",       { nets: [[4, "127.0.0.1", 32]], lo: 65535, hi: 65535 }],
    ["127.0.0.1:0-65535",     { nets: [[4, "127.0.0.1", 32]], lo: 0, hi: 65535 }],
    ["127.0.0.1:7-7",         { nets: [[4, "127.0.0.1", 32]], lo: 7, hi: 7 }],
    ["10.0.0.0/8:443",        { nets: [[4, "10.0.0.0", 8]], lo: 443, hi: 443 }],
    ["0.0.0.0/0:443",         { nets: [[4, "0.0.0.0", 0]], lo: 443, hi: 443 }],
    ["*:443",                 { nets: ANY, lo: 443, hi: 443 }],
    ["127.0.0.1:*",           { nets: [[4, "127.0.0.1", 32]], lo: 0, hi: 65535 }],
    ["[::1]:8080",            { nets: [[6, "::1", 128]], lo: 8080, hi: 8080 }],
    ["[2001:db8::]/32:*",     { nets: [[6, "2001:db8::", 32]], lo: 0, hi: 65535 }],
    ["[2001:db8::/32]:*",     { nets: [[6, "2001:db8::", 32]], lo: 0, hi: 65535 }],
    ["[::ffff:10.0.0.1]:80",  { nets: [[6, "::ffff:10.0.0.1", 128]], lo: 80, hi: 80 }],
    ["[::]/0:53",             { nets: [[6, "::", 0]], lo: 53, hi: 53 }],
    ["*:*",                   { nets: ANY, lo: 0, hi: 65535 }],
    ["*",                     { nets: ANY, lo: 0, hi: 65535 }],
    ["*:1000-2000",           { nets: ANY, lo: 1000, hi: 2000 }],
    ["localhost:8080",        { nets: [], name: "localhost", lo: 8080, hi: 8080 }],
    ["Example.COM.:443",      { nets: [], name: "example.com", lo: 443, hi: 443 }],
    ["my_host-1.internal:*",  { nets: [], name: "my_host-1.internal", lo: 0, hi: 65535 }],
  ];
  for (const [text, want] of good) {
    it(`parses ${text}`, () => {
      const r = parseRule(text);
      assert.equal(r.text, text);
      assert.equal(r.lo, want.lo);
      assert.equal(r.hi, want.hi);
      assert.equal(r.name, want.name);
      assert.deepEqual(
        r.nets.map((n) => [n.family, formatIp(n.family, n.bytes), n.prefix]),
        want.nets,
      );
    });
  }

  // [rule, what is wrong]
  // prettier-ignore
  const bad: [string, string][] = [
    ["",                      "it is empty"],
    ["127.0.0.1",             "missing port (write host:port, host:lo-hi or host:*)"],
    ["127.0.0.1:",            "missing port after ':'"],
    ["127.0.0.1:70000",       "port 70000 is out of range (0-65535)"],
    ["127.0.0.1:65536",       "port 65536 is out of range (0-65535)"],
    ["127.0.0.1:8000-70000",  "port 70000 is out of range (0-65535)"],
    ["127.0.0.1:9000-8000",   "port range 9000-8000 is reversed"],
    ["127.0.0.1:8001-8000",   "port range 8001-8000 is reversed"],
    ["127.0.0.1:http",        "port \"http\" is not a number, a lo-hi range or *"],
    ["127.0.0.1:-1",          "port \"-1\" is not a number"],
    ["127.0.0.1:1-",          "port \"1-\" is not a number"],
    ["10.0.0.0/33:443",       "prefix /33 is too long for IPv4"],
    ["[2001:db8::]/129:443",  "prefix /129 is too long for IPv6"],
    ["10.0.0.0/:443",         "missing prefix length after /"],
    ["10.0.0.0/x:443",        "prefix \"/x\" is not a number"],
    ["::1:8080",              "IPv6 addresses go in brackets, e.g. [::1]:8080"],
    ["[::1:8080",             "missing ] after the IPv6 address"],
    ["::1]:8080",             "unbalanced brackets"],
    ["[::1]8080",             "unexpected \"8080\" after ]"],
    ["[::1]",                 "missing :port after ]"],
    ["[]:80",                 "empty address in brackets"],
    ["[1.2.3.4]:80",          "\"1.2.3.4\" is not an IPv6 address"],
    ["[::1::2]:80",           "\"::1::2\" is not an IPv6 address"],
    ["[fe80::1%eth0]:80",     "a zone index (%...) is not allowed in a rule"],
    ["[*]:80",                "* does not go in brackets"],
    ["256.1.1.1:80",          "\"256.1.1.1\" is not a valid IPv4 address"],
    ["1.2.3:80",              "\"1.2.3\" is not a valid IPv4 address"],
    ["01.2.3.4:80",           "\"01.2.3.4\" is not a valid IPv4 address"],
    ["*/8:80",                "* cannot have a prefix length"],
    ["localhost/8:80",        "a host name cannot have a prefix length"],
    ["*.example.com:443",     "only * alone is a wildcard host"],
    ["exa$mple:80",           "\"exa$mple\" is neither an IP address nor a host name"],
    ["-bad.example:80",       "is neither an IP address nor a host name"],
    ["1.2.3.4 :80",           "it contains white space"],
    [":80",                   "missing host before ':'"],
  ];
  for (const [text, why] of bad) {
    it(`rejects ${JSON.stringify(text)}: ${why}`, () => {
      assert.throws(
        () => parseRule(text),
        (err: unknown) => {
          assert.ok(err instanceof PolicyError);
          assert.equal(err.name, "PolicyError");
          assert.equal(err.rule, text);
          assert.ok(err.message.startsWith(`invalid rule "${text}": `), err.message);
          assert.ok(err.message.includes(why), `${err.message} should say ${why}`);
          assert.ok(!err.message.includes("\n"));
          return true;
        },
      );
    });
  }

  it("parseNames splits --allow-resolve=a,b", () => {
    assert.deepEqual(parseNames("a.com, *.b.org,,c"), ["a.com", "*.b.org", "c"]);
    assert.deepEqual(parseNames(""), []);
  });
});

describe("policy matching (core.wasm)", () => {
  // [rules, checks: [kind, host, port, errno]]
  // prettier-ignore
  const cases: [string, [K, string][], [K, string, number, number][]][] = [
    ["an empty policy denies everything", [], [
      [C, "127.0.0.1", 80, NO], [C, "::1", 80, NO], [L, "0.0.0.0", 0, NO], [L, "::", 0, NO],
      [L, "127.0.0.1", 8080, NO], [C, "255.255.255.255", 65535, NO], [C, "::ffff:127.0.0.1", 80, NO],
    ]],
    ["exact IPv4", [[C, "127.0.0.1:8080"]], [
      [C, "127.0.0.1", 8080, OK], [C, "127.0.0.2", 8080, NO], [C, "127.0.0.0", 8080, NO],
      [C, "127.0.0.1", 8081, NO], [C, "127.0.0.1", 8079, NO], [C, "::1", 8080, NO],
      [C, "255.0.0.1", 8080, NO],
    ]],
    ["kinds are separate", [[C, "127.0.0.1:8080"], [L, "127.0.0.2:9090"]], [
      [C, "127.0.0.1", 8080, OK], [L, "127.0.0.1", 8080, NO],
      [L, "127.0.0.2", 9090, OK], [C, "127.0.0.2", 9090, NO],
    ]],
    ["exact IPv6", [[C, "[2001:db8::1]:443"]], [
      [C, "2001:db8::1", 443, OK], [C, "2001:DB8:0:0:0:0:0:1", 443, OK], [C, "2001:db8::2", 443, NO],
      [C, "2001:db8::1:0", 443, NO], [C, "3001:db8::1", 443, NO], [C, "2001:db8::1", 444, NO],
      [C, "fe80::1%eth0", 443, NO], [C, "0.0.0.1", 443, NO],
    ]],
    ["/0 IPv4 covers every IPv4 address, no IPv6", [[C, "0.0.0.0/0:80"]], [
      [C, "1.2.3.4", 80, OK], [C, "255.255.255.255", 80, OK], [C, "0.0.0.1", 80, OK],
      [C, "::1", 80, NO], [C, "2001:db8::1", 80, NO], [C, "1.2.3.4", 81, NO],
    ]],
    ["/8", [[C, "10.0.0.0/8:443"]], [
      [C, "10.0.0.0", 443, OK], [C, "10.255.255.255", 443, OK], [C, "10.1.2.3", 443, OK],
      [C, "9.255.255.255", 443, NO], [C, "11.0.0.0", 443, NO], [C, "138.0.0.1", 443, NO],
    ]],
    ["/12 (not on a byte)", [[C, "172.16.0.0/12:*"]], [
      [C, "172.16.0.0", 1, OK], [C, "172.31.255.255", 1, OK], [C, "172.20.1.1", 1, OK],
      [C, "172.32.0.0", 1, NO], [C, "172.15.255.255", 1, NO], [C, "173.16.0.0", 1, NO],
    ]],
    ["/31", [[C, "192.168.1.2/31:22"]], [
      [C, "192.168.1.2", 22, OK], [C, "192.168.1.3", 22, OK],
      [C, "192.168.1.1", 22, NO], [C, "192.168.1.4", 22, NO], [C, "192.168.0.2", 22, NO],
    ]],
    ["/32", [[C, "192.168.1.2/32:22"]], [
      [C, "192.168.1.2", 22, OK], [C, "192.168.1.3", 22, NO], [C, "192.168.1.0", 22, NO],
    ]],
    ["host bits of a CIDR are ignored", [[C, "192.168.1.77/24:80"]], [
      [C, "192.168.1.1", 80, OK], [C, "192.168.1.255", 80, OK], [C, "192.168.2.77", 80, NO],
    ]],
    ["IPv6 /0", [[C, "[::]/0:80"]], [
      [C, "2001:db8::1", 80, OK], [C, "::1", 80, OK], [C, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 80, OK],
      [C, "1.2.3.4", 80, NO],
    ]],
    ["IPv6 /32", [[C, "[2001:db8::]/32:*"]], [
      [C, "2001:db8::", 1, OK], [C, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1, OK],
      [C, "2001:db9::", 1, NO], [C, "2001:db7:ffff::", 1, NO],
    ]],
    ["IPv6 /127", [[C, "[2001:db8::2]/127:*"]], [
      [C, "2001:db8::2", 1, OK], [C, "2001:db8::3", 1, OK], [C, "2001:db8::1", 1, NO], [C, "2001:db8::4", 1, NO],
    ]],
    ["IPv6 /128", [[C, "[2001:db8::2]/128:*"]], [
      [C, "2001:db8::2", 1, OK], [C, "2001:db8::3", 1, NO], [C, "2001:db8::", 1, NO],
    ]],
    ["IPv6 /65 (not on a byte)", [[C, "[2001:db8:0:0:8000::]/65:*"]], [
      [C, "2001:db8::8000:0:0:0", 1, OK], [C, "2001:db8::ffff:ffff:ffff:ffff", 1, OK],
      [C, "2001:db8::7fff:ffff:ffff:ffff", 1, NO], [C, "2001:db8:0:1:8000::", 1, NO],
    ]],
    ["port range lo..hi", [[C, "127.0.0.1:8000-8999"]], [
      [C, "127.0.0.1", 8000, OK], [C, "127.0.0.1", 8999, OK], [C, "127.0.0.1", 8500, OK],
      [C, "127.0.0.1", 7999, NO], [C, "127.0.0.1", 9000, NO], [C, "127.0.0.1", 0, NO],
    ]],
    ["port * is 0-65535", [[C, "127.0.0.1:*"]], [
      [C, "127.0.0.1", 0, OK], [C, "127.0.0.1", 1, OK], [C, "127.0.0.1", 65535, OK], [C, "127.0.0.2", 80, NO],
    ]],
    ["* as host: both families", [[C, "*:443"]], [
      [C, "1.2.3.4", 443, OK], [C, "2001:db8::1", 443, OK], [C, "::ffff:1.2.3.4", 443, OK],
      [C, "1.2.3.4", 444, NO], [C, "2001:db8::1", 442, NO], [L, "1.2.3.4", 443, NO],
    ]],
    ["an IPv4-mapped address is its IPv4 address (allowed where the IPv4 is)", [[C, "127.0.0.1:80"]], [
      [C, "::ffff:127.0.0.1", 80, OK], [C, "::FFFF:7f00:1", 80, OK], [C, "::ffff:127.0.0.2", 80, NO],
      [C, "::127.0.0.1", 80, NO],                        // IPv4-compatible: stays IPv6
      [C, "1::ffff:127.0.0.1", 80, NO],                  // not mapped: ffff in the right place only
      [C, "::1:0:ffff:127.0.0.1", 80, NO],
      [C, "::fffe:127.0.0.1", 80, NO],
      [C, "::ffff:127.0.0.1", 81, NO],
    ]],
    ["just below the mapped range: an IPv6 rule", [[C, "[::ffff:0:0]/95:80"]], [
      [C, "::fffe:1.2.3.4", 80, OK], [C, "::fffe:0:0", 80, OK],
      [C, "::ffff:10.0.0.1", 80, NO], [C, "10.0.0.1", 80, NO], [C, "0.0.0.0", 80, NO],
    ]],
    ["an IPv4-mapped address cannot pass an IPv4 CIDR", [[C, "10.0.0.0/8:*"]], [
      [C, "::ffff:10.1.2.3", 1, OK], [C, "::ffff:11.0.0.1", 1, NO], [C, "::ffff:9.255.255.255", 1, NO],
    ]],
    ["an IPv6 rule does not match IPv4-mapped addresses", [[C, "[::]/0:80"], [C, "[::ffff:0:0]/95:80"]], [
      [C, "::ffff:10.0.0.1", 80, NO], [C, "::10.0.0.1", 80, OK], [C, "10.0.0.1", 80, NO],
    ]],
    ["a rule written as a mapped address is the IPv4 rule", [[C, "[::ffff:10.0.0.0]/104:80"], [C, "[::ffff:127.0.0.1]:81"]], [
      [C, "10.1.2.3", 80, OK], [C, "::ffff:10.1.2.3", 80, OK], [C, "11.0.0.0", 80, NO],
      [C, "127.0.0.1", 81, OK], [C, "::ffff:127.0.0.1", 81, OK], [C, "127.0.0.2", 81, NO],
    ]],
    ["[::ffff:0:0]/96 is every IPv4 address", [[C, "[::ffff:0.0.0.0]/96:80"]], [
      [C, "1.2.3.4", 80, OK], [C, "::ffff:8.8.8.8", 80, OK], [C, "::1", 80, NO],
    ]],
    ["a one-interface rule does not allow the wildcard", [[L, "127.0.0.1:*"], [L, "[::1]:*"]], [
      [L, "127.0.0.1", 8080, OK], [L, "0.0.0.0", 8080, NO], [L, "::", 8080, NO], [L, "::ffff:0.0.0.0", 8080, NO],
    ]],
    ["a network containing the wildcard does not allow it", [[L, "0.0.0.0/8:*"], [L, "[::]/64:*"]], [
      [L, "0.1.2.3", 80, OK], [L, "0.0.0.0", 80, NO], [L, "::1", 80, OK], [L, "::", 80, NO],
    ]],
    ["* allows the wildcard", [[L, "*:*"]], [
      [L, "0.0.0.0", 80, OK], [L, "::", 80, OK], [L, "::ffff:0.0.0.0", 80, OK], [L, "0.0.0.0", 0, OK],
    ]],
    ["/0 of one family allows that family's wildcard only", [[L, "0.0.0.0/0:80"]], [
      [L, "0.0.0.0", 80, OK], [L, "::", 80, NO],
    ]],
    ["an exact rule for the wildcard allows just it", [[L, "0.0.0.0:8080"], [L, "[::]:8081"]], [
      [L, "0.0.0.0", 8080, OK], [L, "0.0.0.0", 8081, NO], [L, "1.2.3.4", 8080, NO], [L, "127.0.0.1", 8080, NO],
      [L, "::", 8081, OK], [L, "::1", 8081, NO], [L, "::", 8080, NO],
    ]],
    ["port 0 only where the range includes 0", [[L, "127.0.0.1:8080"], [L, "127.0.0.2:*"], [L, "127.0.0.3:0-10"], [L, "127.0.0.4:0"]], [
      [L, "127.0.0.1", 0, NO], [L, "127.0.0.1", 8080, OK],
      [L, "127.0.0.2", 0, OK],
      [L, "127.0.0.3", 0, OK], [L, "127.0.0.3", 10, OK], [L, "127.0.0.3", 11, NO],
      [L, "127.0.0.4", 0, OK], [L, "127.0.0.4", 1, NO],
    ]],
    // Connecting to 0.0.0.0 reaches this host at the socket's bound address (127.0.0.1 unbound); to
    // :: reaches ::1, or 127.0.0.1 from a socket bound to ::ffff:127.0.0.1 (Linux tcp_v6_connect).
    ["connect to the unspecified address: a rule for it, or for loopback, does not allow it", [[C, "0.0.0.0:80"], [C, "[::]:80"], [C, "127.0.0.1:80"], [C, "[::1]:80"], [C, "0.0.0.0/8:80"]], [
      [C, "0.0.0.0", 80, NO], [C, "::", 80, NO], [C, "::ffff:0.0.0.0", 80, NO],
      [C, "127.0.0.1", 80, OK], [C, "::1", 80, OK], [C, "0.1.2.3", 80, OK],
    ]],
    ["connect to 0.0.0.0 needs every IPv4 address; to :: every IPv4 and IPv6 address", [[C, "0.0.0.0/0:80"], [C, "[::]/0:81"]], [
      [C, "0.0.0.0", 80, OK], [C, "::ffff:0.0.0.0", 80, OK], [C, "0.0.0.0", 81, NO],
      [C, "::", 80, NO], [C, "::", 81, NO], [C, "::1", 81, OK],
    ]],
    ["[::]/0 (every IPv6 address) does not reach IPv4 through ::", [[C, "[::]/0:*"]], [
      [C, "::", 80, NO], [C, "::ffff:0.0.0.0", 80, NO], [C, "::ffff:127.0.0.1", 80, NO], [C, "::1", 80, OK],
    ]],
    ["both families' every-address rules on the port allow connecting to ::", [[C, "0.0.0.0/0:80"], [C, "[::]/0:*"]], [
      [C, "::", 80, OK], [C, "::", 81, NO], [C, "0.0.0.0", 80, OK], [C, "0.0.0.0", 81, NO],
    ]],
    ["* allows connecting to 0.0.0.0 and ::, on its ports", [[C, "*:80"]], [
      [C, "0.0.0.0", 80, OK], [C, "::", 80, OK], [C, "::ffff:0.0.0.0", 80, OK], [C, "::", 81, NO], [C, "0.0.0.0", 0, NO],
    ]],
    ["listen rules do not count for connect to the unspecified address (nor the other way)", [[L, "*:*"], [C, "127.0.0.1:*"]], [
      [C, "0.0.0.0", 80, NO], [C, "::", 80, NO], [L, "0.0.0.0", 80, OK],
    ]],
    ["127.0.0.1 is not 127.0.0.0/8; [::1] not ::/127", [[C, "127.0.0.1:80"], [L, "[::1]:80"]], [
      [C, "127.0.0.2", 80, NO], [C, "127.0.0.0", 80, NO], [C, "127.255.255.255", 80, NO], [C, "127.1.0.1", 80, NO],
      [C, "::ffff:127.0.0.2", 80, NO], [L, "::", 80, NO], [L, "::2", 80, NO], [L, "::1", 80, OK], [L, "::1%lo", 80, OK],
    ]],
    ["port 0: connect and send_to to port 0 only where the range includes 0", [[C, "127.0.0.1:1-65535"], [C, "127.0.0.2:*"]], [
      [C, "127.0.0.1", 0, NO], [C, "127.0.0.1", 1, OK], [C, "127.0.0.2", 0, OK], [C, "::ffff:127.0.0.1", 0, NO],
    ]],
    ["several rules: any one allows", [[C, "10.0.0.1:80"], [C, "10.0.0.2:443"], [C, "[::1]:*"]], [
      [C, "10.0.0.1", 80, OK], [C, "10.0.0.2", 443, OK], [C, "10.0.0.1", 443, NO], [C, "10.0.0.2", 80, NO],
      [C, "::1", 5, OK],
    ]],
  ];
  for (const [title, rules, checks] of cases) {
    it(title, () => {
      withPolicy(rules, (p) => {
        for (const [k, host, port, want] of checks) {
          assert.equal(p.check(KIND[k], host, port), want, `${k} ${host} port ${port}`);
          // the same through the bytes path
          const b = new Uint8Array(16);
          const family = parseIp(host, b) as 4 | 6;
          assert.equal(p.checkAddress(KIND[k], family, family === 4 ? b.subarray(0, 4) : b, port), want, `${k} ${host} port ${port} (bytes)`);
        }
      });
    });
  }

  it("a host that is not an IP address, or a port out of range, is EINVAL", () => {
    withPolicy([[C, "*:*"]], (p) => {
      assert.equal(p.check(CONNECT, "localhost", 80), Errno.INVAL);
      assert.equal(p.check(CONNECT, "", 80), Errno.INVAL);
      assert.equal(p.check(CONNECT, "1.2.3.4", 65536), Errno.INVAL);
      assert.equal(p.check(CONNECT, "1.2.3.4", -1), Errno.INVAL);
      assert.equal(p.check(CONNECT, "1.2.3.4", 65535), OK);
    });
  });

  it("describe names the option that allows it", () => {
    // prettier-ignore
    const cases: [K, string, number, string][] = [
      [C, "10.0.0.1", 80, "--allow-connect 10.0.0.1:80"],
      [L, "::1", 0, "--allow-listen [::1]:0"],
      [L, "0.0.0.0", 8080, "--allow-listen 0.0.0.0:8080"],
      [C, "::ffff:10.0.0.1", 443, "--allow-connect 10.0.0.1:443"],
      [C, "2001:DB8:0:0::1", 443, "--allow-connect [2001:db8::1]:443"],
      [C, "fe80::1%eth0", 22, "--allow-connect [fe80::1]:22"],
      // connecting to the unspecified address: only an every-address rule allows it
      [C, "0.0.0.0", 80, "--allow-connect 0.0.0.0/0:80"],
      [C, "::ffff:0.0.0.0", 80, "--allow-connect 0.0.0.0/0:80"],
      [C, "::", 80, "--allow-connect *:80"],
      [L, "::", 80, "--allow-listen [::]:80"],
    ];
    for (const [k, host, port, want] of cases) {
      const p = new Policy(core);
      try {
        assert.equal(p.check(KIND[k], host, port), NO);
        const text = p.describe(KIND[k], host, port);
        assert.equal(text, want);
        // the described rule, given, allows exactly that
        p.allow(KIND[k], text.slice(text.indexOf(" ") + 1));
        assert.equal(p.check(KIND[k], host, port), OK, text);
      } finally {
        p.free();
      }
    }
    withPolicy([], (p) => assert.equal(p.describeName("API.Example.com."), "--allow-resolve=api.example.com"));
  });

  it("allowAll (--allow-net) allows everything", () => {
    withPolicy([], (p) => {
      p.allowAll();
      for (const k of [LISTEN, CONNECT]) {
        for (const host of ["0.0.0.0", "::", "127.0.0.1", "::1", "::ffff:1.2.3.4", "255.255.255.255", "2001:db8::1"]) {
          for (const port of [0, 1, 80, 65535]) assert.equal(p.check(k, host, port), OK, `${k} ${host}:${port}`);
        }
      }
      for (const name of ["example.com", "localhost", "a.b.c.d"]) assert.equal(p.checkName(name), OK);
      assert.equal(p.count(LISTEN), 2);
      assert.equal(p.count(CONNECT), 2);
    });
  });

  it("clear() denies everything again", () => {
    withPolicy([[C, "*:*"], [L, "*:*"]], (p) => {
      p.allowResolve();
      assert.equal(p.check(CONNECT, "1.2.3.4", 80), OK);
      p.clear();
      assert.equal(p.check(CONNECT, "1.2.3.4", 80), NO);
      assert.equal(p.check(LISTEN, "0.0.0.0", 0), NO);
      assert.equal(p.checkName("example.com"), NO);
      assert.equal(p.count(CONNECT), 0);
    });
  });

  it("allow() refuses an unresolved host-name rule", () => {
    withPolicy([], (p) => {
      assert.throws(() => p.allow(CONNECT, "localhost:80"), (e: unknown) => e instanceof PolicyError && /resolve it first/.test(e.message));
      assert.throws(() => p.allow(CONNECT, "1.2.3:80"), PolicyError);
    });
  });
});

describe("resolveRules", () => {
  it("expands host names with the lookup given, once per name", async () => {
    const asked: string[] = [];
    const lookup: Lookup = async (name) => {
      asked.push(name);
      if (name === "localhost") return [{ address: "127.0.0.1" }, { address: "::1" }];
      return ["192.0.2.7"];
    };
    const rules = ["localhost:8080", "10.0.0.0/8:443", "db.internal:5432", "localhost:9090"].map(parseRule);
    const out = await resolveRules(rules, lookup);
    assert.deepEqual(asked.sort(), ["db.internal", "localhost"]);
    assert.equal(out[1], rules[1]); // no name: unchanged
    assert.deepEqual(out[0]!.nets.map((n) => [n.family, formatIp(n.family, n.bytes), n.prefix]), [[4, "127.0.0.1", 32], [6, "::1", 128]]);
    assert.equal(out[0]!.name, "localhost");
    assert.equal(out[3]!.lo, 9090);
    withPolicy([], (p) => {
      for (const r of out) p.allow(CONNECT, r);
      assert.equal(p.check(CONNECT, "127.0.0.1", 8080), OK);
      assert.equal(p.check(CONNECT, "::1", 9090), OK);
      assert.equal(p.check(CONNECT, "::1", 9091), NO);
      assert.equal(p.check(CONNECT, "192.0.2.7", 5432), OK);
      assert.equal(p.check(CONNECT, "192.0.2.8", 5432), NO);
    });
  });

  it("a name is resolved once: every address it had then, none it gets later; 0.0.0.0 or :: allows no connect", async () => {
    let answer = ["10.0.0.1", "10.0.0.2", "::ffff:10.0.0.3"];
    const lookup: Lookup = async () => answer;
    const [rule] = await resolveRules([parseRule("svc.test:80")], lookup);
    answer = ["10.0.0.66"]; // the name changes after start: the rule does not follow
    withPolicy([], (p) => {
      p.allow(CONNECT, rule!);
      for (const host of ["10.0.0.1", "10.0.0.2", "10.0.0.3", "::ffff:10.0.0.3"]) assert.equal(p.check(CONNECT, host, 80), OK, host);
      for (const host of ["10.0.0.66", "10.0.0.4", "::ffff:10.0.0.66"]) assert.equal(p.check(CONNECT, host, 80), NO, host);
    });
    // a sinkholed name (hosts files map blocked names to 0.0.0.0) must not open this host
    const [sink] = await resolveRules([parseRule("ads.test:80")], async () => ["0.0.0.0", "::"]);
    withPolicy([], (p) => {
      p.allow(CONNECT, sink!);
      for (const host of ["0.0.0.0", "::", "::ffff:0.0.0.0", "127.0.0.1", "::1"]) assert.equal(p.check(CONNECT, host, 80), NO, host);
    });
  });

  it("a failed, empty or nonsensical lookup is a PolicyError naming the rule", async () => {
    const fail: Lookup = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND nope.invalid"), { code: "ENOTFOUND" });
    };
    await assert.rejects(resolveRules([parseRule("nope.invalid:80")], fail), (e: unknown) => {
      assert.ok(e instanceof PolicyError);
      assert.equal(e.message, 'rule "nope.invalid:80": cannot resolve nope.invalid (ENOTFOUND)');
      return true;
    });
    await assert.rejects(resolveRules([parseRule("empty.test:80")], async () => []), /resolves to no address/);
    await assert.rejects(resolveRules([parseRule("odd.test:80")], async () => ["not-an-ip"]), /not an IP address/);
  });
});

describe("names", () => {
  it("exact names: case-insensitive, trailing dot ignored", () => {
    withPolicy([], (p) => {
      p.allowResolve(["example.com", "Mixed.Case.ORG."]);
      // prettier-ignore
      const checks: [string, number][] = [
        ["example.com", OK], ["EXAMPLE.com", OK], ["example.com.", OK], ["Example.Com.", OK],
        ["mixed.case.org", OK], ["MIXED.CASE.ORG.", OK],
        ["www.example.com", NO], ["example.org", NO], ["example.co", NO], ["example.comm", NO],
        ["xexample.com", NO], ["com", NO], ["example.com..", NO], ["localhost", NO],
      ];
      for (const [name, want] of checks) assert.equal(p.checkName(name), want, name);
    });
  });

  it("*.example.com: every name below, not the name itself", () => {
    withPolicy([], (p) => {
      p.allowResolve(["*.Example.com"]);
      // prettier-ignore
      const checks: [string, number][] = [
        ["a.example.com", OK], ["a.b.example.com", OK], ["A.EXAMPLE.COM.", OK], ["x-1.example.com", OK],
        ["example.com", NO], ["badexample.com", NO], [".example.com", NO], ["example.com.evil.net", NO],
        ["a.example.org", NO], ["a.example.co", NO], ["aexample.com", NO],
      ];
      for (const [name, want] of checks) assert.equal(p.checkName(name), want, name);
    });
  });

  it("* or no names: every name", () => {
    for (const names of [undefined, ["*"]]) {
      withPolicy([], (p) => {
        assert.equal(p.checkName("example.com"), NO);
        p.allowResolve(names);
        for (const name of ["example.com", "a.b.c", "localhost", "x"]) assert.equal(p.checkName(name), OK, name);
      });
    }
  });

  it("a name that is not a host name is denied unless every name is (a NUL would end it early)", () => {
    withPolicy([], (p) => {
      p.allowResolve(["*.evil.org", "localhost"]);
      // prettier-ignore
      const checks: [string, number][] = [
        ["x.evil.org", OK], ["localhost", OK], ["LOCALHOST.", OK],
        ["localhost\0.evil.org", NO], ["localhost\0", NO], ["a b.evil.org", NO], ["a..evil.org", NO],
        ["a/b.evil.org", NO], ["a%00.evil.org", NO], ["a\n.evil.org", NO], ["*.evil.org", NO], [".evil.org", NO],
        ["127.1", NO], ["2130706433", NO], ["0x7f000001", NO],
      ];
      for (const [name, want] of checks) assert.equal(p.checkName(name), want, JSON.stringify(name));
      p.allowResolve();
      for (const [name] of checks) assert.equal(p.checkName(name), OK, JSON.stringify(name));
    });
  });

  it("an empty name list allows nothing; names do not allow addresses", () => {
    withPolicy([], (p) => {
      p.allowResolve([]);
      assert.equal(p.checkName("example.com"), NO);
      p.allowResolve(["example.com"]);
      assert.equal(p.check(CONNECT, "93.184.216.34", 443), NO);
    });
  });

  it("length limits: 253 bytes (254 with the trailing dot), labels of 63", () => {
    const label63 = "a".repeat(63);
    const name253 = [label63, label63, label63, "b".repeat(61)].join(".");
    assert.equal(name253.length, 253);
    withPolicy([], (p) => {
      p.allowResolve([name253, `${name253.slice(2)}.`]);
      assert.equal(p.checkName(name253), OK);
      assert.equal(p.checkName(`${name253}.`), OK);
      assert.equal(p.checkName(`${name253}x`), Errno.INVAL);
      assert.equal(p.checkName(""), Errno.INVAL);
      assert.equal(p.checkName("."), Errno.INVAL);
      assert.equal(p.checkName("é.com"), Errno.INVAL);
      assert.equal(p.checkName("x".repeat(300)), Errno.INVAL);
    });
  });

  // prettier-ignore
  const badNames = [
    "", ".", "a..b", ".a", "*.", "*..", "a.*.com", "**.com", "*example.com", "*.*.com", "exa mple.com", "é.com",
    `${"a".repeat(64)}.com`, `${"a.".repeat(126)}ab`, "a/b", "a:b",
  ];
  for (const name of badNames) {
    it(`rejects the name ${JSON.stringify(name.length > 40 ? `${name.slice(0, 20)}…(${name.length})` : name)}`, () => {
      withPolicy([], (p) => {
        assert.throws(() => p.allowResolve([name]), (e: unknown) => e instanceof PolicyError && e.message.startsWith(`invalid name "${name}"`));
        assert.equal(p.checkName("a.com"), NO);
      });
    });
  }

  it(`holds ${POLICY_MAX_NAMES} names; one more is a PolicyError (ENOMEM in the core)`, () => {
    withPolicy([], (p) => {
      const names = Array.from({ length: POLICY_MAX_NAMES }, (_, i) => `n${i}.test`);
      p.allowResolve(names);
      p.allowResolve(["n0.test", "N1.TEST."]); // already there: no room needed
      assert.equal(core.policyAddName(p.slot, "one-more.test"), Errno.NOMEM);
      assert.throws(() => p.allowResolve(["one-more.test"]), /too many names \(at most 64/);
      for (const n of names) assert.equal(p.checkName(n), OK, n);
      assert.equal(p.checkName("one-more.test"), NO);
    });
  });
});

describe("the core's policy exports", () => {
  const v4 = ip("10.0.0.1");

  it("reject bad arguments with EINVAL", () => {
    withPolicy([], (p) => {
      const s = p.slot;
      // [kind, family, prefix, lo, hi]
      // prettier-ignore
      const bad: [number, number, number, number, number][] = [
        [2, 4, 32, 80, 80], [-1, 4, 32, 80, 80],             // kind
        [CONNECT, 5, 32, 80, 80], [CONNECT, 0, 0, 80, 80],  // family
        [CONNECT, 4, 33, 80, 80], [CONNECT, 6, 129, 80, 80], [CONNECT, 4, -1, 80, 80],  // prefix
        [CONNECT, 4, 32, 81, 80], [CONNECT, 4, 32, 0, 65536], [CONNECT, 4, 32, -1, 80], // ports
      ];
      for (const [k, f, pre, lo, hi] of bad) assert.equal(core.policyAdd(s, k, f, v4, pre, lo, hi), Errno.INVAL, `${k} ${f} /${pre} ${lo}-${hi}`);
      assert.equal(p.count(CONNECT), 0);
      assert.equal(core.policyAdd(s, CONNECT, 4, v4, 32, 80, 80), OK);
      assert.equal(core.policyAdd(s, CONNECT, 6, ip("::1"), 128, 0, 65535), OK);
      assert.equal(core.policyAdd(s, CONNECT, 4, v4, 0, 0, 0), OK);
      assert.equal(core.policyCheck(s, 2, 4, v4, 80), Errno.INVAL);
      assert.equal(core.policyCheck(s, CONNECT, 5, v4, 80), Errno.INVAL);
      assert.equal(core.policyCheck(s, CONNECT, 4, v4, 65536), Errno.INVAL);
      assert.equal(core.policyCheck(s, CONNECT, 4, v4, 80), OK);
      assert.equal(core.policyCount(s, 2), -Errno.INVAL);
      for (const slot of [-1, POLICY_SLOTS, 1000]) {
        assert.equal(core.policyAdd(slot, CONNECT, 4, v4, 32, 80, 80), Errno.INVAL);
        assert.equal(core.policyCheck(slot, CONNECT, 4, v4, 80), Errno.INVAL);
        assert.equal(core.policyClear(slot), Errno.INVAL);
        assert.equal(core.policySlotFree(slot), Errno.INVAL);
        assert.equal(core.policyAllowResolveAll(slot), Errno.INVAL);
        assert.equal(core.policyAddName(slot, "a.com"), Errno.INVAL);
        assert.equal(core.policyCheckName(slot, "a.com"), Errno.INVAL);
        assert.equal(core.policyCount(slot, CONNECT), -Errno.INVAL);
      }
    });
  });

  it(`holds ${POLICY_MAX_RULES} rules a slot; one more is ENOMEM; a repeated rule takes no room`, () => {
    withPolicy([], (p) => {
      const s = p.slot;
      const b = new Uint8Array(4);
      for (let i = 0; i < POLICY_MAX_RULES; i++) {
        b.set([10, 0, i >> 8, i & 0xff]);
        assert.equal(core.policyAdd(s, i & 1 ? LISTEN : CONNECT, 4, b, 32, 1, 1), OK, `rule ${i}`);
      }
      assert.equal(p.count(CONNECT) + p.count(LISTEN), POLICY_MAX_RULES);
      assert.equal(core.policyAdd(s, CONNECT, 4, ip("10.0.0.0"), 32, 1, 1), OK); // repeat of rule 0
      assert.equal(core.policyAdd(s, CONNECT, 4, ip("10.0.0.0"), 32, 1, 2), Errno.NOMEM); // new range
      assert.equal(core.policyAdd(s, CONNECT, 4, ip("10.0.9.0"), 32, 1, 1), Errno.NOMEM);
      assert.throws(() => p.allow(CONNECT, "*:*"), /too many rules \(at most 256 per runtime\)/);
      assert.equal(p.check(CONNECT, "10.0.0.254", 1), OK); // the last one still matches
      assert.equal(p.check(LISTEN, "10.0.0.255", 1), OK);
      assert.equal(p.check(CONNECT, "10.0.0.255", 1), NO);
      assert.equal(p.check(CONNECT, "10.0.9.0", 1), NO);
    });
    withPolicy([], (p) => {
      for (let i = 0; i < 1000; i++) p.allow(CONNECT, "10.0.0.0/8:80");
      // these differ only in host bits below the prefix: one rule
      for (let i = 0; i < 256; i++) p.allow(CONNECT, `192.168.1.${i}/24:80`);
      assert.equal(p.count(CONNECT), 2);
    });
  });

  it("slots are isolated; a freed slot comes back empty", () => {
    const a = new Policy(core);
    const b = new Policy(core);
    try {
      assert.notEqual(a.slot, b.slot);
      a.allow(CONNECT, "1.2.3.4:80");
      a.allowResolve(["a.test"]);
      b.allow(LISTEN, "127.0.0.1:*");
      assert.equal(a.check(CONNECT, "1.2.3.4", 80), OK);
      assert.equal(b.check(CONNECT, "1.2.3.4", 80), NO);
      assert.equal(a.check(LISTEN, "127.0.0.1", 0), NO);
      assert.equal(b.check(LISTEN, "127.0.0.1", 0), OK);
      assert.equal(a.checkName("a.test"), OK);
      assert.equal(b.checkName("a.test"), NO);
      b.clear();
      assert.equal(a.check(CONNECT, "1.2.3.4", 80), OK);
      const slot = a.slot;
      a.free();
      a.free(); // idempotent
      assert.throws(() => a.check(CONNECT, "1.2.3.4", 80), /freed/);
      assert.equal(core.policyCheck(slot, CONNECT, 4, ip("1.2.3.4"), 80), Errno.INVAL); // not allocated
      const c = new Policy(core);
      try {
        assert.equal(c.slot, slot); // lowest free slot again
        assert.equal(c.check(CONNECT, "1.2.3.4", 80), NO);
        assert.equal(c.checkName("a.test"), NO);
        assert.equal(c.count(CONNECT), 0);
      } finally {
        c.free();
      }
    } finally {
      a.free();
      b.free();
    }
  });

  it(`${POLICY_SLOTS} slots per core; then PolicyError, until one is freed`, () => {
    const held: Policy[] = [];
    try {
      for (;;) {
        const s = core.policySlotAlloc();
        if (s < 0) break;
        assert.equal(core.policySlotFree(s), OK);
        held.push(new Policy(core));
        assert.ok(held.length <= POLICY_SLOTS);
      }
      assert.equal(new Set(held.map((p) => p.slot)).size, held.length);
      assert.equal(core.policySlotAlloc(), -1);
      assert.throws(() => new Policy(core), (e: unknown) => e instanceof PolicyError && /no free policy slot/.test(e.message));
      held.pop()!.free();
      const again = new Policy(core);
      held.push(again);
      // every slot answers for itself only
      held.forEach((p, i) => p.allow(CONNECT, `10.0.0.${i}:80`));
      held.forEach((p, i) => {
        assert.equal(p.check(CONNECT, `10.0.0.${i}`, 80), OK);
        assert.equal(p.check(CONNECT, `10.0.0.${(i + 1) % held.length}`, 80), held.length === 1 ? OK : NO);
      });
    } finally {
      for (const p of held) p.free();
    }
    assert.equal(core.policySlotFree(core.policySlotAlloc()), OK);
  });

  it("names in the core: EINVAL for non-ASCII or too long, before the core sees them", () => {
    withPolicy([], (p) => {
      assert.equal(core.policyAddName(p.slot, "ü.test"), Errno.INVAL);
      assert.equal(core.policyAddName(p.slot, "a".repeat(257)), Errno.INVAL);
      assert.equal(core.policyAddName(p.slot, "ok.test"), OK);
      assert.equal(core.policyCheckName(p.slot, "OK.TEST."), OK);
    });
  });
});

describe("rules typed as data", () => {
  it("allow() takes a ParsedRule built by hand", () => {
    const bytes = new Uint8Array(16);
    parseIp("198.51.100.0", bytes);
    const rule: ParsedRule = { text: "198.51.100.0/24:53", nets: [{ family: 4, bytes, prefix: 24 }], lo: 53, hi: 53 };
    withPolicy([], (p) => {
      p.allow(CONNECT, rule);
      assert.equal(p.check(CONNECT, "198.51.100.200", 53), OK);
      assert.equal(p.check(CONNECT, "198.51.101.0", 53), NO);
    });
  });
});
