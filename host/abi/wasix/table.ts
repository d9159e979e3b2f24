import { answers, nosys, waits } from "../signature.js";

/**
 * WASIX's own functions (module wasix_32v1): wasix-libc `__wasixlibc_real.c` @ 34178a6 (generated
 * from `wasix_v1.witx`; names wasix-libc no longer declares take their last declaration there) and
 * Wasmer's `lib/wasix/src/lib.rs` (`sock_accept` and `thread_spawn` bound to their `_v2` bodies).
 * The namespace also carries every preview1 and WasmEdge name (abi/imports.ts); the preview1
 * socket calls keep their types but for sock_accept, which Wasmer binds to accept_v2.
 *
 * The `nosys` imports link and answer ENOSYS, so a wasix-libc program instantiates though its libc
 * references threads, processes, ttys and the virtual NIC. A call that is `_Noreturn` in wasix-libc
 * (thread_exit, stack_restore, proc_exec, proc_exec2) returns ENOSYS too: the guest then reaches
 * its own `unreachable`, a trap naming the guest, not the host.
 */
export const WASIX = {
  // sockets (docs/abi.md §3.1)
  sock_open: answers("i32*4"), sock_pair: answers("i32*5"), sock_bind: waits("i32 i32"), sock_listen: waits("i32 i32"),
  sock_accept: waits("i32*4"), sock_accept_v2: waits("i32*4"), sock_connect: waits("i32 i32"),
  sock_recv: waits("i32*6"), sock_recv_from: waits("i32*7"), sock_send: waits("i32*5"), sock_send_to: waits("i32*6"),
  sock_send_file: answers("i32 i32 i64 i64 i32"), sock_shutdown: answers("i32 i32"), sock_status: answers("i32 i32"),
  sock_addr_local: answers("i32 i32"), sock_addr_peer: answers("i32 i32"),
  sock_set_opt_flag: answers("i32*3"), sock_get_opt_flag: answers("i32*3"), sock_set_opt_time: answers("i32*3"),
  sock_get_opt_time: answers("i32*3"), sock_set_opt_size: answers("i32 i32 i64"), sock_get_opt_size: answers("i32*3"),
  sock_join_multicast_v4: answers("i32*3"), sock_leave_multicast_v4: answers("i32*3"),
  sock_join_multicast_v6: answers("i32*3"), sock_leave_multicast_v6: answers("i32*3"),
  resolve: waits("i32*6"),
  // clocks, fds, paths, tty, cwd
  clock_time_set: nosys("i32 i64"), fd_dup: nosys("i32 i32"), fd_dup2: nosys("i32*4"), fd_event: nosys("i64 i32 i32"),
  fd_pipe: nosys("i32 i32"), fd_fdflags_get: nosys("i32 i32"), fd_fdflags_set: nosys("i32 i32"),
  path_open2: nosys("i32 i32 i32 i32 i32 i64 i64 i32 i32 i32"), tty_get: nosys("i32"), tty_set: nosys("i32"),
  getcwd: nosys("i32 i32"), chdir: nosys("i32 i32"),
  // signals and callbacks (no result)
  callback_signal: nosys("i32 i32", ""), callback_thread: nosys("i32 i32", ""), callback_reactor: nosys("i32 i32", ""),
  callback_thread_local_destroy: nosys("i32 i32", ""),
  // threads (thread_exit and stack_restore do not return)
  thread_spawn: nosys("i32 i32"), thread_spawn_v2: nosys("i32 i32"), thread_sleep: nosys("i64"), thread_id: nosys("i32"),
  thread_join: nosys("i32"), thread_parallelism: nosys("i32"), thread_signal: nosys("i32 i32"), thread_exit: nosys("i32", ""),
  thread_local_create: nosys("i64 i32"), thread_local_destroy: nosys("i32"), thread_local_set: nosys("i32 i64"),
  thread_local_get: nosys("i32 i32"), futex_wait: nosys("i32*4"), futex_wake: nosys("i32 i32"),
  futex_wake_all: nosys("i32 i32"), stack_checkpoint: nosys("i32 i32"), stack_restore: nosys("i32 i64", ""),
  // processes (proc_exit2 is preview1's exit; proc_exec and proc_exec2 do not return)
  proc_raise_interval: nosys("i32 i64 i32"), proc_fork: nosys("i32 i32"), proc_fork_env: nosys("i32"),
  proc_exit2: answers("i32", ""), proc_exec: nosys("i32*4", ""), proc_exec2: nosys("i32*6", ""), proc_exec3: nosys("i32*9"),
  proc_spawn: nosys("i32*13"), proc_spawn2: nosys("i32*14"), proc_id: nosys("i32"), proc_parent: nosys("i32 i32"),
  proc_join: nosys("i32*3"), proc_signal: nosys("i32 i32"), proc_signals_get: nosys("i32"),
  proc_signals_sizes_get: nosys("i32"), proc_snapshot: nosys(""), getpid: nosys("i32"), process_spawn: nosys("i32*13"),
  // the virtual NIC
  port_bridge: nosys("i32*5"), port_unbridge: nosys(""), port_dhcp_acquire: nosys(""), port_addr_add: nosys("i32"),
  port_addr_remove: nosys("i32"), port_addr_clear: nosys(""), port_mac: nosys("i32"), port_addr_list: nosys("i32 i32"),
  port_gateway_set: nosys("i32"), port_route_add: nosys("i32*4"), port_route_remove: nosys("i32"),
  port_route_clear: nosys(""), port_route_list: nosys("i32 i32"),
  // epoll
  epoll_create: nosys("i32"), epoll_ctl: nosys("i32*4"), epoll_wait: nosys("i32 i32 i32 i64 i32"),
  // dynamic linking, closures, contexts
  dl_invalid_handle: nosys("i32"), dlopen: nosys("i32*8"), dlsym: nosys("i32*6"), call_dynamic: nosys("i32*6"),
  closure_prepare: nosys("i32*7"), closure_allocate: nosys("i32"), closure_free: nosys("i32"),
  reflect_signature: nosys("i32*6"), context_create: nosys("i32 i32"), context_switch: nosys("i64"),
  context_destroy: nosys("i64"),
  // Wasmer's older bus / http extensions (wasix-libc until 2023; call_close and call_fault have no result)
  bus_open_local: nosys("i32*4"), bus_open_remote: nosys("i32*8"), bus_close: nosys("i32"), bus_call: nosys("i32*6"),
  bus_subcall: nosys("i64 i32 i32 i32 i32 i32"), bus_poll: nosys("i64 i32 i32 i32"), call_reply: nosys("i64 i32 i32 i32"),
  call_fault: nosys("i64 i32", ""), call_close: nosys("i64", ""), ws_connect: nosys("i32*3"), http_request: nosys("i32*8"),
  http_status: nosys("i32 i32"),
};
