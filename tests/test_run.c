/* Whole trajectories (nch_run): the kept rows, the agreement of every scheme
 * with the reference integrator over a short time, a failing run that keeps
 * the rows before its failure, and the period index. */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_lv.h"
#include "nch_run.h"

#include <string.h>

static void names_round_trip(void **state)
{
    (void)state;
    for (int k = NCH_SCHEME_EULER; k <= NCH_SCHEME_EXACT; k++) {
        nch_scheme_kind back;
        assert_int_equal(nch_scheme_parse(nch_scheme_name((nch_scheme_kind)k), &back), NCH_OK);
        assert_int_equal(back, k);
    }
    nch_scheme_kind unused;
    assert_int_equal(nch_scheme_parse("leapfrog", &unused), NCH_EINVAL);
}

static void every_scheme_tracks_the_exact_solution(void **state)
{
    (void)state;
    nch_model lv;
    nch_lv_model(&lv);
    const double z0[2] = {1.3, 2.1}, h = 1e-3;
    const long n = 2000, every = 400;
    /* Not round-off bounds: the global error at T = 2 is C·h^p (Euler and
     * the DVI order 1, midpoint 2, RK4 4); test_scheme's order fits give
     * C ≤ 8 (Euler, DVI), 0.8 (midpoint), 0.3 (RK4) at T = 1 on the larger
     * orbit from (4, 3), at most doubled at T = 2 on a periodic orbit:
     * 1.6e-2 → 1e-2 here (a smaller orbit, C ≤ 2.5), 1.6e-6 → 1e-5; RK4's
     * 6e-13 is below its rounding, ≤ 2000 steps × 16u|z| ≈ 1e-11, grown
     * along the orbit by ≤ 100 (linearly: a periodic orbit): 1e-9. */
    const double tol[] = {1e-2, 1e-9, 1e-5, 1e-2};
    double exact[2 * 6], z[2 * 6];
    nch_run_report rep;
    assert_int_equal(nch_run(&lv, NCH_SCHEME_EXACT, h, n, z0, every, exact, &rep), NCH_OK);
    assert_int_equal(rep.rows, 6);
    assert_memory_equal(exact, z0, sizeof z0);
    for (int k = NCH_SCHEME_EULER; k <= NCH_SCHEME_DVI; k++) {
        assert_int_equal(nch_run(&lv, (nch_scheme_kind)k, h, n, z0, every, z, &rep), NCH_OK);
        assert_int_equal(rep.rows, 6);
        assert_int_equal(rep.fail_step, -1);
        assert_memory_equal(z, z0, sizeof z0);
        for (int i = 0; i < 12; i++) assert_close(z[i], exact[i], 0, tol[k]);
    }
}

static void failure_keeps_earlier_rows(void **state)
{
    (void)state;
    nch_model pert;
    nch_lv_perturbed_model(&pert);
    const double z0[2] = {4, 3};
    double z[2 * 11];
    memset(z, 0, sizeof z);
    nch_run_report rep;
    int rc = nch_run(&pert, NCH_SCHEME_DVI, 0.1, 10, z0, 1, z, &rep);
    assert_int_not_equal(rc, NCH_OK);
    assert_int_equal(rep.status, rc);
    assert_int_equal(rep.fail_step, 1);
    assert_int_equal(rep.rows, 1);
    assert_memory_equal(z, z0, sizeof z0);
    const double outside[2] = {-1, 1};
    assert_int_equal(nch_run(&pert, NCH_SCHEME_RK4, 0.1, 10, outside, 1, z, &rep), NCH_EDOM);
    assert_int_equal(nch_run(&pert, NCH_SCHEME_RK4, -0.1, 10, z0, 1, z, &rep), NCH_EINVAL);
}

/* θ ≡ 0: D_yθ is singular everywhere, so the DVI cannot even start. */
static int flat_jets(const nch_model *m, size_t n, const double *z, int order, nch_jet *out)
{
    (void)m;
    (void)order;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].H = z[2 * i] + z[2 * i + 1];
        out[i].dH[0] = out[i].dH[1] = 1;
    }
    return NCH_OK;
}

/* A start the DVI cannot leave is row 0 of the run and its last state
 * (long_run and the figures write rows − 1 as the state where it stopped). */
static void failed_start_keeps_z0(void **state)
{
    (void)state;
    const nch_model flat = {.name = "flat", .d = 1, .jets = flat_jets};
    const double z0[2] = {0.5, 2};
    double z[2 * 11];
    memset(z, 0, sizeof z);
    nch_run_report rep;
    assert_int_equal(nch_run(&flat, NCH_SCHEME_DVI, 0.1, 10, z0, 1, z, &rep), NCH_ESING);
    assert_int_equal(rep.fail_step, 1);
    assert_int_equal(rep.rows, 1);
    assert_memory_equal(z, z0, sizeof z0);
}

static void period_index_of_a_circle(void **state)
{
    (void)state;
    enum { N = 50 };
    const double pi = 4 * atan(1.0);
    double z[2 * N];
    for (int i = 0; i < N; i++) {
        z[2 * i] = cos(2 * pi * i / 20.5);
        z[2 * i + 1] = sin(2 * pi * i / 20.5);
    }
    /* 20.5 points per turn: z_19 is the first state closer to z_0 than z_2
     * (1.5 steps from it), so one period is the rows 0..19 plus one: 20 */
    assert_int_equal(nch_period_index(z, N, 2), 20);
    assert_int_equal(nch_period_index(z, 15, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(every_scheme_tracks_the_exact_solution),
        cmocka_unit_test(failure_keeps_earlier_rows),
        cmocka_unit_test(failed_start_keeps_z0),
        cmocka_unit_test(period_index_of_a_circle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
