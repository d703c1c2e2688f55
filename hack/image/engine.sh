#!/usr/bin/env bash
# Makes sure a Docker engine answers, for hack/image/build.sh and smoke.sh.
#
#   hack/image/engine.sh start    # no-op when `docker info` already answers
#   hack/image/engine.sh stop     # stops only an engine that `start` started
#
# When no engine runs, `start` (as root) installs Debian's docker.io if dockerd is missing and
# starts dockerd in the background, leaving the machine's network alone: no iptables or ip6tables
# rules (Docker's would set the FORWARD policy to DROP, which breaks other network namespaces on
# the machine, such as hack/test-net's), no IP forwarding or masquerading change. Containers then
# have no route out, which the image build does not need (the base image is local, see build.sh),
# and published ports still work through Docker's userland proxy on the loopback address.
#
# Environment: ARCHWAY_CACHE_DIR (default $HOME/.cache/archway): dockerd.log and dockerd.pid go
# to its image/ folder.
set -euo pipefail
state="${ARCHWAY_CACHE_DIR:-$HOME/.cache/archway}/image"
pidfile="${state}/dockerd.pid"

ours() {
  [[ -f ${pidfile} ]] && [[ "$(ps -o comm= -p "$(cat "${pidfile}")" 2>/dev/null)" == dockerd ]]
}

start() {
  if docker info >/dev/null 2>&1; then
    echo "engine: a Docker engine already answers" >&2
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "engine: no Docker engine answers and starting one needs root" >&2
    exit 1
  fi
  if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
    mkdir -p "${state}"
    echo "engine: installing Debian's docker.io ..." >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends docker.io; } >"${state}/apt.log" 2>&1; then
      tail -n 20 "${state}/apt.log" >&2
      exit 1
    fi
  fi
  mkdir -p "${state}"
  echo "engine: starting dockerd (log: ${state}/dockerd.log)" >&2
  setsid dockerd --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    >"${state}/dockerd.log" 2>&1 </dev/null &
  echo $! >"${pidfile}"
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      echo "engine: dockerd $(docker version -f '{{.Server.Version}}') is up," \
        "storage driver $(docker info -f '{{.Driver}}')" >&2
      return 0
    fi
    ours || break
    sleep 1
  done
  echo "engine: dockerd did not come up; the end of its log:" >&2
  tail -n 20 "${state}/dockerd.log" >&2
  exit 1
}

stop() {
  if ! ours; then
    echo "engine: no dockerd started by engine.sh is running; nothing to stop" >&2
    rm -f "${pidfile}"
    return 0
  fi
  local pid
  pid="$(cat "${pidfile}")"
  kill "${pid}"
  for _ in $(seq 1 30); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 1
  done
  rm -f "${pidfile}"
  # dockerd leaves its bridge behind; it was made by this engine, so it goes with it.
  ip link del docker0 2>/dev/null || true
  echo "engine: dockerd stopped" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
