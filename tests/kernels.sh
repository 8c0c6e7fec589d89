#!/usr/bin/env bash
# The quick pipeline test (tests/pipeline.sh: build, science checks of the
# quick profile, partial rebuild, byte identity) on two other machines, as
# far as this CPU can emulate them: unpinned (NCH_NUMENV=native) under the
# OpenBLAS kernel Intel CPUs that OpenBLAS does not know get (Prescott, with
# the FMA libm) and under an AVX-512 or AVX one with the SSE2 libm.  A check
# tied to this machine's round-off fails here before it fails for a reader
# whose CPU cannot run the pinned environment (nch_numenv.h).
set -eu -o pipefail
export LC_ALL=C
has() { grep -qw "$1" /proc/cpuinfo; }
fail() { echo "kernels: $*"; exit 1; }
if has avx512f && has avx512bw && has avx512vl; then second=SkylakeX
elif has avx; then second=Sandybridge
else second=; echo "kernels: this CPU has no AVX: only Prescott"; fi
has pni || { echo "kernels: SKIP: this CPU lacks SSE3 (pni) for the Prescott kernel"; exit 0; }
NCH_NUMENV=native OPENBLAS_CORETYPE=Prescott bash tests/pipeline.sh || fail "under OpenBLAS Prescott, FMA libm"
if [ -n "$second" ]; then
  NCH_NUMENV=native OPENBLAS_CORETYPE=$second GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4 bash tests/pipeline.sh \
    || fail "under OpenBLAS $second, SSE2 libm"
fi
echo "kernels: the quick pipeline test passes unpinned under Prescott${second:+ and $second}"
