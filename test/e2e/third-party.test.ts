import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as net from "node:net";
import { BRIDGES } from "../helpers/guest.js";
import { cli } from "../helpers/runtime.js";

/**
 * An unmodified third-party WasmEdge program: the WasmEdge QuickJS runtime serving HTTP from a
 * script in a pre-opened dir. Its binary is not ours to commit, so this runs when
 * WASOCK_QUICKJS_WASM names a wasmedge_quickjs.wasm (any build with the `wasi_net` module).
 */
const quickjs = process.env.WASOCK_QUICKJS_WASM;
const skip = quickjs && existsSync(quickjs) ? false : "set WASOCK_QUICKJS_WASM to a wasmedge_quickjs.wasm (third-party, not in the repo)";

const SCRIPT = (port: number): string => `
import * as http from 'wasi_http';
import * as net from 'wasi_net';
async function handle(cs) {
  let buffer = new http.Buffer();
  while (true) {
    let d = await cs.read();
    if (d == undefined || d.byteLength <= 0) return;
    buffer.append(d);
    let req = buffer.parseRequest();
    if (req instanceof http.WasiRequest) {
      cs.write(new http.WasiResponse().encode('hello from quickjs: ' + req.uri + '\\n'));
      return;
    }
  }
}
async function main() {
  let s = new net.WasiTcpServer(${port});
  print('listening');
  for (;;) { let cs = await s.accept(); handle(cs); }
}
main().catch((e) => print('server error', e));
`;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("third-party WasmEdge guest: the QuickJS runtime", { skip }, () => {
  for (const bridge of BRIDGES) {
    test(`serves 100 HTTP requests (20 at a time) from a script in --dir (${bridge} bridge)`, async () => {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), "wasock-qjs-"));
      writeFileSync(join(dir, "server.js"), SCRIPT(port));
      const proc = spawn(...cli(["run", "--bridge", bridge, "--dir", `${dir}::.`, "--allow-listen", `*:${port}`, quickjs!, "server.js"]), { stdio: ["ignore", "pipe", "pipe"] });
      try {
        await new Promise<void>((resolve, reject) => {
          let out = "";
          const t = setTimeout(() => reject(new Error(`not listening: ${out}`)), 15000);
          proc.stdout.on("data", (d: Buffer) => { out += d; if (out.includes("listening")) { clearTimeout(t); resolve(); } });
        });
        for (let round = 0; round < 5; round++) {
          const bodies = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
            const r = await fetch(`http://127.0.0.1:${port}/r${round}-${i}`, { headers: { connection: "close" } });
            return r.text();
          }));
          bodies.forEach((b, i) => assert.equal(b, `hello from quickjs: /r${round}-${i}\n`));
        }
      } finally {
        proc.kill("SIGKILL");
      }
    });
  }
});
