#!/usr/bin/env bash
# Starts the quickstart: three echo backends, then Archway serving this directory on port 8080.
# Edit the YAML files while it runs: changes apply within a second. Ctrl-C stops everything.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ARCHWAY="$HERE/../../archway"

"$ARCHWAY" version >/dev/null # builds the jar once, before two JVMs start

"$ARCHWAY" echo \
  --server coffee-v1=127.0.0.1:9101 \
  --server coffee-v2=127.0.0.1:9102 \
  --server tea=127.0.0.1:9103 &
ECHO_PID=$!
trap 'kill $ECHO_PID 2>/dev/null || true' EXIT INT TERM

"$ARCHWAY" run -f "$HERE" "$@"
