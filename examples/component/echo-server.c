// echo-server: a WASI 0.2 component that serves TCP with wasi:sockets.
//
//   echo-server [PORT [N]]
//
// Binds 127.0.0.1:PORT (default 0 = any free port), prints
//   echo-server: listening on 127.0.0.1:<port>
// to stdout, and echoes every byte each client sends, up to MAX_CLIENTS clients at once, from one
// wasi:io/poll `poll` loop over the listener's pollable and every connection's input-stream
// pollable. With N, it accepts N connections and exits (code 0) once all N have closed.
//
// An ordinary wasi-libc `main` program: stdout/argv/exit go through wasi_snapshot_preview1,
// which the preview1 command adapter turns into wasi:cli/*; the sockets are called directly
// through the canonical-ABI imports declared in wasi_sockets.h (built by
// scripts/build-component.mjs into examples/echo-server.component.wasm).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_sockets.h"

#define MAX_CLIENTS 64
#define CHUNK 4096 // blocking-write-and-flush takes at most 4096 bytes per call

// The canonical ABI allocates the lists the host returns to us (input-stream.read's bytes,
// poll's indexes) by calling this export. malloc's 16-byte alignment covers every `align`.
__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size; (void)align;
  void *p = realloc(old, new_size);
  if (!p && new_size) abort();
  return p;
}

static const char *const error_names[] = {
  "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
  "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
  "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused",
  "connection-reset", "connection-aborted", "datagram-too-large", "name-unresolvable",
  "temporary-resolver-failure", "permanent-resolver-failure",
};
static const char *error_name(uint8_t code) {
  return code < sizeof error_names / sizeof *error_names ? error_names[code] : "?";
}
static void fail(const char *what, uint8_t code) {
  fprintf(stderr, "echo-server: %s: %s\n", what, error_name(code));
  exit(1);
}

// Wait until the socket's pending operation may have progressed: a one-shot pollable.
static void block_on(wasi_handle socket) {
  wasi_handle p = wasi_tcp_subscribe(socket);
  wasi_pollable_block(p);
  wasi_pollable_drop(p); // a pollable is a child of the socket: drop it first
}

// finish-bind / finish-listen answer would-block until the host is done: wait and retry.
static void finish(const char *what, void (*op)(wasi_handle, wasi_result_void *), wasi_handle socket) {
  for (;;) {
    wasi_result_void r;
    op(socket, &r);
    if (!r.is_err) return;
    if (r.err != ERR_WOULD_BLOCK) fail(what, r.err);
    block_on(socket);
  }
}

static long parse_arg(const char *s, long max, const char *what) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *s == '\0' || *end != '\0' || v < 0 || v > max) {
    fprintf(stderr, "echo-server: bad %s '%s'\nusage: echo-server [PORT [N]]\n", what, s);
    exit(2);
  }
  return v;
}

typedef struct {
  wasi_handle socket, input, output;
  wasi_handle readable; // input.subscribe(), kept for the connection's lifetime
} client_t;

static client_t clients[MAX_CLIENTS];
static int nclients;

// Drop a connection's resources, children before the socket; `open` = false from now on.
static void close_client(client_t *c) {
  wasi_pollable_drop(c->readable);
  wasi_input_stream_drop(c->input);
  wasi_output_stream_drop(c->output);
  wasi_tcp_socket_drop(c->socket);
  c->socket = 0; // handles are never 0: marks the slot free
}

// The stream-error of a failed read/write: drop the error resource it may carry.
static void drop_stream_error(const wasi_stream_error *e) {
  if (e->tag == STREAM_LAST_OPERATION_FAILED) wasi_io_error_drop(e->error);
}

// Echo what the client has sent so far. Returns 0 once the connection is finished
// (peer closed, or an error either way), 1 while it stays open.
static int serve_client(client_t *c) {
  wasi_result_bytes r;
  wasi_input_stream_read(c->input, CHUNK, &r); // non-blocking: our pollable said it is ready
  if (r.is_err) {
    drop_stream_error(&r.val.err); // closed = EOF, the normal end
    return 0;
  }
  int alive = 1;
  if (r.val.ok.len > 0) { // a spurious wake-up reads 0 bytes
    wasi_result_stream_void w;
    wasi_output_stream_blocking_write_and_flush(c->output, r.val.ok.ptr, r.val.ok.len, &w);
    if (w.is_err) {
      drop_stream_error(&w.err);
      alive = 0;
    }
  }
  free(r.val.ok.ptr); // allocated through cabi_realloc
  return alive;
}

// Accept every queued connection (until would-block, MAX_CLIENTS or the N limit).
static void accept_clients(wasi_handle listener, long *accepted, long limit) {
  while (nclients < MAX_CLIENTS && (limit == 0 || *accepted < limit)) {
    wasi_result_accept r;
    wasi_tcp_accept(listener, &r);
    if (r.is_err) {
      if (r.val.err != ERR_WOULD_BLOCK) // e.g. connection-aborted: not fatal for the server
        fprintf(stderr, "echo-server: accept: %s\n", error_name(r.val.err));
      return;
    }
    client_t *c = &clients[nclients++];
    c->socket = r.val.ok.socket;
    c->input = r.val.ok.input;
    c->output = r.val.ok.output;
    c->readable = wasi_input_stream_subscribe(c->input);
    ++*accepted;
  }
}

int main(int argc, char **argv) {
  if (argc > 3) {
    fprintf(stderr, "usage: echo-server [PORT [N]]\n");
    return 2;
  }
  uint16_t port = argc > 1 ? (uint16_t)parse_arg(argv[1], 65535, "port") : 0;
  long limit = argc > 2 ? parse_arg(argv[2], 1L << 30, "connection count") : 0; // 0 = forever

  // Socket, bind 127.0.0.1:port, listen.
  wasi_handle network = wasi_instance_network();
  wasi_result_handle created;
  wasi_create_tcp_socket(FAMILY_IPV4, &created);
  if (created.is_err) fail("create-tcp-socket", created.val.err);
  wasi_handle listener = created.val.ok;

  static const uint8_t loopback[4] = {127, 0, 0, 1};
  wasi_result_void r;
  wasi_tcp_start_bind_ipv4(listener, network, port, loopback, &r);
  if (r.is_err) fail("start-bind", r.err);
  finish("finish-bind", wasi_tcp_finish_bind, listener);
  wasi_tcp_start_listen(listener, &r);
  if (r.is_err) fail("start-listen", r.err);
  finish("finish-listen", wasi_tcp_finish_listen, listener);

  // The real port (PORT 0 lets the host pick one).
  wasi_result_address local;
  wasi_tcp_local_address(listener, &local);
  if (local.is_err) fail("local-address", local.val.err);
  printf("echo-server: listening on 127.0.0.1:%u\n", (unsigned)local.val.ok.val.ipv4.port);
  fflush(stdout);

  // The poll loop. Index i of `list` is the listener (who[i] == -1) or clients[who[i]].
  wasi_handle acceptable = wasi_tcp_subscribe(listener); // ready: a connection is queued
  wasi_handle list[MAX_CLIENTS + 1];
  int who[MAX_CLIENTS + 1];
  long accepted = 0, served = 0;
  while (limit == 0 || served < limit) {
    size_t n = 0;
    if (nclients < MAX_CLIENTS && (limit == 0 || accepted < limit)) {
      who[n] = -1;
      list[n++] = acceptable;
    }
    for (int i = 0; i < nclients; i++) {
      who[n] = i;
      list[n++] = clients[i].readable;
    }

    wasi_list_u32 ready;
    wasi_poll(list, n, &ready); // blocks until at least one is ready
    int listener_ready = 0;
    for (size_t k = 0; k < ready.len; k++) {
      int i = who[ready.ptr[k]];
      if (i < 0) {
        listener_ready = 1;
      } else if (!serve_client(&clients[i])) {
        close_client(&clients[i]);
        served++;
      }
    }
    free(ready.ptr);

    // Compact the client table (closed slots have socket == 0), then take new connections.
    int kept = 0;
    for (int i = 0; i < nclients; i++)
      if (clients[i].socket) clients[kept++] = clients[i];
    nclients = kept;
    if (listener_ready) accept_clients(listener, &accepted, limit);
  }

  printf("echo-server: served %ld connections, exiting\n", served);
  fflush(stdout);
  wasi_pollable_drop(acceptable);
  wasi_tcp_socket_drop(listener);
  wasi_network_drop(network);
  return 0;
}
