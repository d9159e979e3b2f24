import { Errno } from "../../core/enums.js";
import { preview1Sockets, recvInto, sendFrom } from "./sockets.js";
import { wasmedgeSockets } from "../wasmedge/imports.js";
import { IOV_MAX } from "../../wasm/guest-memory.js";
import { after, type Sync } from "../../util/sync.js";
import { guard, ProcExit, type GuestContext } from "../../wasi/context.js";
import { pollOneoff } from "./poll.js";
import { isFs } from "../../wasi/files.js";
import { nosysImports, type Implementation } from "../signature.js";
import { now } from "./clock.js";
import { PREVIEW1 } from "./table.js";
import { WASMEDGE } from "../wasmedge/table.js";
import { Clockid, Filetype, Fdflags, PREOPENTYPE_SOCKET, SOCKET_RIGHTS, STDIO_RIGHTS } from "../../wasi/types.js";
import type { SocketEntry, StdioEntry } from "../../wasi/fd-table.js";

const encoder = new TextEncoder();

/**
 * A stdio fd's filetype: a character device where the host's end is a terminal, so wasi-libc's
 * isatty() holds and it line-buffers stdout there; elsewhere (a pipe, a file, a callback) unknown,
 * so it buffers fully and a program does not colour what is not a terminal, as natively.
 */
const stdioType = (e: StdioEntry): number => (e.tty ? Filetype.CHARACTER_DEVICE : Filetype.UNKNOWN);

/** The filetype of a socket or stdio fd (files and directories answer through fs/). */
const filetype = (e: SocketEntry | StdioEntry): number =>
  e.kind === "socket" ? (e.dgram ? Filetype.SOCKET_DGRAM : Filetype.SOCKET_STREAM) : stdioType(e);

/** What a stdio write answers once the sink has taken the bytes (shared: no closure a write). */
const written = (): number => Errno.SUCCESS;

/** Write a list of strings the way args_get/environ_get want: pointers at `ptrs`, NUL-terminated bytes at `buf`. */
function writeStrings(ctx: GuestContext, list: Uint8Array[], ptrs: number, buf: number): number {
  ctx.mem.check(ptrs, list.length * 4);
  ctx.mem.check(buf, list.reduce((n, b) => n + b.length + 1, 0));
  for (const b of list) {
    ctx.mem.setU32(ptrs, buf);
    ctx.mem.write(buf, b);
    ctx.mem.setU8(buf + b.length, 0);
    ptrs += 4;
    buf += b.length + 1;
  }
  return Errno.SUCCESS;
}

function sizes(ctx: GuestContext, list: Uint8Array[], countPtr: number, sizePtr: number): number {
  ctx.mem.check(countPtr, 4);
  ctx.mem.check(sizePtr, 4);
  ctx.mem.setU32(countPtr, list.length);
  ctx.mem.setU32(sizePtr, list.reduce((n, b) => n + b.length + 1, 0));
  return Errno.SUCCESS;
}

/** The whole `wasi_snapshot_preview1` module: base WASI, files (wasi/fs), preview1 and WasmEdge sockets, ENOSYS for the rest. */
export function preview1(ctx: GuestContext): Implementation<typeof PREVIEW1 & typeof WASMEDGE> {
  const { mem, fds, kernel, core } = ctx;
  const args = ctx.args.map((a) => encoder.encode(a));
  const env = ctx.env.map((e) => encoder.encode(e));
  const fs = ctx.files.fd(ctx);

  const base = {
    args_sizes_get: guard((c: number, s: number) => sizes(ctx, args, c, s)),
    args_get: guard((p: number, b: number) => writeStrings(ctx, args, p, b)),
    environ_sizes_get: guard((c: number, s: number) => sizes(ctx, env, c, s)),
    environ_get: guard((p: number, b: number) => writeStrings(ctx, env, p, b)),

    clock_res_get: guard((id: number, ret: number) => {
      if (now(id) === undefined) return Errno.INVAL;
      mem.setU64(ret, id === Clockid.REALTIME ? 1000n : 1n);
      return Errno.SUCCESS;
    }),
    clock_time_get: guard((id: number, _precision: bigint, ret: number) => {
      const t = now(id);
      if (t === undefined) return Errno.INVAL;
      mem.setU64(ret, t);
      return Errno.SUCCESS;
    }),

    random_get: guard((buf: number, len: number) => {
      const view = mem.view(buf, len);
      for (let o = 0; o < view.length; o += 65536) crypto.getRandomValues(view.subarray(o, o + 65536));
      return Errno.SUCCESS;
    }),

    proc_exit: (code: number): never => {
      throw new ProcExit(code >>> 0);
    },
    sched_yield: () => Errno.SUCCESS,

    fd_write: guard((fd: number, iovsPtr: number, iovsLen: number, retPtr: number): Sync<number> => {
      const e = fds.get(fd);
      if (e === undefined) return Errno.BADF;
      if (isFs(e)) return fs.write(e, iovsPtr, iovsLen, retPtr);
      if (iovsLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = mem.iovecs(iovsPtr, iovsLen);
      mem.check(retPtr, 4);
      if (e.kind === "socket") return sendFrom(ctx, e, iovs, retPtr);
      if (e.fd === 0) return Errno.BADF;
      const data = mem.outgoing(iovs);
      mem.setU32(retPtr, data.length);
      return after(ctx.sends.writeStdioGathered(e.fd, data), written); // a full pipe holds the guest
    }),

    fd_read: guard((fd: number, iovsPtr: number, iovsLen: number, retPtr: number): Sync<number> => {
      const e = fds.get(fd);
      if (e === undefined) return Errno.BADF;
      if (isFs(e)) return fs.read(e, iovsPtr, iovsLen, retPtr);
      if (iovsLen >>> 0 > IOV_MAX) return Errno.INVAL;
      const iovs = mem.iovecs(iovsPtr, iovsLen);
      mem.check(retPtr, 4);
      if (e.kind === "socket") return recvInto(ctx, e, iovs, 0, retPtr, -1);
      if (e.fd !== 0) return Errno.BADF;
      const first = iovs.find((v) => v.len > 0);
      if (!first) { mem.setU32(retPtr, 0); return Errno.SUCCESS; }
      return after(kernel.readStdin(first.len), (data) => {
        mem.write(first.ptr, data);
        mem.setU32(retPtr, data.length);
        return Errno.SUCCESS;
      });
    }),

    fd_close: guard((fd: number) => {
      const e = fds.remove(fd);
      if (e === undefined) return Errno.BADF;
      if (e.kind === "socket") kernel.close(e.handle);
      if (isFs(e)) return fs.close(e);
      return Errno.SUCCESS;
    }),

    fd_fdstat_get: guard((fd: number, ret: number) => {
      const e = fds.get(fd);
      if (e === undefined) return Errno.BADF;
      if (isFs(e)) return fs.fdstat(e, ret);
      mem.check(ret, 24);
      mem.fill(ret, 24);
      const socket = e.kind === "socket";
      mem.setU8(ret, filetype(e));
      mem.setU16(ret + 2, e.flags);
      mem.setU64(ret + 8, socket ? SOCKET_RIGHTS : STDIO_RIGHTS);
      mem.setU64(ret + 16, socket ? SOCKET_RIGHTS : STDIO_RIGHTS);
      return Errno.SUCCESS;
    }),

    fd_fdstat_set_flags: guard((fd: number, flags: number) => {
      const e = fds.get(fd);
      if (e === undefined) return Errno.BADF;
      if (e.kind === "socket") {
        const bad = core.checkFdflags(0, flags);
        if (bad !== 0) return bad;
      } else if (flags & ~(Fdflags.NONBLOCK | Fdflags.APPEND)) {
        return Errno.INVAL;
      }
      e.flags = flags;
      return Errno.SUCCESS;
    }),

    fd_filestat_get: guard((fd: number, ret: number) => {
      const e = fds.get(fd);
      if (e === undefined) return Errno.BADF;
      if (isFs(e)) return fs.filestat(e, ret);
      mem.check(ret, 64);
      mem.fill(ret, 64);
      mem.setU8(ret + 16, filetype(e));
      mem.setU64(ret + 24, 1n);
      return Errno.SUCCESS;
    }),

    /** A socket fd answers "not a dir" (tag 1) so wasi-libc's preopen scan skips it and goes on;
     *  a pre-opened directory answers tag 0 (dir) and its guest path's length. */
    fd_prestat_get: guard((fd: number, ret: number) => {
      const e = fds.get(fd);
      if (isFs(e)) return fs.prestat(e, ret);
      if (e === undefined || e.kind !== "socket") return Errno.BADF;
      mem.check(ret, 8);
      mem.setU8(ret, PREOPENTYPE_SOCKET);
      mem.setU32(ret + 4, 0);
      return Errno.SUCCESS;
    }),
    fd_prestat_dir_name: guard((fd: number, buf: number, len: number) => {
      const e = fds.get(fd);
      if (isFs(e)) return fs.prestatDirName(e, buf, len);
      return e === undefined ? Errno.BADF : Errno.NOTDIR;
    }),

    fd_seek: guard((fd: number, delta: bigint, whence: number, ret: number) => {
      const e = fds.get(fd);
      if (isFs(e)) return fs.seek(e, delta, whence, ret);
      return e === undefined ? Errno.BADF : Errno.SPIPE;
    }),
    fd_tell: guard((fd: number, ret: number) => {
      const e = fds.get(fd);
      if (isFs(e)) return fs.tell(e, ret);
      return e === undefined ? Errno.BADF : Errno.SPIPE;
    }),

    poll_oneoff: guard((inPtr: number, outPtr: number, n: number, retPtr: number) => pollOneoff(ctx, inPtr, outPtr, n, retPtr)),
  };

  const sockets = preview1Sockets(ctx);
  // The file imports (fd_pread, path_open, …) come from the host's files (wasi/files.ts), typed by
  // name only: that they cover the table is checked at run time (test/unit/signatures.test.ts).
  const files = ctx.files.imports(ctx) as Implementation<Omit<typeof PREVIEW1, keyof typeof base | keyof typeof sockets | "proc_raise">>;
  return { ...nosysImports(PREVIEW1, Errno.NOSYS), ...files, ...base, ...sockets, ...wasmedgeSockets(ctx, sockets.sock_accept) };
}
