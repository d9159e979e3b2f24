// A UDP socket's first send binds it (as Linux does); a close while that bind is under way must
// close the OS socket the bind then brings, or nothing ever would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Errno } from "../../host/core/enums.js";
import type { NetBackend, NetUdp } from "../../host/net/backend.js";
import { MemoryNetwork } from "../../host/net/memory/network.js";
import { LocalKernel, SocketType } from "../../host/sockets/kernel.js";

test("a UDP socket closed while its first send auto-binds closes the OS socket that bind brings", async () => {
  const inner = new MemoryNetwork().backend();
  const bound: { udp: NetUdp; closed: boolean }[] = [];
  let release = (): void => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const backend: NetBackend = Object.create(inner) as NetBackend;
  backend.udpBind = async (host, port, family) => {
    const udp = await inner.udpBind(host, port, family);
    await held; // the guest closes the socket meanwhile
    const entry = { udp, closed: false };
    const close = udp.close.bind(udp);
    udp.close = () => {
      entry.closed = true;
      close();
    };
    bound.push(entry);
    return udp;
  };
  const kernel = new LocalKernel(backend, 16, { stdout() {}, stderr() {} });
  kernel.access = () => 0;
  const h = kernel.open(4, SocketType.DGRAM);
  assert.ok(h >= 0);
  const sent = kernel.sendTo(h, new Uint8Array([1, 2, 3]), { host: "127.0.0.1", port: 9, family: 4 }, false);
  assert.ok(sent instanceof Promise, "the first send waits for its bind");
  assert.equal(kernel.close(h), 0);
  release();
  assert.equal(await sent, -Errno.BADF);
  assert.equal(bound.length, 1);
  assert.equal(bound[0]!.closed, true, "the OS socket of the bind that finished after the close is closed");
});
