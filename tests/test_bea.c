/* Linear backward error analysis (nch_bea) and the linear algebra it uses
 * (nch_linalg), against closed forms.  All matrices here are of the form
 * aI + bM with M² = −I, i.e. complex numbers a + ib, which gives an
 * independent way to compute every quantity. */
#include "nch_test.h"

#include "nch_bea.h"
#include "nch_err.h"
#include "nch_linalg.h"

#include <complex.h>

static const double M[4] = {0, 1, -1, 0};

/* The 2×2 matrix a I + b M as the complex number a + ib (checks the form). */
static double complex as_complex(const double A[4])
{
    assert_close(A[0], A[3], 1e-13, 1e-15);
    assert_close(A[1], -A[2], 1e-13, 1e-15);
    return A[0] + I * A[1];
}

static double complex learnt_c(nch_bea_scheme s, int structure, double dt)
{
    double complex E = cexp(I * dt);
    double complex m = s == NCH_BEA_EULER ? (E - 1) / dt : 2 / dt * (E - 1) / (E + 1);
    return structure ? I * cimag(m) : m;
}

static double error_c(nch_bea_scheme s, int structure, double dt_learn, double dt_sim, long n)
{
    double complex a = learnt_c(s, structure, dt_learn);
    double complex phi = s == NCH_BEA_EULER ? 1 + dt_sim * a : (1 + dt_sim / 2 * a) / (1 - dt_sim / 2 * a);
    return cabs(cexp(I * dt_sim * (double)n) - cpow(phi, (double)n));
}

static void expm_matches_rotation(void **state)
{
    (void)state;
    for (double t = -3.7; t < 9; t += 1.3) {
        double tM[4], E[4];
        for (int i = 0; i < 4; i++) tM[i] = t * M[i];
        assert_int_equal(nch_expm(2, tM, E), NCH_OK);
        assert_close(E[0], cos(t), 0, 1e-14);
        assert_close(E[1], sin(t), 0, 1e-14);
        assert_close(E[2], -sin(t), 0, 1e-14);
        assert_close(E[3], cos(t), 0, 1e-14);
    }
}

static void solve_and_norm(void **state)
{
    (void)state;
    const double A[4] = {3, 1, -2, 5}, b[2] = {0.7, -1.9};
    double x[2];
    assert_int_equal(nch_solve(2, 1, A, b, x), NCH_OK);
    assert_close(3 * x[0] + x[1], b[0], 0, 1e-15);
    assert_close(-2 * x[0] + 5 * x[1], b[1], 0, 1e-15);
    const double S[4] = {1, 2, 2, 4};
    assert_int_equal(nch_solve(2, 1, S, b, x), NCH_ESING);
    /* ‖[[3,0],[4,5]]‖₂² is the largest eigenvalue of AᵀA = [[25,20],[20,25]]: 45. */
    const double B[4] = {3, 0, 4, 5};
    double n2;
    assert_int_equal(nch_norm2(2, 2, B, &n2), NCH_OK);
    assert_close(n2, sqrt(45.0), 1e-15, 0);
}

static void euler_plain_exact_on_diagonal(void **state)
{
    (void)state;
    const double T = 5;
    const long n[] = {10, 20, 50, 100, 200, 500};
    for (size_t k = 0; k < sizeof n / sizeof *n; k++) {
        double dt = T / (double)n[k], err;
        assert_int_equal(nch_bea_error(NCH_BEA_EULER, 0, dt, dt, n[k], &err), NCH_OK);
        assert_true(err < 1e-12);
        assert_int_equal(nch_bea_error(NCH_BEA_MIDPOINT, 0, dt, dt, n[k], &err), NCH_OK);
        assert_true(err < 1e-12);
    }
}

static void euler_structure_closed_form(void **state)
{
    (void)state;
    for (double dt = 0.01; dt < 0.6; dt *= 1.7) {
        double A[4];
        assert_int_equal(nch_bea_learnt(NCH_BEA_EULER, 1, dt, A), NCH_OK);
        /* A = J⁻¹ H̃ with H̃ = (sin Δt/Δt) I, i.e. A = (sin Δt/Δt) M. */
        double c = sin(dt) / dt;
        for (int i = 0; i < 4; i++) assert_close(A[i], c * M[i], 1e-13, 1e-13);
    }
}

static void midpoint_structure_changes_nothing(void **state)
{
    (void)state;
    for (double dt = 0.01; dt < 0.6; dt *= 1.7) {
        double A0[4], A1[4];
        assert_int_equal(nch_bea_learnt(NCH_BEA_MIDPOINT, 0, dt, A0), NCH_OK);
        assert_int_equal(nch_bea_learnt(NCH_BEA_MIDPOINT, 1, dt, A1), NCH_OK);
        for (int i = 0; i < 4; i++) assert_close(A1[i], A0[i], 1e-14, 1e-13);
        /* and it is exactly (2/Δt) tan(Δt/2) M */
        for (int i = 0; i < 4; i++) assert_close(A0[i], 2 / dt * tan(dt / 2) * M[i], 1e-13, 1e-13);
    }
}

static void learnt_scheme_is_exact_at_learning_step(void **state)
{
    (void)state;
    for (int s = NCH_BEA_EULER; s <= NCH_BEA_MIDPOINT; s++) {
        double dt = 0.37, A[4], Phi[4];
        assert_int_equal(nch_bea_learnt(s, 0, dt, A), NCH_OK);
        assert_int_equal(nch_bea_step_matrix(s, A, dt, Phi), NCH_OK);
        double complex phi = as_complex(Phi);
        assert_close(creal(phi), cos(dt), 0, 1e-14);
        assert_close(cimag(phi), sin(dt), 0, 1e-14);
    }
}

static void error_matches_complex_arithmetic(void **state)
{
    (void)state;
    const double T = 5;
    const long n[] = {10, 12, 25, 50, 75, 100, 300, 500};
    const size_t nn = sizeof n / sizeof *n;
    for (int s = NCH_BEA_EULER; s <= NCH_BEA_MIDPOINT; s++)
        for (int structure = 0; structure <= 1; structure++)
            for (size_t i = 0; i < nn; i++)
                for (size_t j = 0; j < nn; j++) {
                    double dl = T / (double)n[i], ds = T / (double)n[j], err;
                    assert_int_equal(nch_bea_error(s, structure, dl, ds, n[j], &err), NCH_OK);
                    /* At round-off (the diagonal) both sides are a few hundred ulps. */
                    assert_close(err, error_c(s, structure, dl, ds, n[j]), 1e-10, 1e-12);
                }
}

static void rejects_bad_steps(void **state)
{
    (void)state;
    double A[4], err;
    assert_int_equal(nch_bea_learnt(NCH_BEA_EULER, 0, 0.0, A), NCH_EINVAL);
    assert_int_equal(nch_bea_learnt(NCH_BEA_EULER, 0, -0.1, A), NCH_EINVAL);
    assert_int_equal(nch_bea_error(NCH_BEA_EULER, 0, 0.1, -0.1, 50, &err), NCH_EINVAL);
    assert_int_equal(nch_bea_error(NCH_BEA_EULER, 0, 0.1, 0.1, 0, &err), NCH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expm_matches_rotation),
        cmocka_unit_test(solve_and_norm),
        cmocka_unit_test(euler_plain_exact_on_diagonal),
        cmocka_unit_test(euler_structure_closed_form),
        cmocka_unit_test(midpoint_structure_changes_nothing),
        cmocka_unit_test(learnt_scheme_is_exact_at_learning_step),
        cmocka_unit_test(error_matches_complex_arithmetic),
        cmocka_unit_test(rejects_bad_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
