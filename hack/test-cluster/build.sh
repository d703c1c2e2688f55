#!/usr/bin/env bash
# Builds the binaries of a throwaway test control plane from Go modules
# (kube-apiserver, kube-controller-manager, kubectl, etcd) and copies the
# Gateway API CRDs next to them, into
#   ${ARCHWAY_CACHE_DIR:-$HOME/.cache/archway}/test-cluster/<versions>/
# A second run with everything present does nothing.
#
#   hack/test-cluster/build.sh [kube-proxy]
# Optional binaries named as arguments are built too (kube-proxy: the
# conformance harness's --infrastructure kubernetes mode routes Service
# addresses with it).
#
# Sourcing this file (`source build.sh`) only defines the TC_* variables below
# (versions and paths); it builds nothing.
#
# Environment:
#   ARCHWAY_CACHE_DIR        cache root (default $HOME/.cache/archway)
#   ARCHWAY_BUILD_GOMAXPROCS CPUs the Go compiler may use (default 1, keeps a core free)
#   ARCHWAY_BUILD_KEEP_TMP   if 1, keep the throwaway Go modules for inspection

# ---- pinned versions: change them here only ---------------------------------
TC_K8S_VERSION="v1.35.4"      # module k8s.io/kubernetes; staging modules at v0.35.4
TC_ETCD_VERSION="v3.6.16"     # module go.etcd.io/etcd/server/v3
TC_GWAPI_VERSION="v1.6.1"     # module sigs.k8s.io/gateway-api (CRDs only)
# -----------------------------------------------------------------------------

TC_STAGING_VERSION="v0.${TC_K8S_VERSION#v1.}"
TC_CACHE_ROOT="${ARCHWAY_CACHE_DIR:-${HOME}/.cache/archway}/test-cluster"
TC_VERSION_DIR="${TC_CACHE_ROOT}/k8s-${TC_K8S_VERSION}_etcd-${TC_ETCD_VERSION}_gwapi-${TC_GWAPI_VERSION}"
TC_BIN_DIR="${TC_VERSION_DIR}/bin"
TC_CRD_DIR="${TC_VERSION_DIR}/crds/gateway-api"
TC_BINARIES=(etcd kube-apiserver kube-controller-manager kubectl)
TC_OPTIONAL_BINARIES=(kube-proxy) # built only when named as an argument
export TC_K8S_VERSION TC_ETCD_VERSION TC_GWAPI_VERSION TC_STAGING_VERSION
export TC_CACHE_ROOT TC_VERSION_DIR TC_BIN_DIR TC_CRD_DIR

# Sourced: stop here, only the variables are wanted.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  return 0
fi

set -euo pipefail

for b in "$@"; do
  [[ " ${TC_OPTIONAL_BINARIES[*]} " == *" ${b} "* ]] \
    || { echo "build.sh: unknown optional binary ${b} (known: ${TC_OPTIONAL_BINARIES[*]})" >&2; exit 2; }
  TC_BINARIES+=("${b}")
done

log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

all_present() {
  local b
  for b in "${TC_BINARIES[@]}"; do
    [[ -x "${TC_BIN_DIR}/${b}" ]] || return 1
  done
  [[ -f "${TC_CRD_DIR}/experimental/.complete" && -f "${TC_CRD_DIR}/standard/.complete" ]] || return 1
}

if all_present; then
  log "up to date: ${TC_BIN_DIR}"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH"

# Go settings for the build: no toolchain download, static binaries, one
# package at a time and (by default) one CPU for the compiler, so that other
# work on the machine keeps a core.
export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOFLAGS="-p=1 -buildvcs=false -trimpath"
export GOMAXPROCS="${ARCHWAY_BUILD_GOMAXPROCS:-1}"
export GOWORK=off
unset GOOS GOARCH

mkdir -p "${TC_BIN_DIR}" "${TC_CRD_DIR}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/archway-test-cluster-build.XXXXXX")"
cleanup() {
  if [[ "${ARCHWAY_BUILD_KEEP_TMP:-0}" == 1 ]]; then
    log "kept throwaway modules in ${tmp}"
  else
    rm -rf "${tmp}"
  fi
}
trap cleanup EXIT

log "go: $(go version)"
log "versions: kubernetes ${TC_K8S_VERSION} (staging ${TC_STAGING_VERSION}), etcd ${TC_ETCD_VERSION}, gateway-api ${TC_GWAPI_VERSION}"
log "output: ${TC_VERSION_DIR}"

# Moves a freshly built binary into place atomically.
install_bin() {
  local src="$1" name="$2"
  chmod 0755 "${src}"
  mv -f "${src}" "${TC_BIN_DIR}/${name}"
  log "built ${name} ($(du -h "${TC_BIN_DIR}/${name}" | cut -f1))"
}

# ---- Gateway API CRDs --------------------------------------------------------
if [[ ! -f "${TC_CRD_DIR}/experimental/.complete" || ! -f "${TC_CRD_DIR}/standard/.complete" ]]; then
  log "downloading sigs.k8s.io/gateway-api@${TC_GWAPI_VERSION} (for its CRDs)"
  gw_json="$(cd "${tmp}" && go mod download -json "sigs.k8s.io/gateway-api@${TC_GWAPI_VERSION}")"
  gw_dir="$(printf '%s\n' "${gw_json}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "${gw_dir}" && -d "${gw_dir}/config/crd" ]] || die "no config/crd in gateway-api module: ${gw_json}"
  for channel in standard experimental; do
    src="${gw_dir}/config/crd/${channel}"
    [[ -d "${src}" ]] || die "missing ${src}"
    rm -rf "${TC_CRD_DIR:?}/${channel}"
    mkdir -p "${TC_CRD_DIR}/${channel}"
    # The CRDs and the bundle's ValidatingAdmissionPolicy (safe-upgrades),
    # without kustomization.yaml.
    for f in "${src}"/*.yaml; do
      [[ "$(basename "${f}")" != kustomization.yaml ]] || continue
      cp "${f}" "${TC_CRD_DIR}/${channel}/"
      chmod 0644 "${TC_CRD_DIR}/${channel}/$(basename "${f}")"
    done
    count="$(find "${TC_CRD_DIR}/${channel}" -name '*.yaml' | wc -l)"
    [[ "${count}" -gt 0 ]] || die "no CRDs found in ${src}"
    touch "${TC_CRD_DIR}/${channel}/.complete"
    log "gateway-api ${channel} channel: ${count} manifests"
  done
fi

# ---- etcd (its own module, so its dependency versions don't mix with k8s) ----
if [[ ! -x "${TC_BIN_DIR}/etcd" ]]; then
  log "building etcd ${TC_ETCD_VERSION}"
  mkdir -p "${tmp}/etcd"
  cat >"${tmp}/etcd/go.mod" <<EOF
module archway.invalid/test-cluster/etcd

go 1.25.0

require go.etcd.io/etcd/server/v3 ${TC_ETCD_VERSION}
EOF
  cd "${tmp}/etcd"
  go get "go.etcd.io/etcd/server/v3@${TC_ETCD_VERSION}" || die "go get etcd failed"
  go build -o "${tmp}/etcd.bin" go.etcd.io/etcd/server/v3 || die "etcd build failed"
  cd - >/dev/null
  install_bin "${tmp}/etcd.bin" etcd
fi

# ---- kubernetes ---------------------------------------------------------------
k8s_missing=()
for b in "${TC_BINARIES[@]}"; do
  [[ "${b}" != etcd ]] || continue
  [[ -x "${TC_BIN_DIR}/${b}" ]] || k8s_missing+=("${b}")
done
if [[ "${#k8s_missing[@]}" -gt 0 ]]; then
  log "resolving k8s.io/kubernetes@${TC_K8S_VERSION}"
  k8s_json="$(cd "${tmp}" && go mod download -json "k8s.io/kubernetes@${TC_K8S_VERSION}")"
  k8s_gomod="$(printf '%s\n' "${k8s_json}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "${k8s_gomod}" ]] || die "could not download k8s.io/kubernetes@${TC_K8S_VERSION}: ${k8s_json}"

  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them
  # with ./staging/...; a consumer must replace each with the published
  # v0.X.Y matching v1.X.Y. Take the list from the module's own replace block.
  mapfile -t staging < <(awk '
    /^replace[[:space:]]*\(/ { inblock = 1; next }
    inblock && /^\)/ { inblock = 0 }
    inblock && $2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }
  ' "${k8s_gomod}")
  [[ "${#staging[@]}" -gt 10 ]] || die "unexpected replace block in ${k8s_gomod}"
  log "replacing ${#staging[@]} staging modules with ${TC_STAGING_VERSION}"

  mkdir -p "${tmp}/k8s"
  {
    printf 'module archway.invalid/test-cluster/k8s\n\ngo 1.25.0\n\n'
    printf 'require k8s.io/kubernetes %s\n\nreplace (\n' "${TC_K8S_VERSION}"
    for m in "${staging[@]}"; do
      printf '\t%s => %s %s\n' "${m}" "${m}" "${TC_STAGING_VERSION}"
    done
    printf ')\n'
  } >"${tmp}/k8s/go.mod"

  minor="${TC_K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X ${pkg}.gitVersion=${TC_K8S_VERSION}"
    ldflags+=" -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
    ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"
  done

  pkgs=()
  for b in "${k8s_missing[@]}"; do
    pkgs+=("k8s.io/kubernetes/cmd/${b}")
  done
  cd "${tmp}/k8s"
  log "go get ${pkgs[*]} (module downloads)"
  go get "${pkgs[@]/%/@${TC_K8S_VERSION}}" || die "go get kubernetes failed"
  for b in "${k8s_missing[@]}"; do
    log "building ${b} (GOMAXPROCS=${GOMAXPROCS}; the first one takes longest)"
    go build -tags=selinux,notest -ldflags="${ldflags}" -o "${tmp}/${b}.bin" "k8s.io/kubernetes/cmd/${b}" \
      || die "building ${b} failed"
    install_bin "${tmp}/${b}.bin" "${b}"
  done
  cd - >/dev/null
fi

all_present || die "build finished but something is missing in ${TC_VERSION_DIR}"
log "done: ${TC_BIN_DIR}"
log "  etcd: $("${TC_BIN_DIR}/etcd" --version 2>/dev/null | head -n 1 || true)"
log "  kube-apiserver: $("${TC_BIN_DIR}/kube-apiserver" --version 2>/dev/null || true)"
log "  kube-controller-manager: $("${TC_BIN_DIR}/kube-controller-manager" --version 2>/dev/null || true)"
log "  kubectl: $("${TC_BIN_DIR}/kubectl" version --client 2>/dev/null | head -n 1 || true)"
if [[ -x "${TC_BIN_DIR}/kube-proxy" ]]; then
  log "  kube-proxy: $("${TC_BIN_DIR}/kube-proxy" --version 2>/dev/null || true)"
fi
