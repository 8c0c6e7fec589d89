#!/usr/bin/env bash
# bin/simulate: its interface (header, rows, every), a spec test vector, the
# reported DVI failure of the perturbed gauge (status 3, rows before it
# kept), the massless charged particle and the guiding centre (--system:
# energy conservation of their reference models, a learnt GC model), and
# clear errors with no output for bad arguments.
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

# --system mcp, --system gc.  maxerr FILE: the largest |rel_err_H| (last column).
maxerr() { awk -F'\t' '!/^#/ { e = $NF < 0 ? -$NF : $NF; if (e > m) m = e } END { printf "%.17g", m }' "$1"; }
$sim --system mcp --model mcp --scheme dvi --h 0.1 --steps 2000 --z0 0.5,1 -o "$tmp/mcp_dvi.tsv"
grep -q '^# t x y H rel_err_H$' "$tmp/mcp_dvi.tsv" || fail "mcp header"
grep -q '^# system: mcp$' "$tmp/mcp_dvi.tsv" || fail "mcp: no system line"
$sim --system mcp --model mcp --scheme dvi --h 0.05 --steps 2000 --z0 0.5,1 -o "$tmp/mcp_dvi2.tsv"
# The Euler DVI is a first-order variational integrator: by backward error
# analysis it conserves a modified energy H + h H1 + O(h^2) over exponentially
# long times, so |H - H0| <= C h without drift.  Checked as: halving h halves
# the largest error over t <= 100 (ratio 0.5 + O(h); measured 0.508), the
# error stays small (C = 0.45/unit h relative, measured) and the second 100
# time units reach no larger error than the first (no drift).
head -n "$(( $(grep -c '^#' "$tmp/mcp_dvi.tsv") + 1001 ))" "$tmp/mcp_dvi.tsv" > "$tmp/mcp_dvi1.tsv"
e1=$(maxerr "$tmp/mcp_dvi1.tsv") e2=$(maxerr "$tmp/mcp_dvi2.tsv") eall=$(maxerr "$tmp/mcp_dvi.tsv")
awk -v a="$e1" -v b="$e2" -v c="$eall" 'BEGIN { exit !(a > 0 && a < 0.1 && b / a > 0.45 && b / a < 0.55 && c <= 1.1 * a) }' \
  || fail "mcp DVI energy error not O(h) without drift: h = 0.1: $e1 (t <= 200: $eall), h = 0.05: $e2"
# The exact scheme (rk8pd, rtol 1e-10, atol 1e-12) on a grid of 10 time
# units, so that the solver chooses its steps by its tolerance: each accepted
# step's local error is kept near atol + rtol |z_i| (|z_i| <= 2.5 here, |grad H|
# <= sqrt 2, H0 = 0.28: ~1e-9 of H0 per step in the worst case, but the
# estimate is what the controller holds near rtol over the ~3 orbits of
# t = 100).  Asserted: 10 rtol = 1e-9; measured 1.2e-11.  (On a fine grid,
# --h 0.1 --every 1, the steps are too short for any truncation error and
# only round-off remains: 6e-15.)
$sim --system mcp --model mcp --scheme exact --h 10 --steps 10 --z0 0.5,1 -o "$tmp/mcp_exact.tsv"
e=$(maxerr "$tmp/mcp_exact.tsv")
awk -v e="$e" 'BEGIN { exit !(e > 0 && e <= 1e-9) }' || fail "mcp exact energy error $e > 1e-9"

# The guiding centre's exact scheme from the deeply trapped orbit at
# h = 1.89873 (1/1000 of the study's step): the orbit's frequencies are
# ~4e-4 per unit time (theta, phi), so h w ~ 1e-3 and rk8pd's truncation
# error ~ (h w)^9 ~ 1e-27 is nothing; only the rounding of the state at
# every step changes H: one rounding (u = 2^-53) of each coordinate changes
# H relatively by sum_c |z_c dH/dz_c| u / H <= (u^2/H = 0.08) + (r: 0.05)
# + (|theta| <= pi: 0.18) < 1 times u (H does not depend on phi), so after
# N steps |rel_err_H| <= N u even if every rounding added up (3000 steps:
# 3.3e-13; measured 5.7e-16, a random walk of them).  --every 1: the exact
# scheme integrates on the grid of the kept rows (h * every).
$sim --system gc --model gc --scheme exact --h 1.89873 --steps 3000 --z0 0,0,0.05,-4.306e-4 -o "$tmp/gc_exact.tsv"
grep -q '^# t theta phi r u H rel_err_H$' "$tmp/gc_exact.tsv" || fail "gc header"
[ "$(grep -vc '^#' "$tmp/gc_exact.tsv")" -eq 3001 ] || fail "gc: expected 3001 rows"
e=$(maxerr "$tmp/gc_exact.tsv")
awk -v e="$e" 'BEGIN { exit !(e <= 3000 * 2 ^ -53) }' || fail "gc exact energy error $e > N u = 3.3e-13"

# A learnt GC model (tiny, as tests/train_gc.sh trains them) runs, in 0 < r < 1.
mkdir -p "$tmp/gc"
bin/gc_data --seed 242210 --n-ic 30 --theta-pi -0.1,0.1 --phi-pi 0,2 --r 0.03,0.055 --u -9e-4,-3e-4 \
  --h 1898.73 --nt 60 --split 24,3,3 --vf-stride 3 --outdir "$tmp/gc" >/dev/null
NCH_VERBOSE=0 bin/train --name t --batch 500 --seed 42 -o "$tmp/gc.model" --trace "$tmp/gc.trace" \
  --summary "$tmp/gc.sum" --d 2 --kind noncanonical --widths 8,8 \
  --input-map periodic:6,drop,norm:6,norm:6 --output-scale velocity --loss vf_reg --reg-weight 1 \
  --gram-weights 1,1 --gram-eps 1e-12 --schedule 1e-2:1 --train "$tmp/gc/vf-train.tsv" \
  --test "$tmp/gc/vf-test.tsv" 2>/dev/null
$sim --system gc --model "$tmp/gc.model" --scheme rk4 --h 18.9873 --steps 20 --z0 0,0,0.05,-4.306e-4 \
  -o "$tmp/gc_learnt.tsv" || fail "learnt GC model did not run"
grep -q '^# t theta phi r u H rel_err_H$' "$tmp/gc_learnt.tsv" || fail "learnt gc header"
[ "$(grep -vc '^#' "$tmp/gc_learnt.tsv")" -eq 21 ] || fail "learnt GC model: expected 21 rows"
# This one-epoch model's field is far off: one RK4 step of the study's
# h = 1898.73 leaves 0 < r < 1, and the run stops there (status 3), the
# start kept.
status=0
$sim --system gc --model "$tmp/gc.model" --scheme rk4 --h 1898.73 --steps 20 --z0 0,0,0.05,-4.306e-4 \
  -o "$tmp/gc_stop.tsv" 2>"$tmp/err" || status=$?
[ "$status" -eq 3 ] && grep -q "failed at step 1 .*outside the model's domain" "$tmp/err" \
  || fail "learnt GC model leaving the domain: status $status, $(cat "$tmp/err")"
[ "$(grep -vc '^#' "$tmp/gc_stop.tsv")" -eq 1 ] || fail "learnt GC stop: the start not kept"
grep -qi nan "$tmp/gc_learnt.tsv" "$tmp/gc_stop.tsv" && fail "learnt GC model: NaN written"

expect 2 --system pendulum --model lv --scheme rk4 --h 0.1 --steps 10 --z0 1,1      # unknown system
expect 2 --system mcp --model lv --scheme rk4 --h 0.1 --steps 10 --z0 1,1           # another system's model
expect 2 --system gc --model mcp --scheme rk4 --h 0.1 --steps 10 --z0 0,0,0.05,0
expect 2 --system mcp --model mcp --scheme rk4 --h 0.1 --steps 10 --z0 1,1,1        # --z0 of 2d values
expect 2 --system gc --model gc --scheme rk4 --h 0.1 --steps 10 --z0 0,0.05
expect 2 --system gc --model "$tmp/gc.model" --scheme rk4 --h 0.1 --steps 10 --z0 0,0,0.05
expect 1 --system lv --model "$tmp/gc.model" --scheme rk4 --h 0.1 --steps 10 --z0 1,1   # d = 2 for d = 1
expect 1 --system mcp --model "$tmp/gc.model" --scheme rk4 --h 0.1 --steps 10 --z0 1,1
grep -q "$tmp/gc.model: a model of d = 2" "$tmp/err" || fail "wrong d: file not named: $(cat "$tmp/err")"
expect 1 --system gc --model gc --scheme rk4 --h 0.1 --steps 10 --z0 0,0,0,-4e-4      # r <= 0
expect 1 --system gc --model gc --scheme exact --h 0.1 --steps 10 --z0 0,0,-0.05,-4e-4
expect 1 --system gc --model "$tmp/gc.model" --scheme rk4 --h 0.1 --steps 10 --z0 0,0,0,-4e-4
expect 1 --system gc --model gc --scheme rk4 --h 0.1 --steps 10 --z0 0,0,1,-4e-4      # r >= 1
grep -q 'outside the domain 0 < r < 1 of model' "$tmp/err" || fail "gc domain message: $(cat "$tmp/err")"

# bin/evaluate: the analytic models of every system on their own data (a
# reference field reproduces its data exactly), the system's d and columns.
ev=bin/evaluate
$ev --system gc --model gc --data "$tmp/gc/vf-val.tsv" > "$tmp/ev" || fail "evaluate gc"
grep -q '^abs_dz	0$' "$tmp/ev" && grep -q '^abs_reg	' "$tmp/ev" || fail "evaluate gc: $(cat "$tmp/ev")"
$ev --system gc --model "$tmp/gc.model" --data "$tmp/gc/vf-val.tsv" > /dev/null || fail "evaluate learnt gc"
for a in "lv gc" "mcp gc" "gc lv" "foo lv"; do
  set -- $a; status=0
  $ev --system "$1" --model "$2" --data "$tmp/gc/vf-val.tsv" > /dev/null 2>"$tmp/err" || status=$?
  [ "$status" -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "evaluate --system $1 --model $2: status $status"
done
for a in "lv $tmp/gc.model" "gc $tmp/no-such.model"; do
  set -- $a; status=0
  $ev --system "$1" --model "$2" --data "$tmp/gc/vf-val.tsv" > /dev/null 2>"$tmp/err" || status=$?
  [ "$status" -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "evaluate --system $1 --model $2: status $status"
done
awk 'BEGIN { OFS = "\t"; print "# t x y dxdt dydt"; print 0, 1, 1, 0.5, 0.25; print 0, 2, 1, 1, -0.5 }' > "$tmp/vf1.tsv"
status=0; $ev --system gc --model gc --data "$tmp/vf1.tsv" > /dev/null 2>"$tmp/err" || status=$?
[ "$status" -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "evaluate: 5-column data for gc: status $status"
echo "simulate: interface, test vector, reported failure, mcp and gc, evaluate and bad arguments OK"
