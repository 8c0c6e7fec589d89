#!/usr/bin/env bash
# fig_error_convergence: its errors.tsv against an independent closed form
# (complex arithmetic in awk: every matrix here is a I + b M ≅ a + ib), its
# published keys, and its handling of bad input.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
prog=bin/fig_error_convergence
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$prog --T 5 --n 10,12,20,50,75,100,500 --pub-learn 0.1 --pub-sim 0.1,0.05,0.01 --outdir "$tmp"

# Error bounds of the program's arithmetic (GSL's expm by Taylor series and
# squaring, n products of 2×2 matrices), as derived in tests/test_bea.c:
# expm_bound, step_bound and the bound on |err − closed form| (there
# error_bound; here the closed form's own rounding is that of exp, log and
# atan2 of n log|φ| and n arg φ, ≤ (T + 8)u relative, as cpow's).
bounds='
function expm_bound(t,   a, j, k, rem, i) {
  a = t < 0 ? -t : t; j = a < 0.01 ? 1 : a < 0.1 ? 4 : a < 1 ? 5 : 7; k = a < 0.1 ? 5 : a < 1 ? 7 : 9
  rem = 1.02; for (i = 1; i <= k + 1; i++) rem *= a / 2^j / i
  return (6 * 2^j + 3 * a + 8) * U + rem * 2^j
}
function step_bound(dl, ds) { return 2 * ds / dl * expm_bound(dl) + 24 * U }
BEGIN { U = 2^-53 }'

# err = |e^{iT} − φ^n| with φ = 1 + δt m (Euler) or (1 + δt m/2)/(1 − δt m/2),
# m = (e^{iΔt} − 1)/Δt or (2/Δt) i tan(Δt/2), structure: m → i Im(m).
awk -F'\t' -v T=5 "$bounds"'
function cdiv(ar, ai, br, bi) { D = br*br + bi*bi; QR = (ar*br + ai*bi)/D; QI = (ai*br - ar*bi)/D }
/^#/ { next }
{
  s = $1; st = $2; dl = $3; ds = $4; err = $5; n = int(T/ds + 0.5)
  if (s == "euler") { mr = (cos(dl) - 1)/dl; mi = sin(dl)/dl }
  else { mr = 0; mi = 2/dl * sin(dl/2)/cos(dl/2) }
  if (st == 1) mr = 0
  if (s == "euler") { pr = 1 + ds*mr; pi = ds*mi }
  else { cdiv(1 + ds/2*mr, ds/2*mi, 1 - ds/2*mr, -ds/2*mi); pr = QR; pi = QI }
  r = exp(n * log(sqrt(pr*pr + pi*pi))); a = n * atan2(pi, pr)
  dr = cos(T) - r*cos(a); di = sin(T) - r*sin(a); ref = sqrt(dr*dr + di*di)
  d = err - ref; if (d < 0) d = -d
  g = r > 1 ? r : 1   # max(1, |φ|)^n
  bound = g * n * (step_bound(dl, ds) + 4*U) + expm_bound(n*ds) + 4*U*(1 + g) + g * (n * (4*ds/dl + 2) + T + 8) * U + U
  rows++
  if (d > bound) { printf "row %d: %s %s %s %s err %.17g, closed form %.17g, bound %.3g\n", NR, s, st, dl, ds, err, ref, bound; bad++ }
}
END { if (rows != 2*2*7*7) { print "expected 196 rows, got " rows; exit 1 } exit bad > 0 }' "$tmp/errors.tsv"

# The keys the paper publishes are all there, and the diagonal is round-off:
# within test_bea's bound for n steps of Φ(T/n) against E(T), largest at the
# largest n (500).
for k in euler_plain_diag_max midpoint_plain_diag_max euler_struct_learn0p1_sim0p01 midpoint_struct_learn0p1_sim0p05; do
  grep -q "^error_convergence_${k}	" "$tmp/numbers.tsv" || { echo "missing key $k"; exit 1; }
done
awk -F'\t' "$bounds"'
  BEGIN { n = 500; bound = n * (step_bound(5/n, 5/n) + 4*U) + expm_bound(5) }
  /plain_diag_max/ && $2 > bound { print "diagonal not at round-off (bound " bound "): " $0; exit 1 }' "$tmp/numbers.tsv"

# Bad input: one-line error, non-zero status, no output left behind.
expect_failure() {
  local out="$tmp/bad" status=0
  rm -rf "$out"; mkdir -p "$out"
  "$prog" "$@" --outdir "$out" 2>"$tmp/stderr" || status=$?
  [ "$status" -ne 0 ] || { echo "accepted: $*"; exit 1; }
  [ "$(wc -l < "$tmp/stderr")" -eq 1 ] || { echo "not a one-line error for: $*"; cat "$tmp/stderr"; exit 1; }
  [ -z "$(ls -A "$out")" ] || { echo "output left behind for: $*"; ls "$out"; exit 1; }
}
good=(--T 5 --n 10,20 --pub-learn 0.1 --pub-sim 0.05)
expect_failure "${good[@]}" --bogus
expect_failure --T 5 --n 10,20 --pub-learn 0.1 --pub-sim -0.05
expect_failure --T 5 --n 10,0 --pub-learn 0.1 --pub-sim 0.05
expect_failure --T 5 --n 10,20 --pub-learn 0.3 --pub-sim 0.05
expect_failure --T 5 --n 10,20 --pub-learn 0.1 --pub-sim 0.03
expect_failure --T abc --n 10,20 --pub-learn 0.1 --pub-sim 0.05
status=0
"$prog" "${good[@]}" --outdir "$tmp/no/such/dir" 2>"$tmp/stderr" || status=$?
[ "$status" -ne 0 ] && [ "$(wc -l < "$tmp/stderr")" -eq 1 ] || { echo "unwritable output accepted"; cat "$tmp/stderr"; exit 1; }
echo "error_convergence: closed form, keys and bad input OK"
