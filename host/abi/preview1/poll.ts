import { Errno } from "../../core/enums.js";
import type { GuestMemory } from "../../wasm/guest-memory.js";
import { PollBits } from "../../sockets/kernel.js";
import { after, type Sync } from "../../util/sync.js";
import type { GuestContext } from "../../wasi/context.js";
import { now } from "./clock.js";
import { EVENT_SIZE, EVENTRWFLAGS_HANGUP, Eventtype, SUBCLOCKFLAGS_ABSTIME, SUBSCRIPTION_SIZE } from "../../wasi/types.js";

/**
 * poll_oneoff over clocks and socket fds. Sockets are waited on through the kernel (no busy
 * waiting); the earliest clock becomes the kernel's timeout. Bad fds and unknown clocks are
 * reported as events carrying an errno, as the witx says, and make the call return at once.
 *
 * A subscription is remembered by its index, never as an object: an event loop polls every
 * connection on every turn, so what a subscription costs is paid by the thousand, while only
 * the ready ones cost more (their userdata is read back when their event is written).
 */
export function pollOneoff(ctx: GuestContext, inPtr: number, outPtr: number, n: number, retPtr: number): Sync<number> {
  const { mem, fds, kernel } = ctx;
  n >>>= 0;
  if (n === 0) return Errno.INVAL;
  mem.check(inPtr, n * SUBSCRIPTION_SIZE);
  mem.check(outPtr, n * EVENT_SIZE);
  mem.check(retPtr, 4);

  const immediate: number[] = []; // [subscription, errno, event type]…
  const { handles, interests, subs: socketSubs } = PollSets.of(ctx, n);
  let count = 0; // sockets subscribed
  const clocks: number[] = []; // [subscription, deadline (ms, performance.now())]…
  let first = Infinity;
  const start = performance.now();

  // The subscriptions were checked in bounds above: read straight from one view of them.
  const at = mem.view(inPtr, n * SUBSCRIPTION_SIZE);
  const dv = new DataView(at.buffer, at.byteOffset, at.byteLength);
  for (let i = 0; i < n; i++) {
    const p = inPtr + i * SUBSCRIPTION_SIZE;
    const type = dv.getUint8(i * SUBSCRIPTION_SIZE + 8);
    if (type === Eventtype.CLOCK) {
      const t = now(mem.u32At(p + 16));
      if (t === undefined) {
        immediate.push(i, Errno.INVAL, type);
        continue;
      }
      const timeout = mem.u64At(p + 24);
      const abs = (mem.u16At(p + 40) & SUBCLOCKFLAGS_ABSTIME) !== 0;
      const rel = abs ? (timeout > t ? Number(timeout - t) : 0) : Number(timeout);
      const deadline = start + rel / 1e6;
      clocks.push(i, deadline);
      if (deadline < first) first = deadline;
    } else if (type === Eventtype.FD_READ || type === Eventtype.FD_WRITE) {
      const e = fds.get(dv.getUint32(i * SUBSCRIPTION_SIZE + 16, true));
      if (e === undefined) {
        immediate.push(i, Errno.BADF, type);
      } else if (e.kind === "socket") {
        handles[count] = e.handle;
        interests[count] = type === Eventtype.FD_READ ? PollBits.READ : PollBits.WRITE;
        socketSubs[count++] = i;
      } else {
        // stdio, files and dirs are always ready: writes go straight out, stdin reads wait inside fd_read.
        immediate.push(i, 0, type);
      }
    } else {
      immediate.push(i, Errno.INVAL, type);
    }
  }

  const polled = handles.subarray(0, count);
  const wanted = interests.subarray(0, count);
  const wait = (): Sync<number[]> => {
    const timeoutMs = immediate.length > 0 ? 0 : first === Infinity ? -1 : Math.max(0, Math.ceil(first - performance.now()));
    const r: Sync<number[]> = count > 0 ? kernel.poll(polled, wanted, timeoutMs) : after(kernel.sleep(timeoutMs), () => []);
    // Host timers may fire a little early against the guest's clock: never report a clock before its time.
    return after(r, (got) => (got.length === 0 && immediate.length === 0 && performance.now() < first ? wait() : got)) as Sync<number[]>;
  };

  return after(wait(), (ready) => {
    const w = new EventWriter(mem, inPtr, outPtr, n);
    for (let k = 0; k < immediate.length; k += 3) w.add(immediate[k]!, immediate[k + 1]!, immediate[k + 2]!, 0, 0);
    for (let k = 0; k < ready.length; k += 3) {
      const h = ready[k]!;
      const bits = ready[k + 1]!;
      const type = interests[h] === PollBits.READ ? Eventtype.FD_READ : Eventtype.FD_WRITE;
      w.add(socketSubs[h]!, bits & PollBits.INVALID ? Errno.BADF : 0, type, ready[k + 2]!, bits & PollBits.HANGUP ? EVENTRWFLAGS_HANGUP : 0);
    }
    const t = performance.now();
    for (let k = 0; k < clocks.length; k += 2) if (clocks[k + 1]! <= t) w.add(clocks[k]!, 0, Eventtype.CLOCK, 0, 0);
    w.finish();
    mem.setU32(retPtr, w.count);
    return Errno.SUCCESS;
  });
}

/**
 * Each guest's socket subscriptions, in arrays kept from one poll_oneoff to the next (only as
 * large as its largest poll): a guest makes one call at a time, and its arrays are read again
 * only when that call's wait ends.
 */
class PollSets {
  private static readonly byGuest = new WeakMap<GuestContext, PollSets>();
  handles = new Int32Array(0);
  interests = new Int32Array(0);
  /** The subscription (index) of each handle. */
  subs = new Int32Array(0);

  /** The guest's arrays, with room for `n` subscriptions. */
  static of(ctx: GuestContext, n: number): PollSets {
    let sets = PollSets.byGuest.get(ctx);
    if (!sets) PollSets.byGuest.set(ctx, (sets = new PollSets()));
    if (sets.handles.length < n) {
      const room = Math.max(n, 2 * sets.handles.length, 16);
      sets.handles = new Int32Array(room);
      sets.interests = new Int32Array(room);
      sets.subs = new Int32Array(room);
    }
    return sets;
  }
}

/**
 * The events of one poll. Each is written as it is added, unless the output overlaps the
 * subscriptions (one buffer for both): then every field, userdata included, is read before the
 * first event is written, so events written over subscriptions still carry what they said.
 */
class EventWriter {
  /** Overlapping buffers only: [userdata low, userdata high, errno, type, nbytes, flags]… */
  private readonly fields: number[] | undefined;
  count = 0;

  constructor(private readonly mem: GuestMemory, private readonly inPtr: number, private readonly outPtr: number, n: number) {
    const apart = outPtr + n * EVENT_SIZE <= inPtr || inPtr + n * SUBSCRIPTION_SIZE <= outPtr;
    if (!apart) this.fields = [];
  }

  add(sub: number, errno: number, type: number, nbytes: number, flags: number): void {
    const p = this.inPtr + sub * SUBSCRIPTION_SIZE;
    const lo = this.mem.u32At(p), hi = this.mem.u32At(p + 4);
    if (this.fields) this.fields.push(lo, hi, errno, type, nbytes, flags);
    else this.put(this.outPtr + this.count * EVENT_SIZE, lo, hi, errno, type, nbytes, flags);
    this.count++;
  }

  /** Write what add() held back (overlapping buffers). */
  finish(): void {
    const f = this.fields;
    if (!f) return;
    for (let i = 0, o = this.outPtr; i < f.length; i += 6, o += EVENT_SIZE) this.put(o, f[i]!, f[i + 1]!, f[i + 2]!, f[i + 3]!, f[i + 4]!, f[i + 5]!);
  }

  private put(o: number, lo: number, hi: number, errno: number, type: number, nbytes: number, flags: number): void {
    const mem = this.mem;
    mem.fill(o, EVENT_SIZE);
    mem.setU32(o, lo);
    mem.setU32(o + 4, hi);
    mem.setU16(o + 8, errno);
    mem.setU8(o + 10, type);
    mem.setU64n(o + 16, nbytes);
    mem.setU16(o + 24, flags);
  }
}
