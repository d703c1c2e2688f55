#!/usr/bin/env bash
# Summarizes a conformance suite log (go test -v output of conformance.test):
# one line per top-level test (PASS/FAIL/SKIP, seconds, and for a skip its
# reason), then a closing count line. The log is the truth: the v1.6.1 report
# records parallel tests as passed before they finish (upstream issue #5142).
#   summarize.sh suite.log
set -euo pipefail
log="${1:?usage: summarize.sh suite.log}"
awk '
  # "--- PASS: TestConformance/Name (1.23s)" at any indentation; only depth 1.
  match($0, /--- (PASS|FAIL|SKIP): TestConformance\/[^ ]+ \([0-9.]+s\)/) {
    split(substr($0, RSTART, RLENGTH), f, " ")
    name = f[3]; sub(/^TestConformance\//, "", name)
    if (name ~ /\//) { pending = ""; next }
    res[name] = f[2]; secs[name] = f[4]; order[++n] = name
    pending = (f[2] == "SKIP") ? name : ""
    next
  }
  pending != "" && /^[[:space:]]+[a-z_.]+\.go:[0-9]+: / {
    if (!(pending in why)) { r = $0; sub(/^[[:space:]]+[a-z_.]+\.go:[0-9]+: /, "", r); why[pending] = r }
    next
  }
  { pending = "" }
  END {
    p = 0; fl = 0; s = 0
    for (i = 1; i <= n; i++) {
      nm = order[i]
      if (seen[nm]++) continue
      gsub(/[()]/, "", secs[nm])
      printf "%-4s %-62s %8s%s\n", res[nm], nm, secs[nm], (res[nm] == "SKIP" && (nm in why)) ? "  " why[nm] : ""
      if (res[nm] == "PASS") p++; else if (res[nm] == "FAIL") fl++; else s++
    }
    printf "conformance: %d passed, %d failed, %d skipped\n", p, fl, s
  }
' "${log}"
