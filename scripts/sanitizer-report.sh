#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# sanitizer-report.sh -- after a sanitizer run (make unit-asan,
# integration-asan): prints every ASan/UBSan/LSan report written under the
# given folder and fails when there is one.  The files matter because a
# finding in a worker, the scheduler or the mailer ends that process only:
# the master forks a new one and the tests may still pass.
set -uo pipefail
dir="$1"
shopt -s nullglob
reports=("$dir"/asan.* "$dir"/ubsan.*)
if [ ${#reports[@]} -eq 0 ]; then
  echo "sanitizers: no findings"
  exit 0
fi
for f in "${reports[@]}"; do
  echo "=== $f"
  head -60 "$f"
done
echo "sanitizers: ${#reports[@]} report(s) in $dir"
exit 1
