#!/usr/bin/env bash
# Installs h2spec (HTTP/2 conformance cases, github.com/summerwind/h2spec) from the Go module proxy
# into ${ARCHWAY_CACHE_DIR:-$HOME/.cache/archway}/bin, and prints the binary's path.
# H2specIT runs it when -Dh2spec=PATH or $H2SPEC names it, or when it is in that directory.
set -euo pipefail

cache="${ARCHWAY_CACHE_DIR:-$HOME/.cache/archway}"
bin="$cache/bin"
version="${H2SPEC_VERSION:-latest}"

if [[ -x $bin/h2spec && ${H2SPEC_FORCE:-} != 1 ]]; then
  echo "$bin/h2spec"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-h2spec: go is not on PATH (h2spec is built from the Go module proxy)" >&2
  exit 1
fi
mkdir -p "$bin"
# One package at a time: the machines have 2 cores shared with other builds.
GOFLAGS="${GOFLAGS:--p=1}" GOBIN="$bin" GOPATH="${GOPATH:-$cache/go}" GOMODCACHE="${GOMODCACHE:-$cache/go/pkg/mod}" \
  go install "github.com/summerwind/h2spec/cmd/h2spec@$version" >&2
echo "$bin/h2spec"
