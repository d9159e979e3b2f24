;; WASI 0.3's own state rules, asserted from inside a component (built with the WIT beside it by
;; test/conformance/p3-rules.test.ts through jco-transpile's wasm-tools: no Rust wasip3 toolchain
;; here). Each check that fails exits with its number (exit-with-code); all passing, run is ok.
;; Only synchronous 0.3 calls: the async ones need the async ABI's intrinsics, written by a
;; toolchain, not by hand.
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

  (func (export "wasi:cli/run@0.2.0#run") (result i32)
    (local $t i32) (local $u i32) (local $b i32)
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
    (i32.const 0))
)
