#!/usr/bin/env bash
# Rebuild every guest .wasm (examples/ and test/guests/) from its source.
#
#   bash scripts/build-examples.sh        (or: npm run build:examples)
#
# Toolchains (Debian packages): clang + lld + wasi-libc (+ libclang-rt-*-dev-wasm32)
# for C, rustc with the wasm32-wasi std for Rust, and AssemblyScript from
# node_modules. Override with CLANG=, WASI_SYSROOT=, RUSTC=, ASC=.
# Deterministic: running it twice gives byte-identical files.
set -euo pipefail
cd "$(dirname "$0")/.."

CLANG=${CLANG:-clang}
WASI_SYSROOT=${WASI_SYSROOT:-/usr}   # Debian's wasi-libc: /usr/{include,lib}/wasm32-wasi
RUSTC=${RUSTC:-/usr/bin/rustc}       # a rustup rustc first on PATH may lack wasm32-wasi
ASC=${ASC:-node_modules/.bin/asc}

die() { echo "build-examples: $*" >&2; exit 1; }

# ---- toolchain checks: fail loudly, say what to install ----
command -v "$CLANG" >/dev/null || die "'$CLANG' not found (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"
command -v wasm-ld >/dev/null || die "wasm-ld not found (apt-get install lld)"
[ -f "$WASI_SYSROOT/lib/wasm32-wasi/libc.a" ] || die "wasi-libc not found under $WASI_SYSROOT/lib/wasm32-wasi (apt-get install wasi-libc)"
command -v "$RUSTC" >/dev/null || die "'$RUSTC' not found (apt-get install rustc; it ships the wasm32-wasi std)"
RUST_LIBDIR=$("$RUSTC" --print target-libdir --target wasm32-wasi 2>/dev/null) || die "$RUSTC does not know --target wasm32-wasi"
ls "$RUST_LIBDIR"/libstd-*.rlib >/dev/null 2>&1 || die "$RUSTC has no wasm32-wasi std in $RUST_LIBDIR"
[ -x "$ASC" ] || die "AssemblyScript compiler $ASC not found (npm install)"

# C: -O2, warnings on; --stack-first puts the stack at the bottom of memory so
# an overflow traps instead of silently overwriting static data.
CFLAGS=(--target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 -Wall -Wextra -Wl,--stack-first)
# wasi-libc's poll() keeps 2 subscriptions + 2 events per pollfd on the stack
# (80 bytes/fd): the poll() servers get 4 MiB of stack for their thousands of fds.
BIG_STACK=(-Wl,-z,stack-size=4194304)

built=()
cc() { # cc <out.wasm> <src.c> [extra flags...]
  local out=$1 src=$2; shift 2
  "$CLANG" "${CFLAGS[@]}" "$@" -o "$out" "$src"
  built+=("$out")
}

# ---- examples ----
cc examples/http-hello.wasm    examples/c/http-hello.c    "${BIG_STACK[@]}"
cc examples/echo-poll.wasm     examples/c/echo-poll.c     "${BIG_STACK[@]}"
cc examples/echo-blocking.wasm examples/c/echo-blocking.c
cc examples/wasmedge-echo-server.wasm examples/c/wasmedge-echo-server.c
cc examples/udp-echo.wasm          examples/c/udp-echo.c
cc examples/wasix-echo-server.wasm examples/c/wasix-echo-server.c
cc examples/wasix-client.wasm      examples/c/wasix-client.c
cc examples/wasmedge-client.wasm      examples/c/wasmedge-client.c

"$RUSTC" --edition 2021 -O --target wasm32-wasi -C strip=debuginfo \
  -o examples/rust-echo.wasm examples/rust/echo.rs
built+=(examples/rust-echo.wasm)

"$ASC" examples/assemblyscript/echo.ts --config examples/assemblyscript/asconfig.json \
  --target release -o examples/as-echo.wasm
built+=(examples/as-echo.wasm)

# ---- conformance guests (test/guests/<name>.c → test/guests/<name>.wasm) ----
for src in test/guests/*.c; do
  case $src in
    */spinner.c) cc "${src%.c}.wasm" "$src" -mtail-call ;; # its tail-recursion mode is return_call
    */trap.c) cc "${src%.c}.wasm" "$src" -g "-fdebug-prefix-map=$PWD=." ;; # its backtrace names file:line; paths relative
    *) cc "${src%.c}.wasm" "$src" ;;
  esac
done

chmod 644 "${built[@]}"   # clang/rustc mark their output executable

# ---- verify: only wasi_snapshot_preview1 (and, for WASIX guests, wasix_32v1) imports, a _start and a memory export ----
node - "${built[@]}" <<'JS'
const fs = require("fs");
let bad = 0;
for (const f of process.argv.slice(2)) {
  const m = new WebAssembly.Module(fs.readFileSync(f));
  const imports = WebAssembly.Module.imports(m);
  const exports = WebAssembly.Module.exports(m).map((e) => e.name);
  const foreign = imports.filter((i) => i.module !== "wasi_snapshot_preview1" && i.module !== "wasix_32v1");
  const problems = [];
  if (foreign.length) problems.push("non-preview1 imports: " + foreign.map((i) => `${i.module}.${i.name}`).join(", "));
  if (!exports.includes("_start")) problems.push("no _start export");
  if (!exports.includes("memory")) problems.push("no memory export");
  console.log(`built ${f} (${fs.statSync(f).size} bytes): ${imports.map((i) => i.name).join(" ")}`);
  for (const p of problems) console.error(`build-examples: ${f}: ${p}`), bad++;
}
process.exit(bad ? 1 : 0);
JS

# ---- WASI 0.2 component: examples/component/echo-server.c → examples/echo-server.component.wasm ----
# (clang, then jco's componentEmbed + componentNew with the preview1 command adapter; jco is
# installed on first use into $TMPDIR/wasock-jco-<version>, override with JCO_DIR=)
CLANG="$CLANG" WASI_SYSROOT="$WASI_SYSROOT" node scripts/build-component.mjs
