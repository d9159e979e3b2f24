#!/usr/bin/env bash
# The native peers: the examples' C compiled with gcc for this machine, each linked with
# listen-shim.c (which makes the pre-opened listener fd 3 the examples expect).
#
#   bash bench/native/build.sh OUT_DIR
#
# Writes OUT_DIR/{http-hello,http-hello-16k,echo-blocking,calls-core}. Run by the suite at bench time
# (bench/lib/native.ts) when gcc is on PATH; nothing it builds is committed.
set -euo pipefail
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../guests/variants.sh"
CC=${CC:-gcc}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$CC" -O2 -Wall -c -o "$tmp/shim.o" "$here/listen-shim.c"
build() { # build <name> <src.c>
  "$CC" -O2 -Wall -Wno-unused-result -D_GNU_SOURCE -Dmain=guest_main -c -o "$tmp/$1.o" "$2"
  "$CC" -o "$out/$1" "$tmp/shim.o" "$tmp/$1.o"
}
http_hello_16k "$tmp/http-hello-16k.c"
build http-hello "$EXAMPLES_C/http-hello.c"
build http-hello-16k "$tmp/http-hello-16k.c"
build echo-blocking "$EXAMPLES_C/echo-blocking.c"
build calls-core "$here/../guests/calls-core.c"
echo "native: built $out/{http-hello,http-hello-16k,echo-blocking,calls-core} with $("$CC" --version | head -1)"
