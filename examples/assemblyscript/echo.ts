// echo.ts — a blocking echo server in AssemblyScript, one client at a time.
//
//   wasock run --listen 127.0.0.1:7000 examples/as-echo.wasm
//
// No WASI library: the preview1 imports are declared right here, and the
// only imports of the module are these (checked by scripts/build-examples.sh).
// Memory is static (memory.data), so no allocator or GC is involved; the
// runtime's `abort` is replaced (asconfig.json: --use abort=...) by wasiAbort
// below, which reports through fd_write and exits through proc_exit.

@external("wasi_snapshot_preview1", "sock_accept")
declare function sock_accept(fd: u32, flags: u32, retFd: usize): u32;
@external("wasi_snapshot_preview1", "sock_recv")
declare function sock_recv(fd: u32, iovs: usize, iovsLen: u32, riFlags: u32, retLen: usize, retRoFlags: usize): u32;
@external("wasi_snapshot_preview1", "sock_send")
declare function sock_send(fd: u32, iovs: usize, iovsLen: u32, siFlags: u32, retLen: usize): u32;
@external("wasi_snapshot_preview1", "fd_close")
declare function fd_close(fd: u32): u32;
@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLen: u32, retLen: usize): u32;
@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: u32): void;

const LISTEN_FD: u32 = 3; // the first pre-opened listener
const STDERR: u32 = 2;
const ERRNO_INTR: u32 = 27;
const ERRNO_CONNABORTED: u32 = 13;

const BUF_LEN: u32 = 16384;
const BUF = memory.data(16384);  // received bytes
const IOV = memory.data(8, 4);   // one (c)iovec: buf u32 @0, buf_len u32 @4
const RET = memory.data(8, 4);   // u32 result @0, u16 roflags @4
const TEXT = memory.data(128);   // log line scratch

// ---- stderr logging without strings on the heap ----

function logLine(msg: string, code: i32 = -1): void {
  let len: u32 = 0;
  for (let i = 0; i < msg.length && len < 100; i++) store<u8>(TEXT + len++, <u8>msg.charCodeAt(i));
  if (code >= 0) {
    // decimal digits of `code`, written right to left
    let digits: u32 = 1;
    for (let v = code; v >= 10; v /= 10) digits++;
    store<u8>(TEXT + len++, 0x20);
    for (let v = code, i = digits; i > 0; i--, v /= 10) store<u8>(TEXT + len + i - 1, <u8>(0x30 + v % 10));
    len += digits;
  }
  store<u8>(TEXT + len++, 0x0a);
  store<u32>(IOV, <u32>TEXT);
  store<u32>(IOV, len, 4);
  fd_write(STDERR, IOV, 1, RET);
}

// Replaces the runtime's env.abort import (see asconfig.json).
function wasiAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  logLine("as-echo: abort at line", <i32>line);
  if (message !== null) logLine(message);
  proc_exit(134);
}

// ---- the server ----

// Send buf[0..len) completely. Returns 0 or the errno of the failed send.
function sendAll(fd: u32, len: u32): u32 {
  let off: u32 = 0;
  while (off < len) {
    store<u32>(IOV, <u32>BUF + off);
    store<u32>(IOV, len - off, 4);
    const err = sock_send(fd, IOV, 1, 0, RET);
    if (err == ERRNO_INTR) continue;
    if (err != 0) return err;
    off += load<u32>(RET);
  }
  return 0;
}

// Echo until the client stops sending (recv → 0 bytes) or the socket fails.
function serve(fd: u32): void {
  while (true) {
    store<u32>(IOV, <u32>BUF);
    store<u32>(IOV, BUF_LEN, 4);
    const err = sock_recv(fd, IOV, 1, 0, RET, RET + 4);
    if (err == ERRNO_INTR) continue;
    if (err != 0) {
      logLine("as-echo: recv errno", <i32>err);
      return;
    }
    const n = load<u32>(RET);
    if (n == 0) return; // EOF
    const serr = sendAll(fd, n);
    if (serr != 0) {
      logLine("as-echo: send errno", <i32>serr);
      return;
    }
  }
}

export function _start(): void {
  logLine("as-echo: waiting for clients on fd", <i32>LISTEN_FD);
  while (true) {
    const err = sock_accept(LISTEN_FD, 0, RET);
    if (err == ERRNO_INTR || err == ERRNO_CONNABORTED) continue;
    if (err != 0) {
      logLine("as-echo: accept errno", <i32>err);
      proc_exit(1);
    }
    const fd = load<u32>(RET);
    serve(fd);
    fd_close(fd);
  }
}
