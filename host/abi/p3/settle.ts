/**
 * WASI 0.3's bind, listen and connect are single calls; wasock's kernel serves wasi:sockets as
 * 0.2's start/finish pairs (the core's P2 rows decide legality and what a failure leaves). A 0.3
 * call is the pair with the wait between: the start, then the finish once the socket settles,
 * waiting on the kernel's poll (a promise: JSPI suspends the guest, the host's thread runs on).
 */
import { Errno, TcpOp } from "../../core/enums.js";
import { PollBits, type Addr } from "../../sockets/api.js";
import type { P2Context } from "../p2/context.js";

/** 0 once the started operation's I/O is done, else its -errno. */
export async function finished(ctx: P2Context, h: number, op: number): Promise<number> {
  for (;;) {
    const r = ctx.kernel.finish(h, op);
    if (r !== -Errno.AGAIN) return r;
    await ctx.kernel.poll([h], [PollBits.SETTLED], -1);
  }
}

/** Start `start` and wait for its finish: 0 or -errno. */
export async function startFinish(ctx: P2Context, h: number, start: () => number | Promise<number>, op: number): Promise<number> {
  const r = await start();
  return r < 0 ? r : finished(ctx, h, op);
}

export function wildcard(family: 4 | 6): Addr {
  return { host: family === 6 ? "::" : "0.0.0.0", port: 0, family };
}

/**
 * 0.3's implicit bind before a UDP connect or send (listen's is the core's P3 row): to the
 * wildcard address and an ephemeral port when the socket has no local address yet. The kernel
 * opens a datagram socket's OS socket at bind, and a connect wants it there to pick the source. A bind the state does not allow is
 * left for the operation itself to report; any other failure (the policy's) is the answer.
 */
export async function bindImplicitly(ctx: P2Context, h: number, family: 4 | 6): Promise<void> {
  if (typeof ctx.kernel.localAddr(h) !== "number") return;
  const r = await startFinish(ctx, h, () => ctx.kernel.bind(h, wildcard(family)), TcpOp.FINISH_BIND);
  if (r < 0 && ctx.code(-r) !== "invalid-state") throw ctx.code(-r);
}
