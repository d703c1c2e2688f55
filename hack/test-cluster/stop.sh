#!/usr/bin/env bash
# Stops the processes that start.sh started in STATE_DIR (by their pid files),
# controller-manager first, etcd last. Safe to run any number of times.
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

stop_one() {
  local name="$1" file="${pids}/$1.pid" pid i argv0=""
  [[ -f "${file}" ]] || return 0
  pid="$(cat "${file}")"
  # Only signal the pid if it still is the program we started (pids get reused).
  if [[ "${pid}" =~ ^[0-9]+$ && -r "/proc/${pid}/cmdline" ]]; then
    argv0="$(tr '\0' '\n' <"/proc/${pid}/cmdline" | head -n 1)"
  fi
  if [[ "${argv0##*/}" == "${name}" ]]; then
    log "stopping ${name} (pid ${pid})"
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${pid}" 2>/dev/null; then
      log "${name} ignored SIGTERM for 15 s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  fi
  rm -f "${file}"
}

if [[ -d "${pids}" ]]; then
  for name in kube-controller-manager kube-apiserver etcd; do
    stop_one "${name}"
  done
  log "stopped (${state_dir})"
else
  log "nothing to stop in ${state_dir}"
fi

if [[ "${ARCHWAY_TEST_CLUSTER_WIPE:-0}" == 1 && -d "${state_dir}" ]]; then
  rm -rf "${state_dir}/pki" "${state_dir}/logs" "${state_dir}/pids" "${state_dir}/etcd" \
    "${state_dir}/kcm-certs" "${state_dir}/apiserver-certs" \
    "${state_dir}/kubeconfig" "${state_dir}/env"
  rmdir "${state_dir}" 2>/dev/null || true
  log "wiped cluster state in ${state_dir}"
fi
