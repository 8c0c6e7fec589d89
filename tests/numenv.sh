#!/usr/bin/env bash
# The pinned numerical environment (src/lib/nch_numenv.h): the programs give
# byte-identical outputs — a dataset, two trainings (the vector-field loss
# with the regulariser, and the DVI loss with its SVDs), a learnt model's DVI
# run and a figure's data — under emulated CPUs: OpenBLAS kernels forced with
# OPENBLAS_CORETYPE, its cache and blocking knobs, glibc's CPU features masked
# with GLIBC_TUNABLES.  And the test can fail: unpinned (NCH_NUMENV=native),
# another OpenBLAS kernel gives another model, and the FMA libm another
# dataset.
set -eu -o pipefail
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "numenv: $*"; exit 1; }
has() { grep -qw "$1" /proc/cpuinfo; }

if ! { has avx2 && has fma; }; then
  # The pinned kernel cannot run here: the programs must say so.
  out=$(bin/numenv) && fail "no AVX2/FMA, yet numenv exits 0 ($out)"
  grep -q '^native (this CPU lacks AVX2/FMA' <<<"$out" || fail "unexpected: $out"
  echo "numenv: this CPU lacks AVX2/FMA: the pinned kernel is not run here (checked that the programs say so)"
  exit 0
fi

run() {  # run DIR: every step, in the caller's environment, into DIR
  # (through one working path, as the outputs name their inputs)
  local o=${1%/*}/work
  mkdir -p "$o"
  bin/lv_data --seed 20230926 --n-ic 2500 --hmin 0 --hmax 4.4 --box-pad 1e-6 --max-rounds 10 --h 0.1 --nt 5 \
    --split 2000,375,125 --outdir "$o"
  local common=(--d 1 --kind noncanonical --widths 12,12 --normaliser train --batch 500 --seed 3
                --schedule 1e-2:2,1e-3:1)
  NCH_VERBOSE=0 bin/train --name reg "${common[@]}" --loss vf_reg --gram-ratio 1e-2 --reg-weight 1e-6 \
    --train "$o/vf-train.tsv" --test "$o/vf-test.tsv" -o "$o/reg.model" --trace "$o/reg.trace" --summary "$o/reg.sum"
  NCH_VERBOSE=0 bin/train --name dvi "${common[@]}" --loss dvi --h 0.1 --gram-ratio-quantiles 0.01,0.99 \
    --reg-weight 1e-8 --train "$o/traj-train.tsv" --test "$o/traj-test.tsv" -o "$o/dvi.model" \
    --trace "$o/dvi.trace" --summary "$o/dvi.sum"
  bin/simulate --model "$o/reg.model" --scheme dvi --h 0.1 --steps 300 --z0 1,1 -o "$o/sim.tsv" || [ $? -eq 3 ]
  mkdir -p "$o/ec"
  bin/fig_error_convergence --T 5 --n 10,50,500 --pub-learn 0.1 --pub-sim 0.1,0.05 --outdir "$o/ec"
  mv "$o" "$1"
}
same() {  # same DIR LABEL: DIR's files equal the reference run's, byte for byte
  local f
  for f in $(cd "$tmp/ref" && find . -type f | sort); do
    cmp -s "$tmp/ref/$f" "$1/$f" || fail "$2: $f differs from the run in the default environment"
  done
}

env -u OPENBLAS_CORETYPE -u GLIBC_TUNABLES bash -c "$(declare -f run); run '$tmp/ref'"
grep -q '^# numerical environment: pinned (OpenBLAS core Haswell' "$tmp/ref/vf-train.tsv" \
  || fail "no pinned environment in the provenance: $(grep numerical "$tmp/ref/vf-train.tsv")"

settings=(
  "OPENBLAS_CORETYPE=Prescott"                   # what OpenBLAS 0.3.21 picks on Intel CPUs it does not know
  "OPENBLAS_CORETYPE=Sandybridge OPENBLAS_NUM_THREADS=2"
  "OPENBLAS_L2_SIZE=64 GOTO_BLOCK_FACTOR=20"     # another cache size and GEMM blocking
  "GLIBC_TUNABLES=glibc.malloc.perturb=85:glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ"
  "OPENBLAS_CORETYPE=Haswell GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4"  # already pinned: no re-exec
)
has avx512f && settings+=("OPENBLAS_CORETYPE=SkylakeX")
i=0
for s in "${settings[@]}"; do
  i=$((i + 1))
  env $s bash -c "$(declare -f run); run '$tmp/s$i'"
  same "$tmp/s$i" "$s"
done

# The negative controls: without the pin, the knobs do change the bits.
NCH_NUMENV=native OPENBLAS_CORETYPE=Prescott bash -c "$(declare -f run); run '$tmp/native'"
grep -q '^# numerical environment: native (NCH_NUMENV=native; OpenBLAS core Prescott' "$tmp/native/vf-train.tsv" \
  || fail "the unpinned run does not say so: $(grep numerical "$tmp/native/vf-train.tsv")"
cmp -s "$tmp/ref/reg.model" "$tmp/native/reg.model" && fail "the Prescott kernel, unpinned, gave the same model: the test cannot fail"
cmp -s <(grep -v '^#' "$tmp/ref/vf-train.tsv") <(grep -v '^#' "$tmp/native/vf-train.tsv") \
  && fail "the FMA libm, unpinned, gave the same dataset: the test cannot fail"
echo "numenv: identical bytes under ${#settings[@]} emulated CPUs; unpinned, another kernel and libm change them"
