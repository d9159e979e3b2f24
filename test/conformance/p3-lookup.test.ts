// WASI 0.3's resolve-addresses follows 0.2's rules for a name: Unicode is converted to ASCII with
// IDNA before it is checked and looked up (the WIT), a name that is no host name is
// invalid-argument, a literal is its own answer. Called as jco's glue calls the import.
import { test } from "node:test";
import assert from "node:assert/strict";
import { p3ComponentInstance } from "../../host/abi/p3/imports.js";
import { MemoryNetwork } from "../../host/net/memory/network.js";
import { LocalKernel } from "../../host/sockets/kernel.js";

type Resolve = (name: string) => Promise<unknown>;

function lookup(): { resolve: Resolve; asked: string[] } {
  const net = new MemoryNetwork();
  net.names.set("xn--mnchen-3ya.de", ["10.0.0.7"]);
  const kernel = new LocalKernel(net.backend(), 16, { stdout() {}, stderr() {} });
  const asked: string[] = [];
  kernel.resolveAccess = (name) => (asked.push(name), 0);
  const { imports } = p3ComponentInstance(kernel, { args: [], env: [] }, true);
  return { resolve: imports["wasi:sockets/ip-name-lookup"]!.resolveAddresses as Resolve, asked };
}

test("0.3 resolve-addresses converts a Unicode name with IDNA before it looks it up", async () => {
  const { resolve, asked } = lookup();
  assert.deepEqual(await resolve("münchen.de"), [{ tag: "ipv4", val: [10, 0, 0, 7] }]);
  assert.deepEqual(asked, ["xn--mnchen-3ya.de"]);
});

test("0.3 resolve-addresses: no host name is invalid-argument, asked of nobody; a literal is its own answer", async () => {
  const { resolve, asked } = lookup();
  for (const bad of ["", " example.com", "exa mple.com", "[::1", "-a.example", "a..b"]) {
    await assert.rejects(resolve(bad), (e: unknown) => (e as { tag?: string }).tag === "invalid-argument", bad);
  }
  assert.deepEqual(asked, []);
  assert.deepEqual(await resolve("[::1]"), [{ tag: "ipv6", val: [0, 0, 0, 0, 0, 0, 0, 1] }]);
  assert.deepEqual(await resolve("127.0.0.1"), [{ tag: "ipv4", val: [127, 0, 0, 1] }]);
});
