#!/usr/bin/env bash
# times2md.sh [FILE...] — the wall times recorded by timed.sh
# (build/times/*.tsv, "NAME<TAB>seconds") as a Markdown report, longest
# first, with the total.  The report is not part of the paper: wall times
# differ at every build, the paper must not.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
printf '# Wall time of the pipeline steps (profile %s)\n\n' "${NCH_PROFILE:-paper}"
printf 'Seconds per step, each on one core (with `make -j2` two steps run at\n'
printf 'once); a step not rerun keeps the time of the build that ran it.\n\n'
if [ $# -eq 0 ]; then
  printf 'No step was timed (build/times/ is empty).\n'
  exit 0
fi
printf '| step | seconds |\n|---|---:|\n'
sort -t "$(printf '\t')" -k2,2gr -k1,1 "$@" | awk -F'\t' '{ printf "| `%s` | %.1f |\n", $1, $2; t += $2 }
  END { printf "| total (sum over steps) | %.1f |\n", t }'
