#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# run-unit.sh -- runs every cmocka unit-test binary given, from the
# repository root, and ends with one summary line "N passed, N failed".
# Exits non-zero when any test binary fails.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0 bad=()
for t in "$@"; do
  out="$("./$t" 2>&1)"; rc=$?
  printf '%s\n' "$out" | grep -E '^\[  (PASSED|FAILED)  \]|^\[  FAILED  \] |^\[==========\] .* run' || true
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  passed=$((passed + ${p:-0}))
  if [ "$rc" -ne 0 ]; then
    failed=$((failed + ${f:-1}))
    bad+=("$t")
    printf '%s\n' "$out" | tail -40
  fi
done
echo "unit: ${passed} passed, ${failed} failed"
if [ ${#bad[@]} -gt 0 ]; then echo "failing: ${bad[*]}"; exit 1; fi
