#!/usr/bin/env bash
# src/scripts/verify.awk and publish.awk on synthetic files: in the published
# environment a value must be exact (one ulp off fails); in another one
# (native numerical environment, other libraries) the spread tolerance
# applies; a missing key or a malformed line fails, unless its figure's
# system was left out (not built); publish copies values and
# environment and refuses an unpinned or quick-profile build.
set -eu -o pipefail
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "verify: $*"; exit 1; }
libs='# libraries: GSL 2.7.1; OpenBLAS 0.3.21 Haswell; glibc 2.36; compiler 12.2.0'
pinned='# numerical environment: pinned (OpenBLAS core Haswell, 1 thread; libm SSE2 variants)'
native='# numerical environment: native (NCH_NUMENV=native; OpenBLAS core Prescott, 1 thread; libm FMA variants)'
{
  echo '# key	value	rel_tol	abs_tol	why'
  echo "$libs"
  echo "$pinned"
  printf 'a\t0.1\t1e-6\t0\tsynthetic\n'
  printf 'b\t2048\t0\t0\tsynthetic count\n'
} > "$tmp/published.tsv"
numbers() {  # numbers FILE ENVLINE A B
  { echo '# program: test'; echo '# profile: paper'; echo "$libs"; echo "$2"; echo '# key value'
    printf 'a\t%s\nb\t%s\n' "$3" "$4"; } > "$1"
}
verdict() { awk -f src/scripts/number.awk -f src/scripts/verify.awk "$tmp/published.tsv" "$@" | tail -n 1; }
numbers "$tmp/n.tsv" "$pinned" 0.10000000000000001 2048
[ "$(verdict "$tmp/n.tsv")" = "verify: 2 passed, 0 failed" ] || fail "exact values rejected: $(verdict "$tmp/n.tsv")"
numbers "$tmp/n.tsv" "$pinned" 0.10000000000000002 2048   # one ulp above 0.1
[ "$(verdict "$tmp/n.tsv")" = "verify: 1 passed, 1 failed" ] || fail "one ulp off passed in the published environment"
numbers "$tmp/n.tsv" "$native" 0.10000005 2048
[ "$(verdict "$tmp/n.tsv")" = "verify: 2 passed, 0 failed" ] || fail "native build not held to the spread tolerance"
awk -f src/scripts/number.awk -f src/scripts/verify.awk "$tmp/published.tsv" "$tmp/n.tsv" | grep -q 'checked against their spread tolerances' \
  || fail "the native build is not announced"
numbers "$tmp/n.tsv" "$native" 0.1000002 2048
[ "$(verdict "$tmp/n.tsv")" = "verify: 1 passed, 1 failed" ] || fail "native build beyond the spread tolerance passed"
numbers "$tmp/n.tsv" "$pinned" 0.10000005 2048
sed -i 's/glibc 2.36/glibc 2.37/' "$tmp/n.tsv"
[ "$(verdict "$tmp/n.tsv")" = "verify: 2 passed, 0 failed" ] || fail "other libraries not held to the spread tolerance"
printf 'a\t0.1\n' > "$tmp/short.tsv"
[ "$(verdict "$tmp/short.tsv")" = "verify: 1 passed, 1 failed" ] || fail "a missing key passed"
numbers "$tmp/n.tsv" "$pinned" 0,1 2048
[ "$(verdict "$tmp/n.tsv" 2>/dev/null)" = "verify: 1 passed, 1 failed" ] || fail "a decimal comma was read as a number"
awk -v table="$tmp/table.tsv" -f src/scripts/number.awk -f src/scripts/verify.awk "$tmp/published.tsv" "$tmp/short.tsv" > /dev/null || true
[ "$(cut -f1,6 "$tmp/table.tsv" | tr '\t\n' ': ')" = "a:PASS b:FAIL " ] || fail "table: $(cat "$tmp/table.tsv")"

# A system left out (SYSTEMS): its figures' keys are not built, neither
# passed nor failed, and only those; a key of a built figure still fails
# when missing.
printf 'gcfig_x\t1\t0\t0\tsynthetic\n' >> "$tmp/published.tsv"
numbers "$tmp/n.tsv" "$pinned" 0.10000000000000001 2048
[ "$(verdict "$tmp/n.tsv")" = "verify: 2 passed, 1 failed" ] || fail "a missing key of a built figure passed"
verdict_skip() { awk -v not_built="$1" -f src/scripts/number.awk -f src/scripts/verify.awk "$tmp/published.tsv" "${@:2}" | tail -n 1; }
[ "$(verdict_skip 'other gcfig' "$tmp/n.tsv")" = "verify: 2 passed, 0 failed, 1 not built" ] \
  || fail "a left-out figure's key: $(verdict_skip 'other gcfig' "$tmp/n.tsv")"
[ "$(verdict_skip 'gcfi' "$tmp/n.tsv")" = "verify: 2 passed, 1 failed" ] || fail "not_built matched a prefix of a figure name"
printf 'gcfig_x\t2\n' > "$tmp/g.tsv"
[ "$(verdict_skip gcfig "$tmp/n.tsv" "$tmp/g.tsv")" = "verify: 2 passed, 1 failed" ] \
  || fail "a built key of a left-out figure was not checked"
sed -i '/^gcfig_x/d' "$tmp/published.tsv"

# publish: values and environment copied, tolerances and reasons kept.
numbers "$tmp/n.tsv" "${pinned/Haswell/Zen}" 0.25 4096
awk -f src/scripts/publish.awk "$tmp/published.tsv" "$tmp/n.tsv" > "$tmp/new.tsv"
[ "$(grep -v '^#' "$tmp/new.tsv" | cut -f1,2,3 | tr '\t\n' ':;')" = "a:0.25:1e-6;b:4096:0;" ] || fail "publish: $(cat "$tmp/new.tsv")"
grep -qx "${pinned/Haswell/Zen}" "$tmp/new.tsv" || fail "publish did not record the environment"
[ "$(verdict "$tmp/n.tsv")" = "verify: 0 passed, 2 failed" ] || fail "values of another environment accepted before publishing"
cp "$tmp/new.tsv" "$tmp/published.tsv"
[ "$(verdict "$tmp/n.tsv")" = "verify: 2 passed, 0 failed" ] || fail "published values do not verify"
numbers "$tmp/n.tsv" "$native" 0.25 4096
! awk -f src/scripts/publish.awk "$tmp/published.tsv" "$tmp/n.tsv" > /dev/null 2>&1 || fail "publish accepted a native build"
numbers "$tmp/n.tsv" "$pinned" 0.25 4096
sed -i 's/profile: paper/profile: quick/' "$tmp/n.tsv"
! awk -f src/scripts/publish.awk "$tmp/published.tsv" "$tmp/n.tsv" > /dev/null 2>&1 || fail "publish accepted the quick profile"
echo "verify: exact and spread checks, table and publish OK"
