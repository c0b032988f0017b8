#!/usr/bin/env bash
# A worked example of the tools in a CI pipeline: two scripted ends swap
# their paths through files, no prompt anywhere, and the job fails unless the
# file arrived intact. Run it against any relay:
#
#   RELAY=relay.example.com PORT=2855 CA=relay-ca.pem \
#   ALICE_PASSWORD=... BOB_PASSWORD=... test-files/ci-smoke.sh [FILE]
#
# Each end waits PEER_TIMEOUT seconds (60) for the other's path; one that
# fails early (a wrong password) says so in its path file, and the other end
# then stops at once.
# (bin/msrp-demo does the same against a relay it starts itself.)
set -euo pipefail
bin="$(cd "$(dirname "$0")/../bin" && pwd)"
file="${1:-$(dirname "$0")/hello.txt}"
: "${RELAY:?set RELAY}" "${ALICE_PASSWORD:?}" "${BOB_PASSWORD:?}"
PORT="${PORT:-2855}"
wait_for_peer=(--peer-timeout "${PEER_TIMEOUT:-60}")
trust=(); [ -n "${CA:-}" ] && trust=(--ca-file "$CA")
# A job that fails (set -e: msrp-send's failure ends the script) stops the
# receiver before it removes the directory the receiver writes in.
receiver=
work="$(mktemp -d)"
trap 'if [ -n "$receiver" ]; then kill "$receiver" 2>/dev/null || true; wait "$receiver" 2>/dev/null || true; fi
      rm -rf "$work"' EXIT

MSRP_PASSWORD="$BOB_PASSWORD" "$bin/msrp-receive" "bob@${DOMAIN:-example.com}" "$RELAY" "$PORT" "${trust[@]}" \
  --path-file "$work/bob.path" --peer-path-file "$work/alice.path" --output-dir "$work/in" "${wait_for_peer[@]}" --quiet \
  >"$work/receive.log" &
receiver=$!
MSRP_PASSWORD="$ALICE_PASSWORD" "$bin/msrp-send" "$file" "alice@${DOMAIN:-example.com}" "$RELAY" "$PORT" "${trust[@]}" \
  --path-file "$work/alice.path" --peer-path-file "$work/bob.path" "${wait_for_peer[@]}" --quiet >"$work/send.log"
wait "$receiver"
receiver=

sent="$(sed -n 's/^SHA-256: //p' "$work/send.log")"
received="$(sed -n 's/^SHA-256: //p' "$work/receive.log")"
[ "$sent" = "$(sha256sum "$file" | cut -d' ' -f1)" ] && [ "$sent" = "$received" ] \
  || { echo "ci-smoke: hashes differ: sent $sent received $received" >&2; exit 1; }
echo "ci-smoke: OK $sent"
