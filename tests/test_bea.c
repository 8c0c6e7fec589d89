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

/* Error bound (2-norm, hence of each entry) of nch_expm(tM) against the
 * rotation by t, |t| < 10.  GSL (linalg/exponential.c) sums k Taylor terms of
 * e^{tM/2^j}, then squares j times, (k, j) = (5, 1), (5, 4), (7, 5), (9, 7)
 * for |t| below 0.01, 0.1, 1, 10.  The Taylor stage errs by ≤ 2u (its last
 * rounding of 1 + …) plus the remainder; each squaring of a rotation doubles
 * the error and adds ≤ 4u (two 2-term dot products per entry); GSL scales by
 * 1/exp(j ln 2), which is 2^-j·(1 + ≤ 2u), and rounds t/2^j: ≤ 3u|t| of angle;
 * libm's cos and sin err by ≤ 1u: (6·2^j + 3|t| + 8)u + 2^j × remainder. */
static double expm_bound(double t)
{
    const double a = fabs(t);
    const int j = a < 0.01 ? 1 : a < 0.1 ? 4 : a < 1 ? 5 : 7, k = a < 0.1 ? 5 : a < 1 ? 7 : 9;
    double rem = 1.02; /* (a/2^j)^(k+1)/(k+1)! · e^{a/2^j} */
    for (int i = 1; i <= k + 1; i++) rem *= ldexp(a, -j) / i;
    return (6 * ldexp(1, j) + 3 * a + 8) * NCH_U + ldexp(rem, j);
}

/* Error bound of a learnt step matrix Φ (nch_bea_step_matrix of
 * nch_bea_learnt at Δt_learn, both schemes, with or without structure)
 * against the closed form, per simulation step Δt_sim: the flow E(Δt_learn)'s
 * error enters the learnt matrix divided by Δt_learn (and by ≤ 2 through the
 * midpoint's (E + I)⁻¹(E − I)) and Φ multiplied by Δt_sim; the ≤ 2 solves of
 * 2×2 systems of condition ≤ 1.1 and the other roundings add ≤ 24u. */
static double step_bound(double dt_learn, double dt_sim)
{
    return 2 * dt_sim / dt_learn * expm_bound(dt_learn) + 24 * NCH_U;
}

/* The 2×2 step matrix Φ = a I + b M at Δt = 0.37 as the complex number
 * a + ib (checks the form).  E(Δt) (j = 5 squarings) is exactly of the form
 * after the Taylor stage; an FMA kernel may round the two diagonal entries of
 * a square differently (≤ 2u), and squaring doubles the difference: ≤ 2^6u;
 * Φ's solves add ≤ 16u. */
static double complex as_complex(const double A[4])
{
    assert_close(A[0], A[3], 0, 80 * NCH_U);
    assert_close(A[1], -A[2], 0, 80 * NCH_U);
    return A[0] + I * A[1];
}

static double complex learnt_c(nch_bea_scheme s, int structure, double dt)
{
    double complex E = cexp(I * dt);
    double complex m = s == NCH_BEA_EULER ? (E - 1) / dt : 2 / dt * (E - 1) / (E + 1);
    return structure ? I * cimag(m) : m;
}

static double complex phi_c(nch_bea_scheme s, int structure, double dt_learn, double dt_sim)
{
    double complex a = learnt_c(s, structure, dt_learn);
    return s == NCH_BEA_EULER ? 1 + dt_sim * a : (1 + dt_sim / 2 * a) / (1 - dt_sim / 2 * a);
}

static double error_c(nch_bea_scheme s, int structure, double dt_learn, double dt_sim, long n)
{
    const double complex phi = phi_c(s, structure, dt_learn, dt_sim);
    return cabs(cexp(I * dt_sim * (double)n) - cpow(phi, (double)n));
}

/* Bound on |nch_bea_error − error_c|.  Library: n products of Φ, each ≤
 * step_bound off φ plus 4u, amplified by ‖Φ‖^n ≤ g = max(1, |φ|)^n, then E(T)
 * and the 2-norm of the difference (≤ 4u·(1 + g)).  error_c: m from cexp
 * loses u/Δt_learn to cancellation (≤ 4u/Δt_learn with the division), so φ
 * errs by ≤ (4Δt_sim/Δt_learn + 2)u, φ^n by n times that relative, cpow by
 * ≤ (T + 8)u (exp of n log φ, |n arg φ| ≤ T here). */
static double error_bound(nch_bea_scheme s, int structure, double dl, double ds, long n)
{
    const double T = ds * (double)n, nd = (double)n;
    const double g = pow(fmax(1.0, cabs(phi_c(s, structure, dl, ds))), nd);
    const double lib =
        g * nd * (step_bound(dl, ds) + 4 * NCH_U) + expm_bound(T) + 4 * NCH_U * (1 + g);
    const double ref = g * (nd * (4 * ds / dl + 2) + T + 8) * NCH_U + NCH_U;
    return lib + ref;
}

static void expm_matches_rotation(void **state)
{
    (void)state;
    for (double t = -3.7; t < 9; t += 1.3) {
        double tM[4], E[4];
        for (int i = 0; i < 4; i++) tM[i] = t * M[i];
        assert_int_equal(nch_expm(2, tM, E), NCH_OK);
        assert_close(E[0], cos(t), 0, expm_bound(t));
        assert_close(E[1], sin(t), 0, expm_bound(t));
        assert_close(E[2], -sin(t), 0, expm_bound(t));
        assert_close(E[3], cos(t), 0, expm_bound(t));
    }
}

static void solve_and_norm(void **state)
{
    (void)state;
    const double A[4] = {3, 1, -2, 5}, b[2] = {0.7, -1.9};
    double x[2];
    assert_int_equal(nch_solve(2, 1, A, b, x), NCH_OK);
    /* Residuals: LU is backward stable, |b − Ax| ≤ γ₆|A||x| (n = 2), and the
     * residual's own 3 roundings; (|A||x|)_i ≤ 1.9 here: 9u × 1.9 ≤ 18u. */
    assert_close(3 * x[0] + x[1], b[0], 0, 18 * NCH_U);
    assert_close(-2 * x[0] + 5 * x[1], b[1], 0, 18 * NCH_U);
    const double S[4] = {1, 2, 2, 4};
    assert_int_equal(nch_solve(2, 1, S, b, x), NCH_ESING);
    /* ‖[[3,0],[4,5]]‖₂² is the largest eigenvalue of AᵀA = [[25,20],[20,25]]: 45. */
    const double B[4] = {3, 0, 4, 5};
    double n2;
    assert_int_equal(nch_norm2(2, 2, B, &n2), NCH_OK);
    /* σ₁ moves by ≤ ‖δA‖₂: dgebrd's two reflections (≤ 3u‖A‖ each), dlasv2's
     * ≤ 2u (its documentation), sqrt(45) 1u: 9u relative. */
    assert_close(n2, sqrt(45.0), 9 * NCH_U, 0);
}

static void euler_plain_exact_on_diagonal(void **state)
{
    (void)state;
    const double T = 5;
    const long n[] = {10, 20, 50, 100, 200, 500};
    for (size_t k = 0; k < sizeof n / sizeof *n; k++) {
        double dt = T / (double)n[k], err;
        /* n steps of Φ (each ≤ step_bound off E(Δt), plus the product's 4u)
         * against E(T); ‖Φ‖ = 1 up to rounding. */
        const double bound = (double)n[k] * (step_bound(dt, dt) + 4 * NCH_U) + expm_bound(T);
        assert_int_equal(nch_bea_error(NCH_BEA_EULER, 0, dt, dt, n[k], &err), NCH_OK);
        assert_le(err, bound);
        assert_int_equal(nch_bea_error(NCH_BEA_MIDPOINT, 0, dt, dt, n[k], &err), NCH_OK);
        assert_le(err, bound);
    }
}

static void euler_structure_closed_form(void **state)
{
    (void)state;
    for (double dt = 0.01; dt < 0.6; dt *= 1.7) {
        double A[4];
        assert_int_equal(nch_bea_learnt(NCH_BEA_EULER, 1, dt, A), NCH_OK);
        /* A = J⁻¹ H̃ with H̃ = (sin Δt/Δt) I, i.e. A = (sin Δt/Δt) M; a learnt
         * matrix errs by step_bound/Δt. */
        double c = sin(dt) / dt;
        for (int i = 0; i < 4; i++) assert_close(A[i], c * M[i], 0, step_bound(dt, dt) / dt);
    }
}

static void midpoint_structure_changes_nothing(void **state)
{
    (void)state;
    for (double dt = 0.01; dt < 0.6; dt *= 1.7) {
        double A0[4], A1[4];
        assert_int_equal(nch_bea_learnt(NCH_BEA_MIDPOINT, 0, dt, A0), NCH_OK);
        assert_int_equal(nch_bea_learnt(NCH_BEA_MIDPOINT, 1, dt, A1), NCH_OK);
        /* Each errs by step_bound/Δt from (2/Δt) tan(Δt/2) M, which they are
         * exactly. */
        for (int i = 0; i < 4; i++) assert_close(A1[i], A0[i], 0, 2 * step_bound(dt, dt) / dt);
        for (int i = 0; i < 4; i++)
            assert_close(A0[i], 2 / dt * tan(dt / 2) * M[i], 0, step_bound(dt, dt) / dt);
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
        assert_close(creal(phi), cos(dt), 0, step_bound(dt, dt));
        assert_close(cimag(phi), sin(dt), 0, step_bound(dt, dt));
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
                    assert_close(err, error_c(s, structure, dl, ds, n[j]), 0,
                                 error_bound(s, structure, dl, ds, n[j]));
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
