#!/usr/bin/env bash
# Two clean quick builds of one commit, in a scratch copy of the tree, the
# second under a decimal-comma locale (de_DE.UTF-8, generated with localedef
# into a temporary directory), give byte-identical data, paper/paper.pdf and
# generated LaTeX (number macros, published table, versions) and the same
# verify verdicts.  The locale half fails when a tool reads or writes numbers
# with LC_NUMERIC (awk reads 0.165 as 0); the identity half when anything
# measured at build time (wall times) or racy reaches the PDF.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "reproducible: $*"; exit 1; }

# The locale, from the sources of Debian's `locales` package (env/packages.txt).
mkdir "$tmp/locale"
localedef -i de_DE -f UTF-8 "$tmp/locale/de_DE.UTF-8" >"$tmp/localedef.log" 2>&1 \
  || { cat "$tmp/localedef.log"; fail "localedef de_DE.UTF-8 failed (package locales)"; }
in_comma_locale() { LOCPATH="$tmp/locale" LC_ALL=de_DE.UTF-8 "$@"; }
# Not vacuous: in this locale awk writes a decimal comma and reads "0.5" as 0.
[ "$(in_comma_locale awk 'BEGIN { printf "%.1f %g", 0.5, "0.5" + 0 }')" = '0,5 0' ] \
  || fail "the generated de_DE.UTF-8 locale is not in effect for awk"

. tests/scratch.sh.inc
scratch_copy "$tmp/tree"
cd "$tmp/tree"
# build NAME [WRAPPER]: a clean quick build, then make verify (whose verdicts
# under PROFILE=quick are a mix of PASS and FAIL), both run by WRAPPER; the
# outputs to $tmp/NAME.
build() {
  local name=$1 status; shift
  make --no-print-directory distclean >/dev/null
  "$@" make --no-print-directory PROFILE=quick >"$tmp/$name.log" 2>&1 \
    || { tail -n 20 "$tmp/$name.log"; fail "$name: make failed"; }
  if "$@" make --no-print-directory PROFILE=quick verify >/dev/null 2>&1; then status=0; else status=$?; fi
  mkdir "$tmp/$name"
  { cat build/verify.log; echo "exit status $status"; } > "$tmp/$name/verdicts"
  tar -cf - data paper/paper.pdf build/tex/*.tex | tar -xf - -C "$tmp/$name"
}
build c
build comma in_comma_locale

problems=()
# Run by hand in that locale, the pipeline's number reader refuses to start.
if in_comma_locale awk -f src/scripts/number.awk -f src/scripts/verify.awk paper/published.tsv /dev/null >/dev/null 2>"$tmp/awk.err"
then status=0; else status=$?; fi
[ $status = 2 ] && grep -q 'decimal comma' "$tmp/awk.err" \
  || problems+=("verify.awk in the decimal-comma locale: status $status, expected 2 and a line naming the decimal comma ($(head -c 200 "$tmp/awk.err"))")
# differ FILE: how FILE (relative to $tmp/c and $tmp/comma) differs, in one line.
differ() {
  local n e
  n=$(diff "$tmp/c/$1" "$tmp/comma/$1" | grep -c '^>' || true)
  e=$(diff "$tmp/c/$1" "$tmp/comma/$1" | grep -m1 '^>' || true)
  echo "$n of $(wc -l < "$tmp/c/$1") lines differ between the C and the decimal-comma build, e.g. ${e#> }"
}
for f in "$tmp"/c/build/tex/*.tex; do
  f=${f#"$tmp/c/"}
  cmp -s "$tmp/c/$f" "$tmp/comma/$f" || problems+=("$f: $(differ "$f")")
done
cmp -s "$tmp/c/verdicts" "$tmp/comma/verdicts" || problems+=("make verify: $(differ verdicts)")
grep -q '^PASS' "$tmp/c/verdicts" && grep -q '^FAIL' "$tmp/c/verdicts" \
  || problems+=("make verify (quick): expected both PASS and FAIL verdicts to compare")
differing=$(cd "$tmp" && diff -rq c/data comma/data | sed "s|^Files c/||; s| and comma/.*||") || true
[ -z "$differing" ] || problems+=("data differ between two clean builds: $(echo $differing)")
cmp -s "$tmp/c/paper/paper.pdf" "$tmp/comma/paper/paper.pdf" || problems+=("paper/paper.pdf differs between two clean builds")
if [ ${#problems[@]} -gt 0 ]; then
  printf 'reproducible: %s\n' "${problems[@]}"
  exit 1
fi
echo "reproducible: two clean builds (C, de_DE.UTF-8): $(find "$tmp/c/data" -type f | wc -l) data files," \
  "paper.pdf, build/tex/*.tex and $(grep -c '^PASS\|^FAIL' "$tmp/c/verdicts") verify verdicts identical"
