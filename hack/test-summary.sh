#!/usr/bin/env bash
# Runs `dotnet test` on the solution and ends with one plain line, "N passed, N failed", summed
# over every test project, so a reader (or CI) sees the whole result at the end.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# -m:1: one test project at a time. Three of them start real Postfix daemons, and two assert
# that a reload is live within 2 s; side by side on two cores they measure each other.
# A first argument under tests/ runs that project alone (make e2e).
target=Operator.sln
if [[ "${1:-}" == tests/* ]]; then target=$1; shift; fi
dotnet test "$target" -c Release --no-build -m:1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then
  echo "error: dotnet test exited $status without a failed test: a test host crashed or a project did not build (see above)" >&2
  failed=1
fi
# CI shows only the end of the log: name every failed test again there, with its first lines.
if grep -qE '^\s+Failed [A-Za-z]' "$log"; then
  echo "failed tests:"
  grep -E -A6 '^\s+Failed [A-Za-z]' "$log" | cut -c1-300
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
