#!/usr/bin/env bash
# Removes the test host that up.sh created. Idempotent.
set -euo pipefail
ip link del archway-th0 2>/dev/null || true
ip netns del archway-test-hosts 2>/dev/null || true
