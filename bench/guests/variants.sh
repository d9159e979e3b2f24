# Sourced by bench/build-guests.sh and bench/native/build.sh: the example sources the suite builds
# in a variant, each derived from examples/c/ at build time (never a copy kept in the tree), so
# every peer runs the example's own logic. Each function writes the variant to $1 and fails if
# the line it changes is no longer in the example.

EXAMPLES_C=${EXAMPLES_C:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/c" && pwd)"}

# derive <out.c> <src.c> <sed expression> <string the result must contain>
derive() {
  sed "$3" "$2" > "$1"
  grep -q -- "$4" "$1" || { echo "variants.sh: $2 changed: '$3' no longer applies" >&2; return 1; }
}

# http-hello with room for 16384 clients (whatever the example keeps; 16384 since it too must hold 10,000): the 10,000-idle-connections
# workload. Also the 4 MiB stack it links with still covers poll()'s 80 bytes per pollfd.
http_hello_16k() {
  derive "$1" "$EXAMPLES_C/http-hello.c" 's/^#define MAX_CONNS [0-9]* /#define MAX_CONNS 16384 /' '#define MAX_CONNS 16384 '
}

# http-hello-16k whose first listener is fd bench_listener_fd0 instead of 3 (set by
# bench/guests/wasix-listen.c, for hosts that pre-open no sockets and cannot renumber them).
http_hello_wasix() {
  http_hello_16k "$1.16k.c"
  derive "$1" "$1.16k.c" 's/listeners\[i\] = 3 + i;/listeners[i] = bench_listener_fd0 + i;/' 'bench_listener_fd0 + i'
  rm -f "$1.16k.c"
}
