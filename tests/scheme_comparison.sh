#!/usr/bin/env bash
# fig_scheme_comparison (quick run): RK4's energy error drifts, growing
# about linearly in time, while the Euler DVI's stays bounded; the exact
# orbit closes; bad arguments are rejected without output.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin/fig_scheme_comparison --z0 1,1 --h 0.2 --steps 5000 --every 10 --envelope 40 --exact-h 0.01 --period-max 20 \
  --report-t 100,1000 --outdir "$tmp"
num() { awk -F'\t' -v k="scheme_comparison_$1" '$1 == k { print $2 }' "$tmp/numbers.tsv"; }
# Science checks, not round-off bounds: RK4's energy error drifts ∝ t (a
# secular drift of a non-symplectic scheme), so e(1000)/e(100) = 10, ±20 % for
# the oscillation riding on it; the first-order DVI's is bounded, of amplitude
# O(h) — a few per cent at h = 0.2 from (1, 1), neither 0 nor O(1); RK4's drift
# (∝ t h⁴) is still below it at t = 1000.
awk -v e100="$(num rk4_rel_err_t100)" -v e1000="$(num rk4_rel_err_t1000)" \
    -v dmax="$(num dvi_max_abs_rel_err)" -v rmax="$(num rk4_max_abs_rel_err)" 'BEGIN {
  r = e1000 / e100
  if (!(e100 < 0 && e1000 < 0)) { print "RK4 energy error should drift downwards: " e100 ", " e1000; exit 1 }
  if (r < 8 || r > 12) { print "RK4 drift not linear in time: e(1000)/e(100) = " r; exit 1 }
  if (!(dmax > 0.01 && dmax < 0.06)) { print "DVI energy error not bounded as expected: " dmax; exit 1 }
  if (!(rmax < dmax)) { print "at t = 1000 RK4 should still beat the DVI: " rmax " vs " dmax; exit 1 }
}'
# The DVI's error over the last fifth of the run is as large as over the
# first: bounded oscillation, no drift (±20 %: its maxima are sampled every
# 10 steps of a quasi-periodic signal).
awk -F'\t' '!/^#/ { e = $4 < 0 ? -$4 : $4; if ($1 < 200 && e > a) a = e; if ($1 > 800 && e > b) b = e }
  END { if (b > 1.2 * a || b < 0.8 * a) { print "DVI error envelope changed: " a " -> " b; exit 1 } }' "$tmp/dvi.tsv"
# The envelope drawn in the figure: 40 windows (two rows each) that reach
# exactly the published least and largest DVI error.
awk -F'\t' -v lo="$(num dvi_min_rel_err)" -v hi="$(num dvi_max_rel_err)" '!/^#/ { n++
    if (n == 1 || $2 < a) a = $2; if (n == 1 || $3 > b) b = $3; if ($2 > $3) bad = 1 }
  END { if (n != 80 || bad || a != lo || b != hi) { print "DVI envelope: " n " rows, [" a ", " b "] vs [" lo ", " hi "]"; exit 1 } }' \
  "$tmp/dvi_envelope.tsv"
# One period of the exact orbit returns to the start, within one output step
# (|f| × 0.01 ≲ 0.05 on this orbit).
awk -F'\t' '!/^#/ { if (!n++) { x0 = $2; y0 = $3 } x = $2; y = $3 }
  END { d = sqrt((x - x0)^2 + (y - y0)^2); if (n < 100 || d > 0.05) { print "exact orbit does not close: " n " rows, gap " d; exit 1 } }' "$tmp/exact.tsv"
status=0
bin/fig_scheme_comparison --z0 1,1 --h 0.2 --steps 50 --every 10 --envelope 40 --exact-h 0.01 --period-max 20 \
  --report-t 100 --outdir "$tmp/out" 2>/dev/null || status=$?
[ "$status" -eq 2 ] || { echo "a report time after the end was accepted (status $status)"; exit 1; }
echo "scheme_comparison: RK4 drifts, DVI bounded, exact orbit closes"
