#!/usr/bin/env bash
# select_main.sh PREFIX SEED... [-- FROM=TO ...] — the main model of a family
# of the seed study, by the rule declared in src/config/models.conf before
# any outcome was seen and applied alike to every family: the seed whose
# training reached the lowest best test loss (best_test_tot of
# PREFIX_seedSEED.summary.tsv, the training objective on the test split;
# "best of k restarts"), the first listed on a tie.  Nothing else — no
# simulation, no DVI outcome — enters the choice.
#
# Writes PREFIX.main.tsv (the rule, every seed's best test loss, which one is
# main) and copies the chosen seed's PREFIX_seedSEED.{model,trace.tsv,
# summary.tsv} to PREFIX.*, and each FROM (a path with %s for the seed) to
# TO.  Exit status 1, naming the file, if a summary lacks a finite
# best_test_tot.
set -eu -o pipefail
export LC_ALL=C
here=$(dirname "$0")
prefix=$1; shift
seeds=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do seeds+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#seeds[@]} -gt 0 ] || { echo "select_main.sh: no seeds for $prefix" >&2; exit 2; }
# A seed's line of the table: "SEED<TAB>best_test_tot".
pick='$1 == "best_test_tot" { found = 1; if (!nch_number($2, 0, "select_main.sh", $1)) exit 1
                              printf "%s\t%s\n", seed, $2; exit }
      END { if (nch_locale_bad) exit 2
            if (!found) { printf "select_main.sh: %s: no best_test_tot\n", FILENAME > "/dev/stderr"; exit 1 } }'
table=$(for s in "${seeds[@]}"; do
  awk -F'\t' -v seed="$s" -f "$here/number.awk" -f <(printf '%s\n' "$pick") "${prefix}_seed$s.summary.tsv"
done)
main=$(awk -F'\t' 'NR == 1 || $2 + 0 < best { best = $2 + 0; seed = $1 } END { print seed }' <<<"$table")
family=$(basename "$prefix")
copy() { cp "$1" "$2.tmp" && mv "$2.tmp" "$2"; }
for ext in model trace.tsv summary.tsv; do copy "${prefix}_seed$main.$ext" "$prefix.$ext"; done
for pair in "$@"; do
  from=${pair%%=*} to=${pair#*=}
  copy "${from//%s/$main}" "$to"
done
{
  echo "# program: select_main.sh"
  echo "# family: $family"
  echo "# rule: the main model is the seed with the lowest best test loss (best_test_tot), the first listed on a tie"
  echo "# main seed: $main"
  echo "# seed best_test_tot main"
  awk -F'\t' -v main="$main" '{ printf "%s\t%s\t%d\n", $1, $2, $1 == main }' <<<"$table"
} > "$prefix.main.tsv.tmp"
mv "$prefix.main.tsv.tmp" "$prefix.main.tsv"
