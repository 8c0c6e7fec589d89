/* The quasi-exact reference integrator (nch_ode): closed-form solutions,
 * the LV first integral, and failures reported with the time reached. */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_lv.h"
#include "nch_ode.h"
#include "nch_testmodels.h"

/* The error bounds below count the integrator's steps: GSL's rk8pd makes 13
 * right-hand-side calls per step attempt, so calls/13 bounds the steps.  Each
 * accepted step has a local error estimate ≤ 1.1 (atol + rtol|z_i|) per
 * component (GSL's standard control rejects a step above 1.1), which
 * bounds the local error of the higher-order solution it keeps; forming the
 * step (13 weighted stages) rounds by ≤ 16u|z|. */
typedef struct {
    const nch_model *m;
    long calls;
} counted;

static int counted_rhs(void *ctx, const double *z, double *f)
{
    counted *c = ctx;
    c->calls++;
    return nch_model_field(c->m, 1, z, f);
}

static int counted_domain(void *ctx, const double *z)
{
    const counted *c = ctx;
    return nch_model_check_domain(c->m, z);
}

/* Solves m's ODE as nch_ode_solve_model does; returns the bound on the steps. */
static double solve_counted(const nch_model *m, double rtol, double atol, double t0, double h,
                            size_t n, const double *z0, double *out, nch_ode_report *rep)
{
    counted c = {m, 0};
    nch_ode_system sys = {.dim = 2 * (size_t)m->d, .rhs = counted_rhs,
                          .in_domain = counted_domain, .ctx = &c};
    assert_int_equal(nch_ode_solve(&sys, rtol, atol, t0, h, n, z0, out, rep), NCH_OK);
    return ceil((double)c.calls / 13);
}

/* Local error per step, 2-norm, at |z| (d = 1). */
static double local_err(double rtol, double atol, double z)
{
    return sqrt(2.0) * (1.1 * (atol + rtol * z) + 16 * NCH_U * z);
}

static void oscillator_closed_form(void **state)
{
    (void)state;
    nch_model osc;
    osc_model(&osc); /* field from the jets: ẋ = y, ẏ = −x */
    enum { N = 40 };
    const double t0 = 1.7, h = 0.5, z0[2] = {0.6, -1.3}, r0 = hypot(z0[0], z0[1]);
    double out[(N + 1) * 2];
    const double tol[2][2] = {{NCH_ODE_RTOL, NCH_ODE_ATOL}, {1e-13, 1e-15}};
    for (int k = 0; k < 2; k++) {
        nch_ode_report rep;
        const double steps = solve_counted(&osc, tol[k][0], tol[k][1], t0, h, N, z0, out, &rep);
        assert_int_equal(rep.rows, N + 1);
        assert_close(rep.t, t0 + N * h, 2 * NCH_U, 0); /* t0 + N·h, rounded twice */
        /* The solver lands on every grid point: at least a step each. */
        assert_true(rep.steps >= N);
        double worst = 0;
        for (int i = 0; i <= N; i++) {
            double t = i * h, c = cos(t), s = sin(t);
            worst = fmax(worst, fabs(out[2 * i] - (z0[0] * c + z0[1] * s)));
            worst = fmax(worst, fabs(out[2 * i + 1] - (-z0[0] * s + z0[1] * c)));
        }
        print_message("oscillator T=20, tol %g/%g: max abs err %.2e (%.0f steps)\n", tol[k][0],
                      tol[k][1], worst, steps);
        /* The flow is a rotation: local errors add; the closed form rounds
         * by ≤ 4u|z|. */
        assert_le(worst, steps * local_err(tol[k][0], tol[k][1], r0) + 4 * NCH_U * r0);
    }
}

static void lv_conserves_h(void **state)
{
    (void)state;
    nch_model lv;
    nch_lv_model(&lv);
    enum { N = 200 };
    const double z0[2] = {4, 3};
    double out[(N + 1) * 2];
    const double steps = solve_counted(&lv, NCH_ODE_RTOL, NCH_ODE_ATOL, 0, 0.1, N, z0, out, NULL);
    /* H is invariant, so a local error δ changes it by ∇H·δ for good:
     * ≤ steps × max over the orbit (sampled by the rows every 0.1) of
     * Σ_i |∂_iH| (1.1(atol + rtol|z_i|) + 16u|z_i|), plus H's own rounding
     * (4u of its sum of |terms|, twice). */
    double H0 = nch_lv_hamiltonian(z0), worst = 0, per_step = 0, h_err = 0;
    for (int i = 0; i <= N; i++) {
        const double x = out[2 * i], y = out[2 * i + 1];
        const double ex = 1.1 * (NCH_ODE_ATOL + NCH_ODE_RTOL * x) + 16 * NCH_U * x;
        const double ey = 1.1 * (NCH_ODE_ATOL + NCH_ODE_RTOL * y) + 16 * NCH_U * y;
        worst = fmax(worst, fabs(nch_lv_hamiltonian(out + 2 * i) - H0));
        per_step = fmax(per_step, fabs(1 - 2 / x) * ex + fabs(1 - 1 / y) * ey);
        h_err = fmax(h_err, 8 * NCH_U * (x + 2 * fabs(log(x)) + y + fabs(log(y))));
    }
    print_message("LV from (4,3) to T=20: max |H - H0| %.2e (%.0f steps)\n", worst, steps);
    assert_le(worst, steps * per_step + h_err);
}

/* ẋ = −1 on x > 0, and ẋ = x², which blows up at t = 1/x0; ctx, when not
 * NULL, counts the calls. */
static int decay(void *ctx, const double *z, double *f)
{
    (void)z;
    if (ctx) ++*(long *)ctx;
    f[0] = -1;
    return NCH_OK;
}

static int positive(void *ctx, const double *z)
{
    (void)ctx;
    return z[0] > 0 ? NCH_OK : NCH_EDOM;
}

static int square(void *ctx, const double *z, double *f)
{
    if (ctx) ++*(long *)ctx;
    f[0] = z[0] * z[0];
    return NCH_OK;
}

static int always_singular(void *ctx, const double *z, double *f)
{
    (void)ctx;
    (void)z;
    (void)f;
    return NCH_ESING;
}

static void failures_report_how_far(void **state)
{
    (void)state;
    double out[9];
    nch_ode_report rep;

    long calls = 0;
    nch_ode_system dec = {.dim = 1, .rhs = decay, .in_domain = positive, .ctx = &calls};
    assert_int_equal(nch_ode_solve(&dec, 1e-10, 1e-12, 0, 0.3, 5, (double[]){1}, out, &rep),
                     NCH_EDOM);
    assert_int_equal(rep.rows, 4);
    assert_close(rep.t, 1.2, 2 * NCH_U, 0); /* t0 + 4·0.3, rounded twice */
    /* A constant slope is integrated exactly but for rounding: each step adds
     * h Σ b_i (−1), whose rounded weights and 12-term sum err by ≤ 25u Σ|b_i|
     * ≤ 78u of h (rk8pd: Σ|b_i| < 3.1), 70u over t = 0.9; and x rounds by
     * ≤ u per step. */
    assert_close(out[3], 0.1, 0, (70 + ceil((double)calls / 13)) * NCH_U);

    nch_ode_system sq = {.dim = 1, .rhs = square, .ctx = &calls};
    calls = 0;
    assert_int_equal(nch_ode_solve(&sq, 1e-10, 1e-12, 0, 0.3, 3, (double[]){1}, out, &rep), NCH_OK);
    const double steps = ceil((double)calls / 13);
    int rc = nch_ode_solve(&sq, 1e-10, 1e-12, 0, 0.3, 5, (double[]){1}, out, &rep);
    print_message("blow-up at t = 1: %s, rows %zu, t reached %.17g\n", nch_strerror(rc), rep.rows,
                  rep.t);
    assert_int_not_equal(rc, NCH_OK);
    assert_int_equal(rep.rows, 4);
    /* Not a round-off bound: the solver follows 1/(1 − t) until it cannot
     * (overflow, or a step too small to advance t); once x > 1e6 it is within
     * 1e-6 of t = 1, which any such failure passes. */
    assert_close(rep.t, 1, 0, 1e-6);
    /* ẋ = x² amplifies an error made at t_k by (x(t)/x_k)², x_k ≥ 1: the
     * steps to t = 0.9 (the same path as a run stopped there) with local
     * errors ≤ 1.1(atol + rtol x_k) + 16u x_k give ≤ steps (1.1(atol + rtol)
     * + 16u) x(t) relative. */
    for (size_t i = 0; i < rep.rows; i++) {
        const double x = 1 / (1 - 0.3 * (double)i);
        assert_close(out[i], x, steps * (1.1 * (1e-10 + 1e-12) + 16 * NCH_U) * x, 0);
    }

    nch_ode_system bad = {.dim = 1, .rhs = always_singular};
    assert_int_equal(nch_ode_solve(&bad, 1e-10, 1e-12, 0, 0.1, 3, (double[]){1}, out, &rep),
                     NCH_ESING);
    assert_int_equal(rep.rows, 1);

    assert_int_equal(nch_ode_solve(&dec, 1e-10, 1e-12, 0, 0.1, 3, (double[]){-1}, out, &rep),
                     NCH_EDOM);
    assert_int_equal(rep.rows, 0);
    assert_int_equal(nch_ode_solve(&dec, 0, 1e-12, 0, 0.1, 3, (double[]){1}, out, NULL), NCH_EINVAL);
    assert_int_equal(nch_ode_solve(&dec, 1e-10, 1e-12, 0, 0, 3, (double[]){1}, out, NULL),
                     NCH_EINVAL);
    /* n = 0 is the initial state alone. */
    assert_int_equal(nch_ode_solve(&dec, 1e-10, 1e-12, 0, 0.1, 0, (double[]){0.5}, out, &rep),
                     NCH_OK);
    assert_int_equal(rep.rows, 1);
    assert_int_equal(rep.steps, 0);
}

static void backward_in_time(void **state)
{
    (void)state;
    nch_model lv;
    nch_lv_model(&lv);
    double fwd[2 * 11], back[2 * 11];
    const double nf = solve_counted(&lv, 1e-13, 1e-15, 0, 0.1, 10, (double[]){1, 1}, fwd, NULL);
    const double nb = solve_counted(&lv, 1e-13, 1e-15, 1, -0.1, 10, fwd + 20, back, NULL);
    /* Both runs' local errors, grown over ≤ T = 1 by ≤ e^L, L = max ‖Df‖_F
     * over the rows (Df = [[1 − y, −x], [y, x − 2]]). */
    double L = 0, zmax = 0;
    for (int i = 0; i <= 10; i++) {
        const double x = fwd[2 * i], y = fwd[2 * i + 1];
        L = fmax(L, sqrt((1 - y) * (1 - y) + x * x + y * y + (x - 2) * (x - 2)));
        zmax = fmax(zmax, hypot(x, y));
    }
    const double tol = (nf + nb) * exp(L) * local_err(1e-13, 1e-15, zmax);
    for (int i = 0; i <= 10; i++) {
        assert_close(back[2 * i], fwd[2 * (10 - i)], 0, tol);
        assert_close(back[2 * i + 1], fwd[2 * (10 - i) + 1], 0, tol);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oscillator_closed_form),
        cmocka_unit_test(lv_conserves_h),
        cmocka_unit_test(failures_report_how_far),
        cmocka_unit_test(backward_in_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
