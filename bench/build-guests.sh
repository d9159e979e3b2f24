#!/usr/bin/env bash
# Rebuild the benchmark suite's own guests (bench/guests/*.wasm, committed) from the examples'
# C sources (examples/c/) and the small files next to them.
#
#   bash bench/build-guests.sh
#
# Toolchain as scripts/build-examples.sh: clang + lld + wasi-libc (Debian: apt-get install clang
# lld wasi-libc libclang-rt-14-dev-wasm32). Same flags as the examples (-O2, --stack-first, a
# 4 MiB stack for the poll() servers). Deterministic: running it twice gives the same bytes.
#
#   http-hello-16k.wasm   http-hello, MAX_CONNS 16384 (10,000 idle connections)
#   http-hello-200k.wasm  http-hello + startup-pad.c (1536 padding functions, never called),
#                         stripped: ~210 KB, almost all code (the start-up workload)
#   http-hello-wasix.wasm http-hello-16k on a listener it opens itself through WASIX
#                         (wasix-listen.c), for @wasmer/sdk, which pre-opens no sockets
#   calls-core.wasm       calls-core.c: the cost of a blocking send()/recv() (the calls workload)
#   calls.component.wasm  calls.c, its WASI 0.2 twin (scripts/build-component.mjs; needs npm)
#   fs-race.wasm          fs-race.c: two copies race a symlink swap beneath a pre-open (fs-race.ts)
#   fs-calls.wasm         fs-calls.c: per-call cost of path_open and path_filestat_get (fs-cost.ts)
set -euo pipefail
cd "$(dirname "$0")/.."

CLANG=${CLANG:-clang}
WASI_SYSROOT=${WASI_SYSROOT:-/usr}
command -v "$CLANG" >/dev/null || { echo "build-guests: '$CLANG' not found (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)" >&2; exit 1; }
[ -f "$WASI_SYSROOT/lib/wasm32-wasi/libc.a" ] || { echo "build-guests: no wasi-libc under $WASI_SYSROOT (apt-get install wasi-libc)" >&2; exit 1; }

source bench/guests/variants.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CFLAGS=(--target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 -Wall -Wextra)
LDFLAGS=(-Wl,--stack-first -Wl,-z,stack-size=4194304)
cc() { "$CLANG" "${CFLAGS[@]}" "$@"; }

# http-hello-16k
http_hello_16k "$tmp/http-hello-16k.c"
cc "${LDFLAGS[@]}" -o bench/guests/http-hello-16k.wasm "$tmp/http-hello-16k.c"

# http-hello-200k: the example's main becomes guest_main, called by startup-pad.c's main
cc -Dmain=guest_main -c -o "$tmp/http-hello.o" examples/c/http-hello.c
cc -c -o "$tmp/startup-pad.o" bench/guests/startup-pad.c
cc "${LDFLAGS[@]}" -Wl,--strip-all -o bench/guests/http-hello-200k.wasm "$tmp/startup-pad.o" "$tmp/http-hello.o"

# http-hello-wasix
http_hello_wasix "$tmp/http-hello-fd0.c"
echo 'extern int bench_listener_fd0;' > "$tmp/fd0.h"
cc -Dmain=guest_main -include "$tmp/fd0.h" -c -o "$tmp/http-hello-fd0.o" "$tmp/http-hello-fd0.c"
cc -c -o "$tmp/wasix-listen.o" bench/guests/wasix-listen.c
cc "${LDFLAGS[@]}" -o bench/guests/http-hello-wasix.wasm "$tmp/wasix-listen.o" "$tmp/http-hello-fd0.o"

# fs-race.wasm and fs-calls.wasm: the pre-open race (fs-race.ts) and the cost of a path call (fs-cost.ts)
cc "${LDFLAGS[@]}" -o bench/guests/fs-race.wasm bench/guests/fs-race.c
cc "${LDFLAGS[@]}" -o bench/guests/fs-calls.wasm bench/guests/fs-calls.c

# calls-core.wasm and its component twin calls.component.wasm (built like the component example)
cc "${LDFLAGS[@]}" -o bench/guests/calls-core.wasm bench/guests/calls-core.c
CLANG="$CLANG" WASI_SYSROOT="${WASI_SYSROOT:-/usr}" node scripts/build-component.mjs bench/guests/calls.c bench/guests/calls.component.wasm

chmod 644 bench/guests/*.wasm
for f in bench/guests/*.wasm; do echo "built $f ($(stat -c %s "$f") bytes)"; done
