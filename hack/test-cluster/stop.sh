#!/usr/bin/env bash
# Stops the processes that start.sh started in STATE_DIR (by their pid files),
# etcd last. Safe to run any number of times.
#
# Usage: stop.sh [STATE_DIR]     (default: <repo>/.cache/test-cluster)
#
# Environment:
#   ARCHWAY_TEST_CLUSTER_WIPE=1   also delete the cluster state (etcd data, pki,
#                                 logs, kubeconfig) after stopping
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${here}/../.." && pwd)"
state_dir="${1:-${repo_root}/.cache/test-cluster}"

log() { printf '[stop %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ ! -d "${state_dir}" ]]; then
  log "nothing running in ${state_dir}"
  exit 0
fi
state_dir="$(cd "${state_dir}" && pwd)"
pids="${state_dir}/pids"
# Same lock as start.sh (which runs stop.sh while holding it).
if [[ "${ARCHWAY_TEST_CLUSTER_LOCKED:-}" != "${state_dir}" ]] && command -v flock >/dev/null 2>&1; then
  exec 9>"${state_dir}/.lock"
  flock -w 300 9 || log "warning: ${state_dir}/.lock is held; stopping anyway"
fi

# our_pid NAME: prints the pid from pids/NAME.pid if that process still is the
# program we started (pids get reused), else nothing.
our_pid() {
  local file="${pids}/$1.pid" pid argv0=""
  [[ -f "${file}" ]] || return 0
  pid="$(cat "${file}")"
  if [[ "${pid}" =~ ^[0-9]+$ && -r "/proc/${pid}/cmdline" ]]; then
    argv0="$(tr '\0' '\n' <"/proc/${pid}/cmdline" | head -n 1)"
  fi
  if [[ "${argv0##*/}" == "$1" ]]; then
    echo "${pid}"
  fi
}

# term_and_wait NAME...: SIGTERM to each, wait up to 15 s for all, then SIGKILL.
stopped_any=0
term_and_wait() {
  local name pid i waiting=() alive
  for name in "$@"; do
    pid="$(our_pid "${name}")"
    if [[ -n "${pid}" ]]; then
      log "stopping ${name} (pid ${pid})"
      kill -TERM "${pid}" 2>/dev/null || true
      waiting+=("${pid}")
      stopped_any=1
    fi
    rm -f "${pids}/${name}.pid"
  done
  [[ "${#waiting[@]}" -gt 0 ]] || return 0
  for ((i = 0; i < 150; i++)); do
    alive=0
    for pid in "${waiting[@]}"; do
      if kill -0 "${pid}" 2>/dev/null; then alive=1; fi
    done
    [[ "${alive}" == 1 ]] || return 0
    sleep 0.1
  done
  for pid in "${waiting[@]}"; do
    if kill -0 "${pid}" 2>/dev/null; then
      log "pid ${pid} ignored SIGTERM for 15 s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  done
}

if [[ -d "${pids}" ]]; then
  # The API server and controller-manager together, etcd after them (an API
  # server that loses etcd while shutting down can take much longer to exit).
  term_and_wait kube-controller-manager kube-apiserver
  term_and_wait etcd
fi
if [[ "${stopped_any}" == 1 ]]; then
  log "stopped (${state_dir})"
else
  log "nothing running in ${state_dir}"
fi

if [[ "${ARCHWAY_TEST_CLUSTER_WIPE:-0}" == 1 && -d "${state_dir}" ]]; then
  rm -rf "${state_dir}/pki" "${state_dir}/logs" "${state_dir}/pids" "${state_dir}/etcd" \
    "${state_dir}/kcm-certs" "${state_dir}/apiserver-certs" \
    "${state_dir}/kubeconfig" "${state_dir}/env" "${state_dir}/.lock"
  rmdir "${state_dir}" 2>/dev/null || true
  log "wiped cluster state in ${state_dir}"
fi
