#!/usr/bin/env bash
# Makes a base image with a Java runtime from Debian's own packages, for machines where no
# container registry is reachable but Debian's package mirror is: debootstrap of a minimal Debian
# (minbase) with openjdk-<N>-jre-headless, trimmed (no package cache, lists, docs, man pages or
# translations), imported with `docker import`. Prints the image's name. Does nothing (and prints
# the name) when that image exists, unless --refresh is given.
#
#   hack/image/debian-base.sh [--refresh]
#
# Environment: ARCHWAY_IMAGE_DEBIAN_SUITE (default trixie), ARCHWAY_IMAGE_JAVA (default 21),
# ARCHWAY_DEBIAN_MIRROR (default: the Debian mirror this machine's apt uses).
# Needs root, debootstrap (installed from Debian when missing) and a Docker engine.
set -euo pipefail
suite="${ARCHWAY_IMAGE_DEBIAN_SUITE:-trixie}"
java="${ARCHWAY_IMAGE_JAVA:-21}"
image="archway-base:debian-${suite}-jre${java}"
refresh=false
[[ ${1:-} == --refresh ]] && refresh=true

if ! $refresh && docker image inspect "${image}" >/dev/null 2>&1; then
  echo "${image}"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "debian-base: debootstrap needs root" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null; then
  echo "debian-base: installing debootstrap ..." >&2
  if ! out="$({ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends debootstrap; } 2>&1)"; then
    echo "${out}" | tail -n 20 >&2
    exit 1
  fi
fi
# shellcheck disable=SC2016 # apt-get expands $(REPO_URI) and $(LABEL) itself.
mirror="${ARCHWAY_DEBIAN_MIRROR:-$(apt-get indextargets --format '$(REPO_URI) $(LABEL)' 2>/dev/null |
  awk '$2 == "Debian" { print $1; exit }')}"
if [[ -z ${mirror} ]]; then
  echo "debian-base: no Debian mirror in this machine's apt sources; set ARCHWAY_DEBIAN_MIRROR" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
root="${tmp}/rootfs"
arch="$(dpkg --print-architecture)"
echo "debian-base: debootstrap ${suite} (${arch}) with openjdk-${java}-jre-headless ..." >&2
if ! debootstrap --variant=minbase --arch="${arch}" --include="openjdk-${java}-jre-headless" \
  "${suite}" "${root}" "${mirror}" >"${tmp}/debootstrap.log" 2>&1; then
  tail -n 20 "${tmp}/debootstrap.log" >&2
  [[ -f ${root}/debootstrap/debootstrap.log ]] && tail -n 20 "${root}/debootstrap/debootstrap.log" >&2
  exit 1
fi
java_home="/usr/lib/jvm/java-${java}-openjdk-${arch}"
[[ -x ${root}${java_home}/bin/java ]] || { echo "debian-base: no ${java_home}/bin/java" >&2; exit 1; }
# shellcheck disable=SC2016 # dpkg-query expands ${Version} itself.
jre_version="$(chroot "${root}" dpkg-query -W -f '${Version}' "openjdk-${java}-jre-headless")"

rm -rf "${root}"/var/cache/apt/archives/*.deb "${root}"/var/cache/apt/*.bin \
  "${root}"/var/lib/apt/lists/* "${root}"/var/log/* "${root}"/tmp/* \
  "${root}"/usr/share/doc/* "${root}"/usr/share/man/* "${root}"/usr/share/info/* \
  "${root}"/usr/share/locale/*
echo "debian-base: importing $(du -sh "${root}" | cut -f1) as ${image}" >&2
tar --numeric-owner -C "${root}" -c . |
  docker import \
    --change "ENV JAVA_HOME=${java_home}" \
    --change "ENV PATH=${java_home}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change "LABEL org.opencontainers.image.description=\"Debian ${suite} minbase, openjdk-${java}-jre-headless ${jre_version}\"" \
    --change 'CMD ["/bin/bash"]' \
    - "${image}" >/dev/null
echo "${image}"
