/**
 * The ceiling for any node:net host: the http-hello example's logic (parse a request head, answer
 * "Hello, world!\n" with Content-Length, keep-alive unless asked to close) written directly on
 * node:net. Prints its port on stdout.
 */
import * as net from "node:net";

const BODY = "Hello, world!\n";
const RESPONSE = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
const CLOSE = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`);

const server = net.createServer({ noDelay: true }, (socket) => {
  let pending = "";
  socket.on("data", (chunk: Buffer) => {
    pending += chunk.toString("latin1");
    let end: number;
    const out: Buffer[] = [];
    let close = false;
    while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
      const head = pending.slice(0, end);
      pending = pending.slice(end + 4);
      close = /^connection:\s*close/im.test(head) || head.includes(" HTTP/1.0\r");
      out.push(close ? CLOSE : RESPONSE);
      if (close) break;
    }
    if (out.length > 0) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (close) socket.end();
  });
  socket.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
});
