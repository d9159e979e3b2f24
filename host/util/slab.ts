/**
 * Where small copies out of guest memory live: carved, in order, from a shared slab, and never
 * handed out twice. A send's copy must outlive the call (the socket may queue it), so it cannot
 * be a view of guest memory; giving each its own ArrayBuffer costs a malloc, a backing-store
 * registration and a sweep later, a visible share of a small request's time under perf. A carved piece is a view of the slab, which lives as long as any of its pieces; a
 * slab is replaced, not reused, once full, so no piece is ever overwritten.
 *
 * The cost: a piece still queued (a peer that never reads) keeps its whole slab alive, at most
 * SLAB_BYTES for each such piece — the same trade node's Buffer.allocUnsafe pool makes (8 KiB).
 */
export const SLAB_BYTES = 16 * 1024;
/** Larger copies get their own buffer. */
export const SLAB_PIECE_MAX = 2048;

let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

/** `len` (≤ SLAB_PIECE_MAX) fresh bytes, for the caller to fill; their contents are unspecified. */
export function carve(len: number): Uint8Array {
  if (used + len > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const piece = slab.subarray(used, used + len);
  used = (used + len + 7) & ~7; // 8-aligned, as an allocator's would be
  return piece;
}

type Unsafe = { allocUnsafeSlow?: (n: number) => Uint8Array };
const allocUnsafeSlow = (globalThis as { Buffer?: Unsafe }).Buffer?.allocUnsafeSlow;

/**
 * Larger copies come from pools of buffers of a power-of-two size, 4 KiB to 64 KiB: a bulk echo
 * made a new ArrayBuffer for every 16 KiB send, and the malloc, the backing-store registration
 * and the major collections that much external memory brings were a tenth of its CPU (perf). A
 * buffer goes back to its pool only through `recycle`, called by a network adapter once the OS
 * has taken the bytes (node:net's write callback); one never recycled is collected as before.
 */
const POOL_MIN_LOG2 = 12;
const POOL_MAX_LOG2 = 16;
/** Per size, the most buffers kept for reuse (64 KiB × 16 = 1 MiB at most for the largest). */
const POOL_KEEP = 16;
const pools: ArrayBuffer[][] = [];
for (let i = POOL_MIN_LOG2; i <= POOL_MAX_LOG2; i++) pools[i] = [];
/** The buffers pooled copies are views of, so that recycle takes back nothing else. */
const pooled = new WeakSet<ArrayBuffer>();

/**
 * `len` bytes of a buffer of their own, for the caller to fill completely: not zeroed first
 * where the host can say so (Node's and Bun's Buffer.allocUnsafeSlow). A new Uint8Array, or
 * slice(), clears every byte before the copy overwrites it: visible in a bulk echo's profile.
 * Between 4 KiB and 64 KiB, a view of a pooled buffer (above).
 */
export function uninitialized(len: number): Uint8Array {
  if (len < 1 << (POOL_MIN_LOG2 - 1) || len > 1 << POOL_MAX_LOG2) return unzeroed(len);
  const log2 = Math.max(POOL_MIN_LOG2, 32 - Math.clz32(len - 1));
  let ab = pools[log2]!.pop();
  if (ab === undefined) {
    ab = unzeroed(1 << log2).buffer as ArrayBuffer;
    pooled.add(ab);
  }
  return new Uint8Array(ab, 0, len);
}

/** Whether `bytes` is a pooled copy (the caller will recycle it once the OS has taken it). */
export function isPooled(bytes: Uint8Array): boolean {
  return pooled.has(bytes.buffer as ArrayBuffer);
}

/** Give a pooled copy's buffer back: nothing may read or write `bytes` after this. */
export function recycle(bytes: Uint8Array): void {
  const ab = bytes.buffer as ArrayBuffer;
  if (!pooled.has(ab)) return;
  const pool = pools[31 - Math.clz32(ab.byteLength)]!;
  if (pool.length < POOL_KEEP) pool.push(ab);
}

function unzeroed(len: number): Uint8Array {
  return allocUnsafeSlow ? allocUnsafeSlow(len) : new Uint8Array(len);
}
