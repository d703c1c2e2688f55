#!/usr/bin/env bash
# Starts a throwaway control plane on 127.0.0.1: etcd, kube-apiserver (RBAC,
# client-cert auth) and kube-controller-manager, then installs the Gateway API
# CRDs (experimental channel by default), Archway's own CRDs (deploy/crds) and
# any extra CRDs.
#
# Usage: start.sh [STATE_DIR]     (default: <repo>/.cache/test-cluster)
#
# Writes into STATE_DIR:
#   kubeconfig   admin kubeconfig (user archway-admin, group system:masters)
#   env          shell snippet: KUBECONFIG, PATH with kubectl, TEST_CLUSTER_* vars
#   pki/         CA, serving and client certs, service-account key pair
#   logs/        etcd.log, kube-apiserver.log, kube-controller-manager.log
#   pids/        one pid file per process (used by stop.sh)
# and prints `export KUBECONFIG=...` on stdout (progress goes to stderr).
#
# Environment:
#   ARCHWAY_EXTRA_CRDS             extra CRD files/directories to apply, separated
#                                  by ':' (kubectl apply --server-side -f each)
#   ARCHWAY_GATEWAY_API_CHANNEL    experimental (default) | standard | none
#   ARCHWAY_TEST_CLUSTER_ARCHWAY_CRDS  1 (default): apply Archway's CRDs from
#                                  <repo>/deploy/crds; 0: leave them out
#   ARCHWAY_CACHE_DIR              binary cache root (see build.sh)
#   ARCHWAY_TEST_CLUSTER_TIMEOUT   seconds to wait for each component (default 180)
#
# If the cluster in STATE_DIR is already running and healthy, it is reused
# (CRDs are applied again); a partly running one is stopped and started anew.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${here}/../.." && pwd)"
# shellcheck source=build.sh
source "${here}/build.sh"

state_dir="${1:-${repo_root}/.cache/test-cluster}"
mkdir -p "${state_dir}"
state_dir="$(cd "${state_dir}" && pwd)"
timeout_s="${ARCHWAY_TEST_CLUSTER_TIMEOUT:-180}"
channel="${ARCHWAY_GATEWAY_API_CHANNEL:-experimental}"
service_cidr="10.96.0.0/16"
service_first_ip="10.96.0.1"

pki="${state_dir}/pki"
logs="${state_dir}/logs"
pids="${state_dir}/pids"
kubeconfig="${state_dir}/kubeconfig"

t_start="$(date +%s%N)"
log() { printf '[start %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
elapsed() { echo "$((($(date +%s%N) - t_start) / 1000000)) ms"; }

case "${channel}" in
  experimental | standard | none) ;;
  *) die "ARCHWAY_GATEWAY_API_CHANNEL must be experimental, standard or none (got ${channel})" ;;
esac
for tool in curl openssl setsid flock base64; do
  command -v "${tool}" >/dev/null 2>&1 || die "${tool} is required (Debian: apt-get install -y openssl curl util-linux coreutils)"
done

# One start.sh/stop.sh at a time per state directory: concurrent callers wait,
# and the later ones then find the cluster running and reuse it.
if [[ "${ARCHWAY_TEST_CLUSTER_LOCKED:-}" != "${state_dir}" ]]; then
  exec 9>"${state_dir}/.lock"
  flock -w "${timeout_s}" 9 || die "timed out waiting for ${state_dir}/.lock"
  export ARCHWAY_TEST_CLUSTER_LOCKED="${state_dir}"
fi

# ---- binaries -------------------------------------------------------------------
"${here}/build.sh"
kubectl="${TC_BIN_DIR}/kubectl"

# ---- helpers ----------------------------------------------------------------------
# pid_alive NAME: the process recorded in pids/NAME.pid runs and is NAME.
pid_alive() {
  local name="$1" pid argv0
  [[ -f "${pids}/${name}.pid" ]] || return 1
  pid="$(cat "${pids}/${name}.pid")"
  [[ "${pid}" =~ ^[0-9]+$ && -r "/proc/${pid}/cmdline" ]] || return 1
  argv0="$(tr '\0' '\n' <"/proc/${pid}/cmdline" | head -n 1)"
  [[ "${argv0##*/}" == "${name}" ]]
}

port_in_use() {
  # A successful connect means something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port VAR: sets VAR to a port that nothing listens on and that this run
# has not handed out yet, from 20000-31999 (below the usual ephemeral range).
# (Not `$(pick_port)`: the subshell would forget what it handed out.)
declare -A picked_ports=()
etcd_client_port="" etcd_peer_port="" api_port="" kcm_port=""
pick_port() {
  local port i
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    [[ -z "${picked_ports[${port}]:-}" ]] || continue
    if ! port_in_use "${port}"; then
      picked_ports[${port}]=1
      printf -v "$1" '%s' "${port}"
      return 0
    fi
  done
  die "no free port found"
}

# launch NAME ARGS...: runs ARGS in its own session, output to logs/NAME.log,
# pid to pids/NAME.pid.
launch() {
  local name="$1"
  shift
  : >"${logs}/${name}.log"
  # The inner shell writes its own pid, then becomes the program (exec).
  # shellcheck disable=SC2016
  setsid bash -c 'echo "$$" >"$1"; shift; exec "$@"' _ "${pids}/${name}.pid" "$@" \
    </dev/null >>"${logs}/${name}.log" 2>&1 9>&- &
  local i
  # Wait until the pid file is there and the shell has become the program.
  for ((i = 0; i < 100; i++)); do
    pid_alive "${name}" && return 0
    sleep 0.05
  done
  show_log "${name}"
  die "${name} did not start"
}

# kill_one NAME: stops the process of pids/NAME.pid if it is still ours.
kill_one() {
  local name="$1" pid i
  if pid_alive "${name}"; then
    pid="$(cat "${pids}/${name}.pid")"
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f "${pids}/${name}.pid"
}

# wait_for NAME CMD...: waits until CMD succeeds while NAME keeps running.
# Returns 2 if NAME died, 1 on timeout.
wait_for() {
  local name="$1" deadline
  shift
  deadline=$(($(date +%s) + timeout_s))
  while (($(date +%s) < deadline)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    pid_alive "${name}" || return 2
    sleep 0.2
  done
  return 1
}

show_log() {
  log "last lines of ${logs}/$1.log:"
  tail -n 30 "${logs}/$1.log" >&2 || true
}

curl_api() {
  curl -sS --fail --max-time 10 --cacert "${pki}/ca.crt" \
    --cert "${pki}/admin.crt" --key "${pki}/admin.key" "$@"
}

# ---- reuse a running cluster ---------------------------------------------------------
reuse=0
if pid_alive etcd && pid_alive kube-apiserver && pid_alive kube-controller-manager \
  && [[ -f "${state_dir}/env" && -f "${kubeconfig}" ]]; then
  # shellcheck disable=SC1091
  api_url="$(. "${state_dir}/env" && echo "${TEST_CLUSTER_API_URL}")"
  if [[ "$(curl_api "${api_url}/readyz" 2>/dev/null || true)" == "ok" ]]; then
    log "cluster in ${state_dir} is already running (${api_url}); reusing it"
    reuse=1
  fi
fi

if [[ "${reuse}" == 0 ]]; then
  if [[ -d "${pids}" ]]; then
    log "stopping leftovers of a previous run"
    "${here}/stop.sh" "${state_dir}" >&2
  fi
  rm -rf "${pki}" "${logs}" "${pids}" "${state_dir}/etcd" "${state_dir}/kcm-certs" \
    "${state_dir}/apiserver-certs" "${kubeconfig}" "${state_dir}/env"
  mkdir -p "${pki}" "${logs}" "${pids}"
  chmod 0700 "${pki}"

  started_ok=0
  on_exit() {
    if [[ "${started_ok}" != 1 ]]; then
      log "start failed; stopping what was started"
      "${here}/stop.sh" "${state_dir}" >&2 || true
    fi
  }
  trap on_exit EXIT

  # ---- PKI -----------------------------------------------------------------------------
  # ECDSA P-256 keys (instant even on a loaded machine), except the admin
  # client key, which stays RSA for the widest client compatibility.
  log "generating certificates in ${pki}"
  gen_pki() {
    cd "${pki}"
    umask 077
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
    local rsa=(-newkey rsa:2048)
    local ca_ext=(-addext "basicConstraints=critical,CA:TRUE"
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature")
    local client_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

    # new_ca NAME CN
    new_ca() {
      openssl req -x509 "${ec[@]}" -nodes -sha256 -days 3650 \
        -keyout "$1.key" -out "$1.crt" -subj "/CN=$2" "${ca_ext[@]}"
    }
    # sign CA NAME SUBJECT EXTENSIONS KEYTYPE...
    sign() {
      local ca="$1" name="$2" subj="$3" ext="$4"
      shift 4
      openssl req -new "$@" -nodes -sha256 -keyout "${name}.key" -out "${name}.csr" -subj "${subj}"
      printf '%s\n' "${ext}" >"${name}.ext"
      openssl x509 -req -in "${name}.csr" -CA "${ca}.crt" -CAkey "${ca}.key" -CAcreateserial \
        -days 3650 -sha256 -extfile "${name}.ext" -out "${name}.crt"
      rm -f "${name}.csr" "${name}.ext"
    }

    new_ca ca archway-test-cluster-ca
    sign ca apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:${service_first_ip},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" "${ec[@]}"
    sign ca admin "/O=system:masters/CN=archway-admin" "${client_ext}" "${rsa[@]}"
    sign ca kube-controller-manager "/CN=system:kube-controller-manager" "${client_ext}" "${ec[@]}"
    # Front proxy (request-header authentication, used by API aggregation): a
    # CA of its own, as kubeadm does.
    new_ca front-proxy-ca archway-test-front-proxy-ca
    sign front-proxy-ca front-proxy-client "/CN=front-proxy-client" "${client_ext}" "${ec[@]}"
    # Service-account token signing key (ES256).
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out sa.key
    openssl pkey -in sa.key -pubout -out sa.pub
    chmod 0644 ./*.crt sa.pub
  }
  # (Not inside `if`/`||`: there bash would ignore set -e in the subshell.)
  set +e
  (
    set -e
    gen_pki
  ) >"${logs}/pki.log" 2>&1
  pki_rc=$?
  set -e
  if [[ "${pki_rc}" != 0 ]]; then
    tail -n 20 "${logs}/pki.log" >&2
    die "certificate generation failed (see ${logs}/pki.log)"
  fi

  # write_kubeconfig FILE USER CERT KEY SERVER
  write_kubeconfig() {
    umask 077
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: archway-test
  cluster:
    server: $5
    certificate-authority-data: $(base64 -w0 <"${pki}/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 <"$3")
    client-key-data: $(base64 -w0 <"$4")
contexts:
- name: archway-test
  context:
    cluster: archway-test
    user: $2
current-context: archway-test
EOF
  }

  # ---- etcd -------------------------------------------------------------------------------
  etcd_ok=0
  for attempt in 1 2 3; do
    pick_port etcd_client_port
    pick_port etcd_peer_port
    etcd_url="http://127.0.0.1:${etcd_client_port}"
    rm -rf "${state_dir}/etcd"
    log "starting etcd on ${etcd_url} (attempt ${attempt})"
    launch etcd "${TC_BIN_DIR}/etcd" \
      --name=archway-test \
      --data-dir="${state_dir}/etcd" \
      --listen-client-urls="${etcd_url}" \
      --advertise-client-urls="${etcd_url}" \
      --listen-peer-urls="http://127.0.0.1:${etcd_peer_port}" \
      --initial-advertise-peer-urls="http://127.0.0.1:${etcd_peer_port}" \
      --initial-cluster="archway-test=http://127.0.0.1:${etcd_peer_port}" \
      --initial-cluster-state=new \
      --unsafe-no-fsync=true \
      --quota-backend-bytes=4294967296 \
      --log-level=warn
    rc=0
    wait_for etcd curl -sS --fail --max-time 2 "${etcd_url}/health" || rc=$?
    if [[ "${rc}" == 0 ]]; then
      etcd_ok=1
      break
    fi
    show_log etcd
    kill_one etcd
    grep -q 'address already in use' "${logs}/etcd.log" || die "etcd did not become healthy"
  done
  [[ "${etcd_ok}" == 1 ]] || die "etcd could not get free ports"
  log "etcd healthy after $(elapsed)"

  # ---- kube-apiserver ------------------------------------------------------------------------
  api_ok=0
  for attempt in 1 2 3; do
    pick_port api_port
    api_url="https://127.0.0.1:${api_port}"
    log "starting kube-apiserver on ${api_url} (attempt ${attempt})"
    launch kube-apiserver "${TC_BIN_DIR}/kube-apiserver" \
      --bind-address=127.0.0.1 \
      --advertise-address=127.0.0.1 \
      --secure-port="${api_port}" \
      --etcd-servers="${etcd_url}" \
      --cert-dir="${state_dir}/apiserver-certs" \
      --tls-cert-file="${pki}/apiserver.crt" \
      --tls-private-key-file="${pki}/apiserver.key" \
      --client-ca-file="${pki}/ca.crt" \
      --requestheader-client-ca-file="${pki}/front-proxy-ca.crt" \
      --requestheader-allowed-names=front-proxy-client \
      --requestheader-username-headers=X-Remote-User \
      --requestheader-group-headers=X-Remote-Group \
      --requestheader-extra-headers-prefix=X-Remote-Extra- \
      --proxy-client-cert-file="${pki}/front-proxy-client.crt" \
      --proxy-client-key-file="${pki}/front-proxy-client.key" \
      --authorization-mode=RBAC \
      --anonymous-auth=true \
      --service-account-issuer=https://kubernetes.default.svc.cluster.local \
      --service-account-key-file="${pki}/sa.pub" \
      --service-account-signing-key-file="${pki}/sa.key" \
      --service-cluster-ip-range="${service_cidr}" \
      --endpoint-reconciler-type=none \
      --allow-privileged=true \
      --profiling=false \
      --v=1
    rc=0
    wait_for kube-apiserver curl_api "${api_url}/readyz" || rc=$?
    if [[ "${rc}" == 0 ]]; then
      api_ok=1
      break
    fi
    show_log kube-apiserver
    kill_one kube-apiserver
    grep -q 'address already in use' "${logs}/kube-apiserver.log" \
      || die "kube-apiserver did not become ready ($([[ "${rc}" == 2 ]] && echo exited || echo timeout))"
  done
  [[ "${api_ok}" == 1 ]] || die "kube-apiserver could not get a free port"
  log "kube-apiserver ready after $(elapsed)"

  write_kubeconfig "${kubeconfig}" archway-admin "${pki}/admin.crt" "${pki}/admin.key" "${api_url}"
  write_kubeconfig "${pki}/kube-controller-manager.kubeconfig" system:kube-controller-manager \
    "${pki}/kube-controller-manager.crt" "${pki}/kube-controller-manager.key" "${api_url}"

  # ---- kube-controller-manager -------------------------------------------------------------------
  kcm_ok=0
  for attempt in 1 2 3; do
    pick_port kcm_port
    log "starting kube-controller-manager (healthz on https://127.0.0.1:${kcm_port}, attempt ${attempt})"
    launch kube-controller-manager "${TC_BIN_DIR}/kube-controller-manager" \
      --kubeconfig="${pki}/kube-controller-manager.kubeconfig" \
      --authentication-kubeconfig="${pki}/kube-controller-manager.kubeconfig" \
      --authorization-kubeconfig="${pki}/kube-controller-manager.kubeconfig" \
      --bind-address=127.0.0.1 \
      --secure-port="${kcm_port}" \
      --cert-dir="${state_dir}/kcm-certs" \
      --leader-elect=false \
      --use-service-account-credentials=true \
      --service-account-private-key-file="${pki}/sa.key" \
      --root-ca-file="${pki}/ca.crt" \
      --cluster-signing-cert-file="${pki}/ca.crt" \
      --cluster-signing-key-file="${pki}/ca.key" \
      --service-cluster-ip-range="${service_cidr}" \
      --profiling=false \
      --v=1
    rc=0
    wait_for kube-controller-manager curl -sS --fail --max-time 2 -k \
      "https://127.0.0.1:${kcm_port}/healthz" || rc=$?
    if [[ "${rc}" == 0 ]]; then
      kcm_ok=1
      break
    fi
    show_log kube-controller-manager
    kill_one kube-controller-manager
    grep -q 'address already in use' "${logs}/kube-controller-manager.log" \
      || die "kube-controller-manager did not become healthy"
  done
  [[ "${kcm_ok}" == 1 ]] || die "kube-controller-manager could not get a free port"
  # The service-account controller creating default/default shows the
  # controllers run (and Pods can be created: admission needs that account).
  wait_for kube-controller-manager "${kubectl}" --kubeconfig="${kubeconfig}" \
    get serviceaccount default -n default \
    || die "kube-controller-manager did not create the default service account"
  log "kube-controller-manager running after $(elapsed)"

  umask 022
  cat >"${state_dir}/env" <<EOF
# Source this file to use the test cluster (written by hack/test-cluster/start.sh).
export KUBECONFIG='${kubeconfig}'
export PATH='${TC_BIN_DIR}':"\${PATH}"
export TEST_CLUSTER_STATE_DIR='${state_dir}'
export TEST_CLUSTER_API_URL='${api_url}'
export TEST_CLUSTER_ETCD_URL='${etcd_url}'
export TEST_CLUSTER_CA_CERT='${pki}/ca.crt'
export TEST_CLUSTER_ADMIN_CERT='${pki}/admin.crt'
export TEST_CLUSTER_ADMIN_KEY='${pki}/admin.key'
export TEST_CLUSTER_SERVICE_CIDR='${service_cidr}'
export TEST_CLUSTER_BIN_DIR='${TC_BIN_DIR}'
EOF
  started_ok=1
  trap - EXIT
fi

# ---- CRDs ---------------------------------------------------------------------------------------
k() { "${kubectl}" --kubeconfig="${kubeconfig}" "$@"; }

# apply_and_wait LABEL KUBECTL-APPLY-ARGS...: server-side apply (CRDs are too
# big for the last-applied annotation), then wait for the CRDs among them to be
# Established.
apply_and_wait() {
  local label="$1" out crds=()
  shift
  out="$(k apply --server-side --force-conflicts --field-manager=archway-test-cluster \
    -o name "$@")" || die "kubectl apply failed for ${label}: $*"
  mapfile -t crds < <(printf '%s\n' "${out}" | grep '^customresourcedefinition' || true)
  if [[ "${#crds[@]}" -gt 0 ]]; then
    k wait --for=condition=Established --timeout="${timeout_s}s" "${crds[@]}" >/dev/null \
      || die "CRDs did not become Established: ${crds[*]}"
  fi
  log "${label}: applied $(printf '%s\n' "${out}" | grep -c .) objects, ${#crds[@]} CRDs Established"
}

if [[ "${channel}" != none ]]; then
  gw_dir="${TC_CRD_DIR}/${channel}"
  # CRDs first, then the ValidatingAdmissionPolicy that guards them.
  mapfile -t gw_crds < <(find "${gw_dir}" -maxdepth 1 -name '*.yaml' ! -name '*_vap_*' | sort)
  mapfile -t gw_rest < <(find "${gw_dir}" -maxdepth 1 -name '*_vap_*.yaml' | sort)
  args=()
  for f in "${gw_crds[@]}"; do args+=(-f "${f}"); done
  apply_and_wait "Gateway API CRDs" "${args[@]}"
  if [[ "${#gw_rest[@]}" -gt 0 ]]; then
    args=()
    for f in "${gw_rest[@]}"; do args+=(-f "${f}"); done
    apply_and_wait "Gateway API admission policy" "${args[@]}"
  fi
  log "Gateway API ${TC_GWAPI_VERSION} ${channel} channel installed"
fi

# Archway's own CRDs (archway.dev: ProxyConfig, Backend), the committed copy the Helm chart ships.
if [[ "${ARCHWAY_TEST_CLUSTER_ARCHWAY_CRDS:-1}" == 1 ]]; then
  [[ -d "${repo_root}/deploy/crds" ]] || die "no ${repo_root}/deploy/crds"
  apply_and_wait "Archway CRDs (deploy/crds)" -f "${repo_root}/deploy/crds"
fi

if [[ -n "${ARCHWAY_EXTRA_CRDS:-}" ]]; then
  IFS=':' read -r -a extra <<<"${ARCHWAY_EXTRA_CRDS}"
  for p in "${extra[@]}"; do
    [[ -n "${p}" ]] || continue
    [[ -e "${p}" ]] || die "ARCHWAY_EXTRA_CRDS: ${p} does not exist"
    apply_and_wait "${p}" -R -f "${p}"
  done
fi

log "cluster ready in ${state_dir} ($(elapsed)); API server ${api_url}"
log "stop it with: ${here}/stop.sh ${state_dir}"
printf 'export KUBECONFIG=%q\n' "${kubeconfig}"
