#!/usr/bin/env bash
# lv_data: sizes of every split, the energy window, the vector-field points
# taken from the trajectories with the exact field, and reproducibility
# (same seed: identical files; another seed: other initial conditions).
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "lv_data: $*"; exit 1; }
run() { bin/lv_data --seed "$1" --n-ic 2500 --hmin 0 --hmax 4.4 --box-pad 1e-6 --max-rounds 10 --h 0.1 --nt 5 \
          --split 2000,375,125 --outdir "$2"; }
mkdir -p "$tmp/a" "$tmp/b" "$tmp/c"
run 20230926 "$tmp/a"; run 20230926 "$tmp/b"; run 1 "$tmp/c"
for f in "$tmp"/a/*.tsv; do cmp -s "$f" "$tmp/b/$(basename "$f")" || fail "same seed, different $(basename "$f")"; done
cmp -s "$tmp/a/traj-train.tsv" "$tmp/c/traj-train.tsv" && fail "another seed, same data"
rows() { grep -vc '^#' "$1"; }
for s in train:2000 test:375 val:125; do
  n=${s#*:} s=${s%:*}
  [ "$(rows "$tmp/a/traj-$s.tsv")" -eq $((6 * n)) ] || fail "traj-$s: expected $((6 * n)) rows"
  [ "$(rows "$tmp/a/vf-$s.tsv")" -eq $((4 * n)) ] || fail "vf-$s: expected $((4 * n)) points"
  grep -q "^# split: $s ($n trajectories)" "$tmp/a/traj-$s.tsv" || fail "traj-$s: no split header"
done
grep -q '^# snapshot_bounds: min' "$tmp/a/traj-train.tsv" || fail "no snapshot bounds"
grep -q '^# vf_bounds: min' "$tmp/a/vf-train.tsv" || fail "no vector-field bounds"
# Initial conditions (step 0) within 0 <= H <= 4.4; H conserved along each
# 5-step trajectory to the reference integrator's accuracy: test_ode's bound
# (steps × max Σ_i |∂_iH| · (1.1 (atol + rtol|z_i|) + 16u|z_i|)) evaluated for
# these 2500 ICs (≤ 19 rk8pd steps each) is ≤ 1.3e-8, so |H − H0| ≤ 2e-8.
awk -F'\t' '!/^#/ { H = $4 - 2*log($4) + $5 - log($5)
  if ($2 == 0) { if (H < 0 || H > 4.4) { print "IC outside the energy window: " $0; exit 1 } H0 = H }
  else if ((H - H0)^2 > 4e-16) { print "H not conserved: " $0; exit 1 } }' "$tmp/a/traj-train.tsv" || fail "energy"
# Vector field: the exact LV field, at points of the trajectories; the first
# third of the trajectories contributes steps 0-3, the last third steps 2-5.
# Exact: the program's formula x(1 − y), y(x − 2) in the same double
# arithmetic, its 17 digits read back exactly.
awk -F'\t' '!/^#/ { n++; if ((($2*(1 - $3)) - $4)^2 + (($3*($2 - 2)) - $5)^2 > 0) { print "field: " $0; exit 1 }
  if (n == 1 && $1 != 0) { print "first point not at t = 0"; exit 1 } last = $1 }
  END { if (last != 0.5) { print "last point not at t = 0.5: " last; exit 1 } }' "$tmp/a/vf-train.tsv" || fail "vector field"
cut -f4,5 "$tmp/a/traj-test.tsv" | grep -v '^#' | sort > "$tmp/traj_pts"
cut -f2,3 "$tmp/a/vf-test.tsv" | grep -v '^#' | sort > "$tmp/vf_pts"
[ -z "$(comm -13 "$tmp/traj_pts" "$tmp/vf_pts")" ] || fail "vector-field points not on the trajectories"
status=0
bin/lv_data --seed 1 --n-ic 2500 --hmin 0 --hmax 4.4 --box-pad 1e-6 --max-rounds 10 --h 0.1 --nt 5 \
  --split 2000,375,100 --outdir "$tmp/c" 2>/dev/null || status=$?
[ "$status" -eq 2 ] || fail "inconsistent split accepted"
echo "lv_data: sizes, energy window, field and reproducibility OK"
