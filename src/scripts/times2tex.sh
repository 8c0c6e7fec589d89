#!/usr/bin/env bash
# times2tex.sh FILE... — the recorded wall times (timed.sh) as a LaTeX table
# body \nchtimes, longest first, with the total.
set -eu -o pipefail
printf '\\newcommand{\\nchtimes}{%%\n'
if [ $# -eq 0 ]; then
  printf 'not recorded in this build & \\\\\n}\n'
  exit 0
fi
cat "$@" | sort -t "$(printf '\t')" -k2,2gr | awk -F'\t' '{ gsub(/_/, "\\_", $1); printf "\\texttt{%s} & %.1f \\\\\n", $1, $2; t += $2 }
  END { printf "\\midrule\ntotal (sum over steps) & %.1f \\\\\n", t }'
printf '}\n'
