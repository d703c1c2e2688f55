#!/usr/bin/env bash
# Runs the upstream Gateway API conformance suite (v1.6.1) against Archway in a
# local test cluster, with one command, and tears everything down on exit.
#
#   conformance/run.sh [--infrastructure host|kubernetes] [--run-test NAME]
#                      [--profiles P1,P2] [--skip-tests T1,T2] [--timeout 25m]
#                      [--out DIR] [--no-archway] [--debug]
#
# What it does (docs/conformance.md has the details and the latest result):
#   1. builds what is missing (conformance/build.sh, hack/test-cluster/build.sh,
#      and the Archway jar through ./archway): all cached;
#   2. creates the host bridge of the Pod network (10.199.0.1/16 by default);
#   3. starts etcd + kube-apiserver + kube-controller-manager
#      (hack/test-cluster/start.sh, in a throwaway state dir) with kwok's Logs CRD;
#   4. starts kwok (one simulated Node, Pod status) and podrunner (binds Pods,
#      runs each Pod's echo-basic/coredns in its own network namespace);
#   5. creates GatewayClass `archway` and starts `archway controller
#      --infrastructure host`, each Gateway on its own 127.0.199.x address;
#      with --infrastructure kubernetes, `archway controller --infrastructure
#      kubernetes` instead: each Gateway gets a proxy Deployment whose Pods
#      podrunner runs as `archway proxy` (config sync from the controller on
#      the bridge address), reached at its Service's ClusterIP (or, for an
#      address the Gateway requests, the Service's external IP) through a real
#      kube-proxy (iptables mode) on the host;
#   6. runs conformance.test with the given profiles (features inferred from the
#      GatewayClass status), writing the report and the go test log;
#   7. on exit (also on Ctrl-C or a failure) stops everything it started,
#      deletes the network namespaces and the bridge, and keeps the logs.
# Results: conformance/out/<UTC time>/ (and conformance/out/latest):
#   report.yaml, suite.log (the go test -v log), summary.txt (per test
#   PASS/FAIL/SKIP, from the log), timings.txt, logs/ (archway, kwok, podrunner,
#   the cluster's components, every Pod's containers).
# Exit code: the suite's (0 all ran tests passed), 2 for a harness failure.
#
# Needs root (network namespaces), Go, a JDK 21+ and Maven (for ./archway).
# Environment (defaults in brackets):
#   ARCHWAY_CONFORMANCE_INFRASTRUCTURE  host or kubernetes, as --infrastructure [host]
#   ARCHWAY_CONFORMANCE_LAUNCHER  command that runs Archway [<repo>/archway]
#   ARCHWAY_CONFORMANCE_BRIDGE    host bridge name [arwc0]
#   ARCHWAY_CONFORMANCE_HOST_ADDR bridge address/prefix of the Pod network [10.199.0.1/16]
#   ARCHWAY_CONFORMANCE_POD_CIDR  the Node's podCIDR, inside that prefix [10.199.16.0/20]
#   ARCHWAY_CONFORMANCE_GATEWAY_ADDRESSES  Archway's --address-range [host: 127.0.199.1-127.0.199.254;
#                                 kubernetes: 10.199.255.1-10.199.255.254, the addresses Gateways may request]
#   ARCHWAY_CONFORMANCE_USABLE_ADDRESS    the suite's --usable-address [the range's last address]
#   ARCHWAY_CONFORMANCE_UNUSABLE_ADDRESS  the suite's --unusable-address [192.0.2.1, outside the range]
#   ARCHWAY_CONFORMANCE_DEADLINE  seconds after which the whole run is stopped [2400]
#   ARCHWAY_CACHE_DIR, ARCHWAY_BUILD_GOMAXPROCS  as for build.sh

set -euo pipefail

CF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${CF_DIR}/.." && pwd)"
# shellcheck source=conformance/build.sh
source "${CF_DIR}/build.sh"
# shellcheck source=hack/test-cluster/build.sh
source "${REPO}/hack/test-cluster/build.sh"

INFRASTRUCTURE="${ARCHWAY_CONFORMANCE_INFRASTRUCTURE:-host}"
PROFILES="GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP,GATEWAY-UDP"
RUN_TEST=""
SKIP_TESTS=""
SUITE_TIMEOUT="25m"
OUT=""
START_ARCHWAY=1
DEBUG=0
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --infrastructure) INFRASTRUCTURE="$2"; shift 2 ;;
    --run-test) RUN_TEST="$2"; shift 2 ;;
    --profiles) PROFILES="$2"; shift 2 ;;
    --skip-tests) SKIP_TESTS="$2"; shift 2 ;;
    --timeout) SUITE_TIMEOUT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-archway) START_ARCHWAY=0; shift ;;
    --debug) DEBUG=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

case "${INFRASTRUCTURE}" in
  host|kubernetes) ;;
  *) echo "run.sh: --infrastructure ${INFRASTRUCTURE}: expected host or kubernetes" >&2; exit 2 ;;
esac
LAUNCHER="${ARCHWAY_CONFORMANCE_LAUNCHER:-${REPO}/archway}"
BRIDGE="${ARCHWAY_CONFORMANCE_BRIDGE:-arwc0}"
HOST_ADDR="${ARCHWAY_CONFORMANCE_HOST_ADDR:-10.199.0.1/16}"
HOST_IP="${HOST_ADDR%/*}"
POD_CIDR="${ARCHWAY_CONFORMANCE_POD_CIDR:-10.199.16.0/20}"
# Host infrastructure: each Gateway is bound to a loopback address of the range. Kubernetes
# infrastructure: the addresses a Gateway may request, which become its proxy Service's external IPs
# (loopback ones are refused by the API server). kube-proxy routes them like ClusterIPs: host traffic
# to one is DNATed to a ready proxy Pod and masqueraded to the bridge address. The default lies in the
# bridge's /16 (so the host routes it to the bridge, never out of the machine) and outside the Pod
# CIDR.
if [[ "${INFRASTRUCTURE}" == kubernetes ]]; then
  GATEWAY_ADDRESSES="${ARCHWAY_CONFORMANCE_GATEWAY_ADDRESSES:-10.199.255.1-10.199.255.254}"
else
  GATEWAY_ADDRESSES="${ARCHWAY_CONFORMANCE_GATEWAY_ADDRESSES:-127.0.199.1-127.0.199.254}"
fi
# GatewayStaticAddresses: a Gateway may request an address of the range (the last one: in host mode
# Archway hands out the lowest free ones), and one outside it (TEST-NET-1) is not usable.
USABLE_ADDRESS="${ARCHWAY_CONFORMANCE_USABLE_ADDRESS:-${GATEWAY_ADDRESSES##*-}}"
UNUSABLE_ADDRESS="${ARCHWAY_CONFORMANCE_UNUSABLE_ADDRESS:-192.0.2.1}"
DEADLINE="${ARCHWAY_CONFORMANCE_DEADLINE:-2400}"
NETNS_PREFIX="arwc-"
# Never pulled: podrunner runs the launcher for every image named archway.
PROXY_IMAGE="archway.invalid/archway:conformance"
NODE_NAME="conformance-node"
GATEWAY_CLASS="archway"
CONTROLLER_NAME="archway.dev/gateway-controller"

t_start=${SECONDS}
log() { printf '[conformance %s +%ss] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - t_start))" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

[[ ${EUID} -eq 0 ]] || die "needs root (ip netns); run as root"
command -v ip >/dev/null || die "iproute2 (ip) is needed"
command -v openssl >/dev/null || die "openssl is needed"

stamp_now="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${OUT:-${CF_DIR}/out/${stamp_now}}"
mkdir -p "${OUT}/logs"
OUT="$(cd "${OUT}" && pwd)"
if [[ "${OUT}" == "${CF_DIR}/out/${stamp_now}" ]]; then
  ln -sfn "${stamp_now}" "${CF_DIR}/out/latest"
fi
TIMINGS="${OUT}/timings.txt"
: >"${TIMINGS}"
phase_t=${SECONDS}
phase() { # phase NAME: records how long the previous phase took
  printf '%-28s %5d s\n' "$1" "$((SECONDS - phase_t))" >>"${TIMINGS}"
  phase_t=${SECONDS}
}

# One harness per machine: the bridge, the Pod network and the netns names are shared.
LOCK="${TMPDIR:-/tmp}/archway-conformance.lock"
exec 8>"${LOCK}"
flock -w 600 8 || die "another conformance run holds ${LOCK}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/archway-conformance.XXXXXX")"
CLUSTER_DIR="${WORK}/cluster"
PIDS=()  # "name:pid", stopped in reverse order

stop_pid() { # stop_pid NAME PID SECONDS
  local name="$1" pid="$2" grace="$3" i
  kill -0 "${pid}" 2>/dev/null || return 0
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "${pid}" 2>/dev/null || return 0
    sleep 0.1
  done
  log "${name} (pid ${pid}) did not stop in ${grace} s; killing it"
  kill -KILL "${pid}" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  log "tearing down"
  local i entry
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    entry="${PIDS[i]}"
    stop_pid "${entry%%:*}" "${entry#*:}" 20
  done
  if [[ -n "${KUBE_PROXY_STARTED:-}" ]]; then
    # Its iptables chains and rules on the host, and nothing else.
    "${TC_BIN_DIR}/kube-proxy" --cleanup --proxy-mode=iptables >>"${OUT}/logs/kube-proxy.log" 2>&1 \
      || log "kube-proxy --cleanup failed (see logs/kube-proxy.log)"
  fi
  if [[ -f "${CLUSTER_DIR}/pids/kube-apiserver.pid" ]]; then
    "${REPO}/hack/test-cluster/stop.sh" "${CLUSTER_DIR}" >/dev/null 2>&1
  fi
  # Whatever podrunner did not remove (it was killed): only names this harness makes.
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${NETNS_PREFIX}" || true); do
    ip netns del "${ns}" 2>/dev/null
  done
  ip link del "${BRIDGE}" 2>/dev/null
  if [[ -d "${CLUSTER_DIR}/logs" ]]; then
    mkdir -p "${OUT}/logs/cluster" && cp -r "${CLUSTER_DIR}/logs/." "${OUT}/logs/cluster/"
  fi
  if [[ -d "${WORK}/pods/pods" ]]; then
    mkdir -p "${OUT}/logs/pods"
    find "${WORK}/pods/pods" -path '*/logs/*.log' | while read -r f; do
      local pod="${f#"${WORK}/pods/pods/"}"
      pod="${pod%%/*}"
      cp "${f}" "${OUT}/logs/pods/${pod}_$(basename "${f}")"
    done
  fi
  rm -rf "${WORK}"
  if [[ -s "${OUT}/suite.log" && ! -f "${OUT}/summary.txt" ]]; then
    "${CF_DIR}/summarize.sh" "${OUT}/suite.log" >"${OUT}/summary.txt" 2>/dev/null
  fi
  phase teardown
  log "done in $((SECONDS - t_start)) s; results in ${OUT} (exit ${rc})"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The whole run is bounded: a watchdog ends it (and so the trap tears down).
(
  trap 'kill "${sleeper}" 2>/dev/null; exit 0' TERM
  sleep "${DEADLINE}" &
  sleeper=$!
  wait "${sleeper}" && log "deadline of ${DEADLINE} s reached; stopping" && kill -TERM $$ 2>/dev/null
) &
WATCHDOG=$!
PIDS+=("watchdog:${WATCHDOG}")

# ---- 1. builds ----------------------------------------------------------------
log "building (cached) ..."
"${CF_DIR}/build.sh"
if [[ "${INFRASTRUCTURE}" == kubernetes ]]; then
  "${REPO}/hack/test-cluster/build.sh" kube-proxy
else
  "${REPO}/hack/test-cluster/build.sh"
fi
if ((START_ARCHWAY)); then
  "${LAUNCHER}" version >"${OUT}/logs/archway-version.txt" 2>&1 \
    || { cat "${OUT}/logs/archway-version.txt" >&2; die "${LAUNCHER} version failed (jar build?)"; }
fi
phase build
export PATH="${TC_BIN_DIR}:${PATH}"

# Below Linux's ephemeral range (32768-60999 by default): a port from that range can become the
# local end of any outgoing connection between this check and the listener's bind.
free_port() { # a free TCP port on 127.0.0.1 in 20000-31999
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null; then
      echo "${p}"
      return 0
    fi
  done
  die "no free port found"
}

# poll SECONDS PID CMD...: 0 once CMD succeeds, 1 when SECONDS have passed, 2 as soon as PID (if
# not empty) has exited.
poll() {
  local deadline=$((SECONDS + $1)) pid="$2"
  shift 2
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -n "${pid}" ]] && ! kill -0 "${pid}" 2>/dev/null; then return 2; fi
    sleep 0.2
  done
  return 1
}

wait_for() { # wait_for SECONDS WHAT CMD...
  local secs="$1" what="$2"
  shift 2
  poll "${secs}" "" "$@" || die "timed out after ${secs} s waiting for ${what}"
}

# wait_for_process SECONDS WHAT PID LOG CMD...: wait_for, failing at once when PID has exited.
# Either failure prints the end of LOG: CI keeps only this script's output, not logs/.
wait_for_process() {
  local secs="$1" what="$2" pid="$3" logf="$4" rc=0
  shift 4
  poll "${secs}" "${pid}" "$@" || rc=$?
  ((rc == 0)) && return 0
  tail -n 40 "${logf}" >&2
  ((rc == 2)) && die "the process (pid ${pid}; log above, ${logf}) exited before ${what}"
  # Where a JVM that is still running stands: the threads in Archway's code, the whole dump in logs/.
  local jcmd
  jcmd="$(dirname "$(readlink "/proc/${pid}/exe" 2>/dev/null || echo /nonexistent)")/jcmd"
  if [[ -x "${jcmd}" ]] && "${jcmd}" "${pid}" Thread.print >"${OUT}/logs/threads-${pid}.txt" 2>&1; then
    log "threads of pid ${pid} in Archway's code (all of them: ${OUT}/logs/threads-${pid}.txt):"
    awk 'BEGIN { RS = "" } /dev\.archway/ { print; print "" }' "${OUT}/logs/threads-${pid}.txt" | head -n 120 >&2
  fi
  die "timed out after ${secs} s waiting for ${what} (the end of ${logf} is above)"
}

# ---- 2. Pod network: a host bridge --------------------------------------------
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${NETNS_PREFIX}" || true); do
  log "removing stale network namespace ${ns} (an earlier run was killed)"
  ip netns del "${ns}"
done
ip link del "${BRIDGE}" 2>/dev/null || true
ip link add "${BRIDGE}" type bridge
ip addr add "${HOST_ADDR}" dev "${BRIDGE}"
ip link set "${BRIDGE}" up
POD_NETWORK="$(ip -4 route show dev "${BRIDGE}" proto kernel | awk 'NR == 1 {print $1}')"  # 10.199.0.0/16
log "Pod network ${HOST_ADDR} on bridge ${BRIDGE}"

# ---- 3. cluster ---------------------------------------------------------------
log "starting the test cluster ..."
extra_crds="${CF_CRD_DIR}/kwok.x-k8s.io_logs.yaml"
# Archway's own CRDs (ProxyConfig, Backend), generated by the jar's build next to the launcher.
archway_crds="$(dirname "${LAUNCHER}")/api/target/classes/META-INF/fabric8"
if ((START_ARCHWAY)) && [[ -d "${archway_crds}" ]]; then
  extra_crds+=":${archway_crds}"
fi
ARCHWAY_EXTRA_CRDS="${extra_crds}" \
  "${REPO}/hack/test-cluster/start.sh" "${CLUSTER_DIR}" >"${WORK}/cluster-env" 2>"${OUT}/logs/cluster-start.log" \
  || { tail -20 "${OUT}/logs/cluster-start.log" >&2; die "test cluster did not start"; }
export KUBECONFIG="${CLUSTER_DIR}/kubeconfig"
phase cluster-start

# ---- 4. kwok and podrunner ----------------------------------------------------
mkdir -p "${WORK}/kwok" "${WORK}/pods"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=${NODE_NAME}" -addext "subjectAltName=IP:${HOST_IP},DNS:${NODE_NAME}" \
  -keyout "${WORK}/kwok/kubelet.key" -out "${WORK}/kwok/kubelet.crt" 2>/dev/null
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: ${NODE_NAME}
  labels:
    kubernetes.io/hostname: ${NODE_NAME}
    kubernetes.io/os: linux
    type: kwok
  annotations:
    kwok.x-k8s.io/node: fake
spec:
  podCIDR: ${POD_CIDR}
  podCIDRs: [${POD_CIDR}]
EOF
KUBELET_PORT="$(free_port)"
"${CF_BIN_DIR}/kwok" --kubeconfig "${KUBECONFIG}" --config "${CF_DIR}/kwok/stages.yaml" \
  --manage-single-node "${NODE_NAME}" --node-ip "${HOST_IP}" --node-port "${KUBELET_PORT}" \
  --server-address "${HOST_IP}:${KUBELET_PORT}" \
  --tls-cert-file "${WORK}/kwok/kubelet.crt" --tls-private-key-file "${WORK}/kwok/kubelet.key" \
  --enable-crds Logs --cidr "${POD_CIDR}" --node-lease-duration-seconds 40 \
  >"${OUT}/logs/kwok.log" 2>&1 &
PIDS+=("kwok:$!")
"${CF_BIN_DIR}/podrunner" --kubeconfig "${KUBECONFIG}" --node-name "${NODE_NAME}" \
  --bridge "${BRIDGE}" --host-address "${HOST_ADDR}" --netns-prefix "${NETNS_PREFIX}" \
  --state-dir "${WORK}/pods" --echo-basic "${CF_BIN_DIR}/echo-basic" --coredns "${CF_BIN_DIR}/coredns" \
  --archway "${LAUNCHER}" \
  >"${OUT}/logs/podrunner.log" 2>&1 &
PIDS+=("podrunner:$!")
wait_for 60 "Node ${NODE_NAME} Ready" \
  bash -c "kubectl get node ${NODE_NAME} -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
log "kwok Node ${NODE_NAME} Ready (kubelet API on ${HOST_IP}:${KUBELET_PORT}); podrunner running"
phase kwok-podrunner

# ---- 4b. kube-proxy (--infrastructure kubernetes) -------------------------------
# The suite reaches a Gateway at status.addresses, its proxy Service's ClusterIP
# (type LoadBalancer, but nothing here assigns load balancer addresses), or the
# Service's external IP when the Gateway requested an address. A real
# kube-proxy in iptables mode routes it: host traffic to a ClusterIP is DNATed
# to a ready proxy Pod and masqueraded to the bridge address (it comes from
# outside --cluster-cidr, and a Pod only has a route back to the bridge).
# NodePorts apply to the bridge address only, so no other local port is taken.
if [[ "${INFRASTRUCTURE}" == kubernetes ]]; then
  "${TC_BIN_DIR}/kube-proxy" --cleanup --proxy-mode=iptables >"${OUT}/logs/kube-proxy.log" 2>&1 || true
  KUBE_PROXY_STARTED=1
  "${TC_BIN_DIR}/kube-proxy" --kubeconfig "${KUBECONFIG}" --hostname-override "${NODE_NAME}" \
    --proxy-mode iptables --cluster-cidr "${POD_NETWORK}" --detect-local-mode ClusterCIDR \
    --nodeport-addresses "${HOST_IP}/32" --iptables-localhost-nodeports=false \
    --conntrack-max-per-core 0 --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 \
    --healthz-bind-address "127.0.0.1:$(free_port)" --metrics-bind-address "127.0.0.1:$(free_port)" \
    >>"${OUT}/logs/kube-proxy.log" 2>&1 &
  PIDS+=("kube-proxy:$!")
  wait_for 60 "kube-proxy's iptables rules" iptables -w -t nat -nL KUBE-SERVICES
  log "kube-proxy running (iptables mode; cluster CIDR ${POD_NETWORK})"
  phase kube-proxy
fi

# ---- 5. Archway ---------------------------------------------------------------
kubectl apply -f - >/dev/null <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: ${GATEWAY_CLASS}
spec:
  controllerName: ${CONTROLLER_NAME}
EOF
if ((START_ARCHWAY)); then
  ADMIN_PORT="$(free_port)"
  if [[ "${INFRASTRUCTURE}" == kubernetes ]]; then
    # Proxies reach config sync on the bridge address (the host, from every Pod
    # namespace); the controller's certificate names that address. The image
    # name is what podrunner maps to this checkout's launcher.
    SYNC_PORT="$(free_port)"
    infra_args=(--infrastructure kubernetes --sync-address "${HOST_IP}:${SYNC_PORT}"
      --proxy-controller-address "${HOST_IP}:${SYNC_PORT}" --proxy-image "${PROXY_IMAGE}"
      --address-range "${GATEWAY_ADDRESSES}")
  else
    infra_args=(--infrastructure host --address-range "${GATEWAY_ADDRESSES}")
  fi
  "${LAUNCHER}" controller "${infra_args[@]}" --kubeconfig "${KUBECONFIG}" \
    --admin-address "127.0.0.1:${ADMIN_PORT}" \
    --leader-election-namespace default >"${OUT}/logs/archway.log" 2>&1 &
  archway_pid=$!
  PIDS+=("archway:${archway_pid}")
  log "archway controller started (${infra_args[*]}; admin API 127.0.0.1:${ADMIN_PORT}); waiting for GatewayClass Accepted"
  wait_for_process 120 "GatewayClass ${GATEWAY_CLASS} Accepted" "${archway_pid}" "${OUT}/logs/archway.log" \
    bash -c "kubectl get gatewayclass ${GATEWAY_CLASS} -o jsonpath='{.status.conditions[?(@.type==\"Accepted\")].status}' | grep -qx True"
  kubectl get gatewayclass "${GATEWAY_CLASS}" -o yaml >"${OUT}/gatewayclass.yaml"
else
  log "--no-archway: not starting Archway; the suite will wait for the GatewayClass and fail"
fi
phase archway-start

# ---- 6. the suite -------------------------------------------------------------
version="$(cd "${REPO}" && git describe --always --dirty 2>/dev/null || echo unknown)"
# The report's mode tells the two runs apart (the supported features differ).
REPORT_MODE=default
[[ "${INFRASTRUCTURE}" == kubernetes ]] && REPORT_MODE=infrastructure-kubernetes
suite_args=(
  -test.v -test.run '^TestConformance$' -test.timeout "${SUITE_TIMEOUT}"
  --gateway-class="${GATEWAY_CLASS}"
  --conformance-profiles="${PROFILES}"
  --report-output="${OUT}/report.yaml"
  --organization=archway --project=archway --url=https://archway.dev
  --version="${version}" --contact=archway-maintainers --mode="${REPORT_MODE}"
  --cleanup-base-resources=false
  --usable-address="${USABLE_ADDRESS}" --unusable-address="${UNUSABLE_ADDRESS}"
)
if [[ -n "${RUN_TEST}" ]]; then
  # With --run-test the suite no longer infers features from the GatewayClass:
  # pass the ones the GatewayClass reports.
  features="$(kubectl get gatewayclass "${GATEWAY_CLASS}" \
    -o jsonpath='{range .status.supportedFeatures[*]}{.name}{","}{end}' 2>/dev/null || true)"
  suite_args+=(--run-test="${RUN_TEST}" --supported-features="${features%,}")
fi
[[ -n "${SKIP_TESTS}" ]] && suite_args+=(--skip-tests="${SKIP_TESTS}")
((DEBUG)) && suite_args+=(--debug)
printf '%q ' "${CF_BIN_DIR}/conformance.test" "${suite_args[@]}" >"${OUT}/command.txt"
echo >>"${OUT}/command.txt"
log "running the suite (${INFRASTRUCTURE} infrastructure): profiles ${PROFILES}${RUN_TEST:+, test ${RUN_TEST}} (log: ${OUT}/suite.log)"
# In the background and waited for, so that a signal (Ctrl-C, the watchdog)
# interrupts the wait at once and the trap stops the suite with the rest.
(cd "${OUT}" && exec "${CF_BIN_DIR}/conformance.test" "${suite_args[@]}") >"${OUT}/suite.log" 2>&1 &
suite_pid=$!
PIDS+=("conformance.test:${suite_pid}")
set +e
wait "${suite_pid}"
suite_rc=$?
set -e
phase suite

# ---- 7. summary (from the log: v1.6.1's report marks parallel tests passed early)
"${CF_DIR}/summarize.sh" "${OUT}/suite.log" >"${OUT}/summary.txt" || true
tail -n 1 "${OUT}/summary.txt" >&2 || true
kill "${WATCHDOG}" 2>/dev/null || true
exit "${suite_rc}"
