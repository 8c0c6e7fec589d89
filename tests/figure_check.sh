#!/usr/bin/env bash
# src/scripts/figure_check.sh finds what it is meant to find: on small
# figures drawn with the real style and page wrapper, a y label pushed onto
# its tick labels, a label off the canvas and a key drawn over a curve each
# fail with their own finding, and a clean figure passes.  (The six figures
# of the quick profile are checked by tests/pipeline.sh, which builds them.)
set -eu -o pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "figure_check: $*"; exit 1; }
mkdir -p "$tmp/figures" "$tmp/paper" "$tmp/src/scripts" "$tmp/data"
cp figures/style.gp "$tmp/figures/"
cp paper/figure-preamble.tex "$tmp/paper/"
cp src/scripts/figure.sh src/scripts/figure_check.sh "$tmp/src/scripts/"
cd "$tmp"
# One panel of sin(x) in the style's layout, plus what each case adds.
figure() {
  { echo 'cols = 2; eval canvas(1)'; echo 'set multiplot'; echo 'eval panel(1, 1)'
    echo "set ylabel 'relative error on \$H\$'"; echo "set xlabel '\$t\$'"
    echo "$2"
    echo "plot [0:10] sin(x) w l lc rgb c_blue t 'sine'"; echo 'unset multiplot'; } > "figures/$1.gp"
  src/scripts/figure.sh "$1" >/dev/null
}
figure clean "eval key_head(0).' horizontal'; eval headroom(-1, 1, 1)"
figure ylabel_on_ticks "set ylabel offset 3,0; unset key"
figure off_canvas "unset key; set label 'cut off at the edge' at graph 2.25, graph 0.5"
figure key_on_data "set key at first 1.6, first 0.9 center center"
out=$(src/scripts/figure_check.sh clean) || fail "a clean figure fails: $out"
[ -z "$out" ] || fail "a clean figure has findings: $out"
expect() {
  local name=$1 pattern=$2 out status=0
  out=$(src/scripts/figure_check.sh "$name") || status=$?
  [ "$status" -eq 1 ] || fail "$name: status $status, expected 1 ($out)"
  grep -q -- "$pattern" <<<"$out" || fail "$name: no finding '$pattern' in: $out"
}
expect ylabel_on_ticks 'overlaps "'
expect off_canvas 'reaches outside the page'
expect key_on_data '"sine" is drawn over graphics'
status=0
src/scripts/figure_check.sh missing >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a missing figure: status $status, expected 2"
echo "figure_check: overlapping, cut-off and covering text found; a clean figure passes"
