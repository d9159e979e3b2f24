/**
 * WASI 0.3's `error-code` is a variant (its `other` case carries an optional message), so jco's
 * p3 glue lowers a thrown `{ tag }`, where 0.2's enum took the case name itself. The 0.2 code this
 * ABI reuses (P2Context.check, the 0.2 sockets' getters and setters) throws names: the 0.3
 * classes' methods turn a thrown name into the variant on the way out, once, at the boundary.
 */

export type ErrorVariant = { tag: string };

/** A thrown case name as 0.3's variant; anything else (a trap, a ProcExit) as it was. */
export function variant(e: unknown): unknown {
  return typeof e === "string" ? { tag: e } : e;
}

function guarded(f: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]): unknown {
    let r: unknown;
    try {
      r = f.apply(this, args);
    } catch (e) {
      throw variant(e);
    }
    return r instanceof Promise ? r.catch((e: unknown) => Promise.reject(variant(e))) : r;
  };
}

/**
 * Every method `cls` has or inherits, and its static `create`, made to throw 0.3's variant: the
 * class jco is given for a resource, whose every call is one the guest makes.
 */
export function tagErrors<C extends abstract new (...args: never[]) => object>(cls: C): C {
  const own = cls.prototype as Record<string, unknown>;
  const seen = new Set<string>(["constructor"]);
  for (let p: object | null = cls.prototype as object; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (typeof d?.value === "function") Object.defineProperty(own, name, { value: guarded(d.value as (...a: unknown[]) => unknown), configurable: true, writable: true });
    }
  }
  const statics = cls as unknown as Record<string, unknown>;
  if (typeof statics.create === "function") statics.create = guarded((statics.create as (...a: unknown[]) => unknown).bind(cls));
  return cls;
}

