#!/usr/bin/env bash
# Issue 11, one check per case: bad input never crashes and never passes
# silently.  (1) sizes from input cannot wrap an allocation; (2) a learnt
# model starts only where the energy column is defined; (3) degenerate data
# (a singular Gram matrix of the targets) is refused with its file and
# batch; (4) so is an undefined DVI Gram ratio (0/0 quantiles); (5) messages
# quote the value given, not another argument; (6) temporaries fit wherever
# the target fits, and a file name with a newline does not break a header;
# and what the fuzz harness (tests/fuzz.sh) found.  Each check failed before
# the fix; the last block carries the checks over to the MCP/GC programs and
# losses.
set -eu -o pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "hardening: $*"; exit 1; }

# refused STATUS OUT PATTERN CMD...: exits with STATUS, one stderr line that
# matches PATTERN (grep -E), OUT not created and no temporary in its directory.
refused() {
  local want=$1 out=$2 pattern=$3 status=0; shift 3
  "$@" >"$tmp/stdout" 2>"$tmp/err" || status=$?
  [ "$status" -eq "$want" ] || fail "status $status (expected $want) for: $* ($(cat "$tmp/err"))"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one line on stderr for: $*: $(cat "$tmp/err")"
  grep -Eq -- "$pattern" "$tmp/err" || fail "message '$(cat "$tmp/err")' does not match '$pattern'"
  [ ! -e "$out" ] || fail "$out left behind by: $*"
  [ -z "$(find "$(dirname "$out")" -maxdepth 1 -name '.nch-*')" ] || fail "temporary left behind by: $*"
}

# A learnt model written by hand: canonical, one hidden layer of width 2
# (10 parameters), no normaliser.
model=$tmp/m.model
{ printf 'ncham-model 1\nkind canonical\nd 1\nwidths 2\nnormaliser none\nparams 10\n'
  for i in 1 2 3 4 5 6 7 8 9 10; do echo "0.$i"; done; echo end; } >"$model"
# Vector-field points of the reference LV on a grid, and the same points
# with all-zero targets.
awk 'BEGIN { print "# t x y dxdt dydt"; for (i = 1; i <= 6; i++) for (j = 1; j <= 5; j++) {
  x = 0.5 * i; y = 0.4 * j; printf "0\t%.17g\t%.17g\t%.17g\t%.17g\n", x, y, x * (1 - y), y * (x - 2) } }' >"$tmp/vf.tsv"
awk -F'\t' -v OFS='\t' '!/^#/ { $4 = 0; $5 = 0 } 1' "$tmp/vf.tsv" >"$tmp/vf-zero.tsv"

# (1) --steps near LONG_MAX: the row count times the row width wrapped to 0
# and the run overflowed the heap (segfault).  Now one checked size.
refused 1 "$tmp/o1.tsv" '^simulate: --steps 9223372036854775807: cannot allocate 9223372036854775808 rows' \
  bin/simulate --model lv --scheme rk4 --h 0.1 --steps 9223372036854775807 --z0 1,2 -o "$tmp/o1.tsv"
# Trajectories of 2^62 + 1 states: n_ic × states wrapped to 4 rows.
refused 1 "$tmp/traj-train.tsv" '^lv_data: --n-ic, --nt: trajectories: cannot allocate 4 rows' \
  bin/lv_data --seed 1 --n-ic 4 --hmin 0 --hmax 4.4 --box-pad 1e-6 --max-rounds 10 --h 0.1 \
  --nt 4611686018427387904 --split 2,1,1 --outdir "$tmp"
# A batch of 2^62 samples: batch × width × 8 bytes wrapped to 0.  A batch
# above the set's size now acts as the set's size: the same training.
train() {  # train OUT BATCH TRAIN: a tiny training, tested on the grid points
  NCH_VERBOSE=0 bin/train --name t --kind noncanonical --d 1 --widths 3 --normaliser train --loss vf --gram-ratio 1 \
    --schedule 1e-2:2 --batch "$2" --seed 1 --train "$3" --test "$tmp/vf.tsv" -o "$1.model" \
    --trace "$1.trace" --summary "$1.summary"
}
train "$tmp/b30" 30 "$tmp/vf.tsv" 2>/dev/null
train "$tmp/bhuge" 4611686018427387904 "$tmp/vf.tsv" 2>/dev/null || fail "--batch 2^62 refused or crashed"
cmp -s "$tmp/b30.model" "$tmp/bhuge.model" || fail "--batch 2^62 trains another model than --batch 30 (the whole set)"

# (2) A learnt model from outside x, y > 0 wrote -nan/inf energies, status 0.
refused 1 "$tmp/o2.tsv" '^simulate: --z0: outside the domain x, y > 0 of model .* \(-3,-2\)$' \
  bin/simulate --model "$model" --scheme rk4 --h 0.1 --steps 10 --z0 -3,-2 -o "$tmp/o2.tsv"
bin/simulate --model "$model" --scheme rk4 --h 0.1 --steps 10 --z0 1,1 -o "$tmp/o2.tsv"
awk -F'\t' '!/^#/ && !($4 == $4 + 0 && $4 + 0 == $4 && $4 > -1e300 && $4 < 1e300) { exit 1 }' "$tmp/o2.tsv" \
  || fail "learnt model inside the domain: energy column not finite"

# (3) All-zero targets: evaluate printed abs_dz 2e17 with status 0, train
# trained to a loss of 3e22 and saved the model.
refused 1 "$tmp/none" "^evaluate: $tmp/vf-zero.tsv: batch 1 \\(30 samples, the whole file\\): degenerate data: .* singular" \
  bin/evaluate --model lv --data "$tmp/vf-zero.tsv"
refused 1 "$tmp/z.model" "^train: $tmp/vf-zero.tsv: batch 1 \\(30 samples, stage 1, epoch 1\\): degenerate data" \
  train "$tmp/z" 30 "$tmp/vf-zero.tsv"
[ -z "$(ls "$tmp"/z.* 2>/dev/null)" ] || fail "train left output for degenerate data"
bin/evaluate --model lv --data "$tmp/vf.tsv" >/dev/null || fail "evaluate refused the grid points"
# A trajectory file has as many columns as a vector-field file (d = 1):
# read as one, its rows were (t, x, y, dxdt, dydt) = (traj, step, t, x, y)
# and evaluate, train and fig_charged_particle computed on them silently
# (newcomer trials).  Its column line tells it apart; and the other way round.
printf '# program: hand\n# traj step t x y\n0\t0\t0\t1\t1\n0\t1\t0.1\t1.1\t0.9\n0\t2\t0.2\t1.2\t0.8\n' > "$tmp/traj.tsv"
refused 1 "$tmp/none" "^evaluate: $tmp/traj.tsv:2: a trajectory file \\(columns traj step t x y\\), not a vector-field file$" \
  bin/evaluate --model lv --data "$tmp/traj.tsv"
refused 1 "$tmp/k.model" "^train: $tmp/vf.tsv:[0-9]+: a vector-field file \\(columns t x y dxdt dydt\\), not a trajectory file$" \
  bin/train --name k --kind noncanonical --d 1 --widths 3 --normaliser train --loss dvi --h 0.1 --gram-weights 1,1 \
  --schedule 1e-2:1 --batch 8 --seed 1 --train "$tmp/vf.tsv" --test "$tmp/vf.tsv" -o "$tmp/k.model" \
  --trace "$tmp/k.trace" --summary "$tmp/k.summary"
# An empty --outdir put the files in the root directory.
refused 2 "/traj-train.tsv" '^lv_data: --outdir: empty directory name$' \
  bin/lv_data --seed 1 --n-ic 4 --hmin 0 --hmax 4.4 --box-pad 1e-6 --max-rounds 10 --h 0.1 --nt 4 --split 2,1,1 \
  --outdir ''

# (4) Trajectories mostly at rest: the DVI loss's Gram ratio, the 0.01 and
# 0.5 quantiles of the squared steps, was 0/0 and the training failed later
# with "non-finite value".  Three of five trajectories sit at (2, 1).
awk 'BEGIN { print "# traj step t x y"; for (k = 0; k < 5; k++) for (j = 0; j <= 5; j++)
  printf "%d\t%d\t%.17g\t%.17g\t%.17g\n", k, j, 0.1 * j, k < 3 ? 2 : 1 + 0.1 * j, k < 3 ? 1 : 1 + 0.05 * j * k }' >"$tmp/rest.tsv"
refused 1 "$tmp/d.model" "^train: $tmp/rest.tsv: the 0.01 and 0.5 quantiles of the squared step increments are 0 and 0" \
  env NCH_VERBOSE=0 bin/train --name d --kind noncanonical --d 1 --widths 3 --normaliser train --loss dvi --h 0.1 \
  --gram-ratio-quantiles 0.01,0.5 --reg-weight 1e-8 --schedule 1e-2:1 --batch 8 --seed 1 --train "$tmp/rest.tsv" \
  --test "$tmp/rest.tsv" -o "$tmp/d.model" --trace "$tmp/d.trace" --summary "$tmp/d.summary"

# (5) The message quoted argv[optind - 1], here the output name, not the z0
# given; inside a cluster "-xo" the option before it.
refused 1 "$tmp/z.tsv" '^simulate: --z0: .*\(0,1\)$' \
  bin/simulate --model lv --scheme dvi --h 0.1 --steps 5 --z0 0,1 -o "$tmp/z.tsv"
refused 2 "$tmp/x.tsv" '^simulate: bad argument \(-x\)' \
  bin/simulate --model lv --scheme dvi --h 0.1 --steps 5 --z0 1,1 -xo "$tmp/x.tsv"
refused 2 "$tmp/none" '^evaluate: bad argument \(--data: no value\)' bin/evaluate --model lv --data

# (6) A legal name of 252 characters failed: "<name>.tmp" has 256, more than
# a directory entry holds.  Temporaries are short names in the same directory.
long=$tmp/$(printf 'a%.0s' {1..248}).tsv
bin/simulate --model lv --scheme rk4 --h 0.1 --steps 3 --z0 1,1 -o "$long" || fail "a 252-character name refused"
[ -s "$long" ] || fail "no file under the 252-character name"
[ -z "$(find "$tmp" -name '.nch-*')" ] || fail "a temporary left behind"
# A model path with a newline went raw into long_run's header and broke
# the reader of that file (fig_regularization: "not a number").
mkdir "$tmp/new"$'\n'"line"
nl=$tmp/new$'\n'line/m.model
cp "$model" "$nl"
bin/long_run --model "$nl" --scheme rk4 --ic 1,1 --h 0.1 --steps 4 --every 2 --out "$tmp/lr"
grep -qF 'new\nline/m.model' "$tmp/lr_outcome.tsv" || fail "the newline is not escaped in the header"
printf 'best_test_abs_dz\t1\nbest_test_abs_reg\t2\n' >"$tmp/summary.tsv"
o=$tmp/lr_outcome.tsv
bin/fig_regularization --noreg-dvi "$o" --noreg-rk4 "$o" --reg-dvi "$o" --reg-rk4 "$o" --noreg-summary "$tmp/summary.tsv" \
  --reg-summary "$tmp/summary.tsv" --outdir "$tmp" || fail "the outcome file of a model named with a newline is unreadable"

# Found by the fuzz harness: a model whose DVI cannot start (θ ≡ 0, so D_yθ
# is singular) made long_run read the state before row 0 (out of bounds)
# into its stop file and report 2^64 − 1 steps.  The start is the last
# state reached: 0 steps, stopped at (1, 1).
{ printf 'ncham-model 1\nkind noncanonical\nd 1\nwidths 2\nnormaliser none\nparams 20\n'
  for i in $(seq 20); do echo 0; done; echo end; } >"$tmp/flat.model"
bin/long_run --model "$tmp/flat.model" --scheme dvi --ic 1,1 --h 0.1 --steps 4 --every 2 --out "$tmp/flat" 2>/dev/null
awk -F'\t' '!/^#/ { exit !($5 == 4 && $6 == 0) }' "$tmp/flat_outcome.tsv" || fail "long_run: steps of a run that cannot start"
awk -F'\t' '!/^#/ { exit !($2 == 0 && $3 == 1 && $4 == 1) }' "$tmp/flat_stop.tsv" || fail "long_run: stop state of a run that cannot start"
# Found while hardening: a trajectory file without a trajectory of three
# states gives no snapshot triplet; the training shuffled an empty set and
# GSL's error handler aborted (status 134).
printf '0\t0\t0\t1\t1\n0\t1\t0.1\t1.1\t0.9\n1\t0\t0\t2\t1\n1\t1\t0.1\t2.1\t1.2\n' >"$tmp/pairs.tsv"
refused 1 "$tmp/p.model" "^train: $tmp/pairs.tsv: no trajectory with three states" \
  env NCH_VERBOSE=0 bin/train --name p --kind noncanonical --d 1 --widths 3 --normaliser train --loss dvi --h 0.1 \
  --gram-ratio 1 --reg-weight 1e-8 --schedule 1e-2:1 --batch 8 --seed 1 --train "$tmp/pairs.tsv" \
  --test "$tmp/pairs.tsv" -o "$tmp/p.model" --trace "$tmp/p.trace" --summary "$tmp/p.summary"

# The same contract for what came with the MCP/GC engine.  (3) for the IMEX
# loss, whose scalers are the increments (x1 - x0, y2 - y1), and for the
# ScaledMSNorm, which inverts nothing: it takes collinear targets and
# refuses only all-zero ones.  Four trajectories at rest, each at its own
# point.
awk 'BEGIN { print "# traj step t x y"; for (k = 0; k < 4; k++) for (j = 0; j <= 3; j++)
  printf "%d\t%d\t%.17g\t%.17g\t%.17g\n", k, j, 0.1 * j, 1 + 0.5 * k, 2 - 0.3 * k * k }' >"$tmp/still.tsv"
imex() {  # imex NORM: the IMEX loss on the resting trajectories
  NCH_VERBOSE=0 bin/train --name i --kind noncanonical --d 1 --widths 3 --normaliser train --loss imex --h 0.1 \
    --norm "$1" --gram-weights 1,1 --reg-weight 1e-8 --schedule 1e-2:1 --batch 8 --seed 1 --train "$tmp/still.tsv" \
    --test "$tmp/still.tsv" -o "$tmp/i.model" --trace "$tmp/i.trace" --summary "$tmp/i.summary"
}
refused 1 "$tmp/i.model" "^train: $tmp/still.tsv: batch 1 \\(8 samples, stage 1, epoch 0\\): degenerate data: the Gram matrix of the increments \\(x1 - x0, y2 - y1\\) is singular" \
  imex gram
refused 1 "$tmp/i.model" "^train: $tmp/still.tsv: batch 1 \\(8 samples, stage 1, epoch 0\\): degenerate data: the increments \\(x1 - x0, y2 - y1\\) are all zero" \
  imex scaled
awk -F'\t' -v OFS='\t' '!/^#/ { $4 = 0.1 * NR; $5 = 0.3 * NR } 1' "$tmp/vf.tsv" >"$tmp/vf-line.tsv"
refused 1 "$tmp/none" "^evaluate: $tmp/vf-line.tsv: batch 1 \\(30 samples, the whole file\\): degenerate data: the Gram matrix of the targets is singular" \
  bin/evaluate --model lv --data "$tmp/vf-line.tsv"
NCH_VERBOSE=0 bin/train --name s --kind noncanonical --d 1 --widths 3 --normaliser train --loss vf --norm scaled \
  --gram-weights 1,1 --schedule 1e-2:1 --batch 30 --seed 1 --train "$tmp/vf-line.tsv" --test "$tmp/vf-line.tsv" \
  -o "$tmp/s.model" --trace "$tmp/s.trace" --summary "$tmp/s.summary" 2>/dev/null || fail "ScaledMSNorm refused collinear targets"
# (1) and (5) in the dataset programs: split sizes whose sum overflowed a
# long (undefined behaviour), and the option of a cluster quoted as typed.
refused 2 "$tmp/traj-train.tsv" '^gc_data: --split: sizes add up to more than --n-ic 6 \(9e18,9e18,1\)$' \
  bin/gc_data --seed 3 --n-ic 6 --theta-pi -0.1,0.1 --phi-pi 0,2 --r 0.03,0.055 --u -9e-4,-3e-4 --h 1898.73 --nt 6 \
  --split 9e18,9e18,1 --vf-stride 3 --outdir "$tmp"
refused 2 "$tmp/traj-train.tsv" '^gc_data: --theta-pi: the box side is not finite' \
  bin/gc_data --seed 3 --n-ic 6 --theta-pi 1e308,1.5e308 --phi-pi 0,2 --r 0.03,0.055 --u -9e-4,-3e-4 --h 1898.73 \
  --nt 6 --split 4,1,1 --vf-stride 3 --outdir "$tmp"
refused 2 "$tmp/x" '^mcp_data: bad argument \(-x\)' \
  bin/mcp_data --seed 3 --n-ic 30 --hmin 0 --hmax 1.5 --max-rounds 10 --h 0.5 --nt 2 --split 20,6,4 --vf-stride 3 \
  --outdir "$tmp" -xo "$tmp/x"
refused 2 "$tmp/x" '^numenv: bad argument \(-x\)' bin/numenv -xo "$tmp/x"
# The guiding-centre figure's programs (issue 14, item 5): a missing option
# is a usage error, an unreadable input a bad input; one line, no output.
gc_ic=(--ic 0,0,0.05,-7.782e-4 --h 1898.73 --every 1 --envelope 2)
refused 2 "$tmp/gc.tsv" '^gc_run: usage: ' bin/gc_run --model gc --scheme dvi "${gc_ic[@]}" --out "$tmp/gc"
refused 1 "$tmp/gc.tsv" "^gc_run: $tmp/none.model: cannot read" \
  bin/gc_run --model "$tmp/none.model" --scheme rk4 "${gc_ic[@]}" --steps 3 --out "$tmp/gc"
refused 1 "$tmp/gc.tsv" '^gc_run: --ic: \(0, 0, 0, -0.0007782\) is outside the domain 0 < r < 1$' \
  bin/gc_run --model gc --scheme dvi --ic 0,0,0,-7.782e-4 --h 1898.73 --steps 3 --every 1 --envelope 2 --out "$tmp/gc"
mkdir "$tmp/gcf"
gc_exact=(--exact-h 1.89873 --exact-steps 70000 --exact-every 50 --outdir "$tmp/gcf")
refused 2 "$tmp/gcf/numbers.tsv" '^fig_guiding_center: usage: ' \
  bin/fig_guiding_center --run ref_dvi="$tmp/o.tsv" --outdir "$tmp/gcf"
refused 2 "$tmp/gcf/numbers.tsv" '^fig_guiding_center: --run: expected TAG=FILE' \
  bin/fig_guiding_center --run Ref="$tmp/o.tsv" "${gc_exact[@]}"
refused 1 "$tmp/gcf/numbers.tsv" "^fig_guiding_center: $tmp/none.tsv: cannot read" \
  bin/fig_guiding_center --run ref_dvi="$tmp/none.tsv" "${gc_exact[@]}"
refused 2 "$tmp/gcf/numbers.tsv" '^fig_guiding_center: --run: tag ref_dvi given twice' \
  bin/fig_guiding_center --run ref_dvi="$tmp/o.tsv" --run ref_dvi="$tmp/p.tsv" "${gc_exact[@]}"
refused 2 "$tmp/gc.tsv" '^gc_run: --scheme: dvi or rk4 \(euler\)$' \
  bin/gc_run --model gc --scheme euler "${gc_ic[@]}" --steps 3 --out "$tmp/gc"
# An outcome row whose u0 is not finite is named by all four IC values.
bin/gc_run --model gc --scheme dvi --ic 0,0,0.05,-7.782e-4 --h 1898.73 --steps 3 --every 1 --envelope 2 \
  --out "$tmp/gco" 2>/dev/null
awk -F'\t' 'BEGIN { OFS = "\t" } !/^#/ { $5 = "nan" } { print }' "$tmp/gco_outcome.tsv" > "$tmp/gco_nan.tsv"
refused 1 "$tmp/gcf/numbers.tsv" 'IC outside the domain .* r0 0.05, u0 nan$' \
  bin/fig_guiding_center --run ref_dvi="$tmp/gco_nan.tsv" "${gc_exact[@]}"
echo "hardening: sizes checked, learnt domain, degenerate data (Gram and scaled norms, every loss), 0/0 ratio, messages, names OK"
