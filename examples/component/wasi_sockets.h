// Hand-written canonical-ABI imports of the WASI 0.2 interfaces echo-server.c uses:
// wasi:sockets/{instance-network,network,tcp-create-socket,tcp}, wasi:io/{poll,streams,error}.
//
// No wit-bindgen: each import is a plain C declaration whose core-wasm signature is what the
// component model's canonical ABI "lowers" the WIT function to. The rules used here:
//  * a resource handle (own<T> or borrow<T>, also the implicit `self` of a [method]) is one i32;
//    handles start at 1, so 0 never names a resource;
//  * enums and bools are one i32 parameter; u16/u8 widen to i32; u64 is i64;
//  * list<T> is two i32s (pointer, length);
//  * a variant is flattened to its discriminant plus the element-wise "join" of its cases;
//  * at most 16 flat parameters; a result that flattens to more than 1 value (every result<..>,
//    every list) is returned through a pointer the caller passes as an extra last parameter,
//    where the host stores it in its memory layout (natural C alignment, shown by the structs);
//  * lists the host returns are allocated in our memory through our exported cabi_realloc;
//  * every own<T> we receive must be given back with "[resource-drop]T", children (pollables,
//    streams) before the socket they came from.
//
// The version must match the WIT the component is built against: jco 1.35's bundled WIT and its
// preview1 adapter use WASI 0.2.12 (hosts match interfaces by unversioned name anyway).
#ifndef WASI_SOCKETS_H
#define WASI_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#define WASI_V "@0.2.12"
#define WASI_IMPORT(iface, name) __attribute__((import_module(iface WASI_V), import_name(name)))

typedef int32_t wasi_handle; // any resource handle

// ---- wasi:sockets/network: enum error-code (21 cases → stored as one byte) ----
enum {
  ERR_UNKNOWN, ERR_ACCESS_DENIED, ERR_NOT_SUPPORTED, ERR_INVALID_ARGUMENT, ERR_OUT_OF_MEMORY,
  ERR_TIMEOUT, ERR_CONCURRENCY_CONFLICT, ERR_NOT_IN_PROGRESS, ERR_WOULD_BLOCK, ERR_INVALID_STATE,
  ERR_NEW_SOCKET_LIMIT, ERR_ADDRESS_NOT_BINDABLE, ERR_ADDRESS_IN_USE, ERR_REMOTE_UNREACHABLE,
  ERR_CONNECTION_REFUSED, ERR_CONNECTION_RESET, ERR_CONNECTION_ABORTED, ERR_DATAGRAM_TOO_LARGE,
  ERR_NAME_UNRESOLVABLE, ERR_TEMPORARY_RESOLVER_FAILURE, ERR_PERMANENT_RESOLVER_FAILURE,
};
enum { FAMILY_IPV4 = 0, FAMILY_IPV6 = 1 }; // enum ip-address-family

// variant ip-socket-address { ipv4(ipv4-socket-address), ipv6(ipv6-socket-address) }
// memory layout: tag byte, payload at offset 4 (the ipv6 record has u32 fields); 32 bytes.
typedef struct {
  uint8_t tag; // FAMILY_IPV4 / FAMILY_IPV6
  union {
    struct { uint16_t port; uint8_t address[4]; } ipv4; // record ipv4-socket-address
    struct { uint16_t port; uint32_t flow_info; uint16_t address[8]; uint32_t scope_id; } ipv6;
  } val;
} wasi_ip_socket_address;

// ---- result return areas (the layout the host writes at the return pointer) ----
// result<_, error-code>: tag byte, error-code byte.
typedef struct { uint8_t is_err; uint8_t err; } wasi_result_void;
// result<own<T>, error-code>: tag byte, payload at offset 4.
typedef struct { uint8_t is_err; union { wasi_handle ok; uint8_t err; } val; } wasi_result_handle;
// result<tuple<tcp-socket, input-stream, output-stream>, error-code>
typedef struct {
  uint8_t is_err;
  union { struct { wasi_handle socket, input, output; } ok; uint8_t err; } val;
} wasi_result_accept;
// result<ip-socket-address, error-code>
typedef struct { uint8_t is_err; union { wasi_ip_socket_address ok; uint8_t err; } val; } wasi_result_address;

// wasi:io/streams: variant stream-error { last-operation-failed(own<error>), closed }
enum { STREAM_LAST_OPERATION_FAILED = 0, STREAM_CLOSED = 1 };
typedef struct { uint8_t tag; wasi_handle error; /* valid for LAST_OPERATION_FAILED */ } wasi_stream_error;
// result<list<u8>, stream-error>: the list is (ptr, len) at offset 4; we must free(ptr).
typedef struct {
  uint8_t is_err;
  union { struct { uint8_t *ptr; size_t len; } ok; wasi_stream_error err; } val;
} wasi_result_bytes;
// result<_, stream-error>
typedef struct { uint8_t is_err; wasi_stream_error err; } wasi_result_stream_void;
// list<u32> returned by poll: (ptr, len); we must free(ptr).
typedef struct { uint32_t *ptr; size_t len; } wasi_list_u32;

_Static_assert(sizeof(wasi_ip_socket_address) == 32, "ip-socket-address layout");
_Static_assert(offsetof(wasi_result_address, val) == 4 && sizeof(wasi_result_address) == 36, "layout");
_Static_assert(offsetof(wasi_result_accept, val) == 4 && sizeof(wasi_result_accept) == 16, "layout");
_Static_assert(offsetof(wasi_result_bytes, val) == 4 && sizeof(wasi_result_bytes) == 12, "layout");
_Static_assert(offsetof(wasi_result_stream_void, err) == 4 && sizeof(wasi_result_stream_void) == 12, "layout");

// ---- wasi:sockets/instance-network ----
// instance-network: func() -> network            flat: () -> i32 (own<network>)
WASI_IMPORT("wasi:sockets/instance-network", "instance-network")
wasi_handle wasi_instance_network(void);

// ---- wasi:sockets/network ----
WASI_IMPORT("wasi:sockets/network", "[resource-drop]network")
void wasi_network_drop(wasi_handle network);

// ---- wasi:sockets/tcp-create-socket ----
// create-tcp-socket: func(address-family: ip-address-family) -> result<tcp-socket, error-code>
//   flat: (i32 family, i32 retptr) -> ()
WASI_IMPORT("wasi:sockets/tcp-create-socket", "create-tcp-socket")
void wasi_create_tcp_socket(int32_t family, wasi_result_handle *ret);

// ---- wasi:sockets/tcp, resource tcp-socket ----
// start-bind: func(network: borrow<network>, local-address: ip-socket-address) -> result<_, error-code>
//   flat: (i32 self, i32 network, 12 × i32 address, i32 retptr) -> (); the address variant is
//   [tag, port, then 10 slots]: ipv4 fills address bytes a0..a3 and leaves the rest 0;
//   ipv6 would be [1, port, flow-info, 8 × u16 address, scope-id]. 15 parameters in all.
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-bind")
void wasi_tcp_start_bind(wasi_handle self, wasi_handle network, int32_t tag, int32_t port,
                         int32_t s0, int32_t s1, int32_t s2, int32_t s3, int32_t s4,
                         int32_t s5, int32_t s6, int32_t s7, int32_t s8, int32_t s9,
                         wasi_result_void *ret);
static inline void wasi_tcp_start_bind_ipv4(wasi_handle self, wasi_handle network, uint16_t port,
                                            const uint8_t ip[4], wasi_result_void *ret) {
  wasi_tcp_start_bind(self, network, FAMILY_IPV4, port, ip[0], ip[1], ip[2], ip[3], 0, 0, 0, 0, 0, 0, ret);
}
// finish-bind / start-listen / finish-listen: func() -> result<_, error-code>
//   flat: (i32 self, i32 retptr) -> ()
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-bind")
void wasi_tcp_finish_bind(wasi_handle self, wasi_result_void *ret);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.start-listen")
void wasi_tcp_start_listen(wasi_handle self, wasi_result_void *ret);
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.finish-listen")
void wasi_tcp_finish_listen(wasi_handle self, wasi_result_void *ret);
// accept: func() -> result<tuple<tcp-socket, input-stream, output-stream>, error-code>
//   flat: (i32 self, i32 retptr) -> ()
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.accept")
void wasi_tcp_accept(wasi_handle self, wasi_result_accept *ret);
// local-address: func() -> result<ip-socket-address, error-code>      flat: (i32 self, i32 retptr)
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.local-address")
void wasi_tcp_local_address(wasi_handle self, wasi_result_address *ret);
// subscribe: func() -> pollable                                   flat: (i32 self) -> i32
WASI_IMPORT("wasi:sockets/tcp", "[method]tcp-socket.subscribe")
wasi_handle wasi_tcp_subscribe(wasi_handle self);
WASI_IMPORT("wasi:sockets/tcp", "[resource-drop]tcp-socket")
void wasi_tcp_socket_drop(wasi_handle socket);

// ---- wasi:io/poll ----
// poll: func(in: list<borrow<pollable>>) -> list<u32>
//   flat: (i32 ptr, i32 len, i32 retptr) -> (); returns the indexes (into `in`) of ready pollables
WASI_IMPORT("wasi:io/poll", "poll")
void wasi_poll(const wasi_handle *pollables, size_t len, wasi_list_u32 *ret);
// [method]pollable.block: func()                                   flat: (i32 self) -> ()
WASI_IMPORT("wasi:io/poll", "[method]pollable.block")
void wasi_pollable_block(wasi_handle self);
WASI_IMPORT("wasi:io/poll", "[resource-drop]pollable")
void wasi_pollable_drop(wasi_handle pollable);

// ---- wasi:io/streams ----
// [method]input-stream.read: func(len: u64) -> result<list<u8>, stream-error>
//   flat: (i32 self, i64 len, i32 retptr) -> (); non-blocking, may return 0 bytes
WASI_IMPORT("wasi:io/streams", "[method]input-stream.read")
void wasi_input_stream_read(wasi_handle self, int64_t len, wasi_result_bytes *ret);
// [method]input-stream.blocking-read: func(len: u64) -> result<list<u8>, stream-error>
//   flat: as read; waits until at least one byte (or EOF, or an error) is there
WASI_IMPORT("wasi:io/streams", "[method]input-stream.blocking-read")
void wasi_input_stream_blocking_read(wasi_handle self, int64_t len, wasi_result_bytes *ret);
// [method]input-stream.subscribe: func() -> pollable (ready: data, EOF or error)   flat: (i32) -> i32
WASI_IMPORT("wasi:io/streams", "[method]input-stream.subscribe")
wasi_handle wasi_input_stream_subscribe(wasi_handle self);
// [method]output-stream.blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>
//   flat: (i32 self, i32 ptr, i32 len, i32 retptr) -> (); at most 4096 bytes per call (WIT contract)
WASI_IMPORT("wasi:io/streams", "[method]output-stream.blocking-write-and-flush")
void wasi_output_stream_blocking_write_and_flush(wasi_handle self, const uint8_t *ptr, size_t len,
                                                 wasi_result_stream_void *ret);
WASI_IMPORT("wasi:io/streams", "[resource-drop]input-stream")
void wasi_input_stream_drop(wasi_handle stream);
WASI_IMPORT("wasi:io/streams", "[resource-drop]output-stream")
void wasi_output_stream_drop(wasi_handle stream);

// ---- wasi:io/error ---- (the own<error> inside stream-error.last-operation-failed)
WASI_IMPORT("wasi:io/error", "[resource-drop]error")
void wasi_io_error_drop(wasi_handle error);

#endif
