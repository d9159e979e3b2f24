/**
 * The core-wasm type of every import wasock offers a guest, by module then name: what a guest
 * must declare. WebAssembly does not check a JS function import's type, so a guest declaring
 * `wasix_32v1.sock_accept` with 3 parameters would get `undefined` for the 4th; the runtime
 * compares each guest's declared imports with this table before it runs (bridge/link.ts).
 *
 * Sources (facts, not code): preview1 from the witx (WebAssembly/WASI
 * `legacy/preview1/witx/wasi_snapshot_preview1.witx`, as lowered in wasi-libc's api.h); WASIX from
 * wasix-libc `__wasixlibc_real.c` @ 34178a6 (generated from `wasix_v1.witx`; names wasix-libc no
 * longer declares take their last declaration there) and Wasmer's `lib/wasix/src/lib.rs`
 * (`sock_accept` and `thread_spawn` bound to their `_v2` bodies); WasmEdge from shared/abi §2.2 and
 * WasmEdge's `include/host/wasi/wasifunc.h`. Every function returns an i32 errno unless noted.
 */

export type ValType = "i32" | "i64";

export interface Signature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** `sig("i32 i64 i32")` → (i32, i64, i32) -> i32; `sig("i32", "")` → (i32) -> (). `i32*4` repeats. */
function sig(params: string, results = "i32"): Signature {
  const list = (s: string): ValType[] =>
    s.split(" ").filter(Boolean).flatMap((t) => {
      const [type, n = "1"] = t.split("*") as [ValType, string?];
      return Array<ValType>(Number(n)).fill(type);
    });
  return Object.freeze({ params: Object.freeze(list(params)), results: Object.freeze(list(results)) });
}

/** wasi_snapshot_preview1 as the witx defines it (46 functions). */
const PREVIEW1 = {
  args_get: sig("i32 i32"), args_sizes_get: sig("i32 i32"),
  environ_get: sig("i32 i32"), environ_sizes_get: sig("i32 i32"),
  clock_res_get: sig("i32 i32"), clock_time_get: sig("i32 i64 i32"),
  fd_advise: sig("i32 i64 i64 i32"), fd_allocate: sig("i32 i64 i64"), fd_close: sig("i32"),
  fd_datasync: sig("i32"), fd_fdstat_get: sig("i32 i32"), fd_fdstat_set_flags: sig("i32 i32"),
  fd_fdstat_set_rights: sig("i32 i64 i64"), fd_filestat_get: sig("i32 i32"),
  fd_filestat_set_size: sig("i32 i64"), fd_filestat_set_times: sig("i32 i64 i64 i32"),
  fd_pread: sig("i32 i32 i32 i64 i32"), fd_prestat_get: sig("i32 i32"),
  fd_prestat_dir_name: sig("i32 i32 i32"), fd_pwrite: sig("i32 i32 i32 i64 i32"),
  fd_read: sig("i32*4"), fd_readdir: sig("i32 i32 i32 i64 i32"), fd_renumber: sig("i32 i32"),
  fd_seek: sig("i32 i64 i32 i32"), fd_sync: sig("i32"), fd_tell: sig("i32 i32"), fd_write: sig("i32*4"),
  path_create_directory: sig("i32*3"), path_filestat_get: sig("i32*5"),
  path_filestat_set_times: sig("i32 i32 i32 i32 i64 i64 i32"), path_link: sig("i32*7"),
  path_open: sig("i32 i32 i32 i32 i32 i64 i64 i32 i32"), path_readlink: sig("i32*6"),
  path_remove_directory: sig("i32*3"), path_rename: sig("i32*6"), path_symlink: sig("i32*5"),
  path_unlink_file: sig("i32*3"), poll_oneoff: sig("i32*4"),
  proc_exit: sig("i32", ""), proc_raise: sig("i32"), sched_yield: sig(""), random_get: sig("i32 i32"),
  // fd, flags, ret_fd: also WasmEdge's sock_accept V2 (its V1 form is in ALTERNATIVES)
  sock_accept: sig("i32*3"), sock_recv: sig("i32*6"), sock_send: sig("i32*5"), sock_shutdown: sig("i32 i32"),
};

/**
 * WasmEdge's socket extension (module wasi_snapshot_preview1, shared/abi §2.2). WasmEdge registers
 * a V1 body under each plain name and a V2 body under `<name>_v2`; a plain name whose V1 and V2
 * types differ is resolved by the guest's declared type: those are listed with the plain name's
 * V1 type here and the V2 type in ALTERNATIVES (sock_accept, whose V2 is preview1's, the other way).
 */
const WASMEDGE = {
  sock_open: sig("i32*3"), sock_open_v2: sig("i32*3"), // af, type, ret_fd
  sock_bind: sig("i32*3"), sock_bind_v2: sig("i32*3"), // fd, addr, port
  sock_connect: sig("i32*3"), sock_connect_v2: sig("i32*3"),
  sock_listen: sig("i32 i32"), sock_listen_v2: sig("i32 i32"), // fd, backlog
  sock_accept_v2: sig("i32*3"), // fd, fdflags, ret_fd
  sock_recv_from: sig("i32*7"), // fd, ri_data, ri_data_len, addr, ri_flags, ret_len, ret_roflags
  sock_recv_from_v2: sig("i32*8"), // … ri_flags, ret_port, ret_len, ret_roflags
  sock_send_to: sig("i32*7"), sock_send_to_v2: sig("i32*7"), // fd, si_data, si_data_len, addr, port, si_flags, ret_len
  sock_getlocaladdr: sig("i32*4"), sock_getpeeraddr: sig("i32*4"), // V1: fd, addr, ret_type, ret_port
  sock_getlocaladdr_v2: sig("i32*3"), sock_getpeeraddr_v2: sig("i32*3"), // V2: fd, addr, ret_port
  sock_getsockopt: sig("i32*5"), sock_setsockopt: sig("i32*5"), // fd, level, name, optval, optlen(_ptr)
  sock_getaddrinfo: sig("i32*8"), // node, node_len, service, service_len, hints, res, max_res, ret_len
};

/** WasmEdge names whose plain form WasmEdge resolves by the declared type, and the other form. */
const WASMEDGE_OTHER_FORM = {
  sock_accept: [sig("i32 i32")], // V1: fd, ret_fd
  sock_recv_from: [WASMEDGE.sock_recv_from_v2],
  sock_getlocaladdr: [WASMEDGE.sock_getlocaladdr_v2],
  sock_getpeeraddr: [WASMEDGE.sock_getpeeraddr_v2],
};

/**
 * WASIX's own functions (module wasix_32v1). The namespace also carries every preview1 name; the
 * preview1 socket calls keep their types but for sock_accept, which Wasmer binds to accept_v2.
 */
const WASIX = {
  // sockets (shared/abi §3.1)
  sock_open: sig("i32*4"), sock_pair: sig("i32*5"), sock_bind: sig("i32 i32"), sock_listen: sig("i32 i32"),
  sock_accept: sig("i32*4"), sock_accept_v2: sig("i32*4"), sock_connect: sig("i32 i32"),
  sock_recv: sig("i32*6"), sock_recv_from: sig("i32*7"), sock_send: sig("i32*5"), sock_send_to: sig("i32*6"),
  sock_send_file: sig("i32 i32 i64 i64 i32"), sock_shutdown: sig("i32 i32"), sock_status: sig("i32 i32"),
  sock_addr_local: sig("i32 i32"), sock_addr_peer: sig("i32 i32"),
  sock_set_opt_flag: sig("i32*3"), sock_get_opt_flag: sig("i32*3"), sock_set_opt_time: sig("i32*3"),
  sock_get_opt_time: sig("i32*3"), sock_set_opt_size: sig("i32 i32 i64"), sock_get_opt_size: sig("i32*3"),
  sock_join_multicast_v4: sig("i32*3"), sock_leave_multicast_v4: sig("i32*3"),
  sock_join_multicast_v6: sig("i32*3"), sock_leave_multicast_v6: sig("i32*3"),
  resolve: sig("i32*6"),
  // clocks, fds, paths, tty, cwd
  clock_time_set: sig("i32 i64"), fd_dup: sig("i32 i32"), fd_dup2: sig("i32*4"), fd_event: sig("i64 i32 i32"),
  fd_pipe: sig("i32 i32"), fd_fdflags_get: sig("i32 i32"), fd_fdflags_set: sig("i32 i32"),
  path_open2: sig("i32 i32 i32 i32 i32 i64 i64 i32 i32 i32"), tty_get: sig("i32"), tty_set: sig("i32"),
  getcwd: sig("i32 i32"), chdir: sig("i32 i32"),
  // signals and callbacks (no result)
  callback_signal: sig("i32 i32", ""), callback_thread: sig("i32 i32", ""), callback_reactor: sig("i32 i32", ""),
  callback_thread_local_destroy: sig("i32 i32", ""),
  // threads (thread_exit and stack_restore do not return)
  thread_spawn: sig("i32 i32"), thread_spawn_v2: sig("i32 i32"), thread_sleep: sig("i64"), thread_id: sig("i32"),
  thread_join: sig("i32"), thread_parallelism: sig("i32"), thread_signal: sig("i32 i32"), thread_exit: sig("i32", ""),
  thread_local_create: sig("i64 i32"), thread_local_destroy: sig("i32"), thread_local_set: sig("i32 i64"),
  thread_local_get: sig("i32 i32"), futex_wait: sig("i32*4"), futex_wake: sig("i32 i32"),
  futex_wake_all: sig("i32 i32"), stack_checkpoint: sig("i32 i32"), stack_restore: sig("i32 i64", ""),
  // processes (proc_exit2, proc_exec and proc_exec2 do not return)
  proc_raise_interval: sig("i32 i64 i32"), proc_fork: sig("i32 i32"), proc_fork_env: sig("i32"),
  proc_exit2: sig("i32", ""), proc_exec: sig("i32*4", ""), proc_exec2: sig("i32*6", ""), proc_exec3: sig("i32*9"),
  proc_spawn: sig("i32*13"), proc_spawn2: sig("i32*14"), proc_id: sig("i32"), proc_parent: sig("i32 i32"),
  proc_join: sig("i32*3"), proc_signal: sig("i32 i32"), proc_signals_get: sig("i32"),
  proc_signals_sizes_get: sig("i32"), proc_snapshot: sig(""), getpid: sig("i32"), process_spawn: sig("i32*13"),
  // the virtual NIC
  port_bridge: sig("i32*5"), port_unbridge: sig(""), port_dhcp_acquire: sig(""), port_addr_add: sig("i32"),
  port_addr_remove: sig("i32"), port_addr_clear: sig(""), port_mac: sig("i32"), port_addr_list: sig("i32 i32"),
  port_gateway_set: sig("i32"), port_route_add: sig("i32*4"), port_route_remove: sig("i32"),
  port_route_clear: sig(""), port_route_list: sig("i32 i32"),
  // epoll
  epoll_create: sig("i32"), epoll_ctl: sig("i32*4"), epoll_wait: sig("i32 i32 i32 i64 i32"),
  // dynamic linking, closures, contexts
  dl_invalid_handle: sig("i32"), dlopen: sig("i32*8"), dlsym: sig("i32*6"), call_dynamic: sig("i32*6"),
  closure_prepare: sig("i32*7"), closure_allocate: sig("i32"), closure_free: sig("i32"),
  reflect_signature: sig("i32*6"), context_create: sig("i32 i32"), context_switch: sig("i64"),
  context_destroy: sig("i64"),
  // Wasmer's older bus / http extensions (wasix-libc until 2023; call_close and call_fault have no result)
  bus_open_local: sig("i32*4"), bus_open_remote: sig("i32*8"), bus_close: sig("i32"), bus_call: sig("i32*6"),
  bus_subcall: sig("i64 i32 i32 i32 i32 i32"), bus_poll: sig("i64 i32 i32 i32"), call_reply: sig("i64 i32 i32 i32"),
  call_fault: sig("i64 i32", ""), call_close: sig("i64", ""), ws_connect: sig("i32*3"), http_request: sig("i32*8"),
  http_status: sig("i32 i32"),
};

/**
 * Every import wasock provides, by module then name: what `guestImports()` returns, built in the
 * same order (wasix_32v1 carries the whole preview1 module, WasmEdge's calls included, under
 * WASIX's own).
 */
export const SIGNATURES: Readonly<Record<string, Readonly<Record<string, Signature>>>> = Object.freeze({
  wasi_snapshot_preview1: Object.freeze({ ...PREVIEW1, ...WASMEDGE }),
  wasix_32v1: Object.freeze({ ...PREVIEW1, ...WASMEDGE, ...WASIX }),
});

/**
 * The second type a plain WasmEdge name also takes (its implementation dispatches on how many
 * arguments it gets, as WasmEdge resolves V1/V2 by the declared type). In wasix_32v1 only where
 * WasmEdge's implementation is the one provided (WASIX's sock_accept and sock_recv_from are not).
 */
export const ALTERNATIVES: Readonly<Record<string, Readonly<Record<string, readonly Signature[]>>>> = Object.freeze({
  wasi_snapshot_preview1: Object.freeze(WASMEDGE_OTHER_FORM),
  wasix_32v1: Object.freeze({ sock_getlocaladdr: WASMEDGE_OTHER_FORM.sock_getlocaladdr, sock_getpeeraddr: WASMEDGE_OTHER_FORM.sock_getpeeraddr }),
});

/** Every type wasock accepts for `module.name` (the table's first), or undefined for a name it does not provide. */
export function acceptedSignatures(module: string, name: string): readonly Signature[] | undefined {
  const own = Object.hasOwn(SIGNATURES, module) && Object.hasOwn(SIGNATURES[module]!, name) ? SIGNATURES[module]![name]! : undefined;
  if (own === undefined) return undefined;
  const alt = ALTERNATIVES[module];
  return alt !== undefined && Object.hasOwn(alt, name) ? [own, ...alt[name]!] : [own];
}

/** `(i32, i64) -> i32`, `(i32) -> ()`. */
export function formatSignature(s: { readonly params: readonly string[]; readonly results: readonly string[] }): string {
  const results = s.results.length === 1 ? s.results[0]! : `(${s.results.join(", ")})`;
  return `(${s.params.join(", ")}) -> ${results}`;
}

/** Same parameter and result types, in order. */
export function sameSignature(a: { readonly params: readonly string[]; readonly results: readonly string[] }, b: Signature): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}
