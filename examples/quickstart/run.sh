#!/usr/bin/env bash
# Starts the quickstart: three echo backends, then Archway serving this directory on port 8080.
# Edit the YAML files while it runs: changes apply within a second. Ctrl-C stops everything.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ARCHWAY="$HERE/../../archway"

"$ARCHWAY" version >/dev/null # builds the jar once, before two JVMs start

ECHO_LOG="$(mktemp)"
"$ARCHWAY" echo \
  --server coffee-v1=127.0.0.1:9101 \
  --server coffee-v2=127.0.0.1:9102 \
  --server tea=127.0.0.1:9103 >"$ECHO_LOG" 2>&1 &
ECHO_PID=$!
trap 'kill $ECHO_PID 2>/dev/null || true; rm -f "$ECHO_LOG"' EXIT INT TERM

# The gateway starts once all three backends listen; if one cannot (a port in use), stop here.
until [ "$(grep -c ' listening on ' "$ECHO_LOG")" -eq 3 ]; do
  if ! kill -0 "$ECHO_PID" 2>/dev/null; then
    cat "$ECHO_LOG" >&2
    echo "quickstart: the echo backends did not start (ports 9101-9103 must be free)" >&2
    exit 1
  fi
  sleep 0.2
done
cat "$ECHO_LOG"

"$ARCHWAY" run -f "$HERE" "$@"
