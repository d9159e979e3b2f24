/**
 * How a kernel call's arguments and answer travel through the channel (channel.ts): the fields
 * the op table (ops.ts) is written in. A Field is one argument of a Kernel method, put into the
 * channel by the guest's end and got back by the host's; an Answer is a method's result, put by
 * the host and got by the guest. Both ends run the same Field and Answer, so the two never
 * disagree on where a byte lies.
 *
 * Bytes cross once each way. What the guest gets back (a recv's, a datagram's, stdin's) is a
 * view of the channel, good until its next call: every ABI copies it into guest memory at once,
 * and that copy is its only one on this side. What the host gets (a send's, a datagram's, a stdio
 * write's) the guest's ABI gathers straight into the channel (RemoteKernel's Gathering), and the
 * kernel keeps, so it is copied out of the channel, once, into memory of its own (`owned`).
 *
 * Int slots: a field takes `slots` of the request's A0, A1, … in the order the table lists it.
 * The data area: a payload or a text at its start (its length in LEN), an address's text at its
 * tail (HOST_BYTES, beside a payload), or i32 words (a poll's handles and interests, interleaved).
 */
import type { Addr, Datagram } from "../sockets/api.js";
import { Slot, type Channel } from "./channel.js";
import { carve, SLAB_PIECE_MAX, uninitialized } from "../util/slab.js";

export interface Field<T> {
  /** How many of the request's int slots it takes. */
  readonly slots: number;
  put(ch: Channel, slot: number, v: T): void;
  get(ch: Channel, slot: number): T;
}

export interface Answer<T> {
  /** Write `v` (the host's end); the request's RESULT. */
  put(ch: Channel, v: T): number;
  /** Read it back from RESULT `r` and the channel (the guest's end). */
  get(ch: Channel, r: number): T;
}

const family = (n: number): 4 | 6 => (n === 6 ? 6 : 4);

/**
 * A copy of `len` bytes of the data area, for the kernel to keep: small ones carved from a slab,
 * as the JSPI bridge's copies out of guest memory are (util/slab.ts), larger ones not zeroed
 * before the copy (slice() allocates a cleared buffer, then copies).
 */
export function owned(from: Uint8Array, at: number, len: number): Uint8Array {
  const out = len <= SLAB_PIECE_MAX ? carve(len) : plain(uninitialized(len));
  out.set(from.subarray(at, at + len));
  return out;
}

/** A Buffer (where the host has one) as a plain Uint8Array over its bytes, as slice() gave. */
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** `v` is the data area's start already: bytes gathered straight into the channel. */
export function inPlace(ch: Channel, v: Uint8Array): boolean {
  return v.buffer === ch.data.buffer && v.byteOffset === ch.data.byteOffset;
}

export const int: Field<number> = {
  slots: 1,
  put: (ch, s, v) => void (ch.i32[s] = v),
  get: (ch, s) => ch.i32[s]!,
};

/** An int the guest caps at `max` (a read's size: what one answer can carry). */
export const capped = (max: number): Field<number> => ({
  slots: 1,
  put: (ch, s, v) => void (ch.i32[s] = Math.min(v, max)),
  get: (ch, s) => ch.i32[s]!,
});

export const bool: Field<boolean> = {
  slots: 1,
  put: (ch, s, v) => void (ch.i32[s] = v ? 1 : 0),
  get: (ch, s) => ch.i32[s] !== 0,
};

export const fam: Field<4 | 6> = {
  slots: 1,
  put: (ch, s, v) => void (ch.i32[s] = v),
  get: (ch, s) => family(ch.i32[s]!),
};

/**
 * Bytes at the start of the data area (at most DATA_BYTES: the guest's end splits larger ones).
 * Bytes the guest already gathered there (a view of the data area's start: RemoteKernel's
 * sendGathered) are not copied again.
 */
export const payload: Field<Uint8Array> = {
  slots: 0,
  put: (ch, _s, v) => {
    if (!inPlace(ch, v)) ch.data.set(v);
    ch.i32[Slot.LEN] = v.length;
  },
  get: (ch) => owned(ch.data, 0, ch.i32[Slot.LEN]!),
};

/** A host name or address text at the start of the data area. */
export const text: Field<string> = {
  slots: 0,
  put: (ch, _s, v) => void (ch.i32[Slot.LEN] = ch.putHost(v)),
  get: (ch) => ch.host(ch.i32[Slot.LEN]!),
};

/** An address: port and family in two slots, its text at the start of the data area. */
export const addr: Field<Addr> = {
  slots: 2,
  put: (ch, s, v) => {
    ch.i32[s] = v.port;
    ch.i32[s + 1] = v.family;
    ch.i32[Slot.LEN] = ch.putHost(v.host);
  },
  get: (ch, s) => ({ host: ch.host(ch.i32[Slot.LEN]!), port: ch.i32[s]!, family: family(ch.i32[s + 1]!) }),
};

/** A datagram's destination, or none (its connected peer): port, family, the text's length at the tail (-1: none). */
export const optAddr: Field<Addr | undefined> = {
  slots: 3,
  put: (ch, s, v) => {
    ch.i32[s] = v?.port ?? 0;
    ch.i32[s + 1] = v?.family ?? 0;
    ch.i32[s + 2] = v ? ch.putTailHost(v.host) : -1;
  },
  get: (ch, s) => {
    const len = ch.i32[s + 2]!;
    return len >= 0 ? { host: ch.tailHost(len), port: ch.i32[s]!, family: family(ch.i32[s + 1]!) } : undefined;
  },
};

/** The most a poll asks about: each answer is a triple of words. */
const pollMax = (ch: Channel): number => Math.floor(ch.words.length / 3);

/** One of a poll's two lists (`lane` 0: handles, 1: interests), interleaved in the data area's words; its count in a slot. */
export const words = (lane: 0 | 1): Field<ArrayLike<number>> => ({
  slots: 1,
  put: (ch, s, v) => {
    const n = Math.min(v.length, pollMax(ch)), w = ch.words;
    for (let k = 0; k < n; k++) w[2 * k + lane] = v[k]!;
    ch.i32[s] = n;
  },
  get: (ch, s) => {
    const n = ch.i32[s]!, w = ch.words, out: number[] = [];
    for (let k = 0; k < n; k++) out.push(w[2 * k + lane]!);
    return out;
  },
});

/** A plain answer: a count, a handle, 0, or -errno. */
export const status: Answer<number> = {
  put: (_ch, v) => v,
  get: (_ch, r) => r,
};

/** Nothing to answer (the call's completion is the answer). */
export const none: Answer<void> = {
  put: () => 0,
  get: () => undefined,
};

/** Bytes at the start of the data area (the guest gets a view: see above), or -errno. */
export const bytes: Answer<Uint8Array | number> = {
  put: (ch, v) => {
    if (typeof v === "number") return v;
    ch.data.set(v);
    return v.length;
  },
  get: (ch, r) => (r < 0 ? r : ch.data.subarray(0, r)),
};

/** Bytes, never an error (stdin: its end is no bytes). */
export const someBytes: Answer<Uint8Array> = {
  put: (ch, v) => bytes.put(ch, v),
  get: (ch, r) => ch.data.subarray(0, Math.max(0, r)),
};

/** An address (port A0, family A1, its text at the start of the data area, its length in LEN), or -errno. */
export const address: Answer<Addr | number> = {
  put: (ch, v) => {
    if (typeof v === "number") return v;
    const i = ch.i32;
    i[Slot.LEN] = ch.putHost(v.host);
    i[Slot.A0] = v.port;
    i[Slot.A1] = v.family;
    return 0;
  },
  get: (ch, r) => {
    if (r < 0) return r;
    const i = ch.i32;
    return { host: ch.host(i[Slot.LEN]!), port: i[Slot.A0]!, family: family(i[Slot.A1]!) };
  },
};

/**
 * A datagram (its bytes at the start, its sender's text at the tail; port A0, family A1, text
 * length A2, truncated A3), or -errno. Its bytes are a view, as a recv's are: a wasi:sockets
 * receive, which gathers several datagrams before any is copied into guest memory, keeps those
 * it holds past the next call (RemoteKernel.keep).
 */
export const datagram: Answer<Datagram | number> = {
  put: (ch, d) => {
    if (typeof d === "number") return d;
    const i = ch.i32;
    ch.data.set(d.data);
    i[Slot.A0] = d.from.port;
    i[Slot.A1] = d.from.family;
    i[Slot.A2] = ch.putTailHost(d.from.host);
    i[Slot.A3] = d.truncated ? 1 : 0;
    return d.data.length;
  },
  get: (ch, r) => {
    if (r < 0) return r;
    const i = ch.i32;
    return {
      data: ch.data.subarray(0, r),
      from: { host: ch.tailHost(i[Slot.A2]!), port: i[Slot.A0]!, family: family(i[Slot.A1]!) },
      truncated: i[Slot.A3] !== 0,
    };
  },
};

/** A name's addresses, as lines of text at the start of the data area, or -errno. */
export const addresses: Answer<Addr[] | number> = {
  put: (ch, list) => (typeof list === "number" ? list : ch.putHost(list.map((a) => a.host).join("\n"))),
  get: (ch, r) => {
    if (r < 0) return r;
    const t = ch.host(r);
    return t === "" ? [] : t.split("\n").map((host): Addr => ({ host, port: 0, family: host.includes(":") ? 6 : 4 }));
  },
};

/** A poll's answer: [index, bits, nbytes]… in the data area's words; RESULT is how many triples. */
export const ready: Answer<number[]> = {
  put: (ch, r) => {
    ch.words.set(r);
    return r.length / 3;
  },
  get: (ch, n) => Array.from(ch.words.subarray(0, n * 3)),
};
