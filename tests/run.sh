#!/usr/bin/env bash
# Runs the test binaries and shell tests given as arguments, counts cmocka
# test cases (and one case per shell test; a passing one shows its last
# line, e.g. how many inputs the fuzz harness tried) and ends with
# "N passed, N failed".
set -u -o pipefail
passed=0 failed=0 failed_names=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
  case "$t" in
    *.sh) if bash "$t" >"$log" 2>&1; then passed=$((passed + 1)); echo "PASS $t: $(tail -n 1 "$log")"
          else failed=$((failed + 1)); failed_names+=("$t"); echo "FAIL $t"; sed 's/^/    /' "$log"; fi ;;
    *)    "$t" >"$log" 2>&1; rc=$?
          p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
          f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
          p=${p:-0} f=${f:-0}
          if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer abort
          passed=$((passed + p)) failed=$((failed + f))
          if [ "$f" -eq 0 ]; then echo "PASS $t ($p)"
          else failed_names+=("$t"); echo "FAIL $t"; sed 's/^/    /' "$log"; fi ;;
  esac
done
[ ${#failed_names[@]} -eq 0 ] || echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
