import { answers, sig, waits } from "../signature.js";

/**
 * WasmEdge's socket extension, in module wasi_snapshot_preview1 (WasmEdge's
 * `include/host/wasi/wasifunc.h`; docs/abi.md §2.1–2.2). WasmEdge registers a V1 body under
 * each plain name and a V2 body under `<name>_v2`; a plain name whose V1 and V2 types differ is
 * resolved by the guest's declared type, so it is listed with its V1 type and the V2 type as an
 * alternative (sock_accept, whose V2 is preview1's, the other way round).
 */
export const WASMEDGE = {
  sock_open: answers("i32*3"), sock_open_v2: answers("i32*3"), // af, type, ret_fd
  sock_bind: waits("i32*3"), sock_bind_v2: waits("i32*3"), // fd, addr, port
  sock_connect: waits("i32*3"), sock_connect_v2: waits("i32*3"),
  sock_listen: waits("i32 i32"), sock_listen_v2: waits("i32 i32"), // fd, backlog
  sock_accept: waits("i32*3", "i32", sig("i32 i32")), // V2 (preview1's): fd, fdflags, ret_fd; V1: fd, ret_fd
  sock_accept_v2: waits("i32*3"),
  // fd, ri_data, ri_data_len, addr, ri_flags, [V2: ret_port,] ret_len, ret_roflags
  sock_recv_from: waits("i32*7", "i32", sig("i32*8")), sock_recv_from_v2: waits("i32*8"),
  sock_send_to: waits("i32*7"), sock_send_to_v2: waits("i32*7"), // fd, si_data, si_data_len, addr, port, si_flags, ret_len
  // V1: fd, addr, ret_type, ret_port; V2: fd, addr, ret_port
  sock_getlocaladdr: answers("i32*4", "i32", sig("i32*3")), sock_getpeeraddr: answers("i32*4", "i32", sig("i32*3")),
  sock_getlocaladdr_v2: answers("i32*3"), sock_getpeeraddr_v2: answers("i32*3"),
  sock_getsockopt: answers("i32*5"), sock_setsockopt: answers("i32*5"), // fd, level, name, optval, optlen(_ptr)
  sock_getaddrinfo: waits("i32*8"), // node, node_len, service, service_len, hints, res, max_res, ret_len
};
