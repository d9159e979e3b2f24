import { Abi, Errno, OptClass } from "../../core/enums.js";
import { guard, type GuestContext } from "../../wasi/context.js";

/**
 * WASIX socket options (docs/abi.md §3.2 `sock_option`, §3.3): sock_{set,get}_opt_{flag,time,size}.
 * Only translation happens here: the guest's option number becomes the kernel's SockOpt through the
 * core (option_from_abi), tagged with the function the guest called (OptClass), and the core decides,
 * from Wasmer's per-kind table, whether this socket takes that option through that function (a
 * listener reads no flag: ENOTSUP; linger on a pre-socket: EIO; a size option through the time call:
 * EINVAL …) and what a write stores.
 *
 * Values as the kernel keeps them: flags 0/1; times in milliseconds, 0 = none (so `some(0)` reads
 * back as none, and nanoseconds round up to the next millisecond); sizes saturated to i32::MAX.
 * Wasmer's own sock_set_opt_size answers EINVAL to every option (it maps the option through the
 * time table first: docs/abi.md §3.3): that bug is not copied, the sizes its getters read are settable.
 */

const OPTION_TIMESTAMP_SIZE = 16;
const NS_PER_MS = 1_000_000n;
const I32_MAX = 0x7fffffff;

export function wasixOptions(ctx: GuestContext) {
  const { mem, fds, kernel, core } = ctx;

  /** The fd's handle and the kernel's option id for call family `cls`, or EBADF/ENOTSOCK, then EINVAL for an unknown option. */
  function lookup(fd: number, n: number, cls: number): { h: number; opt: number } | number {
    const s = fds.socket(fd);
    if (typeof s === "number") return s;
    const opt = core.optionFromAbi(Abi.WASIX, n);
    return opt < 0 ? -opt : { h: s.handle, opt: opt | (cls << OptClass.SHIFT) };
  }

  return {
    sock_set_opt_flag: guard((fd: number, n: number, flag: number): number => {
      const a = lookup(fd, n, OptClass.FLAG);
      if (typeof a === "number") return a;
      return -kernel.setOption(a.h, a.opt, flag); // the core rejects a bool other than 0/1
    }),

    sock_get_opt_flag: guard((fd: number, n: number, ret: number): number => {
      const a = lookup(fd, n, OptClass.FLAG);
      if (typeof a === "number") return a;
      mem.check(ret, 1);
      const v = kernel.getOption(a.h, a.opt);
      if (v < 0) return -v;
      mem.setU8(ret, v !== 0 ? 1 : 0);
      return Errno.SUCCESS;
    }),

    /** `option_timestamp`: tag u8 @0 (0 none, 1 some; else EINVAL), nanoseconds u64 @8. */
    sock_set_opt_time: guard((fd: number, n: number, ptr: number): number => {
      const a = lookup(fd, n, OptClass.TIME);
      if (typeof a === "number") return a;
      mem.check(ptr, OPTION_TIMESTAMP_SIZE);
      const tag = mem.u8At(ptr);
      if (tag > 1) return Errno.INVAL;
      const ms = tag === 0 ? 0n : (mem.u64At(ptr + 8) + NS_PER_MS - 1n) / NS_PER_MS;
      return -kernel.setOption(a.h, a.opt, ms > BigInt(I32_MAX) ? I32_MAX : Number(ms));
    }),

    sock_get_opt_time: guard((fd: number, n: number, ret: number): number => {
      const a = lookup(fd, n, OptClass.TIME);
      if (typeof a === "number") return a;
      mem.check(ret, OPTION_TIMESTAMP_SIZE);
      const v = kernel.getOption(a.h, a.opt);
      if (v < 0) return -v;
      mem.fill(ret, OPTION_TIMESTAMP_SIZE);
      mem.setU8(ret, v === 0 ? 0 : 1);
      mem.setU64(ret + 8, BigInt(v) * NS_PER_MS);
      return Errno.SUCCESS;
    }),

    /** `size` is an i64 (filesize, unsigned to the guest). */
    sock_set_opt_size: guard((fd: number, n: number, size: bigint): number => {
      const a = lookup(fd, n, OptClass.SIZE);
      if (typeof a === "number") return a;
      const u = BigInt.asUintN(64, size);
      return -kernel.setOption(a.h, a.opt, u > BigInt(I32_MAX) ? I32_MAX : Number(u));
    }),

    sock_get_opt_size: guard((fd: number, n: number, ret: number): number => {
      const a = lookup(fd, n, OptClass.SIZE);
      if (typeof a === "number") return a;
      mem.check(ret, 8);
      const v = kernel.getOption(a.h, a.opt);
      if (v < 0) return -v;
      mem.setU64(ret, BigInt(v));
      return Errno.SUCCESS;
    }),
  };
}
