#!/usr/bin/env bash
# src/scripts/scheme_remedy.sh (beyond the paper), on the quick profile's
# seeds and schedule: one table row per seed and variant; only the clip
# variant reports clipped steps; the bests only decrease (initial >= stage 1
# >= final); "collapsed" follows the declared rule; a second call trains
# nothing and rewrites the same table.
set -eu -o pipefail
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "scheme_remedy: $*"; exit 1; }
bin/lv_data --seed 20230926 --n-ic 2500 --hmin 0 --hmax 4.4 --box-pad 1e-6 --max-rounds 10 --h 0.1 --nt 5 \
  --split 2000,375,125 --outdir "$tmp/lv"
run() { PROFILE=quick LV="$tmp/lv" src/scripts/scheme_remedy.sh "$tmp/out" > "$tmp/stdout" 2>"$tmp/stderr"; }
run
table=$tmp/out/table.tsv
[ "$(grep -vc '^#' "$table")" -eq 4 ] || fail "expected 2 seeds x 2 variants: $(cat "$table")"
collapse=$(awk '$1 == "sl_collapse_ratio" { print $3 }' src/config/scheme_learning.conf)
awk -F'\t' -v c="$collapse" '!/^#/ {
    if (($2 == "paper") != ($8 == "-")) { print "clipped steps of the wrong variant: " $0; exit 1 }
    if ($2 == "clip" && $8 !~ /^[0-9]+$/) { print "clipped steps not a count: " $0; exit 1 }
    if (!($3 + 0 >= $4 + 0 && $4 + 0 >= $6 + 0)) { print "bests not decreasing: " $0; exit 1 }
    if (($4 + 0 > c * $3) != ($5 == "yes")) { print "collapse rule: " $0; exit 1 }
  }' "$table" || fail "$(cat "$table")"
[ "$(grep -c '^# \(paper\|clip\): [0-9]* of 2 collapsed' "$table")" -eq 2 ] || fail "no summary line per variant"
cp "$table" "$tmp/first.tsv"
touch -d '2000-01-01' "$tmp"/out/*.model
run
[ "$(stat -c %Y "$tmp"/out/*.model | sort -u)" = "$(date -d '2000-01-01' +%s)" ] || fail "the second call trained again"
cmp -s "$table" "$tmp/first.tsv" || fail "the second call wrote another table"
echo "scheme_remedy: a row per seed and variant, clip counted, bests decreasing, collapse rule, resumes"
