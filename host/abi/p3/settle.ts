/**
 * WASI 0.3's bind, listen and connect are single calls; wasock's kernel serves wasi:sockets as
 * 0.2's start/finish pairs (the core's P2 rows decide legality and what a failure leaves). A 0.3
 * call is the pair with the wait between: the start, then the finish once the socket settles,
 * waiting on the kernel's poll (a promise: JSPI suspends the guest, the host's thread runs on).
 */
import { Errno } from "../../core/enums.js";
import { PollBits } from "../../sockets/api.js";
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
