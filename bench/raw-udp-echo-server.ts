/**
 * The ceiling for bench/p3-echo.ts's UDP echo: bench/guests/p3-udp-echo.wat's logic (each
 * datagram straight back to its sender) on node:dgram.
 *
 *   node dist/bench/raw-udp-echo-server.js PORT
 */
import * as dgram from "node:dgram";

const sock = dgram.createSocket("udp4");
sock.on("message", (d, from) => sock.send(d, from.port, from.address));
sock.bind(Number(process.argv[2] ?? 0), "127.0.0.1");
