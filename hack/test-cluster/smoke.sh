#!/usr/bin/env bash
# Smoke test of the test cluster: build (cached), start in a temporary state
# directory, check the API server, controller-manager and Gateway API CRDs,
# stop. Exits non-zero if any check fails.
#
# Usage: smoke.sh
# Environment:
#   ARCHWAY_SMOKE_STATE_DIR   state directory to use (default: a new temp dir,
#                             deleted afterwards)
#   ARCHWAY_SMOKE_KEEP=1      leave the cluster running and the state in place
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=build.sh
source "${here}/build.sh"

log() { printf '[smoke %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
ms() { echo "$((($(date +%s%N) - $1) / 1000000))"; }

passed=0
failed=0
failures=()
# check NAME CMD...: runs CMD, records the result.
check() {
  local name="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    log "PASS ${name}"
  else
    failed=$((failed + 1))
    failures+=("${name}")
    log "FAIL ${name}"
    printf '%s\n' "${out}" | tail -n 20 | sed 's/^/    /' >&2
  fi
}

# eventually SECONDS CMD...: retries CMD until it succeeds or time runs out.
eventually() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    (($(date +%s) < deadline)) || return 1
    sleep 0.5
  done
}

# ---- build ---------------------------------------------------------------------
t0="$(date +%s%N)"
"${here}/build.sh"
log "build.sh took $(ms "${t0}") ms"

# ---- start ------------------------------------------------------------------------
own_state=0
if [[ -n "${ARCHWAY_SMOKE_STATE_DIR:-}" ]]; then
  state_dir="${ARCHWAY_SMOKE_STATE_DIR}"
else
  state_dir="$(mktemp -d "${TMPDIR:-/tmp}/archway-smoke.XXXXXX")"
  own_state=1
fi
finish() {
  local rc=$?
  if [[ "${ARCHWAY_SMOKE_KEEP:-0}" == 1 ]]; then
    log "cluster left running: source ${state_dir}/env"
  else
    "${here}/stop.sh" "${state_dir}" || true
    if [[ "${own_state}" == 1 ]]; then
      rm -rf "${state_dir}"
    fi
  fi
  exit "${rc}"
}
trap finish EXIT

t0="$(date +%s%N)"
"${here}/start.sh" "${state_dir}" >/dev/null
start_ms="$(ms "${t0}")"
log "start.sh took ${start_ms} ms"
# shellcheck disable=SC1091
source "${state_dir}/env"
k() { kubectl "$@"; }

# ---- checks -------------------------------------------------------------------------
ns=smoke

check "kubectl reaches the API server (version ${TC_K8S_VERSION})" \
  bash -c "kubectl version -o json | grep -q '\"gitVersion\": \"${TC_K8S_VERSION}\"'"
check "/readyz is ok" bash -c "[[ \"\$(kubectl get --raw /readyz)\" == ok ]]"
check "API server listens on 127.0.0.1 only" \
  bash -c "[[ '${TEST_CLUSTER_API_URL}' == https://127.0.0.1:* ]]"
check "create namespace" k create namespace "${ns}"

# Selector-less Service with a hand-written EndpointSlice (what the conformance
# test HTTPRouteServiceTypes uses). EndpointSlice validation rejects loopback
# and link-local addresses, so the addresses here are from TEST-NET-1
# (192.0.2.0/24, RFC 5737); nothing ever connects to them.
check "selector-less Service + hand-written EndpointSlice" k apply -n "${ns}" -f - <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: manual
spec:
  ports:
  - name: first-port
    port: 8080
    targetPort: 3000
    protocol: TCP
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: manual-ipv4
  labels:
    kubernetes.io/service-name: manual
addressType: IPv4
ports:
- name: first-port
  port: 3000
  protocol: TCP
endpoints:
- addresses: ["192.0.2.2"]
  conditions:
    ready: true
EOF
check "Service got a ClusterIP from ${TEST_CLUSTER_SERVICE_CIDR}" \
  bash -c "kubectl get svc manual -n ${ns} -o jsonpath='{.spec.clusterIP}' | grep -q '^10\\.96\\.'"
check "hand-written EndpointSlice reads back" \
  bash -c "kubectl get endpointslice manual-ipv4 -n ${ns} -o jsonpath='{.endpoints[0].addresses[0]}:{.ports[0].port}' | grep -qx '192.0.2.2:3000'"

# Gateway API objects, including an experimental-channel field (rules[].retry).
check "GatewayClass/Gateway/HTTPRoute (experimental retry field) created" k apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: smoke
spec:
  controllerName: archway.dev/smoke
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: ${ns}
spec:
  gatewayClassName: smoke
  listeners:
  - name: http
    port: 80
    protocol: HTTP
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route
  namespace: ${ns}
spec:
  parentRefs:
  - name: gw
  hostnames: ["smoke.example.com"]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /app}
    backendRefs:
    - name: manual
      port: 8080
    retry:
      attempts: 2
      codes: [503]
EOF
check "GatewayClass reads back" \
  bash -c "kubectl get gatewayclass smoke -o jsonpath='{.spec.controllerName}' | grep -qx archway.dev/smoke"
check "Gateway reads back (defaulted allowedRoutes)" \
  bash -c "kubectl get gateway gw -n ${ns} -o jsonpath='{.spec.listeners[0].allowedRoutes.namespaces.from}' | grep -qx Same"
check "HTTPRoute keeps the experimental retry field" \
  bash -c "kubectl get httproute route -n ${ns} -o jsonpath='{.spec.rules[0].retry.attempts}' | grep -qx 2"
check "CRD bundle annotations are v${TC_GWAPI_VERSION#v} experimental" \
  bash -c "kubectl get crd httproutes.gateway.networking.k8s.io -o jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version} {.metadata.annotations.gateway\\.networking\\.k8s\\.io/channel}' | grep -qx '${TC_GWAPI_VERSION} experimental'"
check "Archway's CRDs are installed (a ProxyConfig with resources reads back)" bash -c "
  kubectl apply -n ${ns} -f - <<'EOF' >/dev/null || exit 1
apiVersion: archway.dev/v1alpha1
kind: ProxyConfig
metadata:
  name: smoke
spec:
  provider:
    kubernetes:
      deployment:
        resources:
          limits: {memory: 256Mi}
EOF
  kubectl get proxyconfig smoke -n ${ns} -o jsonpath='{.spec.provider.kubernetes.deployment.resources.limits.memory}' | grep -qx 256Mi"
check "CRD CEL validation rejects a path without leading /" bash -c "
  out=\$(kubectl apply -n ${ns} -f - 2>&1 <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bad
spec:
  rules:
  - matches:
    - path: {type: PathPrefix, value: nope}
EOF
  ) && exit 1
  grep -qi 'must be an absolute path' <<<\"\${out}\" || { echo \"\${out}\"; exit 1; }"
check "route status can be written through the status subresource" \
  k patch httproute route -n "${ns}" --subresource=status --type=merge -p \
  '{"status":{"parents":[{"parentRef":{"name":"gw"},"controllerName":"archway.dev/smoke","conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":1}]}]}}'

# RBAC is enforced: a service account has no rights by default.
check "RBAC denies a plain service account" \
  bash -c "[[ \$(kubectl auth can-i list secrets -n ${ns} --as=system:serviceaccount:${ns}:default) == no ]]"
check "service account tokens can be issued" k create token default -n "${ns}"

# kube-controller-manager: Deployment -> ReplicaSet -> Pods.
check "Deployment created" k create deployment web -n "${ns}" --image=registry.invalid/none:1 --replicas=2
check "Deployment got a ReplicaSet and 2 Pods (controller-manager)" eventually 60 \
  bash -c "[[ \$(kubectl get pods -n ${ns} -l app=web -o name | wc -l) == 2 ]]"

# Garbage collection of ownerReferences.
owner_uid=""
if k create configmap owner -n "${ns}" >/dev/null 2>&1; then
  owner_uid="$(k get configmap owner -n "${ns}" -o jsonpath='{.metadata.uid}')"
fi
check "dependent object with ownerReference created" k apply -n "${ns}" -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: dependent
  ownerReferences:
  - apiVersion: v1
    kind: ConfigMap
    name: owner
    uid: "${owner_uid}"
EOF
k delete configmap owner -n "${ns}" >/dev/null 2>&1 || true
check "garbage collector deletes the dependent" eventually 60 \
  bash -c "! kubectl get configmap dependent -n ${ns} >/dev/null 2>&1"

# EndpointSlices for a Service with a selector. There is no kubelet, so a Pod
# never runs; a fake Node plus a Pod bound to it whose status we write
# ourselves is enough for the EndpointSlice controller.
check "fake Node + bound Pod + Service with selector" k apply -f - <<EOF
apiVersion: v1
kind: Node
metadata:
  name: fake-node-1
  labels:
    kubernetes.io/hostname: fake-node-1
---
apiVersion: v1
kind: Pod
metadata:
  name: echo-1
  namespace: ${ns}
  labels:
    app: echo
spec:
  nodeName: fake-node-1
  containers:
  - name: echo
    image: registry.invalid/none:1
    ports:
    - containerPort: 3000
---
apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: ${ns}
spec:
  selector:
    app: echo
  ports:
  - name: http
    port: 8080
    targetPort: 3000
EOF
check "Pod status written (Running, Ready, podIP 192.0.2.3)" \
  k patch pod echo-1 -n "${ns}" --subresource=status --type=merge -p \
  '{"status":{"phase":"Running","podIP":"192.0.2.3","podIPs":[{"ip":"192.0.2.3"}],"conditions":[{"type":"Ready","status":"True"}]}}'
check "controller-manager made an EndpointSlice with the Pod's IP, ready" eventually 60 \
  bash -c "kubectl get endpointslice -n ${ns} -l kubernetes.io/service-name=echo -o jsonpath='{range .items[*].endpoints[*]}{.addresses[0]}={.conditions.ready}{\"\\n\"}{end}' | grep -qx '192.0.2.3=true'"
check "controller-manager left the hand-written EndpointSlice alone" \
  k get endpointslice manual-ipv4 -n "${ns}"

# A Pod bound to a node waits for that node's kubelet to confirm its deletion;
# there is none, so force it. Unscheduled Pods (the Deployment's) go at once.
check "force-delete the Pod bound to the fake Node" \
  k delete pod echo-1 -n "${ns}" --grace-period=0 --force --wait=true
check "delete the fake Node" k delete node fake-node-1
check "namespace deletion completes (namespace controller)" \
  bash -c "kubectl delete namespace ${ns} --timeout=120s"

# ---- resources ------------------------------------------------------------------------
for name in etcd kube-apiserver kube-controller-manager; do
  pid="$(cat "${state_dir}/pids/${name}.pid")"
  log "RSS ${name}: $(awk '/^VmRSS/ {printf "%d MiB", $2/1024}' "/proc/${pid}/status")"
done

# ---- stop -------------------------------------------------------------------------------
if [[ "${ARCHWAY_SMOKE_KEEP:-0}" != 1 ]]; then
  pids_before=()
  for name in etcd kube-apiserver kube-controller-manager; do
    pids_before+=("$(cat "${state_dir}/pids/${name}.pid")")
  done
  t0="$(date +%s%N)"
  check "stop.sh" "${here}/stop.sh" "${state_dir}"
  log "stop.sh took $(ms "${t0}") ms"
  check "all processes are gone" bash -c "for p in ${pids_before[*]}; do ! kill -0 \$p 2>/dev/null || exit 1; done"
  check "stop.sh again is a no-op" "${here}/stop.sh" "${state_dir}"
fi

echo "smoke: ${passed} passed, ${failed} failed"
if [[ "${failed}" -gt 0 ]]; then
  log "failed: ${failures[*]}"
  exit 1
fi
