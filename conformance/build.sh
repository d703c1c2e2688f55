#!/usr/bin/env bash
# Builds the programs of the conformance harness from Go modules into
#   ${ARCHWAY_CACHE_DIR:-$HOME/.cache/archway}/conformance/<versions>/bin/
#     conformance.test  the upstream suite (sigs.k8s.io/gateway-api/conformance), go test -c
#     echo-basic        the suite's backend (same module, same version)
#     podrunner         runs the Pods of the simulated Node (tools/podrunner)
#     kwok              simulates the Node and the Pods' status (sigs.k8s.io/kwok)
#     coredns           CoreDNS for the UDPRoute test's DNS backend (coredns/)
#   crds/kwok.x-k8s.io_logs.yaml   kwok's Logs CRD (from the kwok module)
# A second run with nothing changed does nothing (a stamp of the sources is kept
# per program). `source build.sh` only defines the CF_* variables.
#
# Environment:
#   ARCHWAY_CACHE_DIR        cache root (default $HOME/.cache/archway)
#   ARCHWAY_BUILD_GOMAXPROCS CPUs the Go compiler may use (default 1)

# ---- pinned versions: change them here (and in tools/go.mod, coredns/go.mod) --
CF_GWAPI_VERSION="v1.6.1"    # sigs.k8s.io/gateway-api/conformance (suite + echo-basic)
CF_KWOK_VERSION="v0.8.0"     # sigs.k8s.io/kwok
CF_COREDNS_VERSION="v1.12.2" # github.com/coredns/coredns (the suite's coredns image tag)
# -----------------------------------------------------------------------------

CF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CF_CACHE_ROOT="${ARCHWAY_CACHE_DIR:-${HOME}/.cache/archway}/conformance"
CF_VERSION_DIR="${CF_CACHE_ROOT}/gwapi-${CF_GWAPI_VERSION}_kwok-${CF_KWOK_VERSION}_coredns-${CF_COREDNS_VERSION}"
CF_BIN_DIR="${CF_VERSION_DIR}/bin"
CF_CRD_DIR="${CF_VERSION_DIR}/crds"
export CF_GWAPI_VERSION CF_KWOK_VERSION CF_COREDNS_VERSION CF_DIR CF_CACHE_ROOT CF_VERSION_DIR CF_BIN_DIR CF_CRD_DIR

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  return 0
fi

set -euo pipefail

log() { printf '[conformance-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH"
export GOTOOLCHAIN=local
export CGO_ENABLED=0
export GOFLAGS="-p=1 -buildvcs=false -trimpath"
export GOMAXPROCS="${ARCHWAY_BUILD_GOMAXPROCS:-1}"
export GOWORK=off
unset GOOS GOARCH

mkdir -p "${CF_BIN_DIR}" "${CF_CRD_DIR}"

# stamp FILES...: a hash of the given source files (names and contents).
stamp() {
  (cd "${CF_DIR}" && sha256sum "$@" | sha256sum | cut -c1-16)
}

# build NAME STAMP DIR CMD...: runs CMD in DIR unless bin/NAME exists with the
# same stamp; CMD writes to the path in $OUT (a temp file moved into place when done).
build() {
  local name="$1" want="$2" dir="$3"
  shift 3
  local out="${CF_BIN_DIR}/${name}" stampf="${CF_BIN_DIR}/.${name}.stamp"
  if [[ -x "${out}" && -f "${stampf}" && "$(cat "${stampf}")" == "${want}" ]]; then
    return 0
  fi
  local tmp="${out}.tmp.$$"
  log "building ${name} ..."
  local t0=${SECONDS}
  # shellcheck disable=SC2034 # OUT is used by the eval'd command
  (cd "${dir}" && OUT="${tmp}" && eval "$*") || { rm -f "${tmp}"; die "building ${name} failed"; }
  mv -f "${tmp}" "${out}"
  printf '%s\n' "${want}" >"${stampf}"
  log "built ${name} in $((SECONDS - t0)) s"
}

mapfile -t tools_go < <(cd "${CF_DIR}" && find tools -name '*.go' | sort)
tools_stamp="$(stamp tools/go.mod tools/go.sum "${tools_go[@]}")"
coredns_stamp="$(stamp coredns/go.mod coredns/go.sum coredns/main.go)"

# shellcheck disable=SC2016 # $OUT is expanded by build()
build conformance.test "${tools_stamp}" "${CF_DIR}/tools" 'go test -c -o "${OUT}" ./suite'
# shellcheck disable=SC2016
build echo-basic "${tools_stamp}" "${CF_DIR}/tools" \
  'go build -ldflags "-s -w" -o "${OUT}" sigs.k8s.io/gateway-api/conformance/echo-basic'
# shellcheck disable=SC2016
build podrunner "${tools_stamp}" "${CF_DIR}/tools" 'go build -ldflags "-s -w" -o "${OUT}" ./podrunner'
# shellcheck disable=SC2016
build coredns "${coredns_stamp}" "${CF_DIR}/coredns" 'go build -ldflags "-s -w" -o "${OUT}" .'

# kwok: `go install` of its own module at the pinned version (it has no replace
# directives), so its dependencies are exactly its go.mod's.
if [[ ! -x "${CF_BIN_DIR}/kwok" ]]; then
  log "building kwok ${CF_KWOK_VERSION} ..."
  t0=${SECONDS}
  gobin="$(mktemp -d "${TMPDIR:-/tmp}/archway-kwok-build.XXXXXX")"
  GOBIN="${gobin}" go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@${CF_KWOK_VERSION}" \
    || { rm -rf "${gobin}"; die "building kwok failed"; }
  mv -f "${gobin}/kwok" "${CF_BIN_DIR}/kwok"
  rm -rf "${gobin}"
  log "built kwok in $((SECONDS - t0)) s"
fi

# kwok's Logs CRD, from the same module version (podrunner creates one Logs per Pod).
crd="${CF_CRD_DIR}/kwok.x-k8s.io_logs.yaml"
if [[ ! -f "${crd}" ]]; then
  src="$(go mod download -json "sigs.k8s.io/kwok@${CF_KWOK_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -f "${src}/kustomize/crd/bases/kwok.x-k8s.io_logs.yaml" ]] || die "kwok Logs CRD not found in ${src}"
  cp "${src}/kustomize/crd/bases/kwok.x-k8s.io_logs.yaml" "${crd}.tmp"
  mv -f "${crd}.tmp" "${crd}"
fi

log "up to date: ${CF_BIN_DIR}"
