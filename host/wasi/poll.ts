import { Errno } from "../core/enums.js";
import { PollBits } from "../sockets/kernel.js";
import { after, type Sync } from "../util/sync.js";
import type { GuestContext } from "./context.js";
import { now } from "./preview1.js";
import { EVENT_SIZE, EVENTRWFLAGS_HANGUP, Eventtype, SUBCLOCKFLAGS_ABSTIME, SUBSCRIPTION_SIZE } from "./types.js";

interface Ev {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

/**
 * poll_oneoff over clocks and socket fds. Sockets are waited on through the kernel (no busy
 * waiting); the earliest clock becomes the kernel's timeout. Bad fds and unknown clocks are
 * reported as events carrying an errno, as the witx says, and make the call return at once.
 */
export function pollOneoff(ctx: GuestContext, inPtr: number, outPtr: number, n: number, retPtr: number): Sync<number> {
  const { mem, fds, kernel } = ctx;
  n >>>= 0;
  if (n === 0) return Errno.INVAL;
  mem.check(inPtr, n * SUBSCRIPTION_SIZE);
  mem.check(outPtr, n * EVENT_SIZE);
  mem.check(retPtr, 4);

  const immediate: Ev[] = [];
  const handles: number[] = [];
  const interests: number[] = [];
  const socketSubs: { userdata: bigint; type: number }[] = [];
  const clocks: { userdata: bigint; deadline: number }[] = [];
  const start = performance.now();

  for (let i = 0; i < n; i++) {
    const p = inPtr + i * SUBSCRIPTION_SIZE;
    const userdata = mem.u64At(p);
    const type = mem.u8At(p + 8);
    if (type === Eventtype.CLOCK) {
      const id = mem.u32At(p + 16);
      const timeout = mem.u64At(p + 24);
      const abs = (mem.u16At(p + 40) & SUBCLOCKFLAGS_ABSTIME) !== 0;
      const t = now(id);
      if (t === undefined) {
        immediate.push({ userdata, error: Errno.INVAL, type, nbytes: 0n, flags: 0 });
        continue;
      }
      const rel = abs ? (timeout > t ? Number(timeout - t) : 0) : Number(timeout);
      clocks.push({ userdata, deadline: start + rel / 1e6 });
    } else if (type === Eventtype.FD_READ || type === Eventtype.FD_WRITE) {
      const fd = mem.u32At(p + 16);
      const e = fds.get(fd);
      if (e === undefined) {
        immediate.push({ userdata, error: Errno.BADF, type, nbytes: 0n, flags: 0 });
      } else if (e.kind === "socket") {
        handles.push(e.handle);
        interests.push(type === Eventtype.FD_READ ? PollBits.READ : PollBits.WRITE);
        socketSubs.push({ userdata, type });
      } else {
        // stdio, files and dirs are always ready: writes go straight out, stdin reads wait inside fd_read.
        immediate.push({ userdata, error: 0, type, nbytes: 0n, flags: 0 });
      }
    } else {
      immediate.push({ userdata, error: Errno.INVAL, type, nbytes: 0n, flags: 0 });
    }
  }

  const first = clocks.length > 0 ? Math.min(...clocks.map((c) => c.deadline)) : Infinity;
  const wait = (): Sync<number[]> => {
    const timeoutMs = immediate.length > 0 ? 0 : first === Infinity ? -1 : Math.max(0, Math.ceil(first - performance.now()));
    const r: Sync<number[]> = handles.length > 0 ? kernel.poll(handles, interests, timeoutMs) : after(kernel.sleep(timeoutMs), () => []);
    // Host timers may fire a little early against the guest's clock: never report a clock before its time.
    return after(r, (got) => (got.length === 0 && immediate.length === 0 && performance.now() < first ? wait() : got)) as Sync<number[]>;
  };
  const ready: Sync<number[]> = wait();

  return after(ready, (r) => {
    const events = immediate;
    for (let k = 0; k < r.length; k += 3) {
      const sub = socketSubs[r[k]!]!;
      const bits = r[k + 1]!;
      events.push({
        userdata: sub.userdata,
        error: bits & PollBits.INVALID ? Errno.BADF : 0,
        type: sub.type,
        nbytes: BigInt(r[k + 2]!),
        flags: bits & PollBits.HANGUP ? EVENTRWFLAGS_HANGUP : 0,
      });
    }
    const t = performance.now();
    for (const c of clocks) if (c.deadline <= t) events.push({ userdata: c.userdata, error: 0, type: Eventtype.CLOCK, nbytes: 0n, flags: 0 });
    mem.check(outPtr, events.length * EVENT_SIZE);
    events.forEach((ev, i) => {
      const o = outPtr + i * EVENT_SIZE;
      mem.fill(o, EVENT_SIZE);
      mem.setU64(o, ev.userdata);
      mem.setU16(o + 8, ev.error);
      mem.setU8(o + 10, ev.type);
      mem.setU64(o + 16, ev.nbytes);
      mem.setU16(o + 24, ev.flags);
    });
    mem.setU32(retPtr, events.length);
    return Errno.SUCCESS;
  });
}
