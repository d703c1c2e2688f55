#!/usr/bin/env bash
# Runs the image for real and checks what it serves: `archway version`, then the quickstart
# (examples/quickstart) in two containers sharing one network namespace, as in a Pod: the echo
# backends in one, `archway run -f` in the other, both as user 65532 on a read-only root file
# system with a tmpfs /tmp (as the chart runs it), the Gateway's port 8080 published on a free
# loopback port of this machine and asked with curl.
#
#   hack/image/smoke.sh [TAG]        # default: the tag hack/image/build.sh builds
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
image="${1:-ghcr.io/archway-dev/archway:0.1.0}"
name="archway-smoke-$$"
passed=0
failed=0
trap 'docker rm -f "${name}-echo" "${name}-gw" >/dev/null 2>&1 || true' EXIT

check() { # check NAME EXPECTED ACTUAL
  if [[ $3 == *"$2"* ]]; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1: expected '$2' in: $3"
    failed=$((failed + 1))
  fi
}

# The image's own JVM options (its JAVA_TOOL_OPTIONS) stay in force, so that a flag the image's
# Java does not accept fails here.
run=(docker run --read-only --tmpfs /tmp --memory 512m)

check "archway version" "archway " "$("${run[@]}" --rm "${image}" version 2>&1)"
check "runs as 65532" "65532:65532" "$(docker image inspect -f '{{.Config.User}}' "${image}")"

"${run[@]}" -d --name "${name}-echo" -p 127.0.0.1::8080 "${image}" echo \
  --server coffee-v1=127.0.0.1:9101 --server coffee-v2=127.0.0.1:9102 --server tea=127.0.0.1:9103 \
  >/dev/null
"${run[@]}" -d --name "${name}-gw" --network "container:${name}-echo" \
  -v "${PWD}/examples/quickstart:/config:ro" "${image}" run -f /config >/dev/null
port="$(docker port "${name}-echo" 8080/tcp | head -n 1 | sed 's/.*://')"
url="http://127.0.0.1:${port}"
echo "gateway container published on ${url}"

tea=""
for _ in $(seq 1 90); do
  tea="$(curl -s -m 2 -H 'Host: cafe.example.com' "${url}/tea" || true)"
  [[ ${tea} == *'"pod"'* ]] && break
  for c in echo gw; do
    if [[ "$(docker inspect -f '{{.State.Running}}' "${name}-${c}")" != true ]]; then
      echo "container ${c} exited:"; docker logs "${name}-${c}" 2>&1 | tail -n 20
      break 2
    fi
  done
  sleep 1
done
check "GET /tea (Host cafe.example.com) reaches the tea backend" '"pod":"tea"' "${tea//[[:space:]]/}"
check "... with the route's header added" 'tea' \
  "$(curl -s -m 5 -H 'Host: cafe.example.com' "${url}/tea" | tr -d '[:space:]' | grep -io '"x-cafe-order":\["*[a-z]*' || true)"
check "GET /coffee goes to coffee-v1 or coffee-v2" '"pod":"coffee-v' \
  "$(curl -s -m 5 -H 'Host: cafe.example.com' "${url}/coffee" | tr -d '[:space:]')"
check "/menu.html redirects (301)" "301" \
  "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'Host: cafe.example.com' "${url}/menu.html")"
check "an unknown host gets 404" "404" \
  "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'Host: nobody.example.com' "${url}/")"
# Statuses are rendered and logged after the configuration is served (a thread of their own).
gw_log=""
for _ in $(seq 1 20); do
  gw_log="$(docker logs "${name}-gw" 2>&1)"
  [[ ${gw_log} == *Accepted* ]] && break
  sleep 0.5
done
check "the gateway logged its statuses" "Accepted" "${gw_log}"

if ((failed)); then
  echo "--- gateway log"; docker logs "${name}-gw" 2>&1 | tail -n 30
fi
echo "image-smoke: ${passed} passed, ${failed} failed"
((failed == 0))
