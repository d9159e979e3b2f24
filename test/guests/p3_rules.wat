;; WASI 0.3's own state rules, asserted from inside a component (built with the WIT beside it by
;; test/conformance/p3-rules.test.ts through jco-transpile's wasm-tools: no Rust wasip3 toolchain
;; here). Each check that fails exits with its number (exit-with-code); all passing, run is ok.
;; send's and receive's outcomes are futures: read with the async ABI's future.read, waited for
;; in a waitable set when the read blocks (run is 0.3's async export, lifted stackful; it returns
;; without task.return: jco 0.15 resolves a stackful task when its function returns, and a
;; task.return before that is a second resolve it refuses).
(module
  (import "wasi:sockets/types@0.3.0" "[static]tcp-socket.create" (func $tcp_create (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.bind"
    (func $tcp_bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.listen" (func $tcp_listen (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.get-local-address" (func $tcp_local (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.get-is-listening" (func $tcp_is_listening (param i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[static]udp-socket.create" (func $udp_create (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.bind"
    (func $udp_bind (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.connect"
    (func $udp_connect (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.disconnect" (func $udp_disconnect (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]udp-socket.get-local-address" (func $udp_local (param i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.connect"
    (func $tcp_connect (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.send" (func $tcp_send (param i32 i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[method]tcp-socket.receive" (func $tcp_receive (param i32 i32)))
  ;; Streams and futures are numbered per function in the order its type names them: send's
  ;; stream<u8> 0 and future 1; receive's stream<u8> 0 and future 1.
  (import "wasi:sockets/types@0.3.0" "[stream-new-0][method]tcp-socket.send" (func $stream_new (result i64)))
  (import "wasi:sockets/types@0.3.0" "[stream-drop-writable-0][method]tcp-socket.send" (func $stream_end (param i32)))
  (import "wasi:sockets/types@0.3.0" "[async-lower][future-read-1][method]tcp-socket.send" (func $sent_read (param i32 i32) (result i32)))
  (import "wasi:sockets/types@0.3.0" "[async-lower][future-read-1][method]tcp-socket.receive" (func $received_read (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-new]" (func $set_new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[waitable-set-wait]" (func $wait (param i32 i32) (result i32)))
  (import "wasi:cli/exit@0.2.0" "exit-with-code" (func $exit (param i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  ;; A bump allocator: an `other(string)` error is the only thing the host could hand back.
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    (local.get $p))

  ;; The result buffer (result<T, error-code>: discriminant at 0, payload at 4).
  (global $ret i32 (i32.const 1024))
  (func $is_ok (result i32) (i32.eqz (i32.load8_u (global.get $ret))))
  ;; The error-code case of an `err` result (invalid-state is 5 in the WIT's order).
  (func $err (result i32) (i32.load8_u (i32.add (global.get $ret) (i32.const 4))))
  (func $payload (result i32) (i32.load (i32.add (global.get $ret) (i32.const 4))))
  (func $fail (param $n i32) (call $exit (local.get $n)) unreachable)
  (func $expect_ok (param $n i32) (if (i32.eqz (call $is_ok)) (then (call $fail (local.get $n)))))
  (func $expect_invalid_state (param $n i32)
    (if (call $is_ok) (then (call $fail (local.get $n))))
    (if (i32.ne (call $err) (i32.const 5)) (then (call $fail (i32.add (local.get $n) (i32.const 100))))))

  ;; bind(127.0.0.1:0): ipv4 (0), port 0, address 127.0.0.1, the rest of the flat variant unused.
  (func $bind_loopback (param $bind i32) (param $h i32)
    (if (local.get $bind)
      (then (call $tcp_bind (local.get $h) (i32.const 0) (i32.const 0) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (global.get $ret)))
      (else (call $udp_bind (local.get $h) (i32.const 0) (i32.const 0) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
        (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (global.get $ret)))))

  ;; A future's result<_, error-code> read into $ret: when the read blocks (-1), wait for its event
  ;; (the waitable at 768, the payload at 772).
  (func $future (param $f i32) (param $r i32)
    (local $set i32)
    (if (i32.ne (local.get $r) (i32.const -1)) (then (return)))
    (local.set $set (call $set_new))
    (call $join (local.get $f) (local.get $set))
    (block $done (loop $events
      (drop (call $wait (local.get $set) (i32.const 768)))
      (br_if $done (i32.eq (i32.load (i32.const 768)) (local.get $f)))
      (br $events))))
  (func $sent (param $f i32) (call $future (local.get $f) (call $sent_read (local.get $f) (global.get $ret))))
  (func $received (param $f i32) (call $future (local.get $f) (call $received_read (local.get $f) (global.get $ret))))
  ;; send(a new stream's readable end) on $s: that stream's writable end, and send's future.
  (func $send (param $s i32) (result i32 i32)
    (local $ends i64)
    (local.set $ends (call $stream_new))
    (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32)))
    (call $tcp_send (local.get $s) (i32.wrap_i64 (local.get $ends))))

  (func (export "[async-lift-stackful]wasi:cli/run@0.3.0#run")
    (local $t i32) (local $u i32) (local $b i32) (local $port i32) (local $c i32) (local $w i32) (local $f i32)
    ;; 1: a TCP socket; 2: it has no local address yet.
    (call $tcp_create (i32.const 0) (global.get $ret))
    (call $expect_ok (i32.const 1))
    (local.set $t (call $payload))
    (call $tcp_local (local.get $t) (global.get $ret))
    (call $expect_invalid_state (i32.const 2))
    ;; 3: listen on an unbound socket binds it implicitly (0.2's start-listen: invalid-state).
    (call $tcp_listen (local.get $t) (global.get $ret))
    (call $expect_ok (i32.const 3))
    ;; 4: it is listening; 5: on an ephemeral port (an ipv4 address, port not 0).
    (if (i32.eqz (call $tcp_is_listening (local.get $t))) (then (call $fail (i32.const 4))))
    (call $tcp_local (local.get $t) (global.get $ret))
    (call $expect_ok (i32.const 5))
    (if (i32.ne (i32.load8_u (i32.add (global.get $ret) (i32.const 4))) (i32.const 0)) (then (call $fail (i32.const 6))))
    (if (i32.eqz (i32.load16_u (i32.add (global.get $ret) (i32.const 8)))) (then (call $fail (i32.const 7))))
    (local.set $port (i32.load16_u (i32.add (global.get $ret) (i32.const 8))))
    ;; 8: listen again: invalid-state.
    (call $tcp_listen (local.get $t) (global.get $ret))
    (call $expect_invalid_state (i32.const 8))
    ;; 9: bind twice: invalid-state the second time.
    (call $tcp_create (i32.const 0) (global.get $ret))
    (call $expect_ok (i32.const 9))
    (local.set $b (call $payload))
    (call $bind_loopback (i32.const 1) (local.get $b))
    (call $expect_ok (i32.const 10))
    (call $bind_loopback (i32.const 1) (local.get $b))
    (call $expect_invalid_state (i32.const 11))
    ;; 12: a bound UDP socket without a peer: disconnect is invalid-state (0.2's stream(none): ok).
    (call $udp_create (i32.const 0) (global.get $ret))
    (call $expect_ok (i32.const 12))
    (local.set $u (call $payload))
    (call $bind_loopback (i32.const 0) (local.get $u))
    (call $expect_ok (i32.const 13))
    (call $udp_disconnect (local.get $u) (global.get $ret))
    (call $expect_invalid_state (i32.const 14))
    ;; 15: connect on an unbound UDP socket binds it implicitly (0.2's stream: invalid-state);
    ;; 16: to an ephemeral port; 17: the OS chose loopback as the source, not the wildcard.
    (call $udp_create (i32.const 0) (global.get $ret))
    (call $expect_ok (i32.const 15))
    (local.set $u (call $payload))
    (call $udp_connect (local.get $u) (i32.const 0) (i32.const 9) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (global.get $ret))
    (call $expect_ok (i32.const 16))
    (call $udp_local (local.get $u) (global.get $ret))
    (call $expect_ok (i32.const 17))
    (if (i32.eqz (i32.load16_u (i32.add (global.get $ret) (i32.const 8)))) (then (call $fail (i32.const 18))))
    (if (i32.ne (i32.load8_u (i32.add (global.get $ret) (i32.const 10))) (i32.const 127)) (then (call $fail (i32.const 19))))
    ;; 20: a TCP socket not connected: send's future is invalid-state; 21: receive's too.
    (call $tcp_create (i32.const 0) (global.get $ret))
    (call $expect_ok (i32.const 20))
    (local.set $c (call $payload))
    (call $send (local.get $c))
    (local.set $f)
    (drop)
    (call $sent (local.get $f))
    (call $expect_invalid_state (i32.const 20))
    (call $tcp_receive (local.get $c) (global.get $ret))
    (call $received (i32.load offset=4 (global.get $ret)))
    (call $expect_invalid_state (i32.const 21))
    ;; 22: connected (to the listener of check 3); 23: a second send is invalid-state while the
    ;; first one's stream is open; 24: a second receive too; 25: the first send, its stream ended, ok.
    (call $tcp_connect (local.get $c) (i32.const 0) (local.get $port) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (global.get $ret))
    (call $expect_ok (i32.const 22))
    (call $send (local.get $c))
    (local.set $f)
    (local.set $w)
    (call $send (local.get $c))
    (local.set $b)
    (drop)
    (call $sent (local.get $b))
    (call $expect_invalid_state (i32.const 23))
    (call $tcp_receive (local.get $c) (global.get $ret))
    (call $tcp_receive (local.get $c) (global.get $ret))
    (call $received (i32.load offset=4 (global.get $ret)))
    (call $expect_invalid_state (i32.const 24))
    (call $stream_end (local.get $w))
    (call $sent (local.get $f))
    (call $expect_ok (i32.const 25))
    )
)
