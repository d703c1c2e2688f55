#!/usr/bin/env bash
# Creates the project's own test host: a network namespace joined to this machine by a veth pair.
#
#   this machine   archway-th0  10.213.0.1/24
#   test host      archway-th1  10.213.0.2/24   (namespace archway-test-hosts)
#
# Why: the API server refuses loopback addresses in EndpointSlices, so backends that Kubernetes
# tests point EndpointSlices at must have another address, and traffic may only go to loopback or
# to test hosts made here. Backends run inside the namespace (`ip netns exec archway-test-hosts ...`)
# on 10.213.0.2. Idempotent; needs root and iproute2. down.sh removes it.
set -euo pipefail

NS=archway-test-hosts
HOST_IF=archway-th0
NS_IF=archway-th1

if ! ip netns list | grep -qw "$NS"; then
  ip netns add "$NS"
fi
if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
  ip link add "$HOST_IF" type veth peer name "$NS_IF" netns "$NS"
fi
ip addr replace 10.213.0.1/24 dev "$HOST_IF"
ip link set "$HOST_IF" up
ip -n "$NS" addr replace 10.213.0.2/24 dev "$NS_IF"
ip -n "$NS" link set "$NS_IF" up
ip -n "$NS" link set lo up
echo "test host ready: 10.213.0.2 in network namespace $NS" >&2
