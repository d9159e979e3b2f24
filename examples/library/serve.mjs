import { readFile } from "node:fs/promises";
import { Runtime } from "wasock/node";

const bytes = await readFile(new URL("../http-hello.wasm", import.meta.url));
const rt = new Runtime({ args: ["http-hello"], listen: ["127.0.0.1:0"] });
const [{ port }] = await rt.start(); // the listener is open: its port is known
const running = rt.run(bytes); // the guest serves until it exits or is stopped

const res = await fetch(`http://127.0.0.1:${port}/`);
console.log(res.status, await res.text()); // 200 Hello, world!
console.table(rt.sockets()); // the live table, as `netstat -ntp` prints the kernel's
rt.stop(); // close every socket; a guest still waiting is unwound
console.log(await running); // { exitCode: 143 }
