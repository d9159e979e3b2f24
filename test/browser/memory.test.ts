// wasock/memory in a real browser: the package entry is bundled for the web (esbuild, platform
// browser: every module must resolve, and nothing of Node may be left in it), served with a C
// guest from 127.0.0.1, and opened in headless Chromium (Debian's chromium, which has JSPI). The
// page runs the poll-loop echo server on the in-memory network, talks to it as a client, reads
// rt.sockets() while the connection is open, stops the runtime, and reports; the test asserts on
// the report. One browser, driven by the Node 26 run of the suite (puppeteer-core needs Node ≥ 22.12).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ROOT, wasm } from "../helpers/guest.js";
import { RUNTIME } from "../helpers/runtime.js";

const CHROMIUM = "/usr/bin/chromium";
const major = Number(process.versions.node.split(".")[0]);
const skip =
  RUNTIME !== "node" || major < 22 ? "one browser is enough: the Node 26 run of the suite drives it (puppeteer-core needs Node >= 22.12)"
  : !existsSync(CHROMIUM) ? `no chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`
  : false;
if (skip && RUNTIME === "node" && major >= 22) console.log(`# browser test skipped: ${skip}`);

/** The page: a module importing the bundle; it leaves its report (or its error) on window.report. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>wasock/memory</title>
<script type="module">
import { MemoryNetwork, Runtime, PreopenError } from "/wasock.js";
const report = { node: typeof process !== "undefined" || typeof Buffer !== "undefined" || typeof setImmediate !== "undefined" };
try {
  const bytes = new Uint8Array(await (await fetch("/echo-poll.wasm")).arrayBuffer());
  const net = new MemoryNetwork();
  const rt = new Runtime(net, { args: ["echo-poll"], listen: ["127.0.0.1:7000"], stdout: () => {}, stderr: () => {} });
  report.listening = await rt.start();
  const running = rt.run(bytes);

  // 256 KiB, more than the guest's 64 KiB buffer: it must hold what it cannot echo yet.
  const sent = new Uint8Array(256 * 1024).map((_, i) => (i * 7 + (i >> 10)) & 0xff);
  const conn = net.connect("127.0.0.1", 7000);
  const got = [];
  let received = 0, wake = () => {};
  conn.onData = (d) => { got.push(d.slice()); received += d.length; wake(); };
  conn.onEnd = () => { report.ended = true; wake(); };
  const until = (ok) => new Promise((resolve) => { wake = () => { if (ok()) resolve(); }; wake(); });
  conn.write(sent.subarray(0, 1000));
  await until(() => received >= 1000);
  report.open = rt.sockets().map(({ proto, fd, local, peer, state }) => ({ proto, fd, local, peer, state }));
  conn.write(sent.subarray(1000));
  conn.end();
  await until(() => report.ended === true && received >= sent.length);
  const echo = new Uint8Array(received);
  let at = 0;
  for (const d of got) { echo.set(d, at); at += d.length; }
  report.echoed = received === sent.length && echo.every((b, i) => b === sent[i]);
  report.received = received;
  rt.stop();
  report.exit = await running;
  try {
    await new Runtime(new MemoryNetwork(), { preopens: { "/data": "/tmp" } }).start();
    report.preopen = "started";
  } catch (e) {
    report.preopen = { isPreopenError: e instanceof PreopenError, message: e.message };
  }
} catch (e) {
  report.error = String(e && e.stack || e);
}
window.report = report;
</script>`;

interface Report {
  node: boolean;
  error?: string;
  listening?: { fd: number; host: string; port: number }[];
  open?: { proto: string; fd: number; local: string; peer: string; state: string }[];
  echoed?: boolean;
  received?: number;
  ended?: boolean;
  exit?: { exitCode: number };
  preopen?: string | { isPreopenError: boolean; message: string };
}

/**
 * Open `url` in a fresh headless Chromium and wait (30 s) for `ready` to hold in the page; `what`
 * names what did not happen, with the page's console, when it never does. Then `use` the page.
 */
async function inChromium<T>(url: string, ready: string, what: string, use: (page: import("puppeteer-core").Page, console: string[]) => Promise<T>): Promise<T> {
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  const console: string[] = [];
  try {
    const page = await browser.newPage();
    page.on("console", (m) => console.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => console.push(`pageerror: ${String(e)}`));
    await page.goto(url);
    await page.waitForFunction(ready, { timeout: 30_000 }).catch(() => {
      throw new Error(`${what} in 30 s; its console:\n${console.join("\n")}`);
    });
    return await use(page, console);
  } finally {
    await browser.close();
  }
}

describe("wasock/memory in headless Chromium", { skip }, () => {
  let server: Server;
  let bundle: string;
  let example: string;

  before(async () => {
    const esbuild = await import("esbuild");
    // By the package's own name, as a web app would import it: the "browser" condition applies.
    const built = await esbuild.build({
      stdin: { contents: `export * from "wasock/memory";`, resolveDir: ROOT, loader: "js" },
      bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent",
    });
    bundle = built.outputFiles[0]!.text;
    // The README's browser example, bundled as its header says.
    const page = await esbuild.build({
      entryPoints: [join(ROOT, "examples/browser/page.mjs")],
      bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent",
    });
    example = page.outputFiles[0]!.text;
    const guest = readFileSync(wasm("examples/echo-poll.wasm"));
    server = createServer((req, res) => {
      const [type, body] =
        req.url === "/" ? ["text/html", PAGE]
        : req.url === "/wasock.js" ? ["text/javascript", bundle]
        : req.url === "/echo-poll.wasm" || req.url === "/example/echo-poll.wasm" ? ["application/wasm", guest]
        : req.url === "/example/" ? ["text/html", readFileSync(join(ROOT, "examples/browser/index.html"))]
        : req.url === "/example/page.js" ? ["text/javascript", example]
        : [undefined, undefined];
      if (type === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": type }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  after(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  test("the bundle resolves every module and holds nothing of Node", () => {
    // esbuild.build rejects on a module it cannot resolve; what is left must not name node: either.
    assert.doesNotMatch(bundle, /["']node:[a-z_/]+["']/);
    assert.doesNotMatch(bundle, /\brequire\(/);
  });

  test("a C echo server in the page serves the page over the in-memory network", async () => {
    const { port } = server.address() as AddressInfo;
    await inChromium(`http://127.0.0.1:${port}/`, "window.report !== undefined", "the page reported nothing", async (page, console) => {
      const report = (await page.evaluate("window.report")) as Report;
      assert.equal(report.error, undefined, `the page failed: ${report.error}\n${console.join("\n")}`);
      assert.equal(report.node, false, "the page has no process, Buffer or setImmediate");
      assert.deepEqual(report.listening, [{ fd: 3, host: "127.0.0.1", port: 7000 }]);
      const open = report.open!;
      assert.ok(open.some((r) => r.proto === "tcp" && r.fd === 3 && r.local === "127.0.0.1:7000" && r.state === "LISTEN"), JSON.stringify(open));
      assert.ok(open.some((r) => r.proto === "tcp" && r.local === "127.0.0.1:7000" && r.state === "ESTABLISHED" && r.peer.startsWith("127.0.0.1:")), JSON.stringify(open));
      assert.equal(report.received, 256 * 1024);
      assert.equal(report.echoed, true, "every byte came back, in order");
      assert.equal(report.ended, true, "the guest half-closed after the echo");
      assert.equal(typeof report.exit?.exitCode, "number");
      assert.deepEqual(report.preopen, { isPreopenError: true, message: "/tmp: this host has no files to pre-open" });
    });
  });

  test("the README's example page (examples/browser) runs: the echo, the live table, the exit", async () => {
    const { port } = server.address() as AddressInfo;
    const log = await inChromium(`http://127.0.0.1:${port}/example/`, `document.getElementById("log").textContent.includes("exit code")`, "the example never exited",
      async (page) => (await page.evaluate(`document.getElementById("log").textContent`)) as string);
    assert.match(log, /^echoed: hello$/m, log);
    assert.match(log, /^tcp fd 3 127\.0\.0\.1:7000 LISTEN$/m, log);
    assert.match(log, /^tcp fd \d+ 127\.0\.0\.1:7000 ESTABLISHED$/m, log);
    assert.match(log, /^exit code \d+$/m, log);
  });
});
