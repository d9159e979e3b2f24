// wasock/memory's types for a web project: the built .d.ts files of both its builds (memory.d.ts,
// which the package's "types" names, and browser.d.ts) type-check in a project with no Node types
// ("types": [], lib es2022 and dom, skipLibCheck off, so every .d.ts they reach is checked).
// Run once, by the Node 26 run of the suite, as the browser test is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";

const major = Number(process.versions.node.split(".")[0]);
const skip = RUNTIME !== "node" || major < 22 ? "checked once, by the Node 26 run of the suite" : false;

const USE = (entry: string): string => `
import { MemoryNetwork, Runtime, PreopenError, type SocketRow, type NetStream } from ${JSON.stringify(join(ROOT, "dist/host/entries", entry))};
const net = new MemoryNetwork();
const rt = new Runtime(net, { listen: ["127.0.0.1:8080"], stdout: (d: Uint8Array) => void d });
const rows: SocketRow[] = rt.sockets();
const conn: NetStream = net.connect("127.0.0.1", 8080);
conn.onData = (d: Uint8Array) => void d;
void rt.run(new Uint8Array(8)).then(({ exitCode }) => exitCode, (e: unknown) => e instanceof PreopenError);
export { rows };
`;

test("wasock/memory's .d.ts need no @types/node", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "wasock-types-"));
  try {
    writeFileSync(join(dir, "memory.ts"), USE("memory.js"));
    writeFileSync(join(dir, "browser.ts"), USE("browser.js"));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["es2022", "dom"],
        types: [], strict: true, noEmit: true, skipLibCheck: false,
      },
      files: ["memory.ts", "browser.ts"],
    }));
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { encoding: "utf8" });
    assert.equal(tsc.status, 0, `tsc found errors:\n${tsc.stdout}${tsc.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
