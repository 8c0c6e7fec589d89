#include "nch_numenv.h"

#include "nch_err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/platform/x86.h>
#include <unistd.h>

#if !defined(NCH_NUMENV_CORETYPE) || !defined(NCH_NUMENV_HWCAPS)
#error "NCH_NUMENV_CORETYPE and NCH_NUMENV_HWCAPS come from src/config/numenv.conf (Makefile)"
#endif

/* OpenBLAS's own entry points (declared here: cblas.h may be another
 * vendor's through Debian's alternatives). */
char *openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);

#define HWCAPS_NAME "glibc.cpu.hwcaps"
/* Set in the re-executed process, so that a pin that does not take hold is
 * reported instead of looping. */
#define REEXEC_MARK "NCH_NUMENV_REEXEC"

static const char *native_reason; /* NULL when the process wants the pin */

static int libm_pinned(void)
{
    return !CPU_FEATURE_ACTIVE(FMA) && !CPU_FEATURE_ACTIVE(FMA4) && !CPU_FEATURE_ACTIVE(AVX2);
}

static int openblas_pinned(void)
{
    return strcmp(openblas_get_corename(), NCH_NUMENV_CORETYPE) == 0;
}

int nch_numenv_pinned(void) { return !native_reason && libm_pinned() && openblas_pinned(); }

/* The caller's GLIBC_TUNABLES without its hwcaps entries, then ours (glibc
 * keeps the last of repeated entries; dropping the caller's keeps it short). */
static char *pinned_tunables(void)
{
    const char *old = getenv("GLIBC_TUNABLES");
    const char *pin = HWCAPS_NAME "=" NCH_NUMENV_HWCAPS;
    size_t cap = (old ? strlen(old) : 0) + strlen(pin) + 2;
    char *out = nch_xalloc(cap, 1, 1, "GLIBC_TUNABLES");
    for (const char *p = old; p && *p;) {
        size_t n = strcspn(p, ":");
        if (!(n > strlen(HWCAPS_NAME) && strncmp(p, HWCAPS_NAME "=", strlen(HWCAPS_NAME) + 1) == 0)) {
            strncat(out, p, n);
            strcat(out, ":");
        }
        p += n + (p[n] == ':');
    }
    strcat(out, pin);
    return out;
}

void nch_numenv_pin(char **argv)
{
    const char *mode = getenv("NCH_NUMENV");
    const int native = mode && strcmp(mode, "native") == 0;
    if (mode && *mode && !native && strcmp(mode, "pinned") != 0)
        nch_die(NCH_EXIT_USAGE, "NCH_NUMENV: must be pinned or native (%s)", mode);
    if (native)
        native_reason = "NCH_NUMENV=native";
    else if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        native_reason = "this CPU lacks AVX2/FMA for the " NCH_NUMENV_CORETYPE " kernel";
    openblas_set_num_threads(1);
    /* Without the kernel, libm is still pinned: it costs nothing and keeps the
     * programs that do not use OpenBLAS (the datasets) identical everywhere. */
    const int want_blas = !native_reason, want_libm = !native;
    if ((!want_blas || openblas_pinned()) && (!want_libm || libm_pinned())) {
        unsetenv(REEXEC_MARK);
        return;
    }
    if (getenv(REEXEC_MARK))
        nch_die(NCH_EXIT_FAILED_RUN,
                "the numerical environment did not take hold (OpenBLAS core %s, libm FMA %s); "
                "NCH_NUMENV=native runs unpinned",
                openblas_get_corename(), libm_pinned() ? "off" : "on");
    char *tunables = want_libm ? pinned_tunables() : NULL;
    if ((want_blas && setenv("OPENBLAS_CORETYPE", NCH_NUMENV_CORETYPE, 1) != 0) ||
        (tunables && setenv("GLIBC_TUNABLES", tunables, 1) != 0) || setenv(REEXEC_MARK, "1", 1) != 0)
        nch_die(NCH_EXIT_FAILED_RUN, "cannot set the numerical environment (%s)", strerror(errno));
    free(tunables);
    execv("/proc/self/exe", argv);
    nch_die(NCH_EXIT_FAILED_RUN,
            "cannot re-execute to pin the numerical environment (/proc/self/exe: %s); "
            "NCH_NUMENV=native runs unpinned",
            strerror(errno));
}

const char *nch_numenv_describe(void)
{
    static char buf[256];
    const char *libm = CPU_FEATURE_ACTIVE(FMA) && CPU_FEATURE_ACTIVE(AVX2) ? "FMA"
                       : CPU_FEATURE_ACTIVE(FMA4)                           ? "FMA4"
                                                                            : "SSE2";
    const int threads = openblas_get_num_threads();
    if (nch_numenv_pinned())
        snprintf(buf, sizeof buf,
                 "pinned (OpenBLAS core %s, %d thread; libm SSE2 variants, " HWCAPS_NAME "=%s)",
                 openblas_get_corename(), threads, NCH_NUMENV_HWCAPS);
    else
        snprintf(buf, sizeof buf, "native (%s; OpenBLAS core %s, %d thread%s; libm %s variants)",
                 native_reason ? native_reason : "pin not applied", openblas_get_corename(),
                 threads, threads == 1 ? "" : "s", libm);
    return buf;
}
