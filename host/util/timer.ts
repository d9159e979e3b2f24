/**
 * Timers for guest timeouts, which may be far longer than the 2^31 − 1 ms (24.8 days) a JS timer
 * can hold: JS would fire a longer one after 1 ms. A long wait is a chain of timers instead.
 */
const MAX_TIMER_MS = 0x7fff_ffff;

/** Call `fn` once `ms` milliseconds have passed; returns a function that cancels it. */
export function timeout(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = (left: number): void => {
    timer = left > MAX_TIMER_MS ? setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(fn, left);
  };
  arm(ms);
  return () => clearTimeout(timer);
}

/** A promise that resolves after `ms` milliseconds, however long that is. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => void timeout(resolve, ms));
}

/**
 * Call `fn` on the event loop's next turn, after its I/O pass: setImmediate where the host has
 * it (Node, Deno, Bun, workerd); else a message to itself (a browser: a task of its own, which a
 * zero timer is not once timers nest five deep, when browsers hold each for 4 ms); else a zero timer.
 */
export const soon: (fn: () => void) => void =
  typeof setImmediate === "function" ? (fn) => void setImmediate(fn) : typeof MessageChannel === "function" ? messages() : (fn) => void setTimeout(fn, 0);

/** `soon` through a MessageChannel: one message a call, the callbacks run in the order posted. */
function messages(): (fn: () => void) => void {
  const queue: (() => void)[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()!();
  return (fn) => {
    queue.push(fn);
    channel.port2.postMessage(0);
  };
}
