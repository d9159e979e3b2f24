import * as net from "node:net";
import { createHash, randomBytes } from "node:crypto";

export function connect(port: number, host = "127.0.0.1"): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port, allowHalfOpen: true });
    s.once("connect", () => { s.off("error", reject); resolve(s); });
    s.once("error", reject);
  });
}

/** Read until `n` bytes arrived (or the peer ended / errored). */
export function readBytes(s: net.Socket, n: number, timeoutMs = 20000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const t = setTimeout(() => done(new Error(`timeout: ${got}/${n} bytes`)), timeoutMs);
    const onData = (d: Buffer): void => { chunks.push(d); got += d.length; if (got >= n) done(); };
    const onEnd = (): void => done();
    const onErr = (e: Error): void => done(e);
    function done(e?: Error): void {
      clearTimeout(t);
      s.off("data", onData); s.off("end", onEnd); s.off("error", onErr);
      if (e) reject(e); else resolve(Buffer.concat(chunks));
    }
    s.on("data", onData); s.once("end", onEnd); s.once("error", onErr);
  });
}

/** Resolve when the socket sees the peer's FIN. */
export function ended(s: net.Socket, timeoutMs = 10000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.readableEnded) return resolve();
    const t = setTimeout(() => reject(new Error("no EOF from peer")), timeoutMs);
    s.once("end", () => { clearTimeout(t); resolve(); });
    s.resume();
  });
}

/** Send `size` random bytes and check the echo is byte-identical (sha256). */
export async function echoRoundTrip(port: number, size: number, halfClose = false): Promise<void> {
  const s = await connect(port);
  try {
    const payload = randomBytes(size);
    const reading = readBytes(s, size);
    s.write(payload);
    if (halfClose) s.end();
    const back = await reading;
    const a = createHash("sha256").update(payload).digest("hex");
    const b = createHash("sha256").update(back).digest("hex");
    if (a !== b) throw new Error(`echo mismatch: sent ${size} bytes, got ${back.length}`);
  } finally {
    s.destroy();
  }
}

/** `requests` sequential keep-alive GETs on one connection; returns the bodies. */
export async function keepAliveGets(port: number, requests: number): Promise<string[]> {
  const s = await connect(port);
  const bodies: string[] = [];
  let buf = "";
  try {
    for (let i = 0; i < requests; i++) {
      s.write(`GET /${i} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      for (;;) {
        const head = buf.indexOf("\r\n\r\n");
        if (head >= 0) {
          const len = Number(/content-length:\s*(\d+)/i.exec(buf.slice(0, head))?.[1] ?? NaN);
          if (buf.length >= head + 4 + len) {
            if (!buf.startsWith("HTTP/1.1 200")) throw new Error(`bad status: ${buf.slice(0, 40)}`);
            bodies.push(buf.slice(head + 4, head + 4 + len));
            buf = buf.slice(head + 4 + len);
            break;
          }
        }
        const chunk = await new Promise<string>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error("response timeout")), 20000);
          s.once("data", (d: Buffer) => { clearTimeout(t); resolve(d.toString("latin1")); });
          s.once("end", () => { clearTimeout(t); reject(new Error("connection closed")); });
        });
        buf += chunk;
      }
    }
    return bodies;
  } finally {
    s.destroy();
  }
}
