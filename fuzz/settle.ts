/** How the fuzzers watch a call that returned a promise: settled soon, or only after a stop. */

export type Settled = { done: false } | { done: true; value?: unknown; error?: unknown };

/** One event-loop turn (after the in-memory network's deliveries). */
export const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The promise's outcome if it settles within a few event-loop turns (the in-memory network
 *  delivers within one or two), else not done. */
export async function settleSoon(p: Promise<unknown>): Promise<Settled> {
  let out: Settled = { done: false };
  p.then((value) => (out = { done: true, value }), (error: unknown) => (out = { done: true, error: error ?? new Error("rejected") }));
  for (let i = 0; i < 4 && !out.done; i++) await turn();
  return out;
}

/** The promise's outcome if it settles within `ms`, else not done. */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<Settled> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Settled>((r) => (timer = setTimeout(() => r({ done: false }), ms)));
  const done = p.then((value): Settled => ({ done: true, value }), (error: unknown): Settled => ({ done: true, error: error ?? new Error("rejected") }));
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
