#!/usr/bin/env bash
# make dist (quick profile, in a scratch copy): the archive holds the
# sources, the PDF, the generated data and the published numbers, and it
# builds with `make` after unpacking, without git.
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "dist: $*"; exit 1; }
. tests/scratch.sh.inc
scratch_copy "$tmp/tree"
cd "$tmp/tree"
make --no-print-directory PROFILE=quick dist >/dev/null || fail "make dist failed"
archive=$(ls ncham-*.tar.gz)
listing=$(tar -tzf "$archive")
for f in Makefile README.md paper/paper.pdf paper/published.tsv MANIFEST VERSION-COMMIT \
         data/error_convergence/errors.tsv src/fig_error_convergence.c; do
  grep -q "^ncham-[^/]*/$f$" <<<"$listing" || fail "$f missing from $archive"
done
grep -q '/build/\|/bin/' <<<"$listing" && fail "build products in the archive"
mkdir "$tmp/unpacked"
tar -xzf "$archive" -C "$tmp/unpacked"
cd "$tmp/unpacked"/ncham-*
[ ! -e .git ] || fail "the archive carries a git repository"
rm paper/paper.pdf
make --no-print-directory PROFILE=quick >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "the unpacked archive does not build"; }
[ -s paper/paper.pdf ] || fail "no paper/paper.pdf from the unpacked archive"
make --no-print-directory -q PROFILE=quick || fail "make -q: unpacked build not up to date"
echo "dist: archive complete and rebuilds with make after unpacking"
