#!/usr/bin/env bash
# bin/train on the guiding-centre and MCP data (gc-mcp.md §2.4, §3.3-3.4):
# the GC input map and output scales end up in the model file, the H scale
# is the authors' ||max zdot|| - ||min zdot|| of the training velocities and
# the baseline's de-normalisation their max - min and min (both recomputed
# here from the data files), the scheme model's IMEX phase then its DVI
# phase from that model (--init) is deterministic, the norm settings reach
# the trace, an MCP model trains; bad combinations of the new options are
# refused with one line, their exit status and no output.
set -eu -o pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "train_gc: $*"; exit 1; }
mkdir -p "$tmp/gc" "$tmp/mcp"
bin/gc_data --seed 242210 --n-ic 30 --theta-pi -0.1,0.1 --phi-pi 0,2 --r 0.03,0.055 --u -9e-4,-3e-4 \
  --h 1898.73 --nt 60 --split 24,3,3 --vf-stride 3 --outdir "$tmp/gc"
bin/mcp_data --seed 242210 --n-ic 300 --hmin 0 --hmax 1.5 --max-rounds 10 --h 0.5 --nt 2 --split 240,45,15 \
  --vf-stride 3 --outdir "$tmp/mcp"
export NCH_VERBOSE=0
G=$tmp/gc
MAP=(--input-map periodic:6,drop,norm:6,norm:6 --output-scale velocity)
train() {  # train OUT ARGS...
  local out=$1; shift
  bin/train --name t --batch 500 --seed 42 -o "$out.model" --trace "$out.trace" --summary "$out.sum" "$@"
}
vf=(--train "$G/vf-train.tsv" --test "$G/vf-test.tsv")
traj=(--train "$G/traj-train.tsv" --test "$G/traj-test.tsv")
sym=(--d 2 --kind noncanonical --widths 8,8 "${MAP[@]}")

train "$tmp/reg" "${sym[@]}" --loss vf_reg --reg-weight 1 --gram-weights 1,1 --gram-eps 1e-12 \
  --schedule 1e-2:1 "${vf[@]}" 2>"$tmp/err"
grep -q '^input embed periodic 6 drop affine 6 .* affine 6 ' "$tmp/reg.model" || fail "no GC input map in the model"
grep -q 'H scale n_max - n_min = ' "$tmp/err" || fail "the H scale is not reported"
grep -q '^# loss: vf_reg, .*, gram_eps 9.9999999999999998e-13$' "$tmp/reg.trace" || fail "gram_eps not in the trace"
# ||max zdot||_2 - ||min zdot||_2 over the componentwise bounds of the VF file's zdot.
want=$(awk -F'\t' '!/^#/ { for (c = 6; c <= 9; c++) { if (!(c in lo) || $c < lo[c]) lo[c] = $c; if (!(c in hi) || $c > hi[c]) hi[c] = $c } }
  END { for (c = 6; c <= 9; c++) { a += lo[c] ^ 2; b += hi[c] ^ 2 } printf "%.17g %.17g", sqrt(b) - sqrt(a), sqrt(a) }' "$G/vf-train.tsv")
got=$(awk -F'\t' '$1 == "h_scale" { s = $2 } $1 == "h_shift" { t = $2 } END { printf "%s %s", s, t }' "$tmp/reg.sum")
# awk's %.17g of the same sums: equal up to the rounding of sqrt and one subtraction of
# two ~1e-3 numbers (|n_max - n_min| ~ 1e-4: relative 1e-15 / 1e-1).
awk -v w="$want" -v g="$got" 'BEGIN { split(w, a, " "); split(g, b, " ");
  exit !(a[1] != 0 && (b[1] - a[1]) ^ 2 <= (1e-12 * a[1]) ^ 2 && (b[2] - a[2]) ^ 2 <= (1e-14 * a[2]) ^ 2) }' \
  || fail "H scale/shift $got, expected $want"

# The baseline: componentwise max - min and min of zdot.
train "$tmp/base" --d 2 --kind mlp --widths 8,8 "${MAP[@]}" --loss vf --gram-weights 1,1 --gram-eps 1e-12 \
  --schedule 1e-2:1 "${vf[@]}" 2>/dev/null
want=$(awk -F'\t' '!/^#/ { for (c = 6; c <= 9; c++) { if (!(c in lo) || $c < lo[c]) lo[c] = $c; if (!(c in hi) || $c > hi[c]) hi[c] = $c } }
  END { printf "output scale"; for (c = 6; c <= 9; c++) printf " %.17g", hi[c] - lo[c];
        printf " shift"; for (c = 6; c <= 9; c++) printf " %.17g", lo[c] }' "$G/vf-train.tsv")
line=$(grep '^output ' "$tmp/base.model")
awk -v w="$want" -v g="$line" 'BEGIN { n = split(w, a, " "); m = split(g, b, " "); if (n != 11 || m != 11) exit 1;
  for (i = 3; i <= 11; i++) if (i != 7 && (b[i] - a[i]) ^ 2 > (1e-15 * a[i]) ^ 2) exit 1 }' \
  || fail "baseline output map '$line', expected '$want'"

# vf_no_gram: the scaled norm.
train "$tmp/ng" "${sym[@]}" --loss vf --norm scaled --gram-weights 1,1 --schedule 1e-2:1 "${vf[@]}" 2>/dev/null
grep -q '^# loss: vf, .*, norm scaled$' "$tmp/ng.trace" || fail "scaled norm not in the trace"

# The scheme model: IMEX, then DVI from its best checkpoint, twice the same.
train "$tmp/imex" "${sym[@]}" --loss imex --h 1898.73 --reg-weight 1e-8 --gram-weights 1,1 --schedule 1e-2:1 \
  "${traj[@]}" 2>/dev/null
grep -q '^# stage epoch lr train_tot train_abs train_rel train_reg test_tot' "$tmp/imex.trace" \
  || fail "imex trace columns"
for k in a b; do
  train "$tmp/dvi$k" --d 2 --init "$tmp/imex.model" --loss dvi --h 1898.73 --reg-weight 1e-8 --gram-weights 1,1 \
    --minimal-jets --schedule 1e-4:1 "${traj[@]}" 2>/dev/null
done
cmp -s "$tmp/dvia.model" "$tmp/dvib.model" || fail "the DVI phase is not deterministic"
grep -q '^# loss: dvi, .*, minimal jets$' "$tmp/dvia.trace" || fail "minimal jets not in the trace"
# The same loss with full jets: the same epoch losses up to rounding (the
# gradients agree to ~1e-15 relative, test_loss; Adam turns that into
# parameter changes of ~lr·1e-15 and the losses move by less than 1e-9).
train "$tmp/dvif" --d 2 --init "$tmp/imex.model" --loss dvi --h 1898.73 --reg-weight 1e-8 --gram-weights 1,1 \
  --schedule 1e-4:1 "${traj[@]}" 2>/dev/null
paste <(grep -v '^#' "$tmp/dvia.trace") <(grep -v '^#' "$tmp/dvif.trace") | awk -F'\t' '{ n = NF / 2;
  for (i = 4; i <= n; i++) if (($i - $(i + n)) ^ 2 > (1e-9 * $(i + n)) ^ 2) exit 1 }' \
  || fail "minimal jets changed the epoch's losses"
cmp -s "$tmp/imex.model" "$tmp/dvia.model" && fail "the DVI phase did not move the weights"
[ "$(sed -n 5,6p "$tmp/imex.model")" = "$(sed -n 5,6p "$tmp/dvia.model")" ] || fail "--init lost the maps"

# MCP (d = 1): the symplectic model with the MCP's Gram weights.
train "$tmp/mcp" --d 1 --kind noncanonical --widths 8,8 --normaliser train --loss vf_reg --reg-weight 1e-4 \
  --gram-weights 0.1,1 --schedule 1e-2:1 --train "$tmp/mcp/vf-train.tsv" --test "$tmp/mcp/vf-test.tsv" 2>/dev/null
grep -q '^best_test_abs_reg	' "$tmp/mcp.sum" || fail "MCP vf_reg summary"

expect() {  # expect STATUS ARGS...
  local want=$1 status=0; shift
  rm -f "$tmp/x".*
  train "$tmp/x" "$@" 2>"$tmp/err" || status=$?
  [ "$status" -eq "$want" ] || fail "status $status (expected $want) for: $*"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "not a one-line error for: $*: $(cat "$tmp/err")"
  [ -z "$(ls "$tmp"/x.* 2>/dev/null)" ] || fail "output left behind for: $*"
}
ok=(--loss vf --gram-weights 1,1 --schedule 1e-2:1 "${vf[@]}")
expect 2 --d 2 --kind mlp --widths 8 --normaliser train --input-map periodic:6,drop,norm:6,norm:6 "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 --input-map periodic:0,drop,norm:6,norm:6 "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 --input-map periodic:6,drop,norm,norm:6 "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 --input-map circle:6,drop,norm:6,norm:6 "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 --input-map periodic:6,drop,norm:6 "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 --input-map periodic:6,drop,norm:6,norm:6,drop "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 --input-map drop,drop,drop,drop "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 "${MAP[@]::2}" --output-scale exact "${ok[@]}"
expect 2 --d 2 --kind mlp --widths 8 "${MAP[@]}" --loss vf --norm scaled --gram-eps 1e-12 --gram-weights 1,1 \
  --schedule 1e-2:1 "${vf[@]}"
expect 2 --d 2 --kind mlp --widths 8 "${MAP[@]}" --loss vf --norm white --gram-weights 1,1 --schedule 1e-2:1 "${vf[@]}"
expect 2 --d 2 --kind mlp --widths 8 "${MAP[@]}" --loss vf --gram-eps 0 --gram-weights 1,1 --schedule 1e-2:1 "${vf[@]}"
expect 2 --d 2 --kind mlp --widths 8 "${MAP[@]}" --loss imex --h 1898.73 --reg-weight 1e-8 --gram-weights 1,1 \
  --schedule 1e-2:1 "${traj[@]}"
expect 2 "${sym[@]}" --loss imex --reg-weight 1e-8 --gram-weights 1,1 --schedule 1e-2:1 "${traj[@]}"
expect 2 "${sym[@]}" --loss imex --h 1898.73 --reg-weight 1e-8 --gram-weights 1,1 --minimal-jets \
  --schedule 1e-2:1 "${traj[@]}"
expect 2 --d 2 --init "$tmp/imex.model" --kind noncanonical --loss dvi --h 1898.73 --reg-weight 1e-8 \
  --gram-weights 1,1 --schedule 1e-4:1 "${traj[@]}"
expect 1 --d 1 --init "$tmp/imex.model" --loss dvi --h 0.5 --reg-weight 1e-8 --gram-weights 1,1 \
  --schedule 1e-4:1 --train "$tmp/mcp/traj-train.tsv" --test "$tmp/mcp/traj-test.tsv"
expect 1 --d 2 --init "$tmp/missing.model" --loss dvi --h 1898.73 --reg-weight 1e-8 --gram-weights 1,1 \
  --schedule 1e-4:1 "${traj[@]}"
# long_run simulates Lotka-Volterra: a GC model (d = 2) is refused, one
# line, no output (it read past the X,Y start before).
status=0
bin/long_run --model "$tmp/reg.model" --scheme dvi --ic 1,1 --h 0.1 --steps 3 --every 1 --out "$tmp/lr" \
  2>"$tmp/err" || status=$?
[ "$status" -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q 'a model of d = 2, Lotka-Volterra has d = 1$' "$tmp/err" \
  || fail "long_run with a d = 2 model: status $status, $(cat "$tmp/err")"
[ -z "$(ls "$tmp"/lr* 2>/dev/null)" ] || fail "long_run left output for a d = 2 model"
echo "train_gc: GC maps and scales as the data give them, IMEX then DVI deterministic, MCP, bad options refused, long_run refuses d = 2"
