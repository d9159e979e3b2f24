#!/usr/bin/env bash
# diff-misuse.sh — run the misuse sequences on real Linux (PHP ext/sockets)
# and in the guest (test/guests/we_misuse.wasm under wasock), diff the two.
#
#   bash test/php/diff-misuse.sh
#
# WASOCK (default: node dist/cli/main.js run) and WASOCK_FLAGS (extra
# flags before the module, e.g. the network permissions) pick the runner.
# Exit status: 0 when the outputs are identical, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
WASOCK=${WASOCK:-node dist/cli/main.js run}
WASOCK_FLAGS=${WASOCK_FLAGS:-}

tmp=$(mktemp -d)
trap 'exec 3>&-; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# The peer: its stdin is our fd 3, so it exits when we close it (or die).
mkfifo "$tmp/in"
php test/php/hold-listener.php <"$tmp/in" >"$tmp/ports" &
exec 3>"$tmp/in"
for _ in $(seq 50); do [ -s "$tmp/ports" ] && break; sleep 0.1; done
read -r in_use closed <"$tmp/ports"

php test/php/misuse.php "$in_use" "$closed" >"$tmp/linux.txt"
# shellcheck disable=SC2086
$WASOCK $WASOCK_FLAGS test/guests/we_misuse.wasm -- "$in_use" "$closed" >"$tmp/guest.txt" || true

if diff -u --label linux "$tmp/linux.txt" --label wasock "$tmp/guest.txt"; then
  echo "diff-misuse: identical ($(wc -l <"$tmp/linux.txt") cases)"
else
  exit 1
fi
