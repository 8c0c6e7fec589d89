#!/usr/bin/env bash
# Runs the test binaries and shell tests given as arguments, counts cmocka
# test cases (and one case per shell test; a passing one shows its last
# line, e.g. how many inputs the fuzz harness tried) and ends with
# "N passed, N failed".
#
#   tests/run.sh [--variants] TEST... [--no-variants] TEST...
#
# The binaries after --variants also run under other numerical environments
# of this CPU, so that a tolerance tied to one machine's rounding fails here
# before it fails for a reader: OpenBLAS's generic Prescott kernel (what it
# picks on a CPU it does not know) and its SkylakeX (AVX-512) kernel, or
# Sandybridge (AVX) on a CPU without AVX-512, each with glibc's libm variants
# without FMA (glibc.cpu.hwcaps; exp, log, sin, pow … round differently).  A
# kernel whose instructions the CPU lacks (it would die of SIGILL) is skipped,
# as /proc/cpuinfo tells, with one line saying so.
set -u -o pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the caller's locale
passed=0 failed=0 failed_names=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

nofma=glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4
variants=()   # the OpenBLAS kernels to run --variants binaries under, with $nofma
# Sets variants from the CPU's feature flags (sse3 is "pni" in /proc/cpuinfo).
choose_variants() {
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  has() { for f in "$@"; do [[ $flags == *" $f "* ]] || return 1; done; }
  if has pni; then variants+=(Prescott)
  else echo "SKIP OpenBLAS kernel Prescott: this CPU lacks sse3"; fi
  if has avx512f avx512bw avx512dq avx512vl avx2 fma; then variants+=(SkylakeX)
  elif has avx; then
    echo "SKIP OpenBLAS kernel SkylakeX: this CPU lacks AVX-512 (Sandybridge instead)"
    variants+=(Sandybridge)
  else echo "SKIP OpenBLAS kernels SkylakeX and Sandybridge: this CPU lacks avx"; fi
}

# run_binary TEST LABEL [VAR=VALUE...]: one cmocka binary in that environment.
run_binary() {
  local t=$1 label=$2 p f rc; shift 2
  env "$@" "$t" >"$log" 2>&1; rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  p=${p:-0} f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer abort
  passed=$((passed + p)) failed=$((failed + f))
  if [ "$f" -eq 0 ]; then echo "PASS $t$label ($p)"
  else failed_names+=("$t$label"); echo "FAIL $t$label"; sed 's/^/    /' "$log"; fi
}

each=0 chosen=0
for t in "$@"; do
  case "$t" in
    --variants) each=1; [ $chosen -eq 1 ] || choose_variants; chosen=1 ;;
    --no-variants) each=0 ;;
    *.sh) if bash "$t" >"$log" 2>&1; then passed=$((passed + 1)); echo "PASS $t: $(tail -n 1 "$log")"
          else failed=$((failed + 1)); failed_names+=("$t"); echo "FAIL $t"; sed 's/^/    /' "$log"; fi ;;
    *)    run_binary "$t" ""
          if [ $each -eq 1 ]; then
            for k in "${variants[@]}"; do
              run_binary "$t" " [OpenBLAS $k, libm without FMA]" \
                OPENBLAS_CORETYPE="$k" GLIBC_TUNABLES="$nofma"
            done
          fi ;;
  esac
done
[ ${#failed_names[@]} -eq 0 ] || echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
