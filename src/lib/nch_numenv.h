/* nch_numenv — the pinned numerical environment: the same bits on every
 * x86-64 CPU.
 *
 * Two run-time choices change the round-off of ncham's results with the CPU
 * that runs them (measurements: README, "Same numbers on every machine"):
 *   - OpenBLAS (Debian's DYNAMIC_ARCH build) picks its kernels by CPU model:
 *     Haswell on AVX2 AMD CPUs, SkylakeX or, for CPUs it does not know,
 *     Prescott on Intel ones; every kernel sums in its own order.
 *   - glibc's libm picks FMA variants of exp, log, tanh, sin, pow, … when the
 *     CPU has FMA; they differ from the SSE2 variants in the last bit of a
 *     few results in a thousand.
 * Both are decided from the environment (OPENBLAS_CORETYPE, GLIBC_TUNABLES)
 * before main runs.  nch_numenv_pin therefore re-executes the program once,
 * with the pinned values added to the environment, when the running process
 * is not pinned:
 *   OpenBLAS kernel  NCH_NUMENV_CORETYPE (Haswell: AVX2 + FMA, every Intel
 *                    CPU since 2013 and AMD since 2015 that OpenBLAS knows or
 *                    not), one thread (openblas_set_num_threads);
 *   libm             glibc.cpu.hwcaps=NCH_NUMENV_HWCAPS (-AVX2,-FMA,-FMA4:
 *                    the SSE2 variants, which every x86-64 CPU runs), other
 *                    tunables of the caller kept.
 * The values have one home, src/config/numenv.conf, passed here at compile
 * time.  A CPU without AVX2 and FMA cannot run the pinned kernel: the program
 * then runs "native" (its own OpenBLAS kernel, libm still pinned) and says so
 * in its provenance; so does NCH_NUMENV=native, the switch for experiments. */
#ifndef NCH_NUMENV_H
#define NCH_NUMENV_H

/* Pins the process (see above) or, with NCH_NUMENV=native or on a CPU that
 * cannot run the pinned kernel, only sets one OpenBLAS thread.  Call first
 * in main, with main's argv; returns only when the process runs in the
 * environment it reports.  Dies (exit status 3) if re-executing
 * /proc/self/exe fails or does not pin the process. */
void nch_numenv_pin(char **argv);

/* 1 if the process runs pinned. */
int nch_numenv_pinned(void);

/* One line describing the effective environment, for provenance headers:
 * "pinned (OpenBLAS core Haswell, 1 thread; libm SSE2 variants,
 * glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4)" or "native (REASON; OpenBLAS core C,
 * N thread(s); libm FMA|SSE2 variants)".  Static storage. */
const char *nch_numenv_describe(void);

#endif
