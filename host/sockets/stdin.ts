import type { Sync } from "../util/sync.js";

/** Reads stdin lazily, only when a guest asks (so an idle stdin never keeps the host alive). */
export class StdinReader {
  source: AsyncIterable<Uint8Array> | undefined;
  private iterator: AsyncIterator<Uint8Array> | undefined;
  private pending: Uint8Array | undefined;

  read(max: number): Sync<Uint8Array> {
    if (!this.source) return new Uint8Array(0);
    if (this.pending) return this.slice(max);
    this.iterator ??= this.source[Symbol.asyncIterator]();
    return this.iterator.next().then((r) => {
      if (r.done) {
        this.source = undefined;
        return new Uint8Array(0);
      }
      this.pending = r.value;
      return this.slice(max);
    });
  }

  private slice(max: number): Uint8Array {
    const p = this.pending!;
    if (p.length <= max) {
      this.pending = undefined;
      return p;
    }
    this.pending = p.subarray(max);
    return p.subarray(0, max);
  }

  close(): void {
    void this.iterator?.return?.();
    this.source = undefined;
  }
}
