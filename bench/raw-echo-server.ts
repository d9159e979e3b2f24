/**
 * The ceiling for any node:net host: the echo-server component's logic (echo every byte each
 * client sends, back on the same connection) written directly on node:net. Prints the same
 * "echo-server: listening on 127.0.0.1:<port>" line as the component.
 *
 *   node dist/bench/raw-echo-server.js [PORT]
 */
import * as net from "node:net";

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("data", (chunk: Buffer) => {
    // The component blocks in blocking-write-and-flush; here: stop reading until the write drains.
    if (!socket.write(chunk)) {
      socket.pause();
      socket.once("drain", () => socket.resume());
    }
  });
  socket.on("end", () => socket.end());
  socket.on("error", () => socket.destroy());
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`echo-server: listening on 127.0.0.1:${(server.address() as net.AddressInfo).port}\n`);
});
