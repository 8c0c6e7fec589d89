#!/usr/bin/env bash
# gc_data: reproducibility (same seed: identical files; another seed: other
# initial conditions), headers, sizes of every split, the initial conditions
# in their box, H conserved along the stored (unwrapped) trajectories within
# the bound of the integrator's error control, the vector-field points (20
# per trajectory at the thirds' time indices, the exact field), and bad
# input rejected with one line, its exit status and no output.
set -eu -o pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "gc_data: $*"; exit 1; }
args=(--n-ic 30 --theta-pi -0.1,0.1 --phi-pi 0,2 --r 0.03,0.055 --u -9e-4,-3e-4 --h 1898.73 --nt 60
      --split 24,3,3 --vf-stride 3)
mkdir -p "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/bad"
bin/gc_data --seed 242210 "${args[@]}" --outdir "$tmp/a"
bin/gc_data --seed 242210 "${args[@]}" --outdir "$tmp/b"
bin/gc_data --seed 7 "${args[@]}" --outdir "$tmp/c"
for f in "$tmp"/a/*.tsv; do cmp -s "$f" "$tmp/b/$(basename "$f")" || fail "same seed, different $(basename "$f")"; done
[ "$(ls "$tmp/a" | wc -l)" -eq 6 ] || fail "expected 6 files"
cmp -s "$tmp/a/traj-train.tsv" "$tmp/c/traj-train.tsv" && fail "another seed, same data"

rows() { grep -vc '^#' "$1"; }
for s in train:24 test:3 val:3; do
  n=${s#*:} s=${s%:*}
  [ "$(rows "$tmp/a/traj-$s.tsv")" -eq $((61 * n)) ] || fail "traj-$s: expected $((61 * n)) rows"
  [ "$(rows "$tmp/a/vf-$s.tsv")" -eq $((20 * n)) ] || fail "vf-$s: expected $((20 * n)) points"
  for f in traj vf; do
    for key in program commit profile libraries seed box vf_stride trajectories solver; do
      grep -q "^# $key: " "$tmp/a/$f-$s.tsv" || fail "$f-$s: no $key header"
    done
    grep -q "^# split: $s ($n trajectories)$" "$tmp/a/$f-$s.tsv" || fail "$f-$s: no split header"
  done
  grep -qx '# traj step t x1 x2 y1 y2' "$tmp/a/traj-$s.tsv" || fail "traj-$s: columns"
  grep -qx '# t x1 x2 y1 y2 dx1dt dx2dt dy1dt dy2dt' "$tmp/a/vf-$s.tsv" || fail "vf-$s: columns"
done

# z = (theta, phi, r, u); mu = 2.25e-6, R0 = B0 = 1, q = 2.
# ICs in the box.  Energy: per solver step H changes by at most
# 1.1 g, g = sum_i |dH/dz_i| (atol + rtol |z_i|), and over a trajectory by
# K times that (K: the header's most steps per trajectory), with
#   |dH/du| = |u| <= U = sqrt(2 H),
#   |dH/dr| + |dH/dtheta| <= mu|B| (r/4 + 1/(1 - r) + r/(1 - r)) <= 3.2 H for r <= 0.5,
# r <= 0.5 between stored states (stored r < 0.2, steps in r < 0.01), and
# |theta| <= Theta = max stored |theta| + max stored |step in theta|, so
#   g <= U (atol + rtol U) + 3.2 H (2 atol + rtol (0.5 + Theta)).
K=$(sed -n 's/^# solver: .* at most \([0-9]*\) steps per trajectory$/\1/p' "$tmp/a/traj-train.tsv")
[ -n "$K" ] && [ "$K" -gt 0 ] || fail "no solver steps in the header"
for s in train test val; do
  awk -F'\t' -v K="$K" -v pi=3.141592653589793 '
    function abs(v) { return v < 0 ? -v : v }
    function check() { if (np == 0) return
      U = sqrt(2 * H0); b = 1.1 * K * (U * (1e-12 + 1e-10 * U) + 3.2 * H0 * (2e-12 + 1e-10 * (0.5 + th + dth)))
      if (dH > b) { print "trajectory " tr ": |H - H0| " dH " > " b; exit 1 } np = 0 }
    !/^#/ { H = $7 * $7 / 2 + 2.25e-6 * sqrt(1 + $6 * $6 / 4) / (1 + $6 * cos($4))
      if ($2 == 0) { check(); tr = $1; H0 = H; dH = 0; th = abs($4); dth = 0
        if (abs($4) > 0.1 * pi || $5 < 0 || $5 > 2 * pi || $6 < 0.03 || $6 > 0.055 || $7 < -9e-4 || $7 > -3e-4) {
          print "IC outside the box: " $0; exit 1 } }
      else { dH = (abs(H - H0) > dH) ? abs(H - H0) : dH; th = (abs($4) > th) ? abs($4) : th
        dth = (abs($4 - prev) > dth) ? abs($4 - prev) : dth
        if ($6 >= 0.2 || abs($6 - prevr) >= 0.01) { print "r out of the bound'"'"'s range: " $0; exit 1 } }
      prev = $4; prevr = $6; np++ }
    END { check() }' "$tmp/a/traj-$s.tsv" || fail "energy ($s)"
done
# Vector field: phi' = u / R (the same two roundings); grad H . z' = 0 up to
# 1e-14 (~90 u) of sum |dH/dz_i z'_i|, each z'_i being correct to 16 u of its
# own terms (test_gc), which exceed it by less than a factor 5 here; points
# at the trajectories' states, 20 per trajectory, the thirds of train (8
# trajectories each) at time indices g, g + 3, ... .
awk -F'\t' -v h=1898.73 'function abs(v) { return v < 0 ? -v : v }
  !/^#/ { th = $2; r = $4; u = $5; c = cos(th); s = sqrt(1 + r * r / 4); R = 1 + r * c
    if (abs($7 - u / R) > 4e-16 * abs($7)) { print "phi'"'"': " $0; exit 1 }
    Ht = 2.25e-6 * s * r * sin(th) / (R * R); Hr = 2.25e-6 * s / R * (r / (4 * s * s) - c / R)
    dot = Ht * $6 + Hr * $8 + u * $9; size = abs(Ht * $6) + abs(Hr * $8) + abs(u * $9)
    if (abs(dot) > 1e-14 * size) { print "dH/dt = " dot " at " $0; exit 1 }
    g = int(n / 160); j = g + 3 * (n % 20); n++
    if (abs($1 - j * h) > 1e-9 * h) { print "point " n " at t = " $1 ", expected index " j; exit 1 } }' \
  "$tmp/a/vf-train.tsv" || fail "vector field"
cut -f3-7 "$tmp/a/traj-train.tsv" | grep -v '^#' | sort > "$tmp/traj_pts"
cut -f1-5 "$tmp/a/vf-train.tsv" | grep -v '^#' | sort > "$tmp/vf_pts"
[ -z "$(comm -13 "$tmp/traj_pts" "$tmp/vf_pts")" ] || fail "vector-field points not on the trajectories"

# Bad input: status, one line naming the program, no output file.
expect_fail() {
  local want=$1; shift
  local status=0
  bin/gc_data "$@" 2>"$tmp/err" >/dev/null || status=$?
  [ "$status" -eq "$want" ] || fail "$*: status $status, expected $want"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q '^gc_data: ' "$tmp/err" || fail "$*: message $(cat "$tmp/err")"
  [ -z "$(ls -A "$tmp/bad")" ] || fail "$*: output written"
}
expect_fail 2 --seed 1 "${args[@]}" --r 0,0.05 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --r 0.5,1.5 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --theta-pi 0.1,-0.1 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --u -9e-4 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --split 24,3,2 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --nt 1 --outdir "$tmp/bad"
expect_fail 2 --seed 1 "${args[@]}" --h nan --outdir "$tmp/bad"
expect_fail 1 --seed 1 "${args[@]}" --outdir "$tmp/bad/missing"
echo "gc_data: reproducibility, headers, sizes, box, energy conservation, field, bad input OK"
