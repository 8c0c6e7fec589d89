#!/usr/bin/env bash
# measure_spread.sh [ENV...] — the measurements behind the spread tolerances
# of paper/published.tsv (maintainers; run in a tree with a finished,
# pinned paper-profile build).  In a scratch copy of the tree, the
# deterministic figures and the small models are rebuilt unpinned
# (NCH_NUMENV=native) under each emulated CPU: an OpenBLAS kernel forced with
# OPENBLAS_CORETYPE, with glibc's FMA or SSE2 libm.  The main models are kept
# (`make -o`): their spread is the seed study's, read from the seed models'
# summaries.  Prints, per published key, the published value and the largest
# |difference| over the environments (or seeds) with the one that gave it.
#
# ENV: CORE or CORE+sse2 (libm's SSE2 variants); default: every kernel of
# Prescott Nehalem Sandybridge Haswell SkylakeX this CPU can run, each with
# both libm variants.
set -eu -o pipefail
export LC_ALL=C
has() { grep -qw "$1" /proc/cpuinfo; }
if [ $# -eq 0 ]; then
  set --
  for core in Prescott Nehalem Sandybridge Haswell SkylakeX; do
    case $core in
      Prescott) has pni ;; Nehalem) has sse4_2 ;; Sandybridge) has avx ;;
      Haswell) has avx2 && has fma ;; SkylakeX) has avx512f && has avx512bw && has avx512vl ;;
    esac || { echo "measure_spread: skipping $core (this CPU lacks its instructions)" >&2; continue; }
    set -- "$@" "$core" "$core+sse2"
  done
fi
[ -f build/verify.log ] || { echo "measure_spread: no build/verify.log: run make first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
keep=()
for m in data/models/*.model; do
  case $m in */small_*) ;; *) keep+=(-o "$m") ;; esac
done
# The MCP figure's program reruns whole (a second); of the guiding centre's
# runs only the reference model's (its learnt models' runs, about 30 s each,
# are kept: their spread is dominated by their one training seed, which
# nothing here measures).
for f in data/guiding_center/*_outcome.tsv; do
  case $f in */ref_*) ;; *) for x in "" _envelope _stop _outcome; do keep+=(-o "${f%_outcome.tsv}$x.tsv"); done ;; esac
done
targets=$(ls data/{error_convergence,scheme_comparison,dvi_failure,architectures,charged_particle,guiding_center}/numbers.tsv 2>/dev/null)
results=$tmp/results.tsv
: > "$results"
for e in "$@"; do
  core=${e%+sse2}
  tunables=
  [ "$core" != "$e" ] && tunables=glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4
  rm -rf "$tmp/tree"
  mkdir "$tmp/tree"
  tar --exclude=./.git -cf - . | tar -xf - -C "$tmp/tree"
  echo "measure_spread: $e" >&2
  (cd "$tmp/tree" && NCH_NUMENV=native OPENBLAS_CORETYPE=$core GLIBC_TUNABLES=$tunables \
     make --no-print-directory -s VERIFY=no "${keep[@]}" $targets >/dev/null)
  awk -F'\t' -v env="$e" '!/^#/ && NF == 2 { print env "\t" $1 "\t" $2 }' \
    $(cd "$tmp/tree" && printf "$tmp/tree/%s " $targets) >> "$results"
done
# The main models' keys: the seed study's spread (regularization_TAG_best_test_TERM
# is best_test_TERM of the summary of vf_no_reg (TAG noreg) or vf_reg (reg)).
for tag in noreg reg; do
  model=vf_$([ $tag = reg ] && echo reg || echo no_reg)
  for s in data/models/${model}_seed*.summary.tsv; do
    awk -F'\t' -v tag=$tag -v env="seed $(basename "$s" .summary.tsv | sed "s/.*_seed//")" '/^best_test_/ {
      print env "\tregularization_" tag "_" $1 "\t" $2 }' "${s%.summary.tsv}.summary.tsv"
  done
done >> "$results"
# The scheme-learning keys of the main models: the seed study's spread, from
# fig_scheme_learning's seeds.tsv (family 0 scheme, 1 vf_no_reg, 2 vf_reg;
# columns: 2 seed, 7 best test loss, 9 completed long runs, 12 their largest
# energy error, 13 and 14 the DVI and RK4 short-time medians at h).
awk -F'\t' '!/^#/ {
    f = $1 == 0 ? "scheme" : $1 == 1 ? "vf_no_reg" : "vf_reg"; env = "seed " $2
    print env "\tscheme_learning_" f "_dvi_median_at_h\t" $13
    print env "\tscheme_learning_" f "_rk4_median_at_h\t" $14
    if (f == "scheme") {
      print env "\tscheme_learning_seeds_scheme_best_min\t" $7
      print env "\tscheme_learning_long_survivors\t" $9
      print env "\tscheme_learning_long_max_abs_rel_err\t" $12
    } }' data/scheme_learning/seeds.tsv >> "$results"
awk -F'\t' 'FNR == 1 { file++ }
  file == 1 && !/^#/ && NF >= 5 { pub[$1] = $2; order[++n] = $1; next }
  file == 2 { d = $3 - pub[$2]; if (d < 0) d = -d
              if (!($2 in worst) || d > worst[$2]) { worst[$2] = d; at[$2] = $1 } }
  END { for (i = 1; i <= n; i++) { k = order[i]
          if (k in worst) printf "%s\t%.17g\t%.3g\t%s\n", k, pub[k], worst[k], at[k]
          else printf "%s\t%.17g\t-\tnot measured\n", k, pub[k] } }' \
  paper/published.tsv "$results"
