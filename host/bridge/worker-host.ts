/**
 * The worker bridge's host side: a guest runs in a worker thread (worker-guest.ts, or a
 * component's entry) and blocks there; its kernel calls are served here, on the host's thread,
 * without blocking the event loop (Atomics.waitAsync).
 */
import { Worker } from "node:worker_threads";
import type { LocalKernel } from "../sockets/kernel.js";
import { after, type Sync } from "../util/sync.js";
import { Channel, Op, ring, Slot, State } from "./channel.js";
import { takePosted, type Posted } from "./post-ring.js";
import { writeAhead, writeAheadAfterRecv } from "./read-ahead.js";
import type { Bridge, ComponentGuest, ComponentWorkerInit, ModuleGuest } from "./bridge.js";
import { Held } from "./held.js";
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
    const init: ComponentWorkerInit = { dir: g.dir, args: g.args, env: g.env, sab: ch.sab };
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

/** A stdio write's answer once its sink took the bytes (shared: no closure a write). */
const answered = (): number => 0;

/** How long a stopped guest may run on before its thread is terminated (it may be exiting). */
const STOP_GRACE_MS = 1000;
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
    const r = handle(ch, kernel);
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
    const op = i[Slot.OP];
    if ((op === Op.OPEN || op === Op.ACCEPT) && result >= 0) held.add(result);
    else if (op === Op.CLOSE && result === 0) held.delete(i[Slot.A0]!);
    i[Slot.RESULT] = result;
    Atomics.store(i, Slot.STATE, State.RESPONSE);
    Atomics.notify(i, Slot.STATE);
  }
}

function handle(ch: Channel, k: LocalKernel): Sync<number> {
  const i = ch.i32;
  const a0 = i[Slot.A0]!, a1 = i[Slot.A1]!, a2 = i[Slot.A2]!, a3 = i[Slot.A3]!, a4 = i[Slot.A4]!;
  switch (i[Slot.OP]) {
    case Op.ACCEPT:
      // The answer carries the new connection's send room, as a SEND's does (post-ring.ts), and
      // how many more wait to be accepted (none: the guest's next non-blocking accept is EAGAIN).
      return after(k.accept(a0, a1 !== 0, a2), (h) => {
        i[Slot.A1] = h >= 0 ? Math.max(0, k.sendRoom(h)) : 0;
        i[Slot.A2] = k.acceptQueue(a0);
        return h;
      });
    case Op.RECV:
      return after(k.recv(a0, a1, a2 !== 0, a3 !== 0, a4 !== 0), (d) => {
        i[Slot.A2] = 0;
        if (typeof d === "number") return d;
        ch.data.set(d);
        // The rest of what the socket has comes along (not after a peek: it must stay queued).
        if (a2 === 0 && d.length > 0) i[Slot.A2] = writeAheadAfterRecv(ch, k, d.length, a0);
        return d.length;
      });
    case Op.SEND:
      // The answer carries the room left: the guest may post sends up to it (post-ring.ts).
      return after(k.send(a0, ch.data.slice(0, i[Slot.LEN]!), a1 !== 0), (n) => {
        i[Slot.A1] = Math.max(0, k.sendRoom(a0));
        return n;
      });
    case Op.SHUTDOWN:
      return k.shutdown(a0, a1);
    case Op.CLOSE:
      return k.close(a0, a1 !== 0);
    case Op.POLL: {
      const words = ch.words;
      const handles: number[] = [], interests: number[] = [];
      for (let n = 0; n < a0; n++) {
        handles.push(words[2 * n]!);
        interests.push(words[2 * n + 1]!);
      }
      return after(k.poll(handles, interests, a1), (r) => {
        words.set(r);
        i[Slot.A2] = writeAhead(ch, k, handles, r);
        return r.length / 3;
      });
    }
    case Op.WRITE_STDIO:
      return after(k.writeStdio(a0, ch.data.slice(0, i[Slot.LEN]!)), answered);
    case Op.READ_STDIN:
      return after(k.readStdin(a0), (d) => {
        ch.data.set(d);
        return d.length;
      });
    case Op.OPEN:
      return k.open(a0 === 6 ? 6 : 4, a1, a2);
    case Op.BIND:
      return k.bind(a0, { host: ch.host(i[Slot.LEN]!), port: a1, family: a2 === 6 ? 6 : 4 });
    case Op.LISTEN:
      return k.listen(a0, a1);
    case Op.CONNECT:
      return k.connect(a0, { host: ch.host(i[Slot.LEN]!), port: a1, family: a2 === 6 ? 6 : 4 }, a3 !== 0);
    case Op.LOCAL_ADDR:
    case Op.PEER_ADDR: {
      const a = i[Slot.OP] === Op.LOCAL_ADDR ? k.localAddr(a0) : k.peerAddr(a0);
      if (typeof a === "number") return a;
      i[Slot.LEN] = ch.putHost(a.host);
      i[Slot.A0] = a.port;
      i[Slot.A1] = a.family;
      return 0;
    }
    case Op.SEND_TO: {
      const to = a4 >= 0 ? { host: ch.tailHost(a4), port: a1, family: (a2 === 6 ? 6 : 4) as 4 | 6 } : undefined;
      return k.sendTo(a0, ch.data.slice(0, i[Slot.LEN]!), to, a3 !== 0);
    }
    case Op.RECV_FROM:
      return after(k.recvFrom(a0, a1, a2 !== 0, a3 !== 0), (d) => {
        if (typeof d === "number") return d;
        ch.data.set(d.data);
        i[Slot.A0] = d.from.port;
        i[Slot.A1] = d.from.family;
        i[Slot.A2] = ch.putTailHost(d.from.host);
        i[Slot.A3] = d.truncated ? 1 : 0;
        return d.data.length;
      });
    case Op.RESOLVE:
      return after(k.resolve(ch.host(i[Slot.LEN]!)), (list) => (typeof list === "number" ? list : ch.putHost(list.map((a) => a.host).join("\n"))));
    case Op.GET_OPTION:
      return k.getOption(a0, a1);
    case Op.SET_OPTION:
      return k.setOption(a0, a1, a2);
    case Op.FINISH:
      return k.finish(a0, a1);
    case Op.DISCONNECT:
      return k.disconnect(a0);
    default:
      return -52; // ENOSYS: an op this host does not know
  }
}
