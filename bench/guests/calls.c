// calls: what one blocking wasi:sockets call costs a WASI 0.2 component when it need not wait.
//
// Binds 127.0.0.1:0, prints "calls: listening on 127.0.0.1:<port>", accepts one connection, then
// times two runs of N (20000) calls on it, each call one byte:
//   1. output-stream.blocking-write-and-flush — the client reads as the bytes come;
//   2. input-stream.blocking-read — of N bytes the client sent in one write once it had all of
//      run 1's; the first read waits for them, then a 200 ms sleep lets all of them arrive, and
//      the next N - 1 reads (timed) find their byte already there.
// and prints "calls: write <ns> ns, read <ns> ns per call (N calls)" before it exits 0. Every
// call returns at once: what is timed is the host's cost of a call, not the network's.
//
// Built like examples/component/echo-server.c (bench/build-guests.sh → scripts/build-component.mjs).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "wasi_sockets.h"

#define CALLS 20000

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size; (void)align;
  void *p = realloc(old, new_size);
  if (!p && new_size) abort();
  return p;
}

static void fail(const char *what, int code) {
  fprintf(stderr, "calls: %s failed (%d)\n", what, code);
  exit(1);
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void block_on(wasi_handle socket) {
  wasi_handle p = wasi_tcp_subscribe(socket);
  wasi_pollable_block(p);
  wasi_pollable_drop(p);
}

static void finish(const char *what, void (*op)(wasi_handle, wasi_result_void *), wasi_handle socket) {
  for (;;) {
    wasi_result_void r;
    op(socket, &r);
    if (!r.is_err) return;
    if (r.err != ERR_WOULD_BLOCK) fail(what, r.err);
    block_on(socket);
  }
}

// One blocking-read of a byte; fails unless it got exactly one.
static void read_one(wasi_handle input) {
  wasi_result_bytes r;
  wasi_input_stream_blocking_read(input, 1, &r);
  if (r.is_err) fail("blocking-read", r.val.err.tag);
  if (r.val.ok.len != 1) fail("blocking-read length", (int)r.val.ok.len);
  free(r.val.ok.ptr);
}

// main(void) would not do: built that way, the component prints nothing to stdout, under wasock
// and preview2-shim alike (wasi-libc's no-arguments start-up with jco 1.35's preview1 adapter).
int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  const long n = CALLS;

  wasi_handle network = wasi_instance_network();
  wasi_result_handle created;
  wasi_create_tcp_socket(FAMILY_IPV4, &created);
  if (created.is_err) fail("create-tcp-socket", created.val.err);
  wasi_handle listener = created.val.ok;
  static const uint8_t loopback[4] = {127, 0, 0, 1};
  wasi_result_void r;
  wasi_tcp_start_bind_ipv4(listener, network, 0, loopback, &r);
  if (r.is_err) fail("start-bind", r.err);
  finish("finish-bind", wasi_tcp_finish_bind, listener);
  wasi_tcp_start_listen(listener, &r);
  if (r.is_err) fail("start-listen", r.err);
  finish("finish-listen", wasi_tcp_finish_listen, listener);
  wasi_result_address local;
  wasi_tcp_local_address(listener, &local);
  if (local.is_err) fail("local-address", local.val.err);
  printf("calls: listening on 127.0.0.1:%u\n", (unsigned)local.val.ok.val.ipv4.port);
  fflush(stdout);

  wasi_result_accept a;
  for (;;) {
    wasi_tcp_accept(listener, &a);
    if (!a.is_err) break;
    if (a.val.err != ERR_WOULD_BLOCK) fail("accept", a.val.err);
    block_on(listener);
  }

  static const uint8_t byte = 'x';
  double t0 = now_ns();
  for (long i = 0; i < n; i++) {
    wasi_result_stream_void w;
    wasi_output_stream_blocking_write_and_flush(a.val.ok.output, &byte, 1, &w);
    if (w.is_err) fail("blocking-write-and-flush", w.err.tag);
  }
  double write_ns = (now_ns() - t0) / n;

  read_one(a.val.ok.input); // waits for the client's N bytes
  usleep(200000);           // ... and lets all of them arrive
  t0 = now_ns();
  for (long i = 1; i < n; i++) read_one(a.val.ok.input);
  double read_ns = (now_ns() - t0) / (n - 1);

  printf("calls: write %.0f ns, read %.0f ns per call (%ld calls)\n", write_ns, read_ns, n);
  fflush(stdout);
  wasi_input_stream_drop(a.val.ok.input);
  wasi_output_stream_drop(a.val.ok.output);
  wasi_tcp_socket_drop(a.val.ok.socket);
  wasi_tcp_socket_drop(listener);
  wasi_network_drop(network);
  return 0;
}
