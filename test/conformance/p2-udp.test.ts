// wasmtime's wasi:sockets UDP assertions (crates/test-programs/src/bin/p2_udp_*.rs), ported to
// drive this host's udp-socket objects directly over the in-process kernel, as jco would.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { code, p2Imports } from "../helpers/p2.js";
import type { IpSocketAddress } from "../../host/abi/p2/network.js";
import type { IncomingDatagramStream, OutgoingDatagram, UdpSocket } from "../../host/abi/p2/udp.js";
import { skipOn } from "../helpers/runtime.js";

const { imports, net } = await p2Imports();
const create = imports["wasi:sockets/udp-create-socket"]!.createUdpSocket as (f: string) => UdpSocket;

async function bind(s: UdpSocket, a: IpSocketAddress): Promise<void> {
  const sub = s.subscribe();
  s.startBind(net, a);
  for (;;) {
    try {
      return s.finishBind();
    } catch (e) {
      if (e !== "would-block") throw e;
      await sub.block();
    }
  }
}

async function receive(rx: IncomingDatagramStream, atLeast: number): Promise<{ data: Uint8Array; remoteAddress: IpSocketAddress }[]> {
  const got: { data: Uint8Array; remoteAddress: IpSocketAddress }[] = [];
  const deadline = Date.now() + 5000;
  while (got.length < atLeast) {
    got.push(...rx.receive(100n));
    if (got.length >= atLeast) break;
    assert.ok(Date.now() < deadline, "no datagram within 5 s");
    await rx.subscribe().block();
  }
  return got;
}

type Fam = "ipv4" | "ipv6";
const addr = (f: Fam, port: number, which: "loopback" | "any" = "loopback"): IpSocketAddress =>
  f === "ipv4"
    ? { tag: "ipv4", val: { port, address: which === "any" ? [0, 0, 0, 0] : [127, 0, 0, 1] } }
    : { tag: "ipv6", val: { port, flowInfo: 0, address: which === "any" ? [0, 0, 0, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, 0, 1], scopeId: 0 } };

for (const f of ["ipv4", "ipv6"] as Fam[]) {
  describe(`p2_udp_states / p2_udp_connect (${f})`, () => {
    test("unbound: finish-bind not-in-progress, stream and addresses invalid-state, options ok", () => {
      const s = create(f);
      assert.equal(code(() => s.finishBind()), "not-in-progress");
      for (const m of [() => s.stream(undefined), () => s.stream(addr(f, 4321)), () => s.localAddress(), () => s.remoteAddress()]) assert.equal(code(m), "invalid-state");
      assert.equal(code(() => s.setUnicastHopLimit(42)), "ok");
      assert.equal(s.unicastHopLimit(), 42);
      assert.equal(code(() => s.setReceiveBufferSize(0x10000n)), "ok");
      for (const m of [() => s.setUnicastHopLimit(0), () => s.setReceiveBufferSize(0n), () => s.setSendBufferSize(0n)]) assert.equal(code(m), "invalid-argument");
      s[Symbol.dispose]();
    });
    test("connect, disconnect, reconnect; bad remotes are invalid-argument", async () => {
      const s = create(f);
      await bind(s, addr(f, 0, "any"));
      assert.equal(code(() => s.startBind(net, addr(f, 0))), "invalid-state");
      s.stream(undefined);
      assert.equal(code(() => s.remoteAddress()), "invalid-state");
      s.stream(addr(f, 4321));
      assert.deepEqual(s.remoteAddress(), addr(f, 4321));
      s.stream(addr(f, 4320));
      assert.deepEqual(s.remoteAddress(), addr(f, 4320));
      s.stream(undefined);
      assert.equal(code(() => s.remoteAddress()), "invalid-state");
      assert.equal(code(() => s.localAddress()), "ok"); // stream(none) keeps it bound
      for (const bad of [addr(f, 47, "any"), addr(f, 0), addr(f === "ipv4" ? "ipv6" : "ipv4", 47)]) assert.equal(code(() => s.stream(bad)), "invalid-argument");
      if (f === "ipv6") assert.equal(code(() => s.stream({ tag: "ipv6", val: { port: 47, flowInfo: 0, address: [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1], scopeId: 0 } })), "invalid-argument");
      s[Symbol.dispose]();
    });
  });

  describe(`p2_udp_sample_application / p2_udp_stream (${f})`, () => {
    test("empty and non-empty datagrams arrive with the sender's address; a connected receiver takes only its peer's", async () => {
      const server = create(f);
      await bind(server, addr(f, 0));
      const [rx] = server.stream(undefined);
      const at = server.localAddress();
      const client = create(f);
      await bind(client, addr(f, 0, "any"));
      const [, tx] = client.stream(at);
      assert.ok(tx.checkSend() >= 2n);
      const datagrams: OutgoingDatagram[] = [{ data: new TextEncoder().encode("Hi") }, { data: new TextEncoder().encode("Hello, world!"), remoteAddress: at }];
      assert.equal(tx.send(datagrams), 2n);
      const from = client.localAddress(); // the source the OS chose for the connected socket
      const got = await receive(rx, 2);
      // UDP keeps no order; on Linux loopback it is kept, Deno's node:dgram may swap two sends.
      assert.deepEqual(got.map((d) => new TextDecoder().decode(d.data)).sort(), ["Hello, world!", "Hi"]);
      assert.deepEqual(got[0]!.remoteAddress, from);
      assert.deepEqual(got[1]!.remoteAddress, from);
      // To another address than the connected peer: invalid-argument.
      tx.checkSend();
      assert.equal(code(() => tx.send([{ data: new Uint8Array(1), remoteAddress: addr(f, 9) }])), "invalid-argument");
      // Connect the server to a second client: the first client's datagrams are no longer taken.
      const other = create(f);
      await bind(other, addr(f, 0));
      const [, otx] = other.stream(at);
      const [rx2] = server.stream(other.localAddress());
      tx.checkSend();
      tx.send([{ data: new TextEncoder().encode("not for you") }]);
      otx.checkSend();
      otx.send([{ data: new TextEncoder().encode("for you") }]);
      const only = await receive(rx2, 1);
      assert.deepEqual(only.map((d) => new TextDecoder().decode(d.data)), ["for you"]);
      for (const s of [server, client, other]) s[Symbol.dispose]();
    });
    test("an empty datagram arrives as one", { skip: skipOn("udp: empty datagram") }, async () => {
      const server = create(f);
      await bind(server, addr(f, 0));
      const [rx] = server.stream(undefined);
      const client = create(f);
      await bind(client, addr(f, 0));
      const [, tx] = client.stream(server.localAddress());
      tx.checkSend();
      assert.equal(tx.send([{ data: new Uint8Array(0) }]), 1n);
      const [d] = await receive(rx, 1);
      assert.equal(d!.data.length, 0);
      assert.deepEqual(d!.remoteAddress, client.localAddress());
      for (const s of [server, client]) s[Symbol.dispose]();
    });
    test("more datagrams than check-send permitted traps; too large is datagram-too-large", async () => {
      const s = create(f);
      await bind(s, addr(f, 0));
      const [, tx] = s.stream(addr(f, 4320));
      const permits = Number(tx.checkSend());
      assert.throws(() => tx.send(Array.from({ length: permits + 1 }, () => ({ data: new Uint8Array(1) }))), WebAssembly.RuntimeError);
      tx.checkSend();
      assert.equal(code(() => tx.send([{ data: new Uint8Array(70000) }])), "datagram-too-large");
      s[Symbol.dispose]();
    });
    test("sending to a closed port makes the next send or receive fail with connection-refused", { skip: skipOn("udp: ICMP port unreachable") }, async () => {
      const gone = create(f);
      await bind(gone, addr(f, 0));
      const closedAt = gone.localAddress();
      gone[Symbol.dispose]();
      const s = create(f);
      await bind(s, addr(f, 0));
      const [rx, tx] = s.stream(closedAt);
      const deadline = Date.now() + 5000;
      for (;;) {
        tx.checkSend();
        // Linux reports the ICMP error to whichever call comes first, the next send or the receive.
        const sent = code(() => tx.send([{ data: new Uint8Array(1) }]));
        const r = sent !== "ok" ? sent : code(() => rx.receive(1n));
        if (r !== "ok") {
          assert.ok(r === "connection-refused" || r === "connection-reset", r);
          break;
        }
        assert.ok(Date.now() < deadline, "receive never failed");
        await new Promise((res) => setTimeout(res, 20));
      }
      s[Symbol.dispose]();
    });
  });
}
