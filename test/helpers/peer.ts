import * as net from "node:net";
import { startGuest } from "./guest.js";
import { RESETS } from "./runtime.js";

/**
 * Runs a conformance guest (test/guests/*.wasm). The guest prints `ok - …` / `not ok - …` per
 * check and `#peer <action>` when it needs the network peer to act; this harness plays the peer.
 */
export interface ConformanceResult {
  passed: string[];
  failed: string[];
  peerFailures: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

class Client {
  buf = Buffer.alloc(0);
  eof = false;
  /** The error code the connection ended with (ECONNRESET for an RST), if it failed. */
  error: string | undefined;
  private waiters: (() => void)[] = [];
  constructor(readonly sock: net.Socket) {
    sock.on("data", (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    sock.on("end", () => { this.eof = true; this.wake(); });
    sock.on("close", () => { this.eof = true; this.wake(); });
    sock.on("error", (e: NodeJS.ErrnoException) => { this.error = e.code; this.eof = true; this.wake(); });
  }
  private wake(): void { for (const w of this.waiters.splice(0)) w(); }
  until(pred: () => boolean, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(pred()), ms);
      const check = (): void => { if (pred()) { clearTimeout(t); resolve(true); } else this.waiters.push(check); };
      check();
    });
  }
}

export async function runConformance(module: string, bridge: "jspi" | "worker", extra: string[] = []): Promise<ConformanceResult> {
  const clients: Client[] = [];
  const passed: string[] = [], failed: string[] = [], peerFailures: string[] = [];
  let setPort: (p: number) => void = () => {};
  const port = new Promise<number>((r) => (setPort = r));
  let chain = Promise.resolve();
  const act = async (line: string): Promise<void> => {
    const [, action, idx, ...rest] = /^#peer (\S+)(?: (\d+))?(?: (.*))?$/.exec(line) ?? [];
    const c = clients[Number(idx)];
    const text = rest[0] ?? "";
    switch (action) {
      case "connect": {
        const s = net.connect({ host: "127.0.0.1", port: await port, allowHalfOpen: true });
        await new Promise<void>((r, j) => { s.once("connect", r); s.once("error", j); });
        clients.push(new Client(s));
        return;
      }
      case "send": c!.sock.write(text); return;
      case "shutdown": c!.sock.end(); return;
      case "reset": c!.sock.resetAndDestroy(); return;
      case "close": c!.sock.destroy(); return;
      case "expect": {
        const want = Buffer.from(text);
        await c!.until(() => c!.buf.length >= want.length || c!.eof, 5000);
        const got = c!.buf.subarray(0, want.length);
        c!.buf = c!.buf.subarray(want.length);
        if (!got.equals(want)) peerFailures.push(`expect ${idx}: got ${JSON.stringify(got.toString())} want ${JSON.stringify(text)}`);
        return;
      }
      case "expect-eof":
        if (!(await c!.until(() => c!.eof, 5000))) peerFailures.push(`expect-eof ${idx}: no EOF`);
        return;
      case "expect-reset":
        // An RST ends the connection with ECONNRESET; a FIN would end it with EOF alone (all an
        // adapter without SO_LINGER can do: RESETS).
        await c!.until(() => c!.error !== undefined || c!.eof, 5000);
        if (c!.error !== "ECONNRESET" && !(!RESETS && c!.eof)) peerFailures.push(`expect-reset ${idx}: ended with ${c!.error ?? (c!.eof ? "EOF" : "nothing")}`);
        return;
      default:
        peerFailures.push(`unknown peer action: ${line}`);
    }
  };
  const g = await startGuest(module, {
    bridge,
    extra,
    onLine: (line) => {
      if (line.startsWith("ok - ")) passed.push(line.slice(5));
      else if (line.startsWith("not ok - ")) failed.push(line.slice(9));
      else if (line.startsWith("#peer ")) chain = chain.then(() => act(line)).catch((e) => { peerFailures.push(`${line}: ${e}`); });
    },
  });
  setPort(g.ports[0]!);
  const timer = setTimeout(() => g.proc.kill("SIGKILL"), 30000);
  const { code } = await g.exited;
  clearTimeout(timer);
  await chain;
  for (const c of clients) c.sock.destroy();
  return { passed, failed, peerFailures, exitCode: code, stdout: g.stdout(), stderr: g.stderr() };
}
