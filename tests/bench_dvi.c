/* Throughput of the fixed-step schemes on the reference LV from (1, 1),
 * h = 0.2, one core.  Target: ≥ 1e6 Euler-DVI steps/s.  The final state is
 * printed so that the loops cannot be optimised away and a broken run shows. */
#include "nch_err.h"
#include "nch_lv.h"
#include "nch_scheme.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { STEPS = 1000000 };
static const double H = 0.2;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void row(const char *name, long steps, double seconds, const double *z)
{
    printf("%-28s %9ld %9.4f %12.4g %9.1f   z = (%.6f, %.6f)\n", name, steps, seconds,
           (double)steps / seconds, 1e9 * seconds / (double)steps, z[0], z[1]);
}

static void check(int rc, const char *what, long k)
{
    if (rc != NCH_OK) {
        fprintf(stderr, "bench_dvi: %s failed at step %ld: %s\n", what, k, nch_strerror(rc));
        exit(NCH_EXIT_FAILED_RUN);
    }
}

int main(void)
{
    nch_model lv, lv_jets;
    nch_lv_model(&lv);
    /* The same model without its closed-form field: the path a learnt
     * model takes (field from the order-1 jet). */
    nch_lv_model(&lv_jets);
    lv_jets.field = NULL;
    const double z0[2] = {1, 1};
    printf("%-28s %9s %9s %12s %9s\n", "case", "steps", "seconds", "steps/s", "ns/step");

    const nch_model *dvi_models[2] = {&lv, &lv_jets};
    const char *dvi_names[2] = {"euler_dvi lv", "euler_dvi lv field-from-jet"};
    for (int m = 0; m < 2; m++) {
        nch_dvi_state st;
        check(nch_dvi_init(&st, dvi_models[m], H, z0), "dvi init", 0);
        double t = now();
        for (long k = 0; k < STEPS; k++) check(nch_dvi_step(&st, NULL), "dvi", k);
        row(dvi_names[m], STEPS, now() - t, st.z);
    }

    double z[2] = {z0[0], z0[1]};
    double t = now();
    for (long k = 0; k < STEPS; k++) check(nch_step_rk4(&lv, H, z, z), "rk4", k);
    row("rk4 lv", STEPS, now() - t, z);
    return 0;
}
