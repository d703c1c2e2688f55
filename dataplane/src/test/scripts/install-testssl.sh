#!/usr/bin/env bash
# Installs testssl.sh (Debian package) for TlsScanIT, which is skipped without it. Idempotent.
# Then: mvn -B verify -pl dataplane -Dit.test=TlsScanIT
set -euo pipefail
if command -v testssl >/dev/null 2>&1 || command -v testssl.sh >/dev/null 2>&1; then
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq testssl.sh
