import { carve, SLAB_PIECE_MAX, uninitialized } from "../util/slab.js";

/**
 * Guest linear memory: the only code that reads or writes it. Every access is bounds-checked; an
 * out-of-range pointer or length throws `MemoryFault`, which the import boundary turns into EFAULT
 * before anything observable has happened (out-pointers are checked before the operation runs).
 */
export class MemoryFault extends Error {
  constructor(readonly ptr: number, readonly len: number) {
    super(`guest memory access out of bounds: ${ptr}+${len}`);
  }
}

/**
 * Bytes a send hands over, not yet copied: `length` of them, already checked against guest memory
 * (or a host array). `copyTo` writes bytes [from, from + into.length) into `into`. It is called
 * only during the call that was given it, before that call returns or waits: the bytes may be a
 * view of guest memory, which a later growth detaches.
 */
export interface Outgoing {
  readonly length: number;
  copyTo(into: Uint8Array, from: number): void;
}

/** One scatter/gather buffer: an (offset, length) pair already checked against memory. */
export interface Iovec {
  ptr: number;
  len: number;
}

/** Largest iovec count accepted (Linux IOV_MAX); more is EINVAL, not a fault. */
export const IOV_MAX = 1024;

export class GuestMemory {
  private buffer: ArrayBuffer | SharedArrayBuffer = new ArrayBuffer(0);
  private dv = new DataView(this.buffer);
  private u8 = new Uint8Array(this.buffer);
  private memory: WebAssembly.Memory | undefined;

  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.refresh();
  }

  /** Re-read the buffer if memory grew (a grown memory detaches the old ArrayBuffer). */
  private refresh(): void {
    const b = this.memory?.buffer;
    if (b && b !== this.buffer) {
      this.buffer = b;
      this.dv = new DataView(b);
      this.u8 = new Uint8Array(b);
    }
  }

  /**
   * Throws MemoryFault unless [ptr, ptr+len) lies inside memory. The views are re-read only when
   * the access falls outside them: growth detaches the old buffer (its views read as length 0)
   * or, for a shared memory, leaves them short — both land here; reading `memory.buffer` on
   * every access showed in an HTTP server's profile. A guest's i32 length reads as unsigned; a
   * length the host computed (a count times a record's size) is taken whole, never wrapped to 32
   * bits (536,870,912 subscriptions of 48 bytes are 24 GiB, not 0).
   */
  check(ptr: number, len: number): void {
    ptr >>>= 0;
    if (len < 0) len >>>= 0;
    if (ptr + len > this.u8.length) {
      this.refresh();
      if (ptr + len > this.u8.length) throw new MemoryFault(ptr, len);
    }
  }

  /** The views, re-read if growth detached them since the last check. */
  private fresh(): void {
    if (this.u8.length === 0) this.refresh();
  }

  u8At(ptr: number): number { this.check(ptr, 1); return this.dv.getUint8(ptr >>> 0); }
  u16At(ptr: number): number { this.check(ptr, 2); return this.dv.getUint16(ptr >>> 0, true); }
  u32At(ptr: number): number { this.check(ptr, 4); return this.dv.getUint32(ptr >>> 0, true); }
  u64At(ptr: number): bigint { this.check(ptr, 8); return this.dv.getBigUint64(ptr >>> 0, true); }
  setU8(ptr: number, v: number): void { this.check(ptr, 1); this.dv.setUint8(ptr >>> 0, v); }
  setU16(ptr: number, v: number): void { this.check(ptr, 2); this.dv.setUint16(ptr >>> 0, v, true); }
  setU32(ptr: number, v: number): void { this.check(ptr, 4); this.dv.setUint32(ptr >>> 0, v, true); }
  setU64(ptr: number, v: bigint): void { this.check(ptr, 8); this.dv.setBigUint64(ptr >>> 0, v, true); }
  /** A u64 from a non-negative safe integer, with no BigInt made. */
  setU64n(ptr: number, v: number): void {
    this.check(ptr, 8);
    this.dv.setUint32(ptr >>> 0, v >>> 0, true);
    this.dv.setUint32((ptr >>> 0) + 4, Math.floor(v / 0x1_0000_0000) >>> 0, true);
  }

  /** A live view of guest bytes (valid until the next growth). */
  view(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    return this.u8.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0));
  }

  write(ptr: number, bytes: Uint8Array): void {
    this.check(ptr, bytes.length);
    this.u8.set(bytes, ptr >>> 0);
  }

  fill(ptr: number, len: number, value = 0): void {
    this.check(ptr, len);
    this.u8.fill(value, ptr >>> 0, (ptr >>> 0) + len);
  }

  /** iovecs()'s answer for one iovec, the common case, reused (see there). */
  private readonly single: Iovec[] = [{ ptr: 0, len: 0 }];

  /**
   * Read and check an iovec/ciovec array (8 bytes each: buf u32, buf_len u32). One iovec comes
   * back in the same array every time, not a new one per call: a guest makes one call at a time,
   * each import reads one iovec array, and only while that call lasts (one that waits keeps its
   * guest waiting with it).
   */
  iovecs(ptr: number, count: number): Iovec[] {
    count >>>= 0;
    this.check(ptr, count * 8);
    if (count === 1) {
      const p = this.dv.getUint32(ptr >>> 0, true);
      const len = this.dv.getUint32((ptr >>> 0) + 4, true);
      this.check(p, len);
      const v = this.single[0]!;
      v.ptr = p;
      v.len = len;
      return this.single;
    }
    const out: Iovec[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const p = this.dv.getUint32((ptr >>> 0) + i * 8, true);
      const len = this.dv.getUint32((ptr >>> 0) + i * 8 + 4, true);
      this.check(p, len);
      out[i] = { ptr: p, len };
    }
    return out;
  }

  /** Total length of checked iovecs. */
  static total(iovs: Iovec[]): number {
    let n = 0;
    for (const v of iovs) n += v.len;
    return n;
  }

  /** Copy the iovecs' bytes out (one copy; the result may be retained by the host). */
  gather(iovs: Iovec[]): Uint8Array {
    this.fresh();
    const total = GuestMemory.total(iovs);
    const out = total <= SLAB_PIECE_MAX ? carve(total) : uninitialized(total);
    let o = 0;
    for (const v of iovs) {
      out.set(this.u8.subarray(v.ptr, v.ptr + v.len), o);
      o += v.len;
    }
    return out;
  }

  /**
   * The iovecs' bytes as a send hands them over (sockets/send-path.ts), not copied yet: the kernel's
   * side copies them, once, where it keeps them. Good only while the call that read the iovecs
   * lasts, as the iovecs are. `total`: their length together, when the caller has it already.
   */
  outgoing(iovs: Iovec[], total = GuestMemory.total(iovs)): Outgoing {
    return new IovecBytes(this, iovs, total);
  }

  /** Copy `into.length` bytes out starting `skip` bytes into the iovecs. */
  copyOut(iovs: Iovec[], skip: number, into: Uint8Array): void {
    this.fresh();
    const len = into.length;
    let o = 0;
    for (const v of iovs) {
      if (o >= len) break;
      if (skip >= v.len) {
        skip -= v.len;
        continue;
      }
      const n = Math.min(v.len - skip, len - o);
      into.set(this.u8.subarray(v.ptr + skip, v.ptr + skip + n), o);
      o += n;
      skip = 0;
    }
  }

  /** Copy `data` into the iovecs in order; returns bytes written (≤ total capacity). */
  scatter(iovs: Iovec[], data: Uint8Array): number {
    this.fresh();
    let o = 0;
    for (const v of iovs) {
      if (o >= data.length) break;
      const n = Math.min(v.len, data.length - o);
      this.u8.set(n === data.length ? data : data.subarray(o, o + n), v.ptr);
      o += n;
    }
    return o;
  }

  string(ptr: number, len: number): string {
    return new TextDecoder().decode(this.view(ptr, len));
  }
}

/** Checked iovecs' bytes, copied out on demand (GuestMemory.outgoing). */
class IovecBytes implements Outgoing {
  constructor(private readonly mem: GuestMemory, private readonly iovs: Iovec[], readonly length: number) {}

  copyTo(into: Uint8Array, from: number): void {
    this.mem.copyOut(this.iovs, from, into);
  }
}
