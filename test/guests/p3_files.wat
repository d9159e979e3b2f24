;; wasi:filesystem@0.3.0 from inside a component (built with the WIT beside it by
;; test/conformance/p3-files.test.ts through jco-transpile's wasm-tools: no Rust wasip3 toolchain
;; here), in its one pre-opened directory, which holds a.txt: create out.txt and write it through
;; write-via-stream, read it back through read-via-stream, list the directory through
;; read-directory (a stream of records), and open a missing file (no-entry). Each check that fails
;; exits with its number (exit-with-code); all passing, run is ok. Streams and futures are read and
;; written with the async ABI (async-lower), waited for in a waitable set when a copy blocks.
(module
  (import "wasi:filesystem/preopens@0.3.0" "get-directories" (func $get_directories (param i32)))
  (import "wasi:filesystem/types@0.3.0" "[method]descriptor.open-at" (func $open_at (param i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:filesystem/types@0.3.0" "[method]descriptor.write-via-stream" (func $write_via_stream (param i32 i32 i64) (result i32)))
  (import "wasi:filesystem/types@0.3.0" "[method]descriptor.read-via-stream" (func $read_via_stream (param i32 i64 i32)))
  (import "wasi:filesystem/types@0.3.0" "[method]descriptor.read-directory" (func $read_directory (param i32 i32)))
  ;; Streams and futures are numbered per function in the order its type names them: each of
  ;; these three has its stream 0 and its future 1.
  (import "wasi:filesystem/types@0.3.0" "[stream-new-0][method]descriptor.write-via-stream" (func $stream_new (result i64)))
  (import "wasi:filesystem/types@0.3.0" "[async-lower][stream-write-0][method]descriptor.write-via-stream" (func $stream_write (param i32 i32 i32) (result i32)))
  (import "wasi:filesystem/types@0.3.0" "[stream-drop-writable-0][method]descriptor.write-via-stream" (func $stream_end (param i32)))
  (import "wasi:filesystem/types@0.3.0" "[async-lower][future-read-1][method]descriptor.write-via-stream" (func $written_read (param i32 i32) (result i32)))
  (import "wasi:filesystem/types@0.3.0" "[async-lower][stream-read-0][method]descriptor.read-via-stream" (func $bytes_read (param i32 i32 i32) (result i32)))
  (import "wasi:filesystem/types@0.3.0" "[stream-drop-readable-0][method]descriptor.read-via-stream" (func $bytes_drop (param i32)))
  (import "wasi:filesystem/types@0.3.0" "[async-lower][future-read-1][method]descriptor.read-via-stream" (func $read_read (param i32 i32) (result i32)))
  (import "wasi:filesystem/types@0.3.0" "[async-lower][stream-read-0][method]descriptor.read-directory" (func $entries_read (param i32 i32 i32) (result i32)))
  (import "wasi:filesystem/types@0.3.0" "[stream-drop-readable-0][method]descriptor.read-directory" (func $entries_drop (param i32)))
  (import "wasi:filesystem/types@0.3.0" "[async-lower][future-read-1][method]descriptor.read-directory" (func $listed_read (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-new]" (func $set_new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[waitable-set-wait]" (func $wait (param i32 i32) (result i32)))
  (import "wasi:cli/exit@0.2.0" "exit-with-code" (func $exit (param i32)))

  (memory (export "memory") 1)
  ;; The paths, and the bytes written (15).
  (data (i32.const 128) "out.txt")
  (data (i32.const 144) "missing.txt")
  (data (i32.const 2048) "hello, p3 files")
  (global $heap (mut i32) (i32.const 8192))
  ;; A bump allocator: the host's lists and strings (get-directories, the entries' names).
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    (local.get $p))

  ;; The result buffer (result<T, error-code>: discriminant at 0, payload at 4).
  (global $ret i32 (i32.const 1024))
  ;; Where bytes are read to (2560, room for 64) and directory entries (3072, 24 bytes each, room for 8).
  (global $bytes i32 (i32.const 2560))
  (global $entries i32 (i32.const 3072))
  (func $is_ok (result i32) (i32.eqz (i32.load8_u (global.get $ret))))
  (func $payload (result i32) (i32.load (i32.add (global.get $ret) (i32.const 4))))
  (func $fail (param $n i32) (call $exit (local.get $n)) unreachable)
  (func $expect_ok (param $n i32) (if (i32.eqz (call $is_ok)) (then (call $fail (local.get $n)))))

  ;; What a copy (stream read or write, future read) of waitable $w gave: $r, or when it blocked
  ;; (-1), the payload of $w's event (the event's waitable at 768, its payload at 772).
  (func $copied (param $w i32) (param $r i32) (result i32)
    (local $set i32)
    (if (i32.ne (local.get $r) (i32.const -1)) (then (return (local.get $r))))
    (local.set $set (call $set_new))
    (call $join (local.get $w) (local.get $set))
    (block $done (loop $events
      (drop (call $wait (local.get $set) (i32.const 768)))
      (br_if $done (i32.eq (i32.load (i32.const 768)) (local.get $w)))
      (br $events)))
    (i32.load (i32.const 772)))
  ;; A stream copy's result: status in the low 4 bits (0 completed, 1 dropped, 2 cancelled), count above.
  (func $status (param $r i32) (result i32) (i32.and (local.get $r) (i32.const 15)))
  (func $count (param $r i32) (result i32) (i32.shr_u (local.get $r) (i32.const 4)))

  ;; open-at(dir, no path flags, the path at $path, $oflags, $flags) into $ret.
  (func $open (param $dir i32) (param $path i32) (param $len i32) (param $oflags i32) (param $flags i32)
    (call $open_at (local.get $dir) (i32.const 0) (local.get $path) (local.get $len) (local.get $oflags) (local.get $flags) (global.get $ret)))

  (func (export "[async-lift-stackful]wasi:cli/run@0.3.0#run")
    (local $dir i32) (local $f i32) (local $ends i64) (local $w i32) (local $fut i32) (local $r i32)
    (local $n i32) (local $s i32) (local $i i32) (local $names i32)
    ;; 1: one pre-opened directory.
    (call $get_directories (global.get $ret))
    (if (i32.ne (i32.load offset=4 (global.get $ret)) (i32.const 1)) (then (call $fail (i32.const 1))))
    (local.set $dir (i32.load (i32.load (global.get $ret))))
    ;; 2: out.txt created (create | truncate), for reading and writing.
    (call $open (local.get $dir) (i32.const 128) (i32.const 7) (i32.const 9) (i32.const 3))
    (call $expect_ok (i32.const 2))
    (local.set $f (call $payload))
    ;; 3: its 15 bytes written through write-via-stream (a new stream's readable end, given at
    ;; offset 0), as many writes as the host takes; 4: the stream ended, write's future is ok.
    (local.set $ends (call $stream_new))
    (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
    (local.set $fut (call $write_via_stream (local.get $f) (i32.wrap_i64 (local.get $ends)) (i64.const 0)))
    (local.set $n (i32.const 0))
    (block $written (loop $writes
      (local.set $r (call $copied (local.get $w)
        (call $stream_write (local.get $w) (i32.add (i32.const 2048) (local.get $n)) (i32.sub (i32.const 15) (local.get $n)))))
      (if (call $status (local.get $r)) (then (call $fail (i32.const 3))))
      (local.set $n (i32.add (local.get $n) (call $count (local.get $r))))
      (br_if $written (i32.ge_u (local.get $n) (i32.const 15)))
      (br $writes)))
    (call $stream_end (local.get $w))
    (drop (call $copied (local.get $fut) (call $written_read (local.get $fut) (global.get $ret))))
    (call $expect_ok (i32.const 4))
    ;; 5: read back through read-via-stream from offset 0 until the host ends the stream: 15 bytes;
    ;; 6: the same bytes; 7: read's future is ok.
    (call $read_via_stream (local.get $f) (i64.const 0) (global.get $ret))
    (local.set $s (i32.load (global.get $ret)))
    (local.set $fut (i32.load offset=4 (global.get $ret)))
    (local.set $n (i32.const 0))
    (local.set $i (i32.const 0))
    (block $eof (loop $reads
      (local.set $r (call $copied (local.get $s)
        (call $bytes_read (local.get $s) (i32.add (global.get $bytes) (local.get $n)) (i32.sub (i32.const 64) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (call $count (local.get $r))))
      (br_if $eof (i32.eq (call $status (local.get $r)) (i32.const 1)))
      (if (i32.or (call $status (local.get $r)) (i32.ge_u (local.get $n) (i32.const 64))) (then (call $fail (i32.const 5))))
      ;; A stream that never ends fails, not hangs.
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.gt_u (local.get $i) (i32.const 100)) (then (call $fail (i32.const 5))))
      (br $reads)))
    (if (i32.ne (local.get $n) (i32.const 15)) (then (call $fail (i32.const 5))))
    (local.set $i (i32.const 0))
    (block $same (loop $bytes
      (br_if $same (i32.eq (local.get $i) (i32.const 15)))
      (if (i32.ne (i32.load8_u (i32.add (i32.const 2048) (local.get $i))) (i32.load8_u (i32.add (global.get $bytes) (local.get $i))))
        (then (call $fail (i32.const 6))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $bytes)))
    (call $bytes_drop (local.get $s))
    (drop (call $copied (local.get $fut) (call $read_read (local.get $fut) (global.get $ret))))
    (call $expect_ok (i32.const 7))
    ;; 8: read-directory lists two entries (a.txt, out.txt), until the host ends the stream;
    ;; 9: each a regular-file (its descriptor-type case, 5, at 0); 10: their names 5 + 7 bytes long
    ;; (a name's length at 20); 11: the listing's future is ok.
    (call $read_directory (local.get $dir) (global.get $ret))
    (local.set $s (i32.load (global.get $ret)))
    (local.set $fut (i32.load offset=4 (global.get $ret)))
    (local.set $n (i32.const 0))
    (local.set $i (i32.const 0))
    (block $listed (loop $lists
      (local.set $r (call $copied (local.get $s)
        (call $entries_read (local.get $s) (i32.add (global.get $entries) (i32.mul (local.get $n) (i32.const 24))) (i32.sub (i32.const 8) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (call $count (local.get $r))))
      (br_if $listed (i32.eq (call $status (local.get $r)) (i32.const 1)))
      (if (i32.or (call $status (local.get $r)) (i32.ge_u (local.get $n) (i32.const 8))) (then (call $fail (i32.const 8))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.gt_u (local.get $i) (i32.const 100)) (then (call $fail (i32.const 8))))
      (br $lists)))
    (if (i32.ne (local.get $n) (i32.const 2)) (then (call $fail (i32.const 8))))
    (local.set $names (i32.const 0))
    (local.set $i (i32.const 0))
    (block $checked (loop $entry
      (br_if $checked (i32.eq (local.get $i) (local.get $n)))
      (if (i32.ne (i32.load8_u (i32.add (global.get $entries) (i32.mul (local.get $i) (i32.const 24)))) (i32.const 5))
        (then (call $fail (i32.const 9))))
      (local.set $names (i32.add (local.get $names)
        (i32.load offset=20 (i32.add (global.get $entries) (i32.mul (local.get $i) (i32.const 24))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $entry)))
    (if (i32.ne (local.get $names) (i32.const 12)) (then (call $fail (i32.const 10))))
    (call $entries_drop (local.get $s))
    (drop (call $copied (local.get $fut) (call $listed_read (local.get $fut) (global.get $ret))))
    (call $expect_ok (i32.const 11))
    ;; 12: opening missing.txt (no create, read) is an err; 13: no-entry (its case, 19, at 4).
    (call $open (local.get $dir) (i32.const 144) (i32.const 11) (i32.const 0) (i32.const 1))
    (if (call $is_ok) (then (call $fail (i32.const 12))))
    (if (i32.ne (i32.load8_u offset=4 (global.get $ret)) (i32.const 19)) (then (call $fail (i32.const 13))))
    )
)
