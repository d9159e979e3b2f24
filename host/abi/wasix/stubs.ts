import { Errno } from "../../core/enums.js";

/**
 * Every other import a guest may take from `wasix_32v1` (wasix-libc's `__wasixlibc_real.c` and
 * `expected/wasm32-wasi/undefined-symbols.txt` @ 34178a6, plus the names older and newer Wasmer
 * `lib.rs` export there). They link and answer ENOSYS, so a wasix-libc program instantiates even
 * though its libc references threads, processes, ttys and the virtual NIC. A call that is
 * `_Noreturn` in wasix-libc (thread_exit, stack_restore, proc_exec, proc_exec2) returns ENOSYS
 * too: the guest then reaches its own `unreachable`, which is a trap naming the guest, not the host.
 */
export const WASIX_UNSUPPORTED = [
  // clocks, fds, paths, tty, cwd
  "clock_time_set", "fd_dup", "fd_dup2", "fd_event", "fd_pipe", "fd_fdflags_get", "fd_fdflags_set",
  "path_open2", "tty_get", "tty_set", "getcwd", "chdir",
  // signals and callbacks
  "callback_signal", "callback_thread", "callback_reactor", "callback_thread_local_destroy",
  // threads
  "thread_spawn", "thread_spawn_v2", "thread_sleep", "thread_id", "thread_join", "thread_parallelism",
  "thread_signal", "thread_exit", "thread_local_create", "thread_local_destroy", "thread_local_set",
  "thread_local_get", "futex_wait", "futex_wake", "futex_wake_all", "stack_checkpoint", "stack_restore",
  // processes
  "proc_raise_interval", "proc_fork", "proc_fork_env", "proc_exec", "proc_exec2",
  "proc_exec3", "proc_spawn", "proc_spawn2", "proc_id", "proc_parent", "proc_join", "proc_signal",
  "proc_signals_get", "proc_signals_sizes_get", "proc_snapshot", "getpid", "process_spawn",
  // the virtual NIC
  "port_bridge", "port_unbridge", "port_dhcp_acquire", "port_addr_add", "port_addr_remove",
  "port_addr_clear", "port_mac", "port_addr_list", "port_gateway_set", "port_route_add",
  "port_route_remove", "port_route_clear", "port_route_list",
  // epoll
  "epoll_create", "epoll_ctl", "epoll_wait",
  // dynamic linking, closures, contexts
  "dl_invalid_handle", "dlopen", "dlsym", "call_dynamic", "closure_prepare", "closure_allocate",
  "closure_free", "reflect_signature", "context_create", "context_switch", "context_destroy",
  // Wasmer's older bus / http extensions
  "bus_open_local", "bus_open_remote", "bus_close", "bus_call", "bus_subcall", "bus_poll",
  "call_reply", "call_fault", "call_close", "ws_connect", "http_request", "http_status",
] as const;

export function wasixStubs(): Record<string, () => number> {
  const out: Record<string, () => number> = {};
  for (const name of WASIX_UNSUPPORTED) out[name] = () => Errno.NOSYS;
  return out;
}
