#!/usr/bin/env bash
# scheme_remedy.sh OUTDIR [SCHEDULE] — the scheme model over the seeds of
# src/config/scheme_remedy.conf, trained with the paper's protocol ("paper")
# and with gradient-norm clipping ("clip"), one training at a time, then
# OUTDIR/table.tsv: per seed and variant the initial test loss, the stage-1
# best test loss, whether stage 1 collapsed, the final best test loss, its
# mean log10 cond J and the clipped steps, and one summary line per variant
# (collapse count, median final best); OUTDIR/cpu.tsv: each run's CPU
# seconds.  Beyond the paper (issue 12); run by `make remedy`, not by `make`
# (26 trainings, about 12 min of CPU); the paper's remedy table is the
# published copy paper/remedy.tsv.
#
# Uses bin/train and $LV/traj-{train,test}.tsv (LV defaults to data/lv), the
# model settings of src/config/models.conf, PROFILE=quick for the _quick
# values.  SCHEDULE overrides remedy_schedule (e.g. the paper's full
# schedule_main to compare it with the shortened one), SEEDS="S1 S2 ..." the
# seeds.  A run whose summary exists in OUTDIR is not run again, so an
# interrupted study resumes.
set -eu -o pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: scheme_remedy.sh OUTDIR [SCHEDULE]" >&2; exit 2; }
out=$1
profile=${PROFILE:-paper}
lv=${LV:-data/lv}
param() {  # the value of NAME in src/config/*.conf (NAME_quick under PROFILE=quick)
  awk -v name="$1" -v profile="$profile" '
    /^[ \t]*#/ || !/:=/ { next }
    { n = $0; sub(/[ \t]*:=.*/, "", n); gsub(/[ \t]/, "", n)
      v = $0; sub(/^[^:]*:=[ \t]*/, "", v); sub(/[ \t]+$/, "", v) }
    n == name { base = v; found = 1 }
    profile == "quick" && n == name "_quick" { quick = v; qfound = 1 }
    END { if (!found) exit 1; print qfound ? quick : base }' src/config/*.conf \
    || { echo "scheme_remedy.sh: no parameter $1 in src/config/" >&2; exit 1; }
}
seeds=${SEEDS:-$(param remedy_seeds)}
schedule=${2:-$(param remedy_schedule)}
clip=$(param remedy_clip)
collapse=$(param sl_collapse_loss)
model_args=(--d 1 --kind noncanonical --widths "$(param main_widths)" --normaliser train --loss dvi
  --h "$(param scheme_h)" --gram-ratio-quantiles "$(param scheme_gram_quantiles)"
  --reg-weight "$(param scheme_cond_weight)" --batch "$(param train_batch)" --schedule "$schedule"
  --train "$lv/traj-train.tsv" --test "$lv/traj-test.tsv")
mkdir -p "$out"
TIMEFORMAT='%U %S'
for seed in $seeds; do
  for variant in paper clip; do
    run=$out/seed${seed}_$variant
    [ -s "$run.summary.tsv" ] && continue
    extra=()
    [ "$variant" = clip ] && extra=(--clip-grad-norm "$clip")
    echo "scheme_remedy.sh: seed $seed, $variant" >&2
    { time NCH_VERBOSE=0 bin/train --name "seed${seed}_$variant" "${model_args[@]}" "${extra[@]}" --seed "$seed" \
        -o "$run.model" --trace "$run.trace.tsv" --summary "$run.summary.tsv" 2>"$run.log"; } 2>"$run.cpu.tmp"
    awk '{ printf "%.2f\n", $1 + $2 }' "$run.cpu.tmp" > "$run.cpu" && rm -f "$run.cpu.tmp"
  done
done

# table.tsv: what the runs give (the same bytes on every machine, pinned);
# cpu.tsv: what they cost here.
{
  printf '# schedule: %s, clip %s, collapsed: stage-1 best test loss >= %s\n' "$schedule" "$clip" "$collapse"
  printf '# seed\tvariant\tinitial_test\tstage1_best\tcollapsed\tfinal_best\tfinal_log10cond\tclipped_steps\n'
  for seed in $seeds; do
    for variant in paper clip; do
      awk -F'\t' -v seed="$seed" -v variant="$variant" -v collapse="$collapse" '
        { v[$1] = $2 }
        END {
          s1 = v["stage1_best_test_tot"] + 0
          printf "%s\t%s\t%.17g\t%.17g\t%s\t%.17g\t%.17g\t%s\n", seed, variant, v["initial_test_tot"], s1,
                 (s1 >= collapse ? "yes" : "no"), v["best_test_tot"], v["best_test_reg"],
                 ("clipped_steps" in v) ? v["clipped_steps"] : "-"
        }' "$out/seed${seed}_$variant.summary.tsv"
    done
  done
} > "$out/table.tsv"
awk -F'\t' '!/^#/ { n[$2]++; c[$2] += $5 == "yes"; f[$2, n[$2]] = $6 + 0 }
  END {
    for (v in n) {
      m = n[v]
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (f[v, j] < f[v, i]) { x = f[v, i]; f[v, i] = f[v, j]; f[v, j] = x }
      med = m % 2 ? f[v, (m + 1) / 2] : (f[v, m / 2] + f[v, m / 2 + 1]) / 2
      printf "# %s: %d of %d collapsed, median final best %.3g\n", v, c[v], m, med
    }
  }' "$out/table.tsv" | sort >> "$out/table.tsv"
for seed in $seeds; do
  for variant in paper clip; do printf '%s\t%s\t%s\n' "$seed" "$variant" "$(cat "$out/seed${seed}_$variant.cpu")"; done
done > "$out/cpu.tsv"
cat "$out/table.tsv"
