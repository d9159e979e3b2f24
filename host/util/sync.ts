/**
 * A value that is either ready now or later. Every operation that may block returns `Sync<T>`:
 * when it can complete at once it returns the value itself (no promise, no suspension), otherwise a
 * promise. The JSPI bridge suspends the guest only on a promise; the worker bridge never sees one.
 */
export type Sync<T> = T | Promise<T>;

/** Apply `f` to a value that may still be pending, staying synchronous when it is not. */
export function after<T, R>(value: Sync<T>, f: (v: T) => R): Sync<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** `after` for a step that may itself wait: the result is flat (a promise resolves through). */
export function chain<T, R>(value: Sync<T>, f: (v: T) => Sync<R>): Sync<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}
