#!/usr/bin/env bash
# bin/simulate: its interface (header, rows, every), a spec test vector, the
# reported DVI failure of the perturbed gauge (status 3, rows before it
# kept), and clear errors with no output for bad arguments.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sim=bin/simulate
fail() { echo "simulate: $*"; exit 1; }

$sim --model lv --scheme dvi --h 0.2 --steps 1000 --z0 1,1 --every 500 -o "$tmp/dvi.tsv"
grep -q '^# t x y H rel_err_H$' "$tmp/dvi.tsv" || fail "header"
[ "$(grep -vc '^#' "$tmp/dvi.tsv")" -eq 3 ] || fail "expected rows for steps 0, 500, 1000"
# lotka-volterra.md §2.4: step 1000 = (2.852795198470861, 1.6810605152758478),
# within 1e-11 (test_scheme's dvi_vectors_from_1_1: two implementations are
# measured 3e-13 apart relatively at step 1000).
awk -F'\t' '!/^#/ { last = $0; x = $2; y = $3; t = $1 } END {
  if (t != 200 || (x - 2.852795198470861)^2 + (y - 1.6810605152758478)^2 > 1e-22) { print "step 1000: " last; exit 1 } }' "$tmp/dvi.tsv" \
  || fail "DVI test vector"
for s in euler rk4 midpoint exact; do
  $sim --model lv --scheme $s --h 0.1 --steps 20 --z0 4,3 > "$tmp/$s.tsv" || fail "$s failed"
  [ "$(grep -vc '^#' "$tmp/$s.tsv")" -eq 21 ] || fail "$s: expected 21 rows"
done

status=0
$sim --model lv-perturbed --scheme dvi --h 0.1 --steps 80 --z0 4,3 -o "$tmp/pert.tsv" 2>"$tmp/err" || status=$?
[ "$status" -eq 3 ] || fail "perturbed gauge at h = 0.1: status $status, expected 3"
grep -q 'failed at step 1 ' "$tmp/err" || fail "failure not reported with its step: $(cat "$tmp/err")"
[ "$(grep -vc '^#' "$tmp/pert.tsv")" -eq 1 ] || fail "rows before the failure not written"
grep -qi nan "$tmp/pert.tsv" && fail "NaN written"
$sim --model lv-perturbed --scheme dvi --h 0.03125 --steps 256 --z0 4,3 > /dev/null || fail "perturbed gauge at h = 2^-5 should run"

expect() {  # expect STATUS ARGS...: that status, a one-line message, no output file
  local want=$1 status=0; shift
  rm -f "$tmp/out.tsv"
  $sim "$@" -o "$tmp/out.tsv" 2>"$tmp/err" || status=$?
  [ "$status" -eq "$want" ] || fail "status $status (expected $want) for: $*"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "not a one-line error for: $*"
  [ ! -e "$tmp/out.tsv" ] && [ -z "$(find "$tmp" -name '.nch-*')" ] || fail "output left for: $*"
}
expect 2 --model lv --scheme dvi --h 0 --steps 10 --z0 1,1
expect 2 --model lv --scheme dvi --h -0.1 --steps 10 --z0 1,1
expect 2 --model lv --scheme dvi --h 0.1 --steps 0 --z0 1,1
expect 2 --model lv --scheme dvi --h 0.1 --steps 10 --z0 1
expect 2 --model lv --scheme leapfrog --h 0.1 --steps 10 --z0 1,1
expect 1 --model "$tmp/no-such.model" --scheme dvi --h 0.1 --steps 10 --z0 1,1
expect 2 --model lv --scheme dvi --h 0.1 --steps 10 --z0 1,1 --bogus
expect 1 --model lv --scheme dvi --h 0.1 --steps 10 --z0 -1,1
expect 1 --model lv --scheme rk4 --h 0.1 --steps 10 --z0 1,0
echo "simulate: interface, test vector, reported failure and bad arguments OK"
