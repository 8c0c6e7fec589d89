/* The quasi-exact reference integrator (nch_ode): closed-form solutions,
 * the LV first integral, and failures reported with the time reached. */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_lv.h"
#include "nch_ode.h"
#include "nch_testmodels.h"

static void oscillator_closed_form(void **state)
{
    (void)state;
    nch_model osc;
    osc_model(&osc); /* field from the jets: ẋ = y, ẏ = −x */
    enum { N = 40 };
    const double t0 = 1.7, h = 0.5, z0[2] = {0.6, -1.3};
    double out[(N + 1) * 2];
    const double tol[2][2] = {{NCH_ODE_RTOL, NCH_ODE_ATOL}, {1e-13, 1e-15}};
    const double bound[2] = {1e-8, 1e-11};
    for (int k = 0; k < 2; k++) {
        nch_ode_report rep;
        assert_int_equal(nch_ode_solve_model(&osc, tol[k][0], tol[k][1], t0, h, N, z0, out, &rep),
                         NCH_OK);
        assert_int_equal(rep.rows, N + 1);
        assert_close(rep.t, t0 + N * h, 1e-15, 0);
        /* The solver lands on every grid point: at least a step each. */
        assert_true(rep.steps >= N);
        double worst = 0;
        for (int i = 0; i <= N; i++) {
            double t = i * h, c = cos(t), s = sin(t);
            worst = fmax(worst, fabs(out[2 * i] - (z0[0] * c + z0[1] * s)));
            worst = fmax(worst, fabs(out[2 * i + 1] - (-z0[0] * s + z0[1] * c)));
        }
        print_message("oscillator T=20, tol %g/%g: max abs err %.2e\n", tol[k][0], tol[k][1], worst);
        assert_true(worst < bound[k]);
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
    assert_int_equal(
        nch_ode_solve_model(&lv, NCH_ODE_RTOL, NCH_ODE_ATOL, 0, 0.1, N, z0, out, NULL), NCH_OK);
    double H0 = nch_lv_hamiltonian(z0), worst = 0;
    for (int i = 0; i <= N; i++) worst = fmax(worst, fabs(nch_lv_hamiltonian(out + 2 * i) - H0));
    print_message("LV from (4,3) to T=20: max |H - H0| %.2e\n", worst);
    assert_true(worst < 1e-8);
}

/* ẋ = −1 on x > 0, and ẋ = x², which blows up at t = 1/x0. */
static int decay(void *ctx, const double *z, double *f)
{
    (void)ctx;
    (void)z;
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
    (void)ctx;
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

    nch_ode_system dec = {.dim = 1, .rhs = decay, .in_domain = positive};
    assert_int_equal(nch_ode_solve(&dec, 1e-10, 1e-12, 0, 0.3, 5, (double[]){1}, out, &rep),
                     NCH_EDOM);
    assert_int_equal(rep.rows, 4);
    assert_close(rep.t, 1.2, 1e-15, 0);
    assert_close(out[3], 0.1, 1e-12, 0);

    nch_ode_system sq = {.dim = 1, .rhs = square};
    int rc = nch_ode_solve(&sq, 1e-10, 1e-12, 0, 0.3, 5, (double[]){1}, out, &rep);
    print_message("blow-up at t = 1: %s, rows %zu, t reached %.17g\n", nch_strerror(rc), rep.rows,
                  rep.t);
    assert_int_not_equal(rc, NCH_OK);
    assert_int_equal(rep.rows, 4);
    assert_close(rep.t, 1, 0, 1e-6);
    for (size_t i = 0; i < rep.rows; i++) assert_close(out[i], 1 / (1 - 0.3 * (double)i), 1e-9, 0);

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
    assert_int_equal(nch_ode_solve_model(&lv, 1e-13, 1e-15, 0, 0.1, 10, (double[]){1, 1}, fwd, NULL),
                     NCH_OK);
    assert_int_equal(nch_ode_solve_model(&lv, 1e-13, 1e-15, 1, -0.1, 10, fwd + 20, back, NULL),
                     NCH_OK);
    for (int i = 0; i <= 10; i++) {
        assert_close(back[2 * i], fwd[2 * (10 - i)], 1e-11, 0);
        assert_close(back[2 * i + 1], fwd[2 * (10 - i) + 1], 1e-11, 0);
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
