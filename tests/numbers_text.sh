#!/usr/bin/env bash
# The scripts that read numbers (src/scripts/number.awk and its users) reject
# a value that is not a decimal number — a decimal comma, a truncated or
# empty field — with "PROG: FILE:LINE: KEY: ... (VALUE)", instead of reading
# it as 0; non-finite values are compared by name, never by mawk's arithmetic
# (in which nan <= x is true).
set -eu -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "numbers_text: $*"; exit 1; }
S=src/scripts
# run NAME SCRIPT FILE...: stdout to $tmp/NAME.out, stderr to $tmp/NAME.err; prints the status.
run() { local name=$1 script=$2; shift 2
  awk -f $S/number.awk -f "$S/$script" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" && echo 0 || echo $?; }
tsv() { printf '%b' "$2" > "$tmp/$1"; }

tsv published.tsv '# key\tvalue\trel\tabs\twhy\nk_small\t0.0123\t0\t1e-3\tround-off\nk_big\t-2.5e+3\t1e-9\t0\texact\n'
tsv good.tsv '# key\tvalue\nk_small\t.0124\nk_big\t-2500\n'
[ "$(run good verify.awk "$tmp/published.tsv" "$tmp/good.tsv")" = 0 ] || fail "valid numbers rejected: $(cat "$tmp/good.out" "$tmp/good.err")"
grep -qx 'verify: 2 passed, 0 failed' "$tmp/good.out" || fail "expected 2 PASS: $(cat "$tmp/good.out")"

# A decimal comma (as a decimal-comma locale writes 0.9876) and a truncated
# exponent: awk alone reads them as 0 and 1, and 0 would pass against 0.0123.
for bad in '0,9876' '1e' '' '0x1p3' '1.2.3'; do
  tsv bad.tsv "k_small\t$bad\nk_big\t-2500\n"
  [ "$(run bad verify.awk "$tmp/published.tsv" "$tmp/bad.tsv")" = 1 ] || fail "verify accepted '$bad'"
  grep -qxF "verify: $tmp/bad.tsv:1: k_small: not a number ($bad)" "$tmp/bad.err" \
    || fail "verify, '$bad': expected one file:line: key: not a number line, got: $(cat "$tmp/bad.err")"
  grep -q '^PASS k_small' "$tmp/bad.out" && fail "verify: '$bad' passed"
  [ "$(run bad numbers2tex.awk "$tmp/bad.tsv")" = 1 ] || fail "numbers2tex accepted '$bad'"
  # (numbers2tex splits on blanks: an empty value is a missing column there.)
  [ -z "$bad" ] || grep -qxF "numbers2tex: $tmp/bad.tsv:1: k_small: not a number ($bad)" "$tmp/bad.err" \
    || fail "numbers2tex, '$bad': got: $(cat "$tmp/bad.err")"
done

# A tolerance is finite; a published value with a comma is rejected too.
tsv badpub.tsv 'k_small\t0.0123\tnan\t0\twhy\nk_big\t-2,5e+3\t0\t0\twhy\n'
[ "$(run badpub verify.awk "$tmp/badpub.tsv" "$tmp/good.tsv")" = 1 ] || fail "verify accepted a nan tolerance"
[ "$(grep -c 'not a .*number' "$tmp/badpub.err")" = 2 ] || fail "verify: bad published rows: $(cat "$tmp/badpub.err")"
# published2tex typesets verify's own table (verify.awk -v table=…), whose
# values verify has validated: a missing value is a dash, not a 0.
awk -v table="$tmp/table.tsv" -f $S/number.awk -f $S/verify.awk "$tmp/published.tsv" "$tmp/bad.tsv" >/dev/null 2>&1 || true
[ "$(run pubtex published2tex.awk "$tmp/table.tsv")" = 0 ] || fail "published2tex failed: $(cat "$tmp/pubtex.err")"
grep -q '^\\texttt{k\\_big} & -2500 & -2500 & 0 & ' "$tmp/pubtex.out" || fail "published2tex: $(cat "$tmp/pubtex.out")"

# Non-finite values: nan matches nan (either sign), inf only inf of its sign;
# nan against a finite published value fails (mawk's arithmetic passes it).
tsv nfpub.tsv 'k_nan\tnan\t0\t0\tempty set\nk_inf\tinf\t0\t0\tdiverges\nk_fin\t1\t0\t0.5\tfinite\n'
tsv nfok.tsv 'k_nan\t-nan\nk_inf\tINF\nk_fin\t1.25\n'
[ "$(run nfok verify.awk "$tmp/nfpub.tsv" "$tmp/nfok.tsv")" = 0 ] || fail "non-finite matches failed: $(cat "$tmp/nfok.out")"
tsv nfbad.tsv 'k_nan\t1\nk_inf\t-inf\nk_fin\tnan\n'
[ "$(run nfbad verify.awk "$tmp/nfpub.tsv" "$tmp/nfbad.tsv")" = 1 ] || fail "non-finite mismatches passed"
grep -qx 'verify: 0 passed, 3 failed' "$tmp/nfbad.out" || fail "expected 3 FAIL: $(cat "$tmp/nfbad.out")"
[ "$(run nftex numbers2tex.awk "$tmp/nfbad.tsv")" = 0 ] || fail "numbers2tex rejected non-finite values"
grep -qxF '\nchdefnum{k_inf}{-\infty}' "$tmp/nftex.out" && grep -qxF '\nchdefnum{k_fin}{\text{--}}' "$tmp/nftex.out" \
  || fail "numbers2tex: non-finite values typeset as $(cat "$tmp/nftex.out")"
echo "numbers_text: malformed values rejected with file:line, non-finite values compared by name"
