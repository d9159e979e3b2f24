/**
 * A function wrapped at the import boundary: `fn`'s result passed through `then`, and what it
 * throws through `caught`. Every guest call comes through such wrappers, so `fn`'s parameters,
 * when it declares one to eight, are passed by name: a rest parameter would make an array on
 * every call. A function declaring none (a rest parameter's length is 0) or more than eight
 * gets one anyway.
 */
type Call = (...args: never[]) => unknown;
type Eight = (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown) => unknown;

const rethrow = (e: unknown): never => {
  throw e;
};

export function forward<F extends Call>(fn: F, then: (r: never) => unknown, caught: (e: unknown) => unknown = rethrow): F {
  const pass = then as (r: unknown) => unknown;
  if (fn.length === 0 || fn.length > 8) {
    return ((...args: never[]) => {
      try {
        return pass(fn(...args));
      } catch (e) {
        return caught(e);
      }
    }) as F;
  }
  const f = fn as unknown as Eight;
  return ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown, h: unknown, i: unknown) => {
    try {
      return pass(f(a, b, c, d, e, g, h, i));
    } catch (err) {
      return caught(err);
    }
  }) as unknown as F;
}
