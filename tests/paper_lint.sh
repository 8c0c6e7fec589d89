#!/usr/bin/env bash
# No measured result typed by hand in the paper: every decimal number with
# three or more significant digits in paper/*.tex (comments and macro
# definitions aside) must be in paper/lint-allow.txt; results reach the text
# only through the generated macros.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
allow=$(grep -v '^#' paper/lint-allow.txt || true)
bad=$(for f in paper/*.tex; do
  sed -e 's/\([^\\]\)%.*$/\1/' -e 's/^%.*$//' "$f" | grep -n . | grep -v 'newcommand\|\\def' |
  grep -oE '^[0-9]+:|[0-9]*\.[0-9]+' | awk -v file="$f" '
    /:$/ { line = $0; sub(/:$/, "", line); next }
    { digits = $0; gsub(/\./, "", digits); sub(/^0+/, "", digits)
      if (length(digits) >= 3) print file ":" line ": " $0 }'
done | while IFS= read -r hit; do
  grep -qxF "${hit##*: }" <<<"$allow" || echo "$hit"
done)
[ -z "$bad" ] || { echo "numbers typed by hand in the paper (use a macro, or allow-list a constant):"; echo "$bad"; exit 1; }
echo "paper_lint: no hand-typed measured numbers"
