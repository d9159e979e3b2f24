;; A TCP echo server over WASI 0.3 (bench/p3-echo.ts): binds 127.0.0.1:PORT (its last argument),
;; listens, and serves one connection at a time: receive() gives the peer's bytes as a stream<u8>,
;; send() takes a stream<u8> this guest makes (stream.new) and writes, and every byte read from the
;; one is written to the other with async stream.read/stream.write, waiting in a waitable set when
;; a copy blocks, until the peer's end of stream; then the send stream is dropped (the host sends
;; a FIN), send's future read, and the connection dropped. Made a component at run time with the
;; WIT beside it (jco-transpile's wasm-tools), as p3-udp-echo.wat is.
;; Exits 1 when bind or listen fails, 2 when the accept stream ends, 4 without a port argument.
(module
  (import "wasi:sockets/types@0.3.0" "[static]tcp-socket.create" (func $create (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.bind"
    (func $bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.listen" (func $listen (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.receive" (func $receive (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.send" (func $send (param i32 i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[resource-drop]tcp-socket" (func $socket_drop (param i32)))
  ;; The streams and futures, numbered per function in the order its type names them.
  ;; listen: 0 the accept stream<tcp-socket>.
  (import "wasi:sockets/types@0.3.0" "[async-lower][stream-read-0][method]tcp-socket.listen" (func $accept_read (param i32 i32 i32) (result i32)))
  ;; receive: 0 the stream<u8>, 1 the future.
  (import "wasi:sockets/types@0.3.0" "[async-lower][stream-read-0][method]tcp-socket.receive" (func $in_read (param i32 i32 i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[stream-drop-readable-0][method]tcp-socket.receive" (func $in_drop (param i32)))
  (import "wasi:sockets/types@0.3.0" "[future-drop-readable-1][method]tcp-socket.receive" (func $in_future_drop (param i32)))
  ;; send: 0 the stream<u8> argument, 1 the future it answers.
  (import "wasi:sockets/types@0.3.0" "[stream-new-0][method]tcp-socket.send" (func $out_new (result i64)))
  (import "wasi:sockets/types@0.3.0" "[async-lower][stream-write-0][method]tcp-socket.send" (func $out_write (param i32 i32 i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[stream-drop-writable-0][method]tcp-socket.send" (func $out_drop (param i32)))
  (import "wasi:sockets/types@0.3.0" "[async-lower][future-read-1][method]tcp-socket.send" (func $sent_read (param i32 i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[future-drop-readable-1][method]tcp-socket.send" (func $sent_drop (param i32)))
  (import "$root" "[waitable-set-new]" (func $set_new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[waitable-set-wait]" (func $wait (param i32 i32) (result i32)))
  (import "wasi:cli/environment@0.2.0" "get-arguments" (func $args (param i32)))
  (import "wasi:cli/exit@0.2.0" "exit-with-code" (func $exit (param i32)))
  (import "[export]wasi:cli/run@0.3.0" "[task-return]run" (func $task_return (param i32)))

  ;; 0-64 KiB: arguments and results; 64-128 KiB: the bytes being echoed.
  (memory (export "memory") 3)
  (global $heap (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    ;; the arguments' strings fit far below 64 KiB; anything else starts over (it is read at once)
    (if (i32.gt_u (global.get $heap) (i32.const 60000)) (then (global.set $heap (i32.const 4096))))
    (local.get $p))

  (global $ret i32 (i32.const 1024))
  (global $buf i32 (i32.const 65536))
  (global $size i32 (i32.const 65536))
  (global $set (mut i32) (i32.const 0))
  (func $fail (param $n i32) (call $exit (local.get $n)) unreachable)

  ;; The last argument as a decimal number.
  (func $port (result i32)
    (local $n i32) (local $s i32) (local $len i32) (local $i i32) (local $v i32)
    (call $args (global.get $ret))
    (local.set $n (i32.load offset=4 (global.get $ret)))
    (if (i32.lt_u (local.get $n) (i32.const 2)) (then (call $fail (i32.const 4))))
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

  ;; A copy's result: when it blocked (-1), wait for the event of its stream or future end $h, whose
  ;; payload is the result. Events land at 768: the waitable at 768, its payload at 772.
  (func $settle (param $h i32) (param $r i32) (result i32)
    (if (i32.ne (local.get $r) (i32.const -1)) (then (return (local.get $r))))
    (call $join (local.get $h) (global.get $set))
    (block $done (loop $events
      (drop (call $wait (global.get $set) (i32.const 768)))
      (br_if $done (i32.eq (i32.load (i32.const 768)) (local.get $h)))
      (br $events)))
    (call $join (local.get $h) (i32.const 0))
    (i32.load (i32.const 772)))

  ;; Everything of one connection echoed back, then a FIN; errors end the connection, not the server.
  (func $serve (param $c i32)
    (local $in i32) (local $in_future i32) (local $ends i64) (local $out i32) (local $sent i32)
    (local $r i32) (local $n i32) (local $off i32) (local $w i32)
    (call $receive (local.get $c) (global.get $ret))
    (local.set $in (i32.load (global.get $ret)))
    (local.set $in_future (i32.load offset=4 (global.get $ret)))
    ;; stream.new: the readable end in the low 32 bits (given to send), the writable end above.
    (local.set $ends (call $out_new))
    (local.set $out (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
    (local.set $sent (call $send (local.get $c) (i32.wrap_i64 (local.get $ends))))
    (block $eof (loop $copy
      (local.set $r (call $settle (local.get $in) (call $in_read (local.get $in) (global.get $buf) (global.get $size))))
      (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
      (local.set $off (i32.const 0))
      (block $written (loop $write
        (br_if $written (i32.ge_u (local.get $off) (local.get $n)))
        (local.set $w (call $settle (local.get $out)
          (call $out_write (local.get $out) (i32.add (global.get $buf) (local.get $off)) (i32.sub (local.get $n) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.shr_u (local.get $w) (i32.const 4))))
        ;; the reader (send) went away: nothing more to write
        (br_if $eof (i32.ne (i32.and (local.get $w) (i32.const 15)) (i32.const 0)))
        (br $write)))
      ;; 0 COMPLETED: read on; 1 DROPPED (end of stream) or 2 CANCELLED: done
      (br_if $eof (i32.ne (i32.and (local.get $r) (i32.const 15)) (i32.const 0)))
      (br $copy)))
    (call $out_drop (local.get $out))
    ;; send's future: its result<_, error-code> once everything was sent and the FIN with it
    (drop (call $settle (local.get $sent) (call $sent_read (local.get $sent) (global.get $ret))))
    (call $sent_drop (local.get $sent))
    (call $in_drop (local.get $in))
    (call $in_future_drop (local.get $in_future))
    (call $socket_drop (local.get $c)))

  (func (export "[async-lift-stackful]wasi:cli/run@0.3.0#run")
    (local $h i32) (local $p i32) (local $accept i32) (local $r i32)
    (local.set $p (call $port))
    (global.set $set (call $set_new))
    (call $create (i32.const 0) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 1))))
    (local.set $h (i32.load offset=4 (global.get $ret)))
    (call $bind (local.get $h) (i32.const 0) (local.get $p) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 1))))
    (call $listen (local.get $h) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (call $fail (i32.const 1))))
    (local.set $accept (i32.load offset=4 (global.get $ret)))
    (loop $connections
      ;; one accepted tcp-socket (its handle at 512), or the listener's end
      (local.set $r (call $settle (local.get $accept) (call $accept_read (local.get $accept) (i32.const 512) (i32.const 1))))
      (if (i32.ne (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 1)) (then (call $fail (i32.const 2))))
      (call $serve (i32.load (i32.const 512)))
      (br $connections))
    (call $task_return (i32.const 0)))
)
