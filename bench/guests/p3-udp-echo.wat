;; A UDP echo server over WASI 0.3 (bench/p3-echo.ts): binds 127.0.0.1:PORT (its last argument),
;; then for ever receives one datagram and sends it back to where it came from. Its two calls per
;; datagram are 0.3's async udp-socket.receive and .send: lowered synchronously (the guest blocks
;; in each), or with an argument before the port (`async PORT`) lowered async, as a toolchain
;; lowers them (a subtask each, waited for in a waitable set). Made a component at run time with
;; the WIT beside it (jco-transpile's wasm-tools), as test/guests/p3_rules.wat is.
;; Exits 1 when bind fails, 2 on a receive error, 3 on a send error, 4 without a port argument.
(module
  (import "wasi:sockets/types@0.3.0" "[static]udp-socket.create" (func $create (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.bind"
    (func $bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.receive" (func $receive (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.send"
    (func $send (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  ;; The same two, lowered async (the way a toolchain's guest calls them): each answers a status
  ;; (its low 4 bits: 2 = returned, else started, with the subtask's handle above), its arguments
  ;; in memory (send's 16 flat values are more than an async lower passes flat).
  (import "wasi:sockets/types@0.3.0" "[async-lower][method]udp-socket.receive" (func $receive_async (param i32 i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[async-lower][method]udp-socket.send" (func $send_async (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-new]" (func $set_new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[waitable-set-wait]" (func $wait (param i32 i32) (result i32)))
  (import "$root" "[subtask-drop]" (func $subtask_drop (param i32)))
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
  ;; More than one argument: the async-lowered loop.
  (global $many (mut i32) (i32.const 0))
  (func $fail (param $n i32) (call $exit (local.get $n)) unreachable)

  ;; The last argument as a decimal number.
  (func $port (result i32)
    (local $n i32) (local $s i32) (local $len i32) (local $i i32) (local $v i32)
    (call $args (global.get $ret))
    (local.set $n (i32.load offset=4 (global.get $ret)))
    (if (i32.lt_u (local.get $n) (i32.const 2)) (then (call $fail (i32.const 4))))
    (global.set $many (i32.gt_u (local.get $n) (i32.const 2)))
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

  ;; An async-lowered call's status: when it has not returned yet, wait for its subtask to.
  (global $set (mut i32) (i32.const 0))
  (func $settle (param $status i32)
    (local $sub i32)
    (if (i32.eq (i32.and (local.get $status) (i32.const 15)) (i32.const 2)) (then (return)))
    (local.set $sub (i32.shr_u (local.get $status) (i32.const 4)))
    (call $join (local.get $sub) (global.get $set))
    ;; events until this subtask's says returned (the waitable at 768, its state at 772: 2 = returned)
    (block $done (loop $events
      (drop (call $wait (global.get $set) (i32.const 768)))
      (br_if $done (i32.and (i32.eq (i32.load (i32.const 768)) (local.get $sub)) (i32.eq (i32.load (i32.const 772)) (i32.const 2))))
      (br $events)))
    (call $subtask_drop (local.get $sub)))

  ;; The async-lowered loop: send's arguments at 256 (self 0, list 4/8, option 12, address 16: ipv4 port 20, octets 22).
  (func $serve_async (param $h i32)
    (global.set $set (call $set_new))
    (loop $serve
      (call $settle (call $receive_async (local.get $h) (global.get $ret)))
      (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 2))))
      (i32.store (i32.const 256) (local.get $h))
      (i32.store (i32.const 260) (i32.load offset=4 (global.get $ret)))
      (i32.store (i32.const 264) (i32.load offset=8 (global.get $ret)))
      (i32.store8 (i32.const 268) (i32.const 1))
      (i32.store8 (i32.const 272) (i32.load8_u offset=12 (global.get $ret)))
      (i32.store16 (i32.const 276) (i32.load16_u offset=16 (global.get $ret)))
      (i32.store (i32.const 278) (i32.load offset=18 (global.get $ret)))
      (call $settle (call $send_async (i32.const 256) (i32.const 512)))
      (if (i32.load8_u (i32.const 512)) (then (call $fail (i32.const 3))))
      (br $serve)))

  (func (export "[async-lift-stackful]wasi:cli/run@0.3.0#run")
    (local $h i32) (local $p i32) (local $async i32)
    (local.set $p (call $port))
    (local.set $async (global.get $many))
    (call $create (i32.const 0) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 1))))
    (local.set $h (i32.load offset=4 (global.get $ret)))
    (call $bind (local.get $h) (i32.const 0) (local.get $p) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 1))))
    (global.set $datagram (i32.const 1))
    (if (local.get $async) (then (call $serve_async (local.get $h))))
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
