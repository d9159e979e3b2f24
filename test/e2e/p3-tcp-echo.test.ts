import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { hasJspi } from "../../host/bridge/jspi.js";
import { Runtime } from "../../host/entries/node.js";
import { connect, ended, readBytes } from "../helpers/clients.js";
import { ROOT } from "../helpers/guest.js";

/**
 * WASI 0.3's TCP byte streams end to end: bench/guests/p3-tcp-echo.wat (the bench's echo, made a
 * component here as bench/p3-echo.ts makes it) copies receive()'s stream<u8> into the one it gives
 * send(), with async stream.read/stream.write, until the peer's end of stream; then its send
 * stream's end is the connection's FIN. Random bytes must come back equal, then EOF, and the next
 * connection must be served too (the guest dropped the first one's streams and socket).
 */
const skip = hasJspi() ? false : "WASI 0.3 components need JSPI (Node ≥ 24.20, Deno, Bun): this engine has none";

async function component(): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await import("@bytecodealliance/jco-transpile/wasm-tools");
  const core = await parse(readFileSync(join(ROOT, "bench/guests/p3-tcp-echo.wat"), "utf8"));
  const wit = readFileSync(join(ROOT, "bench/guests/p3-tcp-echo.wit"), "utf8");
  return componentNew(await componentEmbed({ binary: core, witSource: wit, world: "echo" } as Parameters<typeof componentEmbed>[0]));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    }).on("error", reject);
  });
}

async function echo(port: number, size: number): Promise<void> {
  let s;
  for (let i = 0; ; i++) {
    try {
      s = await connect(port);
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const payload = randomBytes(size);
    const reading = readBytes(s, size);
    s.end(payload);
    const back = await reading;
    assert.equal(back.length, size);
    assert.ok(back.equals(payload), "the echo differs from what was sent");
    await ended(s);
  } finally {
    s.destroy();
  }
}

describe("WASI 0.3 TCP streams: bench/guests/p3-tcp-echo.wat", { skip }, () => {
  test("1 MiB of random bytes echoed equal, then a FIN; the next connection is served too", async () => {
    const port = await freePort();
    const rt = new Runtime({ allow: { listen: [`127.0.0.1:${port}`] }, args: ["echo", String(port)], stderr: () => {} });
    const running = rt.run(await component());
    try {
      await echo(port, 1 << 20);
      await echo(port, 1);
      await echo(port, 200_000);
    } finally {
      rt.stop();
    }
    // The listener closed under it: its accept stream ended (exit 2).
    assert.equal((await running).exitCode, 2);
  });
});
