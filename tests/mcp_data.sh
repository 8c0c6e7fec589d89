#!/usr/bin/env bash
# mcp_data: reproducibility (same seed: identical files; another seed: other
# initial conditions), headers, sizes of every split, the energy window, H
# conserved along the stored trajectories within the bound of the
# integrator's error control, the vector-field points (the exact E x B drift
# at trajectory states, one time index per third of a split), and bad input
# rejected with one line, its exit status and no output.
set -eu -o pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "mcp_data: $*"; exit 1; }
args=(--n-ic 1500 --hmin 0 --hmax 1.5 --max-rounds 10 --h 0.5 --nt 2 --split 1200,225,75 --vf-stride 3)
mkdir -p "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/bad"
bin/mcp_data --seed 242210 "${args[@]}" --outdir "$tmp/a"
bin/mcp_data --seed 242210 "${args[@]}" --outdir "$tmp/b"
bin/mcp_data --seed 1 "${args[@]}" --outdir "$tmp/c"
for f in "$tmp"/a/*.tsv; do cmp -s "$f" "$tmp/b/$(basename "$f")" || fail "same seed, different $(basename "$f")"; done
[ "$(ls "$tmp/a" | wc -l)" -eq 6 ] || fail "expected 6 files"
cmp -s "$tmp/a/traj-train.tsv" "$tmp/c/traj-train.tsv" && fail "another seed, same data"

rows() { grep -vc '^#' "$1"; }
for s in train:1200 test:225 val:75; do
  n=${s#*:} s=${s%:*}
  [ "$(rows "$tmp/a/traj-$s.tsv")" -eq $((3 * n)) ] || fail "traj-$s: expected $((3 * n)) rows"
  [ "$(rows "$tmp/a/vf-$s.tsv")" -eq "$n" ] || fail "vf-$s: expected $n points"
  for f in traj vf; do
    for key in program commit profile libraries seed box energy_window vf_stride trajectories solver; do
      grep -q "^# $key: " "$tmp/a/$f-$s.tsv" || fail "$f-$s: no $key header"
    done
    grep -q "^# split: $s ($n trajectories)$" "$tmp/a/$f-$s.tsv" || fail "$f-$s: no split header"
  done
  grep -qx '# traj step t x y' "$tmp/a/traj-$s.tsv" || fail "traj-$s: columns"
  grep -qx '# t x y dxdt dydt' "$tmp/a/vf-$s.tsv" || fail "vf-$s: columns"
done
grep -q '^# snapshot_bounds: min' "$tmp/a/traj-train.tsv" || fail "no snapshot bounds"
grep -q '^# vf_bounds: min' "$tmp/a/vf-train.tsv" || fail "no vector-field bounds"

# Energy: ICs (step 0) in 0 <= H <= 1.5; along each trajectory H changes by at
# most 1.1 K g per solver step (K: the header's most steps per trajectory),
# g = sum_i |dH/dz_i| (atol + rtol |z_i|) <= 2 atol + rtol (|x| + |y| + 2)
# (|grad H| <= 1 per component, and the state moves by at most 1 over the
# trajectory's t <= 1, since |z'| <= 1/B <= 1), with the stored |x|, |y|.
K=$(sed -n 's/^# solver: .* at most \([0-9]*\) steps per trajectory$/\1/p' "$tmp/a/traj-train.tsv")
[ -n "$K" ] && [ "$K" -gt 0 ] || fail "no solver steps in the header"
for s in train test val; do
  awk -F'\t' -v K="$K" '!/^#/ { H = 2 - cos($4) - sin($5)
    if ($2 == 0) { if (H < 0 || H > 1.5) { print "IC outside the energy window: " $0; exit 1 } H0 = H; next }
    b = 1.1 * K * (2e-12 + 1e-10 * ((($4 < 0) ? -$4 : $4) + (($5 < 0) ? -$5 : $5) + 2))
    if ((H - H0 > b) || (H0 - H > b)) { print "H not conserved: " $0 " (|dH| > " b ")"; exit 1 }
    n++ } END { if (n == 0) exit 1 }' "$tmp/a/traj-$s.tsv" || fail "energy ($s)"
done
# Field: the E x B drift, a quotient of correctly rounded terms (a few ulp);
# thirds of the split at t = 0, 0.5 and 1 (400 points each for train).
awk -F'\t' '!/^#/ { B = 1 + 2*$2*$2 + 2*$3*$3; fx = cos($3) / B; fy = sin($2) / B
  if (($4 - fx)^2 > (1e-15 * fx)^2 || ($5 - fy)^2 > (1e-15 * fy)^2) { print "field: " $0; exit 1 }
  n++; if ($1 != 0.5 * int((n - 1) / 400)) { print "point " n " at t = " $1; exit 1 } }' "$tmp/a/vf-train.tsv" \
  || fail "vector field"
cut -f3,4,5 "$tmp/a/traj-test.tsv" | grep -v '^#' | sort > "$tmp/traj_pts"
cut -f1,2,3 "$tmp/a/vf-test.tsv" | grep -v '^#' | sort > "$tmp/vf_pts"
[ -z "$(comm -13 "$tmp/traj_pts" "$tmp/vf_pts")" ] || fail "vector-field points not on the trajectories"

# Bad input: status, one line naming the program, no output file.
expect_fail() {
  local want=$1; shift
  local status=0
  bin/mcp_data "$@" 2>"$tmp/err" >/dev/null || status=$?
  [ "$status" -eq "$want" ] || fail "$*: status $status, expected $want"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q '^mcp_data: ' "$tmp/err" || fail "$*: message $(cat "$tmp/err")"
  [ -z "$(ls -A "$tmp/bad")" ] || fail "$*: output written"
}
expect_fail 2 --seed 1 "${args[@]}" --hmax 2.5 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --hmin -0.1 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --split 1200,225,70 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --vf-stride 0 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --outdir "$tmp/bad" --nonsense
expect_fail 1 --seed 1 "${args[@]}" --max-rounds 1 --outdir "$tmp/bad"
expect_fail 1 --seed 1 "${args[@]}" --outdir "$tmp/bad/missing"
echo "mcp_data: reproducibility, headers, sizes, energy window and conservation, field, bad input OK"
