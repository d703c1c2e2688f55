#!/usr/bin/env bash
# Builds Archway's container image from this checkout: the jar (./archway builds it when missing or
# older than the sources), then the Dockerfile. Prints the image's name.
#
#   hack/image/build.sh [TAG]        # default TAG: ghcr.io/archway-dev/archway:0.1.0 (the chart's)
#
# Base image: $ARCHWAY_IMAGE_BASE when set; else the Dockerfile's default (a public JRE image)
# when it is present locally or can be pulled; else a Debian base made from Debian's packages by
# hack/image/debian-base.sh (for machines that reach no container registry, such as this
# project's). Starts a Docker engine when none answers (hack/image/engine.sh start; stop it with
# `hack/image/engine.sh stop`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag="${1:-ghcr.io/archway-dev/archway:0.1.0}"
default_base="$(sed -n 's/^ARG BASE_IMAGE=//p' Dockerfile)"

hack/image/engine.sh start

./archway version >/dev/null # builds app/target/archway.jar when it is missing or stale

base="${ARCHWAY_IMAGE_BASE:-}"
if [[ -z ${base} ]]; then
  if docker image inspect "${default_base}" >/dev/null 2>&1 ||
    timeout 120 docker pull -q "${default_base}" >/dev/null 2>&1; then
    base="${default_base}"
  else
    echo "build: ${default_base} cannot be pulled; using a base made from Debian's packages" >&2
    base="$(hack/image/debian-base.sh)"
  fi
fi
echo "build: ${tag} on ${base}" >&2
# The classic builder: Debian's engine has no buildx, and this Dockerfile needs nothing more.
if ! out="$(DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=${base}" -t "${tag}" . 2>&1)"; then
  echo "${out}" >&2
  exit 1
fi
echo "${tag}"
