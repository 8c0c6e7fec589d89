#!/usr/bin/env bash
# timed.sh NAME CMD... — runs CMD and records its wall time in
# build/times/NAME.tsv ("NAME<TAB>seconds"), for the paper's table of the
# pipeline's steps.  The exit status is CMD's.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
name=$1; shift
start=$(date +%s%N)
"$@"
end=$(date +%s%N)
mkdir -p build/times
printf '%s\t%.2f\n' "$name" "$(( end - start ))e-9" > "build/times/$name.tsv"
