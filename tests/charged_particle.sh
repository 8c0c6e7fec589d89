#!/usr/bin/env bash
# fig_charged_particle on a small MCP dataset and models trained for one
# epoch: the error maps are the library's loss terms point by point, at the
# points of the validation files; the ICs are the ranked energies; the
# reference DVI runs every step with a bounded energy error; the exact orbit
# conserves H; bad input is refused with one line, its exit status and no
# output.  (What the figure shows with the study's models is checked on the
# quick profile by tests/pipeline.sh.)
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "charged_particle: $*"; exit 1; }
bin/mcp_data --seed 7 --n-ic 300 --hmin 0 --hmax 1.5 --max-rounds 10 --h 0.5 --nt 2 --split 200,40,60 --vf-stride 3 \
  --outdir "$tmp"
train() {  # train NAME KIND DATA LOSS...: one epoch of a small model
  local name=$1 kind=$2 data=$3; shift 3
  NCH_VERBOSE=0 bin/train --name "$name" --kind "$kind" --d 1 --widths 8,8 --normaliser train "$@" --gram-weights 0.1,1 \
    --schedule 1e-2:1 --batch 100 --seed 1 --train "$tmp/$data-train.tsv" --test "$tmp/$data-test.tsv" \
    -o "$tmp/$name.model" --trace "$tmp/$name.trace" --summary "$tmp/$name.summary" 2>/dev/null
}
train reg noncanonical vf --loss vf_reg --reg-weight 1e-4
train noreg noncanonical vf --loss vf_reg --reg-weight 0
train scheme noncanonical traj --loss dvi --h 0.5 --reg-weight 1e-8
train field mlp vf --loss vf
run() {  # run OUTDIR [OPTION VALUE ...]: the defaults below, overridden
  local out=$1; shift
  local -A o=([--vf-reg]=$tmp/reg.model [--vf-no-reg]=$tmp/noreg.model [--scheme]=$tmp/scheme.model
    [--val-vf]=$tmp/vf-val.tsv [--val-traj]=$tmp/traj-val.tsv [--h]=0.5 [--ic-ranks]=30,40,50 [--ref-steps]=400
    [--steps]=50 [--exact-h]=1e-3 [--exact-T]=130.5 [--every]=100)
  while [ $# -gt 0 ]; do if [ "$2" = - ]; then unset "o[$1]"; else o[$1]=$2; fi; shift 2; done
  local args=()
  for k in "${!o[@]}"; do args+=("$k" "${o[$k]}"); done
  bin/fig_charged_particle "${args[@]}" --outdir "$out"
}
mkdir -p "$tmp/out"
run "$tmp/out" 2>"$tmp/stderr"
num() { awk -F'\t' -v k="charged_particle_$1" '$1 == k { print $2 }' "$tmp/out/numbers.tsv"; }
rows() { grep -vc '^#\|^$' "$1"; }

# The maps hold one error per point of the validation files: the VF maps at
# the VF points, the scheme map at the middle state (step 1) of each triple.
for m in reg no_reg; do
  [ "$(rows "$tmp/out/errors_vf_$m.tsv")" -eq 60 ] || fail "errors_vf_$m: expected the 60 VF points"
done
cmp -s <(grep -v '^#' "$tmp/out/errors_vf_reg.tsv" | cut -f1,2) <(grep -v '^#' "$tmp/vf-val.tsv" | cut -f2,3) \
  || fail "errors_vf_reg: not at the VF points"
cmp -s <(grep -v '^#' "$tmp/out/errors_scheme.tsv" | cut -f1,2) <(awk -F'\t' '!/^#/ && $2 == 1' "$tmp/traj-val.tsv" | cut -f4,5) \
  || fail "errors_scheme: not at the middle states of the triples"
# Point by point, the VF loss's data term: its mean square over the two
# components, averaged, is bin/evaluate's abs_dz (the same whitening by the
# Gram matrix of the whole file), to rounding.
for m in reg:reg noreg:no_reg; do
  abs=$(bin/evaluate --model "$tmp/${m%:*}.model" --data "$tmp/vf-val.tsv" | awk -F'\t' '$1 == "abs_dz" { print $2 }')
  awk -F'\t' -v a="$abs" '!/^#/ { s += $3 * $3; n++ } END { r = s / n / 2 / a
    if (!(r > 1 - 1e-12 && r < 1 + 1e-12)) { print "mean square / 2 = " s / n / 2 ", abs_dz " a; exit 1 } }' \
    "$tmp/out/errors_vf_${m#*:}.tsv" || fail "errors_vf_${m#*:}: not the loss's data term"
done
# The colour scale spans the three maps exactly.
awk -F'\t' -v lo="$(num err_min)" -v hi="$(num err_max)" '!/^#/ { if (!n++ || $3 < a) a = $3; if ($3 > b) b = $3 }
  END { if (a != lo || b != hi) { print "maps span [" a ", " b "], scale [" lo ", " hi "]"; exit 1 } }' \
  "$tmp"/out/errors_*.tsv || fail "colour scale"
# The ICs: ranks 30, 40, 50 of the VF points sorted by the exact H.
want=$(awk -F'\t' '!/^#/ { printf "%.17g\n", 2 - cos($2) - sin($3) }' "$tmp/vf-val.tsv" | sort -g | awk 'NR == 31 || NR == 41 || NR == 51')
got=$(for k in 0 1 2; do num ic${k}_energy; done)
awk -v w="$(echo $want)" -v g="$(echo $got)" 'BEGIN { n = split(w, a, " "); split(g, b, " ")
  for (i = 1; i <= 3; i++) if (n != 3 || (a[i] - b[i]) ^ 2 > 1e-24) exit 1 }' || fail "IC energies $got, ranked $want"
# (Science checks.)  The reference model's Euler DVI runs every step and its
# energy error is bounded, of amplitude O(h): at h = 0.5 from H = 0.9-1.4 it
# is 0.08-0.22 over 20000 steps and halves with h (0.069 at h = 0.25, 0.033
# at 0.125); a drift or blow-up exceeds 0.3.
for k in 0 1 2; do [ "$(num ref_ic${k}_steps)" = 400 ] || fail "reference DVI from IC $k: $(num ref_ic${k}_steps) steps"; done
awk -v v="$(num ref_max_abs_rel_err)" 'BEGIN { exit !(v > 0.01 && v < 0.3) }' \
  || fail "reference DVI energy error $(num ref_max_abs_rel_err): not bounded O(h)"
# The exact orbit conserves H: measured 1e-13; the bound is the error
# control's worst case, 1305 output steps x 1.1 (atol + rtol |z|) x |grad H|
# <= 1.4, relative to H >= 0.8: 1e-6.
awk -F'\t' '!/^#/ && NF { e = $5 < 0 ? -$5 : $5; if (e > m) m = e; n++ }
  END { if (n != 3 * 1306 || !(m < 1e-6)) { print n " rows, max |rel. H error| " m; exit 1 } }' "$tmp/out/exact.tsv" \
  || fail "exact orbits"
# A run that stops is said on stderr, in the numbers and in dvi_stop.tsv.
stops=$(rows "$tmp/out/dvi_stop.tsv")
[ "$(grep -c 'stops at step' "$tmp/stderr" || true)" -eq "$stops" ] || fail "stops: $stops rows, stderr: $(cat "$tmp/stderr")"
[ "$(awk -F'\t' '!/^#/ && $1 ~ /_ic[0-9]_steps$/ && $2 < ($1 ~ /^charged_particle_ref/ ? 400 : 50)' "$tmp/out/numbers.tsv" | wc -l)" \
  -eq "$stops" ] || fail "stops: the numbers disagree with dvi_stop.tsv"

# Bad input: status 2 for usage, 1 for input; one stderr line; no output.
refused() {  # refused STATUS PATTERN OPTION VALUE ...
  local want=$1 pattern=$2 status=0; shift 2
  rm -rf "$tmp/bad"; mkdir "$tmp/bad"
  run "$tmp/bad" "$@" >/dev/null 2>"$tmp/err" || status=$?
  [ "$status" -eq "$want" ] || fail "status $status (expected $want) for: $* ($(cat "$tmp/err"))"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one line on stderr for: $*: $(cat "$tmp/err")"
  grep -Eq -- "$pattern" "$tmp/err" || fail "message '$(cat "$tmp/err")' does not match '$pattern'"
  [ -z "$(ls -A "$tmp/bad")" ] || fail "output left behind by: $*"
}
refused 2 '^fig_charged_particle: usage: ' --scheme -
refused 2 '^fig_charged_particle: --ic-ranks: not a non-negative integer \(3,4\.5\)$' --ic-ranks 3,4.5
refused 2 '^fig_charged_particle: --exact-T: ' --exact-T 1.0005
refused 1 "^fig_charged_particle: .*$tmp/missing.model" --vf-reg "$tmp/missing.model"
refused 1 "^fig_charged_particle: $tmp/field.model: a bare vector field \\(kind mlp\\) has no theta and H" --scheme "$tmp/field.model"
refused 1 "^fig_charged_particle: --ic-ranks: rank 60 beyond the 60 points of $tmp/vf-val.tsv$" --ic-ranks 10,60
{ grep '^#' "$tmp/vf-val.tsv"; printf '0\t1\tone\t2\t3\n'; } >"$tmp/vf-bad.tsv"
refused 1 "^fig_charged_particle: $tmp/vf-bad.tsv:[0-9]+: .*one" --val-vf "$tmp/vf-bad.tsv"
echo "charged_particle: maps are the loss's terms at the val points, ranked ICs, reference DVI bounded, exact orbits, bad input refused"
