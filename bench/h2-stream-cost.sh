#!/usr/bin/env bash
# What Netty's channel per HTTP/2 stream costs: Http2StreamChannelCost (dataplane/src/jmh) run
# with a channel per stream and with one handler on the connection, alternated, each pinned to
# CPU 0 under h2load (8 connections x 16 streams) on CPU 1; prints requests/s and the server's
# CPU per request (user + system, /proc/PID/stat). See docs/benchmarks.md.
#
#   bench/h2-stream-cost.sh [ROUNDS] [SECONDS]      (default 3 rounds of 10 s, after 15 s warm-up)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
SECONDS_MEASURED="${2:-10}"
PORT=21900
LOG="${TMPDIR:-/tmp}/h2-stream-cost.log"   # the server's output
JAR="$ROOT/dataplane/target/jmh/benchmarks.jar"
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client (bench/run.sh installs it)" >&2; exit 1; }
source "$ROOT/scripts/java-home.sh"

if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT/dataplane/src" "$ROOT/dataplane/pom.xml" -newer "$JAR" -print -quit)" ]]; then
  echo "building $JAR" >&2
  (cd "$ROOT" && mvn -B -q package -Pjmh -pl dataplane -DskipTests -Dspotless.check.skip=true)
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

server=""
trap '[[ -n "$server" ]] && kill "$server" 2>/dev/null || true' EXIT

printf '%-6s %-18s %12s %14s\n' round mode "req/s" "CPU us/req"
for round in $(seq "$ROUNDS"); do
  for mode in stream-channels connection-frames; do
    taskset -c 0 java --enable-native-access=ALL-UNNAMED -Dio.netty.leakDetection.level=disabled \
      -XX:+UseG1GC -cp "$JAR" dev.archway.dataplane.proxy.Http2StreamChannelCost "$mode" "$PORT" \
      > "$LOG" 2>&1 &
    server=$!
    # Connect and close without sending: a stray byte would be a broken HTTP/2 preface.
    for _ in $(seq 100); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
    taskset -c 1 h2load -c8 -m16 -D 15 "http://127.0.0.1:$PORT/" > /dev/null
    before=$(cpu_ticks "$server")
    out=$(taskset -c 1 h2load -c8 -m16 -D "$SECONDS_MEASURED" "http://127.0.0.1:$PORT/")
    after=$(cpu_ticks "$server")
    done_requests=$(grep -oP 'requests: \d+ total, \d+ started, \d+ done, \K\d+(?= succeeded)' <<< "$out")
    rate=$(grep -oP 'finished in [\d.]+s, \K[\d.]+(?= req/s)' <<< "$out")
    printf '%-6s %-18s %12.0f %14.2f\n' "$round" "$mode" "$rate" \
      "$(echo "($after - $before) * $tick_us / $done_requests" | bc -l)"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
  done
done
