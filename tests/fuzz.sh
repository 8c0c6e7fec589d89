#!/usr/bin/env bash
# The fuzz harness (issue 11): every program, built with AddressSanitizer
# and UBSan (build/san/bin/NAME), run on mutated inputs — its datasets,
# model files, run outcomes and summaries, its command-line numbers and the
# shape of its command line — each checked against the error contract (exit
# status documented, one stderr line naming a file or an option, no output
# or temporary left, no sanitizer report, headers that hold file names).
# The mutations and checks are tests/fuzz.c's; this script makes the corpus
# of small valid inputs with the plain programs and runs it.
#   NCH_FUZZ_SEED  seed (default: a fresh random one, printed)
#   NCH_FUZZ_N     mutated inputs (default 100, a few seconds)
#   NCH_FUZZ_ONLY  replay input I alone (the seed is needed too)
#   NCH_FUZZ_JOBS  inputs run at a time (default: the cores)
#   NCH_FUZZ_TIMEOUT  seconds an input may run (default 2)
set -eu -o pipefail
seed=${NCH_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
n=${NCH_FUZZ_N:-100}
jobs=${NCH_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
echo "fuzz: seed $seed, $n mutated inputs; replay with NCH_FUZZ_SEED=$seed bash tests/fuzz.sh"
for p in build/tests/fuzz build/san/bin/simulate build/san/bin/gc_data; do
  [ -x "$p" ] || { echo "fuzz: $p not built (make check builds it)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
c=$tmp/corpus
mkdir -p "$c"
{
  bin/lv_data --seed 7 --n-ic 40 --hmin 0 --hmax 4.4 --box-pad 1e-6 --max-rounds 10 --h 0.1 --nt 5 \
    --split 24,8,8 --outdir "$c"
  model() { NCH_VERBOSE=0 bin/train --name "$1" --d 1 --normaliser train --batch 32 --seed 1 --schedule 1e-2:1 \
    --train "$c/vf-train.tsv" --test "$c/vf-test.tsv" -o "$c/$1.model" --trace "$c/$1.trace.tsv" \
    --summary "$c/$1.summary.tsv" "${@:2}"; }
  model nc --kind noncanonical --widths 4,4 --loss vf_reg --gram-ratio 1e-2 --reg-weight 1e-6
  model can --kind canonical --widths 4 --loss vf --gram-weights 1,1
  model mlp --kind mlp --widths 4 --loss vf --gram-weights 1,1
  for s in dvi rk4; do
    bin/long_run --model "$c/nc.model" --scheme $s --ic 1,1 --ic 2,1.5 --h 0.1 --steps 20 --every 5 --out "$c/lr_$s"
  done
  # A seed study's inputs: short-time studies (every step, at one step) and
  # a one-seed family "fam" with its main model chosen.
  short() { bin/short_error --model "$c/nc.model" --val "$c/vf-val.tsv" --n-ic 3 --tf 0.4 --rate 2 --n-h 2 \
    --dvi-offset 0 --rk4-offset 0 --quantiles 0.25,0.75 "$@"; }
  short -o "$c/short_nc.tsv"
  short --at 0.1 -o "$c/short_at.tsv"
  for x in model trace.tsv summary.tsv; do cp "$c/nc.$x" "$c/fam_seed1.$x"; done
  src/scripts/select_main.sh "$c/fam" 1
  # The guiding-centre (d = 2) and MCP datasets, as gc-*.tsv and mcp-*.tsv,
  # and GC models of the input and output maps (an IMEX model for --init).
  mkdir -p "$c/gc" "$c/mcp"
  bin/gc_data --seed 5 --n-ic 9 --theta-pi -0.1,0.1 --phi-pi 0,2 --r 0.03,0.055 --u -9e-4,-3e-4 --h 1898.73 \
    --nt 8 --split 6,2,1 --vf-stride 3 --outdir "$c/gc"
  bin/mcp_data --seed 5 --n-ic 60 --hmin 0 --hmax 1.5 --max-rounds 10 --h 0.5 --nt 2 --split 40,12,8 \
    --vf-stride 3 --outdir "$c/mcp"
  for d in gc mcp; do for f in "$c/$d"/*.tsv; do mv "$f" "$c/$d-${f##*/}"; done; done
  gc() { NCH_VERBOSE=0 bin/train --name "$1" --d 2 --batch 64 --seed 1 --schedule 1e-2:1 -o "$c/$1.model" \
    --trace "$c/$1.trace.tsv" --summary "$c/$1.summary.tsv" "${@:2}"; }
  gc gcvf --kind noncanonical --widths 4 --input-map periodic:2,drop,norm:2,norm:2 --output-scale velocity \
    --loss vf_reg --reg-weight 1 --gram-weights 1,1 --gram-eps 1e-12 --train "$c/gc-vf-train.tsv" \
    --test "$c/gc-vf-test.tsv"
  gc gcimex --kind noncanonical --widths 4 --input-map periodic:2,drop,norm:2,norm:2 --output-scale velocity \
    --loss imex --h 1898.73 --reg-weight 1e-8 --gram-weights 1,1 --train "$c/gc-traj-train.tsv" \
    --test "$c/gc-traj-test.tsv"
  # The figures of the MCP and the GC: a small MCP model, GC runs of the
  # reference (two study orbits, few steps) for fig_guiding_center.
  NCH_VERBOSE=0 bin/train --name mcpnc --d 1 --kind noncanonical --widths 4 --normaliser train --loss vf_reg \
    --reg-weight 1e-4 --gram-weights 0.1,1 --schedule 1e-2:1 --batch 16 --seed 1 --train "$c/mcp-vf-train.tsv" \
    --test "$c/mcp-vf-test.tsv" -o "$c/mcpnc.model" --trace "$c/mcpnc.trace.tsv" --summary "$c/mcpnc.summary.tsv"
  for s in dvi rk4; do
    bin/gc_run --model gc --scheme $s --ic 0,0,0.05,-7.782e-4 --ic 0,0,0.05,-4.306e-4 --h 1898.73 --steps 20 \
      --every 5 --envelope 4 --out "$c/gcr_$s"
  done
} >"$tmp/corpus.log" 2>&1 || { echo "fuzz: making the corpus failed"; cat "$tmp/corpus.log"; exit 1; }
build/tests/fuzz "$c" build/san/bin "$tmp" "$seed" "$n" "$jobs" "${NCH_FUZZ_TIMEOUT:-2}" ${NCH_FUZZ_ONLY:+"$NCH_FUZZ_ONLY"}
