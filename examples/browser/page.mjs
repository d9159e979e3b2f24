// A C echo server in a web page, on the page's own in-memory network; the page is its client.
// Bundle it for the web (`esbuild page.mjs --bundle --format=esm --outfile=page.js`) and serve
// index.html, page.js and echo-poll.wasm from one directory. test/browser/memory.test.ts does.
import { MemoryNetwork, Runtime } from "wasock/memory";

const log = document.getElementById("log");
const show = (line) => (log.textContent += `${line}\n`);
const text = new TextDecoder();

const net = new MemoryNetwork();
const rt = new Runtime(net, { args: ["echo-poll"], listen: ["127.0.0.1:7000"], stdout: (d) => show(text.decode(d)) });
await rt.start();
const done = rt.run(new Uint8Array(await (await fetch("echo-poll.wasm")).arrayBuffer()));

const conn = net.connect("127.0.0.1", 7000);        // the page as a client
conn.onData = (bytes) => {
  show(`echoed: ${text.decode(bytes)}`);
  for (const s of rt.sockets()) show(`${s.proto} fd ${s.fd} ${s.local} ${s.state}`);  // the live table, as on Node
  conn.end();
};
conn.onEnd = async () => {
  rt.stop();
  show(`exit code ${(await done).exitCode}`);
};
conn.write(new TextEncoder().encode("hello"));
