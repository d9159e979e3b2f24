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
 * `len` bytes of a buffer of their own, for the caller to fill completely: not zeroed first
 * where the host can say so (Node's and Bun's Buffer.allocUnsafeSlow). A new Uint8Array, or
 * slice(), clears every byte before the copy overwrites it: visible in a bulk echo's profile.
 */
export function uninitialized(len: number): Uint8Array {
  return allocUnsafeSlow ? allocUnsafeSlow(len) : new Uint8Array(len);
}
