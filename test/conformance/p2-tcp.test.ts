// wasmtime's wasi:sockets TCP and name-lookup assertions (crates/test-programs/src/bin/p2_tcp_*.rs,
// p2_ip_name_lookup.rs), ported to drive this host's wasi:sockets objects directly, as jco would:
// over the in-process kernel, with the core deciding. Errors are the error-code strings jco sees.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { code, p2Imports } from "../helpers/p2.js";
import type { IpSocketAddress, Network, ResolveAddressStream } from "../../host/abi/p2/network.js";
import type { TcpSocket } from "../../host/abi/p2/tcp.js";
import type { InputStream, OutputStream } from "../../host/abi/p2/streams.js";
import type { Pollable } from "../../host/abi/p2/poll.js";

const { imports, net } = await p2Imports();
const create = imports["wasi:sockets/tcp-create-socket"]!.createTcpSocket as (f: string) => TcpSocket;
const resolve = imports["wasi:sockets/ip-name-lookup"]!.resolveAddresses as (n: Network, name: string) => ResolveAddressStream;
const poll = imports["wasi:io/poll"]!.poll as (l: Pollable[]) => Uint32Array | Promise<Uint32Array>;

/** start-X then finish-X until it stops answering would-block, waiting on the socket's pollable. */
async function blocking<T>(sock: TcpSocket, start: () => void, finish: () => T): Promise<T> {
  const sub = sock.subscribe();
  start();
  for (;;) {
    try {
      return finish();
    } catch (e) {
      if (e !== "would-block") throw e;
      await sub.block();
    }
  }
}
const bind = (s: TcpSocket, a: IpSocketAddress) => blocking(s, () => s.startBind(net, a), () => s.finishBind());
const listen = (s: TcpSocket) => blocking(s, () => s.startListen(), () => s.finishListen());
const connect = (s: TcpSocket, a: IpSocketAddress) => blocking(s, () => s.startConnect(net, a), () => s.finishConnect());
async function accept(l: TcpSocket): Promise<[TcpSocket, InputStream, OutputStream]> {
  const sub = l.subscribe();
  for (;;) {
    try {
      return l.accept();
    } catch (e) {
      if (e !== "would-block") throw e;
      await sub.block();
    }
  }
}

type Fam = "ipv4" | "ipv6";
const loopback = (f: Fam, port = 0): IpSocketAddress =>
  f === "ipv4" ? { tag: "ipv4", val: { port, address: [127, 0, 0, 1] } } : { tag: "ipv6", val: { port, flowInfo: 0, address: [0, 0, 0, 0, 0, 0, 0, 1], scopeId: 0 } };
const unspecified = (f: Fam, port = 0): IpSocketAddress =>
  f === "ipv4" ? { tag: "ipv4", val: { port, address: [0, 0, 0, 0] } } : { tag: "ipv6", val: { port, flowInfo: 0, address: [0, 0, 0, 0, 0, 0, 0, 0], scopeId: 0 } };

async function listener(f: Fam): Promise<[TcpSocket, IpSocketAddress]> {
  const l = create(f);
  await bind(l, loopback(f));
  await listen(l);
  return [l, l.localAddress()];
}

for (const f of ["ipv4", "ipv6"] as Fam[]) {
  describe(`p2_tcp_states (${f})`, () => {
    test("unbound", () => {
      const s = create(f);
      for (const m of [() => s.finishBind(), () => s.finishConnect(), () => s.finishListen()]) assert.equal(code(m), "not-in-progress");
      for (const m of [() => s.startListen(), () => s.accept(), () => s.shutdown("both"), () => s.localAddress(), () => s.remoteAddress()]) assert.equal(code(m), "invalid-state");
      assert.equal(s.isListening(), false);
      assert.equal(s.addressFamily(), f);
      assert.equal(code(() => s.setListenBacklogSize(32n)), "ok");
      assert.equal(code(() => s.setKeepAliveIdleTime(1n)), "ok");
      assert.equal(code(() => s.setHopLimit(255)), "ok");
      assert.equal(code(() => s.setReceiveBufferSize(16000n)), "ok");
      s[Symbol.dispose]();
    });
    test("bound", async () => {
      const s = create(f);
      await bind(s, loopback(f));
      assert.equal(code(() => s.startBind(net, loopback(f))), "invalid-state");
      for (const m of [() => s.finishBind(), () => s.finishConnect(), () => s.finishListen()]) assert.equal(code(m), "not-in-progress");
      for (const m of [() => s.accept(), () => s.shutdown("both"), () => s.remoteAddress()]) assert.equal(code(m), "invalid-state");
      assert.equal(code(() => s.localAddress()), "ok");
      s[Symbol.dispose]();
    });
    test("listening", async () => {
      const [l, addr] = await listener(f);
      for (const m of [() => l.startBind(net, addr), () => l.startConnect(net, addr), () => l.startListen(), () => l.shutdown("both"), () => l.remoteAddress()])
        assert.equal(code(m), "invalid-state");
      for (const m of [() => l.finishBind(), () => l.finishConnect(), () => l.finishListen()]) assert.equal(code(m), "not-in-progress");
      assert.equal(l.isListening(), true);
      assert.equal(code(() => l.accept()), "would-block");
      l[Symbol.dispose]();
    });
    test("connected", async () => {
      const [l, addr] = await listener(f);
      const c = create(f);
      await connect(c, addr);
      for (const m of [() => c.startBind(net, addr), () => c.startConnect(net, addr), () => c.startListen(), () => c.accept()]) assert.equal(code(m), "invalid-state");
      for (const m of [() => c.finishBind(), () => c.finishConnect(), () => c.finishListen()]) assert.equal(code(m), "not-in-progress");
      assert.equal(code(() => c.localAddress()), "ok");
      assert.deepEqual(c.remoteAddress(), addr);
      c[Symbol.dispose]();
      l[Symbol.dispose]();
    });
  });

  describe(`p2_tcp_bind / p2_tcp_connect (${f})`, () => {
    test("port 0 gets the same address and a port; a listener's address is in use", async () => {
      const [l, addr] = await listener(f);
      assert.equal(addr.tag, f);
      assert.ok(addr.val.port > 0);
      const again = create(f);
      assert.equal(await bind(again, addr).then(() => "ok", (e) => e), "address-in-use");
      l[Symbol.dispose]();
      again[Symbol.dispose]();
    });
    test("an address that is not this host's is address-not-bindable", async () => {
      const s = create(f);
      const doc: IpSocketAddress = f === "ipv4" ? { tag: "ipv4", val: { port: 0, address: [192, 0, 2, 0] } } : { tag: "ipv6", val: { port: 0, flowInfo: 0, address: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], scopeId: 0 } };
      assert.equal(await bind(s, doc).then(() => "ok", (e) => e), "address-not-bindable");
      s[Symbol.dispose]();
    });
    test("wrong family, IPv4-mapped, unspecified or port-0 remote", () => {
      const s = create(f);
      assert.equal(code(() => s.startBind(net, loopback(f === "ipv4" ? "ipv6" : "ipv4"))), "invalid-argument");
      if (f === "ipv6") assert.equal(code(() => s.startBind(net, { tag: "ipv6", val: { port: 0, flowInfo: 0, address: [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1], scopeId: 0 } })), "invalid-argument");
      assert.equal(code(() => s.startConnect(net, unspecified(f, 80))), "invalid-argument");
      assert.equal(code(() => s.startConnect(net, loopback(f, 0))), "invalid-argument");
      s[Symbol.dispose]();
    });
    test("a refused connect fails at finish-connect and leaves the socket closed", async () => {
      const [l, addr] = await listener(f);
      l[Symbol.dispose](); // nobody listens there now
      const c = create(f);
      assert.equal(await connect(c, addr).then(() => "ok", (e) => e), "connection-refused");
      assert.equal(code(() => c.startConnect(net, addr)), "invalid-state");
      c[Symbol.dispose]();
    });
  });

  describe(`p2_tcp_sockopts (${f})`, () => {
    test("0 is invalid-argument, tiny and huge values are clamped, accepted sockets inherit", async () => {
      const s = create(f);
      for (const m of [() => s.setListenBacklogSize(0n), () => s.setKeepAliveIdleTime(0n), () => s.setKeepAliveInterval(0n), () => s.setKeepAliveCount(0), () => s.setHopLimit(0), () => s.setReceiveBufferSize(0n), () => s.setSendBufferSize(0n)])
        assert.equal(code(m), "invalid-argument");
      s.setKeepAliveIdleTime(1n);
      const idle = s.keepAliveIdleTime();
      assert.ok(idle > 0n && idle <= 1_000_000_000n, String(idle));
      for (const m of [() => s.setKeepAliveCount(0xffffffff), () => s.setListenBacklogSize(1n << 63n), () => s.setReceiveBufferSize(1n << 63n)]) assert.equal(code(m), "ok");
      s[Symbol.dispose]();
      const l = create(f);
      l.setKeepAliveEnabled(true);
      l.setKeepAliveIdleTime(42_000_000_000n);
      l.setHopLimit(42);
      await bind(l, loopback(f));
      await listen(l);
      const c = create(f);
      await connect(c, l.localAddress());
      const [a] = await accept(l);
      assert.equal(a.keepAliveEnabled(), true);
      assert.equal(a.keepAliveIdleTime(), 42_000_000_000n);
      assert.equal(a.hopLimit(), 42);
      l.setHopLimit(7); // later listener changes do not reach it
      assert.equal(a.hopLimit(), 42);
      for (const x of [a, c, l]) x[Symbol.dispose]();
    });
  });

  describe(`p2_tcp_streams / sample application (${f})`, () => {
    test("bytes both ways; read(0) is empty while open; shutdown(send) closes the output; the peer's close ends the input", async () => {
      const [l, addr] = await listener(f);
      const c = create(f);
      const [cin, cout] = await connect(c, addr);
      const [a, ain, aout] = await accept(l);
      await cout.blockingWriteAndFlush(new TextEncoder().encode("hello"));
      cout.write(new Uint8Array(0)); // an empty write is fine
      assert.equal(new TextDecoder().decode(await ain.blockingRead(5n)), "hello");
      assert.equal(ain.read(0n).length, 0);
      c.shutdown("send");
      for (const m of [() => cout.write(new Uint8Array(1)), () => cout.checkWrite(), () => cout.flush()]) assert.deepEqual(codeOf(m), "closed");
      await aout.blockingWriteAndFlush(new Uint8Array([1, 2, 3]));
      assert.deepEqual([...(await cin.blockingRead(3n))], [1, 2, 3]);
      await assert.rejects(async () => ain.blockingRead(10n), (e: { tag: string }) => e.tag === "closed");
      a.shutdown("both");
      a[Symbol.dispose]();
      await assert.rejects(async () => cin.blockingRead(10n), (e: { tag: string }) => e.tag === "closed");
      assert.equal(codeOf(() => cin.read(0n)), "closed"); // read(0) reports the close too
      for (const x of [c, l]) x[Symbol.dispose]();
    });
    test("poll reports which pollables are ready", async () => {
      const [l, addr] = await listener(f);
      const c = create(f);
      const [, cout] = await connect(c, addr);
      const [, ain] = await accept(l);
      const idle = l.subscribe();
      const readable = ain.subscribe();
      cout.write(new Uint8Array([9]));
      assert.deepEqual([...(await poll([idle, readable]))], [1]);
      for (const x of [c, l]) x[Symbol.dispose]();
    });
  });
}

function codeOf(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (e) {
    return (e as { tag: string }).tag;
  }
}

async function lookup(name: string): Promise<string[]> {
  const stream = resolve(net, name);
  const out: string[] = [];
  for (;;) {
    try {
      const a = stream.resolveNextAddress();
      if (a === undefined) return out;
      out.push(a.tag === "ipv4" ? a.val.join(".") : a.val.map((x) => x.toString(16)).join(":"));
    } catch (e) {
      if (e !== "would-block") throw e;
      await stream.subscribe().block();
    }
  }
}

describe("p2_ip_name_lookup", () => {
  test("literals come back as they are, localhost resolves", async () => {
    assert.deepEqual(await lookup("127.0.0.1"), ["127.0.0.1"]);
    assert.deepEqual(await lookup("0.0.0.0"), ["0.0.0.0"]);
    assert.deepEqual(await lookup("::1"), ["0:0:0:0:0:0:0:1"]);
    assert.deepEqual(await lookup("[::]"), ["0:0:0:0:0:0:0:0"]);
    assert.deepEqual(await lookup("dead:BEEF::"), ["dead:beef:0:0:0:0:0:0"]);
    assert.ok((await lookup("localhost")).length > 0);
  });
  test("a Unicode name is converted to ASCII with IDNA first (WIT): fullwidth ｌｏｃａｌｈｏｓｔ is localhost", async () => {
    assert.deepEqual(await lookup("ｌｏｃａｌｈｏｓｔ"), await lookup("localhost"));
    assert.equal(code(() => resolve(net, "a\u00a0b.example")), "invalid-argument"); // no ASCII form
  });
  test("syntactically invalid names are invalid-argument", () => {
    for (const name of ["", " ", "a.b<&>", "127.0.0.1:80", "[::]:80", "http://example.com/"]) assert.equal(code(() => resolve(net, name)), "invalid-argument", name);
  });
});

/**
 * The timer /proc/net/tcp{,6} shows for the established connection from local port `port` to
 * remote port `peer` (2 = keep-alive). Both ports: Linux reuses an ephemeral port for
 * connections to other destinations, which a busy machine (the suite's other files) makes.
 */
function procTimer(port: number, peer: number, family: Fam): number | undefined {
  const file = family === "ipv4" ? "/proc/net/tcp" : "/proc/net/tcp6";
  const hex = (p: number): string => `:${p.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1]?.endsWith(hex(port)) && cols[2]?.endsWith(hex(peer)) && cols[3] === "01") return Number(cols[5]!.split(":")[0]);
  }
  return undefined;
}

describe("options reach the real socket", { skip: existsSync("/proc/net/tcp") ? false : "needs Linux /proc/net/tcp" }, () => {
  test("keep-alive set on a connection arms the kernel's keep-alive timer", async () => {
    const [l, addr] = await listener("ipv4");
    const c = create("ipv4");
    await connect(c, addr);
    const local = c.localAddress().val.port;
    const peer = c.remoteAddress().val.port;
    assert.notEqual(procTimer(local, peer, "ipv4"), 2);
    c.setKeepAliveIdleTime(3_600_000_000_000n);
    c.setKeepAliveEnabled(true);
    assert.equal(procTimer(local, peer, "ipv4"), 2);
    c.setKeepAliveEnabled(false);
    assert.notEqual(procTimer(local, peer, "ipv4"), 2);
    for (const x of [c, l]) x[Symbol.dispose]();
  });
});
