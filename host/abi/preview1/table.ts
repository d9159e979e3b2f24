import { answers, nosys, waits } from "../signature.js";

/**
 * wasi_snapshot_preview1 as the witx defines it (46 functions; WebAssembly/WASI
 * `legacy/preview1/witx/wasi_snapshot_preview1.witx`, as lowered in wasi-libc's api.h; docs/abi.md §1.1). Every
 * function returns an i32 errno unless noted. The WasmEdge extension adds its calls to this
 * module (abi/wasmedge/table.ts).
 */
export const PREVIEW1 = {
  args_get: answers("i32 i32"), args_sizes_get: answers("i32 i32"),
  environ_get: answers("i32 i32"), environ_sizes_get: answers("i32 i32"),
  clock_res_get: answers("i32 i32"), clock_time_get: answers("i32 i64 i32"),
  fd_advise: answers("i32 i64 i64 i32"), fd_allocate: answers("i32 i64 i64"), fd_close: answers("i32"),
  fd_datasync: answers("i32"), fd_fdstat_get: answers("i32 i32"), fd_fdstat_set_flags: answers("i32 i32"),
  fd_fdstat_set_rights: answers("i32 i64 i64"), fd_filestat_get: answers("i32 i32"),
  fd_filestat_set_size: answers("i32 i64"), fd_filestat_set_times: answers("i32 i64 i64 i32"),
  fd_pread: answers("i32 i32 i32 i64 i32"), fd_prestat_get: answers("i32 i32"),
  fd_prestat_dir_name: answers("i32 i32 i32"), fd_pwrite: answers("i32 i32 i32 i64 i32"),
  fd_read: waits("i32*4"), fd_readdir: answers("i32 i32 i32 i64 i32"), fd_renumber: answers("i32 i32"),
  fd_seek: answers("i32 i64 i32 i32"), fd_sync: answers("i32"), fd_tell: answers("i32 i32"), fd_write: waits("i32*4"),
  path_create_directory: answers("i32*3"), path_filestat_get: answers("i32*5"),
  path_filestat_set_times: answers("i32 i32 i32 i32 i64 i64 i32"), path_link: answers("i32*7"),
  path_open: answers("i32 i32 i32 i32 i32 i64 i64 i32 i32"), path_readlink: answers("i32*6"),
  path_remove_directory: answers("i32*3"), path_rename: answers("i32*6"), path_symlink: answers("i32*5"),
  path_unlink_file: answers("i32*3"), poll_oneoff: waits("i32*4"),
  proc_exit: answers("i32", ""), proc_raise: nosys("i32"), sched_yield: answers(""), random_get: answers("i32 i32"),
  sock_accept: waits("i32*3"), sock_recv: waits("i32*6"), sock_send: waits("i32*5"), sock_shutdown: answers("i32 i32"),
};
