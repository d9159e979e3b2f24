/**
 * WASI 0.3's `stream<u8>` and `future` as jco's p3 glue hands them to a host and takes them back:
 * a stream the guest writes arrives as a reader (`read({count})` resolving `{value, done}`); a
 * stream the host returns is any async iterator of byte chunks (Uint8Array), pulled only when the
 * guest reads; a future is a promise (a rejection with an error-code case name is its `err`).
 */
import type { Sync } from "../../util/sync.js";

/** What the glue gives for a guest-written `stream<u8>`. */
export interface ByteReader {
  read(opts: { count: number }): Promise<{ value?: unknown; done: boolean }>;
  [Symbol.dispose]?(): void;
}

/** The most one read asks of a stream or of the kernel (the p2 streams' chunk). */
export const CHUNK = 65536;

/**
 * A chunk as bytes: jco hands a u8 stream's values as an array of numbers or a typed array. The
 * typed array is the host's own, never a view of guest memory (jco makes one of its array; with
 * host/p2/p3-glue.ts's rewrite it is the one copy taken from guest memory), so the kernel may keep
 * it as it is.
 */
function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return Uint8Array.from(value as number[]);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (typeof value === "number") return Uint8Array.of(value);
  return new Uint8Array(0);
}

/**
 * The most one read of a guest's stream takes. A pending host read takes each of the guest's
 * writes until it is full or the host picks it up (on the scheduler's next turn): several 64 KiB
 * writes made in one run of the guest's calls land in one read, where with a 64 KiB read the
 * second of them waited for the host's next read.
 */
export const DRAIN_READ = 4 * CHUNK;

/** Each chunk the guest writes to `data`, handed to `sink` in order, until the guest ends it. */
export async function drain(data: ByteReader, sink: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  try {
    for (;;) {
      const { value, done } = await data.read({ count: DRAIN_READ });
      const bytes = bytesOf(value);
      if (bytes.length > 0) await sink(bytes);
      if (done) return;
    }
  } finally {
    data[Symbol.dispose]?.();
  }
}

/**
 * What jco's glue, as host/p2/p3-glue.ts rewrites it, asks of a host stream before it waits on
 * its next(): the next chunk if it is there now (an IteratorResult), else undefined.
 */
export const READ_NOW = Symbol.for("wasock.p3.readNow");

/**
 * A stream the host writes: chunks from `pull` (one at a time, as the guest reads) until it
 * answers `undefined` (the end). `ended` is told once, with how it ended: `undefined` for a
 * clean end or the guest dropping it early, else the error-code case name.
 *
 * A pull that can answer at once (bytes already received) is answered at once through READ_NOW:
 * the guest's stream.read then completes in the call, without waiting in its waitable set.
 */
export class ByteSource implements AsyncIterableIterator<Uint8Array> {
  private over = false;
  /** A pull READ_NOW started that must wait: next() answers with it. */
  private pending: Promise<Uint8Array | string | undefined> | undefined;

  constructor(
    private readonly pull: () => Sync<Uint8Array | string | undefined>,
    private readonly ended: (error: string | undefined) => void = () => {},
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next chunk (or the end) if the pull has it now; else undefined, and next() waits for it. */
  [READ_NOW](): IteratorResult<Uint8Array> | undefined {
    if (this.over) return { done: true, value: undefined };
    if (this.pending !== undefined) return undefined;
    const r = this.pull();
    if (r instanceof Promise) {
      this.pending = r;
      return undefined;
    }
    return this.result(r);
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.over) return { done: true, value: undefined };
    const p = this.pending;
    this.pending = undefined;
    return this.result(await (p ?? this.pull()));
  }

  private result(r: Uint8Array | string | undefined): IteratorResult<Uint8Array> {
    if (r instanceof Uint8Array && r.length > 0) return { done: false, value: r };
    this.end(typeof r === "string" ? r : undefined);
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.end(undefined);
    return { done: true, value: undefined };
  }

  private end(error: string | undefined): void {
    if (this.over) return;
    this.over = true;
    this.ended(error);
  }
}

/** A `future<result<_, error-code>>` and the function that settles it. */
export function resultFuture(): [Promise<{ tag: "ok"; val: undefined }>, (error: string | undefined) => void] {
  let settle: (error: string | undefined) => void = () => {};
  const p = new Promise<{ tag: "ok"; val: undefined }>((resolve, reject) => {
    // An error-code is 0.3's variant (errors.ts): `{ tag }`.
    settle = (error) => (error === undefined ? resolve({ tag: "ok", val: undefined }) : reject({ tag: error }));
  });
  p.catch(() => {}); // the guest may never read it
  return [p, settle];
}
