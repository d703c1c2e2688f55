#!/usr/bin/env bash
# Summarizes a conformance suite log (go test -v output of conformance.test):
# one line per top-level test (PASS/FAIL/SKIP, seconds, and for a skip its
# reason), then a closing count line. The log is the truth: the v1.6.1 report
# records parallel tests as passed before they finish (upstream issue #5142).
# Tests left out by --run-test/--skip-tests ("test explicitly skipped") are
# only counted, as "not selected".
#   summarize.sh suite.log
set -euo pipefail
log="${1:?usage: summarize.sh suite.log}"
awk '
  # "    conformance.go:68: Skipping NAME: REASON" follows "=== RUN TestConformance/NAME".
  match($0, /^[[:space:]]+[A-Za-z_.]+\.go:[0-9]+: Skipping [^ :]+: /) {
    line = $0; sub(/^[[:space:]]+[A-Za-z_.]+\.go:[0-9]+: Skipping /, "", line)
    i = index(line, ": "); nm = substr(line, 1, i - 1)
    if (!(nm in why)) why[nm] = substr(line, i + 2)
    next
  }
  /^--- (PASS|FAIL): TestConformance \(/ { overall = $2; sub(/:$/, "", overall) }
  # "--- PASS: TestConformance/NAME (1.23s)" at any indentation; only depth 1.
  match($0, /--- (PASS|FAIL|SKIP): TestConformance\/[^ ]+ \([0-9.]+s\)/) {
    split(substr($0, RSTART, RLENGTH), f, " ")
    nm = f[3]; sub(/^TestConformance\//, "", nm)
    if (nm ~ /\//) next
    r = f[2]; sub(/:$/, "", r)
    if (!(nm in res)) order[++n] = nm
    res[nm] = r; s = f[4]; gsub(/[()]/, "", s); secs[nm] = s
  }
  END {
    p = 0; fl = 0; sk = 0; ns = 0
    for (i = 1; i <= n; i++) {
      nm = order[i]
      if (res[nm] == "SKIP" && why[nm] ~ /explicitly skipped/) { ns++; continue }
      printf "%-4s %-62s %8s%s\n", res[nm], nm, secs[nm], (res[nm] == "SKIP" && (nm in why)) ? "  " why[nm] : ""
      if (res[nm] == "PASS") p++; else if (res[nm] == "FAIL") fl++; else sk++
    }
    if (overall == "") overall = "UNFINISHED (no final result in the log)"
    printf "suite (TestConformance): %s\n", overall
    if (ns) printf "(%d tests not selected)\n", ns
    printf "conformance: %d passed, %d failed, %d skipped\n", p, fl, sk
  }
' "${log}"
