;; A UDP echo server over WASI 0.3 (bench/p3-echo.ts): binds 127.0.0.1:PORT (its last argument),
;; then for ever receives one datagram and sends it back to where it came from. Its two calls per
;; datagram are 0.3's async udp-socket.receive and .send, lowered synchronously (the guest waits
;; in each: no async intrinsics, which a toolchain writes, not a hand). Made a component at run
;; time with the WIT beside it (jco-transpile's wasm-tools), as test/guests/p3_rules.wat is.
;; Exits 1 when bind fails, 2 on a receive error, 3 on a send error, 4 without a port argument.
(module
  (import "wasi:sockets/types@0.3.0" "[static]udp-socket.create" (func $create (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.bind"
    (func $bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.receive" (func $receive (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.send"
    (func $send (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:cli/environment@0.2.0" "get-arguments" (func $args (param i32)))
  (import "wasi:cli/exit@0.2.0" "exit-with-code" (func $exit (param i32)))
  ;; run's result, for its async (stackful) lift: never returned, the server runs until killed.
  (import "[export]wasi:cli/run@0.3.0" "[task-return]run" (func $task_return (param i32)))

  ;; 0-64 KiB: the arguments and result buffers; 64 KiB on: the one datagram being echoed.
  (memory (export "memory") 3)
  (global $heap (mut i32) (i32.const 4096))
  (global $datagram (mut i32) (i32.const 0))
  ;; A bump allocator for the arguments; once serving, every datagram lands at 64 KiB (one at a time).
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (if (global.get $datagram) (then (return (i32.const 65536))))
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    (local.get $p))

  (global $ret i32 (i32.const 1024))
  (func $fail (param $n i32) (call $exit (local.get $n)) unreachable)

  ;; The last argument as a decimal number.
  (func $port (result i32)
    (local $n i32) (local $s i32) (local $len i32) (local $i i32) (local $v i32)
    (call $args (global.get $ret))
    (local.set $n (i32.load offset=4 (global.get $ret)))
    (if (i32.lt_u (local.get $n) (i32.const 2)) (then (call $fail (i32.const 4))))
    ;; list<string>: (ptr, len) pairs, 8 bytes each
    (local.set $s (i32.add (i32.load (global.get $ret)) (i32.mul (i32.sub (local.get $n) (i32.const 1)) (i32.const 8))))
    (local.set $len (i32.load offset=4 (local.get $s)))
    (local.set $s (i32.load (local.get $s)))
    (block $done (loop $digits
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10))
        (i32.sub (i32.load8_u (i32.add (local.get $s) (local.get $i))) (i32.const 48))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $digits)))
    (local.get $v))

  (func (export "[async-lift-stackful]wasi:cli/run@0.3.0#run")
    (local $h i32) (local $p i32)
    (local.set $p (call $port))
    (call $create (i32.const 0) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 1))))
    (local.set $h (i32.load offset=4 (global.get $ret)))
    (call $bind (local.get $h) (i32.const 0) (local.get $p) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 1))))
    (global.set $datagram (i32.const 1))
    (loop $serve
      ;; result<tuple<list<u8>, ip-socket-address>, error-code>: list at 4, address at 12 (ipv4: port at 16, octets at 18)
      (call $receive (local.get $h) (global.get $ret))
      (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 2))))
      (call $send (local.get $h) (i32.load offset=4 (global.get $ret)) (i32.load offset=8 (global.get $ret))
        (i32.const 1) (i32.load8_u offset=12 (global.get $ret)) (i32.load16_u offset=16 (global.get $ret))
        (i32.load8_u offset=18 (global.get $ret)) (i32.load8_u offset=19 (global.get $ret))
        (i32.load8_u offset=20 (global.get $ret)) (i32.load8_u offset=21 (global.get $ret))
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
        (i32.const 512))
      (if (i32.load8_u (i32.const 512)) (then (call $fail (i32.const 3))))
      (br $serve))
    (call $task_return (i32.const 0)))
)
