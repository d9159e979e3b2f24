/**
 * How an ABI hands a send's bytes to the kernel without copying them more than once on its side
 * (and keeps a received answer past the kernel's next call: Keeping, below).
 *
 * The kernel keeps what it is given (Kernel.send: a socket's queue, a pipe's pending write), so a
 * send's bytes cannot stay a view of guest memory: someone copies them out. Who is best placed to
 * depends on where the kernel is. In-process (JSPI) it is the ABI, into memory of the kernel's
 * own; across the worker bridge the bytes have to go into the channel's SharedArrayBuffer anyway,
 * and a copy made first into owned memory would only be copied again. So the ABI does not copy:
 * it describes the bytes (`Outgoing`), and the kernel's side copies them once, wherever it keeps
 * them (`Gathering`, an optional capability next to the Kernel interface). An ABI never asks
 * which one it has: `sendPath(kernel)` gives the kernel's own, or the in-process one.
 */
import type { Addr, Kernel } from "./api.js";
import { carve, SLAB_PIECE_MAX, uninitialized } from "../util/slab.js";
import type { Sync } from "../util/sync.js";

import type { Outgoing } from "../wasm/guest-memory.js";

export type { Outgoing };

/**
 * The kernel side's way to take an Outgoing: each method is its Kernel method's, with the bytes
 * [at, at + len) of `src` copied once, by the kernel's side, where it keeps them.
 */
export interface Gathering {
  sendGathered(h: number, src: Outgoing, at: number, len: number, nonblock: boolean): Sync<number>;
  /** A datagram is sent whole: all of `src`. */
  sendToGathered(h: number, src: Outgoing, addr: Addr | undefined, nonblock: boolean): Sync<number>;
  writeStdioGathered(fd: number, src: Outgoing): Sync<void>;
}

/** The bytes of a host array as an Outgoing (a wasi:sockets write's, which jco lifts into one). */
export function outgoingBytes(data: Uint8Array): Outgoing {
  return { length: data.length, copyTo: (into, from) => into.set(data.subarray(from, from + into.length)) };
}

/**
 * `len` bytes of `src` from `at`, in memory of their own for a kernel to keep: small copies carved
 * from a slab (util/slab.ts), larger ones not zeroed before the copy fills them.
 */
function ownedCopy(src: Outgoing, at: number, len: number): Uint8Array {
  const out = len <= SLAB_PIECE_MAX ? carve(len) : uninitialized(len);
  src.copyTo(out, at);
  return out;
}

/** An in-process kernel's Gathering: the one copy is made here, into owned memory, and handed over. */
class OwnedCopies implements Gathering {
  constructor(private readonly kernel: Kernel) {}

  sendGathered(h: number, src: Outgoing, at: number, len: number, nonblock: boolean): Sync<number> {
    return this.kernel.send(h, ownedCopy(src, at, len), nonblock);
  }

  sendToGathered(h: number, src: Outgoing, addr: Addr | undefined, nonblock: boolean): Sync<number> {
    return this.kernel.sendTo(h, ownedCopy(src, 0, src.length), addr, nonblock);
  }

  writeStdioGathered(fd: number, src: Outgoing): Sync<void> {
    return this.kernel.writeStdio(fd, ownedCopy(src, 0, src.length));
  }
}

function gathers(k: Kernel): k is Kernel & Gathering {
  const g = k as Partial<Gathering>;
  return typeof g.sendGathered === "function" && typeof g.sendToGathered === "function" && typeof g.writeStdioGathered === "function";
}

/** The kernel's own Gathering when it has one (the worker bridge's), else copies into owned memory. */
export function sendPath(kernel: Kernel): Gathering {
  return gathers(kernel) ? kernel : new OwnedCopies(kernel);
}

/**
 * The other way: bytes a kernel answers with (a recv's, a datagram's) may be a view of its
 * channel, good until its next call (the worker bridge's), which every ABI that copies them into
 * guest memory at once is content with. A caller that holds them past its next call (a
 * wasi:sockets receive gathers several datagrams before jco lowers any) keeps them: a kernel
 * whose answers are views copies them (`Keeping`, optional as Gathering is); one whose answers
 * are the caller's own already (in-process) hands them back as they are.
 */
export interface Keeping {
  keep(bytes: Uint8Array): Uint8Array;
}

const asTheyAre = (bytes: Uint8Array): Uint8Array => bytes;

/** How to keep `kernel`'s answers past its next call. */
export function keeper(kernel: Kernel): (bytes: Uint8Array) => Uint8Array {
  const k = kernel as Kernel & Partial<Keeping>;
  return typeof k.keep === "function" ? k.keep.bind(kernel) : asTheyAre;
}
