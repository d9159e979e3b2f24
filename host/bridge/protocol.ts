/**
 * Both ends of the worker bridge's protocol, made from its op table (ops.ts):
 *  - `stubs`: the guest's end, one function per op that puts its arguments in the channel, makes
 *    the request (the caller's `call`: write the op, wait for the answer) and gets the answer;
 *  - `Dispatch`: the host's end, which gets a request's arguments back, makes the kernel call and
 *    puts its answer (a promise of it when the call waits).
 * Neither allocates per call beyond what the kernel call itself does: the stubs are made once per
 * channel, and the host gets a request's arguments into one array kept for its channel (a
 * channel carries one request at a time).
 */
import { Errno } from "../core/enums.js";
import type { LocalKernel } from "../sockets/kernel.js";
import { after, type Sync } from "../util/sync.js";
import { Slot, type Channel } from "./channel.js";
import type { Held } from "./held.js";
import { BY_CODE, NAMES, type AnyOp, type Stubs } from "./ops.js";
import type { Field } from "./wire.js";

/** The request's argument slots: A0 … A4. */
const ARG_SLOTS = [Slot.A0, Slot.A1, Slot.A2, Slot.A3, Slot.A4];

interface Placed {
  field: Field<unknown>;
  slot: number;
}

/** An op's fields with the slots they take, in order. */
function place(spec: AnyOp): Placed[] {
  let n = 0;
  return spec.params.map((field) => {
    const slot = ARG_SLOTS[n] ?? Slot.A0;
    n += field.slots;
    if (n > ARG_SLOTS.length) throw new Error(`wasock: an op takes more than ${ARG_SLOTS.length} slots`);
    return { field, slot };
  });
}

const PLACED = BY_CODE.map((spec) => (spec ? place(spec) : []));

/** The guest's end: every op as a function over `ch`; `call(op)` makes the request and returns its RESULT. */
export function stubs(ch: Channel, call: (op: number) => number): Stubs {
  const out: Record<string, unknown> = {};
  for (let code = 1; code < BY_CODE.length; code++) out[NAMES[code]!] = stub(ch, call, code, BY_CODE[code]!);
  return out as Stubs;
}

function stub(ch: Channel, call: (op: number) => number, code: number, spec: AnyOp): (...a: unknown[]) => unknown {
  const [p0, p1, p2, p3, p4] = PLACED[code]!;
  const answer = spec.answer;
  // Parameters by name, not a rest array: no array a call.
  return (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown) => {
    if (p0) p0.field.put(ch, p0.slot, a);
    if (p1) p1.field.put(ch, p1.slot, b);
    if (p2) p2.field.put(ch, p2.slot, c);
    if (p3) p3.field.put(ch, p3.slot, d);
    if (p4) p4.field.put(ch, p4.slot, e);
    return answer.get(ch, call(code));
  };
}

/** The host's end for one channel. */
export class Dispatch {
  /** The current request's arguments. */
  private readonly args: unknown[] = [];
  /** Per op: put the kernel's answer in the channel (and what else it carries); its RESULT. */
  private readonly answers: ((v: unknown) => number)[];

  constructor(private readonly ch: Channel, private readonly kernel: LocalKernel) {
    this.answers = BY_CODE.map((spec) => (v: unknown): number => {
      if (spec === undefined) return -Errno.NOSYS; // op 0: never served
      const r = spec.answer.put(ch, v);
      spec.also?.(ch, kernel, this.args, v, r);
      return r;
    });
  }

  /** Serve request `op` from the channel: its RESULT, or a promise of it. ENOSYS for an op this host does not know. */
  serve(op: number): Sync<number> {
    const spec = BY_CODE[op];
    if (spec === undefined) return -Errno.NOSYS;
    const placed = PLACED[op]!, args = this.args;
    for (let n = 0; n < placed.length; n++) args[n] = placed[n]!.field.get(this.ch, placed[n]!.slot);
    return after(spec.serve(this.kernel, args), this.answers[op]!);
  }

  /** Follow what the answered request `op` changed of the guest's sockets. */
  track(op: number, result: number, held: Held): void {
    const holds = BY_CODE[op]?.holds;
    if (holds === "opens" && result >= 0) held.add(result);
    else if (holds === "closes" && result === 0) held.delete(this.args[0] as number);
  }
}
