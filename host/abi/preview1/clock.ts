/** The clocks a preview1 guest reads: clock_time_get, clock_res_get and poll_oneoff's clock subscriptions. */
import { Clockid } from "../../wasi/types.js";

/** Nanoseconds on `id`'s clock, or undefined for an unknown clock. */
export function now(id: number): bigint | undefined {
  switch (id) {
    case Clockid.REALTIME:
      return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e3)) * 1000n;
    case Clockid.MONOTONIC:
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID:
      return BigInt(Math.round(performance.now() * 1e6));
    default:
      return undefined;
  }
}
