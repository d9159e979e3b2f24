/**
 * The worker bridge's host side: a guest runs in a worker thread (worker-guest.ts, or a
 * component's entry) and blocks there; its kernel calls are served here, on the host's thread,
 * without blocking the event loop (Atomics.waitAsync).
 */
import { Worker } from "node:worker_threads";
import type { LocalKernel } from "../sockets/kernel.js";
import { Channel, ring, Slot, State } from "./channel.js";
import { takePosted, type Posted } from "./post-ring.js";
import type { Bridge, ComponentGuest, ComponentWorkerInit, ModuleGuest } from "./bridge.js";
import { Held } from "./held.js";
import { Dispatch } from "./protocol.js";
import { exitCode, type Outcome } from "./outcome.js";
import { GuestStopped } from "../wasi/context.js";
import type { Preopen } from "../wasi/fs/handles.js";

/** What a core module's worker thread is given. */
export interface WorkerInit {
  module: WebAssembly.Module;
  args: string[];
  env: string[];
  preopens: readonly number[];
  /** Pre-opened directories: the fds after `preopens` (the worker reaches them with node:fs itself). */
  dirs: Preopen[];
  sab: SharedArrayBuffer;
  /** The guest's fd limit (Limits.fds). */
  maxFds: number;
  /** The stdio fds it sees as terminals. */
  terminals: readonly number[];
}

export const workerBridge: Bridge = {
  kind: "worker",
  suspends: false,

  runModule(kernel: LocalKernel, g: ModuleGuest): Promise<number> {
    const ch = new Channel();
    const init: WorkerInit = { module: g.module, args: g.args, env: g.env, preopens: g.preopens, dirs: g.dirs, sab: ch.sab, maxFds: g.maxFds, terminals: g.terminals };
    return runIn(new URL("./worker-guest.js", import.meta.url), init, ch, kernel, new Held(kernel, g.preopens));
  },

  runComponent(kernel: LocalKernel, g: ComponentGuest): Promise<number> {
    const ch = new Channel();
    const init: ComponentWorkerInit = { dir: g.dir, args: g.args, env: g.env, dirs: g.dirs, sab: ch.sab };
    return runIn(g.workerEntry, init, ch, kernel, new Held(kernel));
  },
};

/** The runtime was stopped before the guest ended (its thread is terminated). */
const STOPPED_OUTCOME: Outcome = { type: "exit", code: GuestStopped.EXIT_CODE };

/**
 * Run `script` in a worker thread and serve its channel until it reports; then close the
 * sockets it holds (`held`: the fd table is the worker's, so the handles are followed here).
 */
async function runIn(script: URL, workerData: unknown, ch: Channel, kernel: LocalKernel, held: Held): Promise<number> {
  const worker = new Worker(script, { workerData });
  let done = false;
  let stoppedWait = (): void => {};
  let forgetStop = (): void => {};
  const served = serve(ch, kernel, held, () => done, () => stoppedWait());
  // Deno counts neither a node:worker_threads Worker nor Atomics.waitAsync as pending work, and
  // would end the event loop under a waiting guest: hold it open until the worker reports.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    const outcome = await new Promise<Outcome>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => resolve({ type: "host-error", message: `guest worker ended without a report (exit ${code})` }));
      // Stopped: the guest may still end on its own, on the answers its closed sockets gave;
      // a wait it begins after that, or a guest still running a moment later, is terminated.
      stoppedWait = () => {
        Atomics.store(ch.i32, Slot.STOPPED, 1); // its next yield point unwinds it, if it loops
        resolve(STOPPED_OUTCOME);
      };
      forgetStop = kernel.onStop(() => setTimeout(stoppedWait, STOP_GRACE_MS));
    });
    return exitCode(outcome);
  } finally {
    forgetStop();
    done = true;
    Atomics.store(ch.i32, Slot.STATE, State.CLOSED);
    Atomics.notify(ch.i32, Slot.STATE); // a guest waiting for an answer
    ring(ch.i32); // the host's own serve loop
    await served;
    await worker.terminate();
    await takePosted(ch, posted(ch, kernel, held)); // what the guest sent (and closed) before it ended
    held.release();
    clearInterval(keepAlive); // only now: Deno would end the loop under the awaits above
  }
}

/** How long a stopped guest may run on before its thread is terminated (it may be exiting). */
const STOP_GRACE_MS = 1000;
/**
 * How many failures a stopped guest is answered before its thread is terminated: a server looping
 * on its accept's EBADF would otherwise print its error for the whole grace. Only failures count
 * (a guest exiting on its own after the stop closes and writes, which succeed), so a guest that
 * notices the stop on its first failure, as most do, is not cut short.
 */
const STOP_GRACE_FAILURES = 32;
const STOPPED = Symbol("stopped");

/**
 * What the host does with the ring's records. A posted send is sent as a blocking send (its
 * credit said there was room; should the limit have shrunk meanwhile, the ring waits). One the
 * socket can no longer take (a reset, a close) is dropped, as the bytes in a reset socket's
 * buffer are, and revokes the guest's credits: its next send is a request, which reports the
 * error. A posted close closes the socket (resetting it if bytes read ahead were left unread).
 */
function posted(ch: Channel, kernel: LocalKernel, held: Held): Posted {
  const revoke = (): void => void Atomics.add(ch.i32, Slot.REVOKED, 1);
  return {
    send(h, data) {
      if (kernel.sendRoom(h) < 0) return revoke();
      const r = kernel.send(h, data, false);
      if (!(r instanceof Promise)) return r < 0 ? revoke() : undefined;
      return r.then((n) => (n < 0 ? revoke() : undefined), revoke);
    },
    close(h, unread) {
      if (held.delete(h)) kernel.close(h, unread);
    },
  };
}

async function serve(ch: Channel, kernel: LocalKernel, held: Held, stopped: () => boolean, waitAfterStop: () => void): Promise<void> {
  const i = ch.i32;
  const ring = posted(ch, kernel, held);
  const dispatch = new Dispatch(ch, kernel);
  let failuresAfterStop = 0;
  while (!stopped()) {
    const events = Atomics.load(i, Slot.EVENTS);
    const s = Atomics.load(i, Slot.STATE);
    if (s === State.CLOSED) return;
    // Everything posted before this state was read goes first: a request never overtakes a send.
    const taken = takePosted(ch, ring);
    if (taken instanceof Promise) await taken;
    if (s !== State.REQUEST) {
      // Sleep until a request or a post. A post after the ring was read above rings EVENTS once
      // WAITING is 1, and any ring since `events` was read makes the wait return at once.
      Atomics.store(i, Slot.WAITING, 1);
      if (Atomics.load(i, Slot.TAIL) === Atomics.load(i, Slot.HEAD)) {
        const w = Atomics.waitAsync(i, Slot.EVENTS, events);
        if (w.async) await w.value;
      }
      Atomics.store(i, Slot.WAITING, 0);
      continue;
    }
    const op = i[Slot.OP]!;
    const r = dispatch.serve(op);
    let result: number;
    if (r instanceof Promise) {
      if (kernel.hasStopped) {
        waitAfterStop(); // a stopped guest does not get to wait: its thread is terminated
        return;
      }
      // A wait in progress is answered by the stop (its sockets closed, its sleep woken); one
      // that would wait on after it is refused by the kernel (GuestStopped): the thread ends.
      const got = await r.then((v) => v, (e: unknown) => (e instanceof GuestStopped ? STOPPED : Promise.reject(e)));
      if (got === STOPPED) {
        waitAfterStop();
        return;
      }
      result = got;
    } else {
      result = r;
    }
    if (Atomics.load(i, Slot.STATE) === State.CLOSED) return;
    if (result < 0 && kernel.hasStopped && ++failuresAfterStop > STOP_GRACE_FAILURES) {
      waitAfterStop();
      return;
    }
    dispatch.track(op, result, held);
    i[Slot.RESULT] = result;
    Atomics.store(i, Slot.STATE, State.RESPONSE);
    Atomics.notify(i, Slot.STATE);
  }
}
