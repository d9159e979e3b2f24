// A connection's addresses: the node:net adapter reads them only when first asked (getsockname
// and getpeername are a system call each); after the peer resets a connection never asked, its
// local address is still known and its peer address is ENOTCONN, as on Linux.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LocalKernel } from "../../host/sockets/kernel.js";
import { NodeNetBackend } from "../../host/entries/node.js";
import { connect } from "../helpers/clients.js";
import { Errno } from "../../host/core/enums.js";
import { RUNTIME } from "../helpers/runtime.js";

async function accepted(): Promise<{ kernel: LocalKernel; h: number; client: import("node:net").Socket; port: number }> {
  const kernel = new LocalKernel(new NodeNetBackend(), 128);
  const l = await kernel.preopen("127.0.0.1", 0, 16, 3);
  const port = Number(kernel.table()[0]!.local.split(":").pop());
  const client = await connect(port);
  const h = await kernel.accept(l, false, 4);
  assert.ok(typeof h === "number" && h > 0);
  return { kernel, h, client, port };
}

describe("connection addresses (node:net adapter)", () => {
  test("an accepted connection's local and peer addresses are the client's view of them", async () => {
    const { kernel, h, client, port } = await accepted();
    try {
      assert.deepEqual(kernel.localAddr(h), { host: "127.0.0.1", port, family: 4 });
      assert.deepEqual(kernel.peerAddr(h), { host: "127.0.0.1", port: client.localPort, family: 4 });
    } finally {
      client.destroy();
      kernel.closeAll();
    }
  });

  test("after the peer resets, a connection never asked still has its local address; its peer's is ENOTCONN (Linux)", async () => {
    const { kernel, h, client, port } = await accepted();
    try {
      client.resetAndDestroy();
      // The reset arrives (recv reports it), and the handle is gone.
      const r = await kernel.recv(h, 16, false, false, false);
      assert.ok(typeof r === "number" && r < 0, `recv after reset: ${String(r)}`);
      assert.deepEqual(kernel.localAddr(h), { host: "127.0.0.1", port, family: 4 });
      // Bun's node:net loses the handle before it can be asked, so there both are read at once.
      if (RUNTIME === "bun") assert.equal((kernel.peerAddr(h) as { host: string }).host, "127.0.0.1");
      else assert.equal(kernel.peerAddr(h), -Errno.NOTCONN);
    } finally {
      kernel.closeAll();
    }
  });
});
