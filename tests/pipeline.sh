#!/usr/bin/env bash
# The pipeline contract, in a scratch copy of the tree (quick profile):
# `make` builds the paper; a second `make` has nothing to do (`make -q`);
# touching a figure's program rebuilds that chain and the paper only; the
# rebuilt data and PDF are byte-identical to the first ones.
set -eu -o pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "pipeline: $*"; exit 1; }
. tests/scratch.sh.inc
scratch_copy "$tmp/tree"
cd "$tmp/tree"
export SOURCE_DATE_EPOCH=1700000000
mk() { make --no-print-directory PROFILE=quick "$@"; }
mk >/dev/null || fail "first make failed"
[ -s paper/paper.pdf ] || fail "no paper/paper.pdf"
mk -q || fail "make -q: not up to date after a full build"
cp data/error_convergence/errors.tsv "$tmp/errors.first"
cp paper/paper.pdf "$tmp/paper.first"

start=$(date +%s%N)
mk >/dev/null
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -le 2000 ] || fail "a no-op make took ${elapsed_ms} ms"

sleep 1.1   # coarse file-system timestamps
touch "$tmp/marker" src/fig_error_convergence.c
mk >/dev/null
rebuilt=$(find bin data figures paper build -type f -newer "$tmp/marker" | sort)
expected='^(bin/fig_error_convergence|data/error_convergence/(errors|numbers)\.tsv|figures/error_convergence\.pdf|paper/paper\.pdf|build/(fig|paper)/.*|build/tex/(numbers|build)\.tex|build/dep/fig_error_convergence\.d)$'
unexpected=$(grep -Ev "$expected" <<<"$rebuilt" || true)
[ -z "$unexpected" ] || fail "rebuilt outside the chain: $(echo $unexpected)"
grep -q '^data/error_convergence/errors.tsv$' <<<"$rebuilt" || fail "data not rebuilt"
grep -q '^paper/paper.pdf$' <<<"$rebuilt" || fail "paper not rebuilt"
cmp -s data/error_convergence/errors.tsv "$tmp/errors.first" || fail "same binary, different data"
cmp -s paper/paper.pdf "$tmp/paper.first" || fail "same sources, different PDF"
mk -q || fail "make -q: not up to date after the rebuild"
echo "pipeline: build, no-op (${elapsed_ms} ms), partial rebuild and byte-identical outputs OK"
