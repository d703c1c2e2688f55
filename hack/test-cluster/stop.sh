#!/usr/bin/env bash
# Stops the processes that start.sh started in STATE_DIR (by their pid files),
# all at once. Safe to run any number of times.
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
pids="${state_dir}/pids"

log() { printf '[stop %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

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

names=(kube-controller-manager kube-apiserver etcd)
running=()
if [[ -d "${pids}" ]]; then
  # All at once: the cluster is thrown away, so the order hardly matters, and
  # parallel shutdown is several seconds faster.
  for name in "${names[@]}"; do
    pid="$(our_pid "${name}")"
    if [[ -n "${pid}" ]]; then
      log "stopping ${name} (pid ${pid})"
      kill -TERM "${pid}" 2>/dev/null || true
      running+=("${pid}")
    fi
  done
  for ((i = 0; i < 150; i++)); do
    alive=()
    for pid in "${running[@]}"; do
      if kill -0 "${pid}" 2>/dev/null; then alive+=("${pid}"); fi
    done
    [[ "${#alive[@]}" -gt 0 ]] || break
    sleep 0.1
  done
  for pid in "${running[@]}"; do
    if kill -0 "${pid}" 2>/dev/null; then
      log "pid ${pid} ignored SIGTERM for 15 s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  done
  for name in "${names[@]}"; do
    rm -f "${pids}/${name}.pid"
  done
fi
if [[ "${#running[@]}" -gt 0 ]]; then
  log "stopped (${state_dir})"
else
  log "nothing running in ${state_dir}"
fi

if [[ "${ARCHWAY_TEST_CLUSTER_WIPE:-0}" == 1 && -d "${state_dir}" ]]; then
  rm -rf "${state_dir}/pki" "${state_dir}/logs" "${state_dir}/pids" "${state_dir}/etcd" \
    "${state_dir}/kcm-certs" "${state_dir}/apiserver-certs" \
    "${state_dir}/kubeconfig" "${state_dir}/env"
  rmdir "${state_dir}" 2>/dev/null || true
  log "wiped cluster state in ${state_dir}"
fi
