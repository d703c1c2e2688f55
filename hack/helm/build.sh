#!/usr/bin/env bash
# Builds the `helm` binary from its Go module (no release tarball or package is reachable here;
# Debian has no helm package) into the same cache as hack/test-cluster, and prints its path.
# Does nothing (milliseconds) when the binary is there. Uses one CPU (GOMAXPROCS=1, -p=1).
#
# Environment: ARCHWAY_CACHE_DIR (default $HOME/.cache/archway), ARCHWAY_HELM_VERSION.
set -euo pipefail
version="${ARCHWAY_HELM_VERSION:-v3.22.0}"
bin_dir="${ARCHWAY_CACHE_DIR:-$HOME/.cache/archway}/helm-${version}/bin"
helm="${bin_dir}/helm"
if [[ -x "${helm}" ]]; then
  echo "${helm}"
  exit 0
fi
command -v go >/dev/null || { echo "go is required to build helm" >&2; exit 1; }
mkdir -p "${bin_dir}"
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
cd "${tmp}"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOMAXPROCS="${ARCHWAY_BUILD_GOMAXPROCS:-1}"
export GOFLAGS="-p=1 -buildvcs=false -trimpath"
go mod init archway-helm-build >&2
go get "helm.sh/helm/v3/cmd/helm@${version}" >&2
go build -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${version}" \
  -o "${tmp}/helm" helm.sh/helm/v3/cmd/helm >&2
mv "${tmp}/helm" "${helm}"
echo "${helm}"
