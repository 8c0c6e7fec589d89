/* Fixed-step schemes (nch_scheme): the test vectors of lotka-volterra.md
 * §2.4, failures reported as statuses, the DVI Jacobian against finite
 * differences of the residual, and orders of convergence measured at T = 1
 * (the guiding centre: T = 4 Δt) against the quasi-exact flows of f and of
 * the DVI's modified field f − (h/2) r (§2.6), for the test models, LV, the
 * MCP and the guiding centre (gc-mcp.md). */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_gc.h"
#include "nch_lv.h"
#include "nch_mcp.h"
#include "nch_ode.h"
#include "nch_reg.h"
#include "nch_scheme.h"
#include "nch_testmodels.h"

#include <gsl/gsl_math.h>

/* The exact flows are computed far below the smallest scheme error. */
#define REF_RTOL 1e-13
#define REF_ATOL 1e-15

typedef struct {
    long n;
    double x, y;
} vec_row;

static double rel_err(double a, double b) { return fabs(a - b) / fabs(b); }

/* Runs the DVI through the rows (ascending n), asserting each to rel_tol;
 * returns the largest relative error met. */
static double dvi_against(const nch_model *m, double h, const double *z0, const vec_row *rows,
                          size_t nrows, double rel_tol)
{
    nch_dvi_state st;
    nch_dvi_report rep;
    assert_int_equal(nch_dvi_init(&st, m, h, z0), NCH_OK);
    double worst = 0;
    for (size_t r = 0; r < nrows; r++) {
        while (st.k < rows[r].n) {
            assert_int_equal(nch_dvi_step(&st, &rep), NCH_OK);
            assert_int_equal(rep.status, NCH_OK);
            assert_true(rep.updates >= 1 && rep.updates <= 10);
            /* The spec's Newton stopping test (abs_tol): converged, not
             * accepted after 10 updates.  Met at the first update below it,
             * so a ratio near 1 is expected. */
            assert_le(rep.delta_norm, 1e-10);
        }
        assert_close(st.z[0], rows[r].x, rel_tol, 0);
        assert_close(st.z[1], rows[r].y, rel_tol, 0);
        worst = fmax(worst, fmax(rel_err(st.z[0], rows[r].x), rel_err(st.z[1], rows[r].y)));
    }
    return worst;
}

static void dvi_vectors_from_1_1(void **state)
{
    (void)state;
    nch_model lv;
    nch_lv_model(&lv);
    static const vec_row early[] = {{1, 1.0389888222319859, 0.8123713104620851},
                                    {2, 1.1156832160263122, 0.6562895600980454},
                                    {3, 1.2303824006017876, 0.5338880639085241},
                                    {4, 1.3845462962816315, 0.4432692641124753},
                                    {5, 1.5802717446738792, 0.38072217942288294}};
    /* Tolerances: the spread between two correct implementations (LU vs
     * Cramer, operation order), which grows along the orbit; measured by the
     * spec between the authors' code and an independent one: ≤ 1e-13 over
     * the first steps, 3e-13 after 1000 (lotka-volterra.md §2.4), growing
     * about linearly: 1e-11 keeps a factor ≥ 15 at steps 1000 and 2000.
     * (This DVI (d = 1) uses no BLAS, and both libm variants give the same
     * bits here: measured over the kernels of tests/run.sh.) */
    static const vec_row late[] = {{1000, 2.852795198470861, 1.6810605152758478},
                                   {2000, 1.8702775372429017, 0.338074903433624}};
    double e1 = dvi_against(&lv, 0.2, (double[]){1, 1}, early, 5, 1e-13);
    double e2 = dvi_against(&lv, 0.2, (double[]){1, 1}, late, 2, 1e-11);
    print_message("DVI (1,1) h=0.2: max rel err steps 1-5 %.2e, steps 1000/2000 %.2e\n", e1, e2);
}

static void dvi_vectors_from_4_3(void **state)
{
    (void)state;
    nch_model lv;
    nch_lv_model(&lv);
    static const vec_row rows[] = {{1, 3.059105158721026, 3.460575344647127},
                                   {2, 2.2848386858637073, 3.710971160100549},
                                   {3, 1.6957770684697349, 3.7789578163150424},
                                   {64, 0.3841235579073059, 0.416386687023629}};
    /* As above: 1e-13 for the first steps grown linearly to step 64. */
    double e = dvi_against(&lv, 0.125, (double[]){4, 3}, rows, 4, 1e-12);
    print_message("DVI (4,3) h=1/8: max rel err %.2e\n", e);
}

static void dvi_perturbed_gauge(void **state)
{
    (void)state;
    nch_model pert;
    nch_lv_perturbed_model(&pert);
    nch_dvi_state st;
    nch_dvi_report rep;
    /* The spec gives 8 significant digits: half a unit of the last one. */
    assert_int_equal(nch_dvi_init(&st, &pert, 0x1p-5, (double[]){4, 3}), NCH_OK);
    assert_int_equal(nch_dvi_step(&st, &rep), NCH_OK);
    assert_close(st.z[0], 3.7719232, 0, 5e-8);
    assert_close(st.z[1], 2.93494331, 0, 5e-9);
    assert_int_equal(nch_dvi_step(&st, &rep), NCH_OK);
    assert_close(st.z[0], 3.61860437, 0, 5e-9);
    assert_close(st.z[1], 2.35582731, 0, 5e-9);

    /* At h = 0.1 the authors' Newton diverges to NaN at step 1; here the step
     * fails with a status and leaves the state as it was. */
    const double z0[2] = {4, 3};
    assert_int_equal(nch_dvi_init(&st, &pert, 0.1, z0), NCH_OK);
    nch_dvi_state before = st;
    int rc = nch_dvi_step(&st, &rep);
    print_message("perturbed gauge h=0.1 step 1: %s after %d updates, |delta| %.3g, |R| %.3g\n",
                  nch_strerror(rc), rep.updates, rep.delta_norm, rep.residual_norm);
    assert_int_not_equal(rc, NCH_OK);
    assert_int_equal(rep.status, rc);
    assert_int_equal(rep.step, 1);
    assert_int_equal(st.k, 0);
    assert_memory_equal(&st, &before, sizeof st);
}

static void dvi_bad_arguments(void **state)
{
    (void)state;
    nch_model lv, field_only;
    nch_lv_model(&lv);
    field_only = lv;
    field_only.jets = NULL;
    nch_dvi_state st;
    assert_int_equal(nch_dvi_init(&st, &field_only, 0.1, (double[]){1, 1}), NCH_EINVAL);
    assert_int_equal(nch_dvi_init(&st, &lv, 0, (double[]){1, 1}), NCH_EINVAL);
    assert_int_equal(nch_dvi_init(&st, &lv, NAN, (double[]){1, 1}), NCH_EINVAL);
    assert_int_equal(nch_dvi_init(&st, &lv, 0.1, (double[]){-1, 1}), NCH_EDOM);
    assert_int_equal(nch_dvi_init(&st, &lv, 0.1, (double[]){1, INFINITY}), NCH_ENONFIN);
    /* The report may be omitted; the backstep is the authors' (ẋ = 0 at
     * (1, 1): x_{−1} = 1 exactly); step 1 as dvi_vectors_from_1_1. */
    assert_int_equal(nch_dvi_init(&st, &lv, 0.2, (double[]){1, 1}), NCH_OK);
    assert_true(st.x_prev[0] == 1);
    assert_int_equal(nch_dvi_step(&st, NULL), NCH_OK);
    assert_close(st.z[0], 1.0389888222319859, 1e-13, 0);
}

static void euler_and_rk4_vectors(void **state)
{
    (void)state;
    nch_model lv;
    nch_lv_model(&lv);
    double z[2] = {1, 1};
    /* Exact decimal results (rounded once, u/2); each step rounds ≤ 4 times
     * on terms ≤ 1.3 and the map I + h Df grows earlier errors by ≤ 1.5:
     * ≤ 4·1.3·(1 + 1.5 + 1.5²)u ≤ 25u after 3 steps. */
    static const double eul[3][2] = {{1, 0.8}, {1.04, 0.64}, {1.11488, 0.51712}};
    for (int n = 0; n < 3; n++) {
        assert_int_equal(nch_step_euler(&lv, 0.2, z, z), NCH_OK);
        assert_close(z[0], eul[n][0], 0, 26 * NCH_U);
        assert_close(z[1], eul[n][1], 0, 26 * NCH_U);
    }
    static const vec_row rk[] = {{1, 1.0188418557466667, 0.8197761442533333},
                                 {2, 1.0720539193678327, 0.6769403078780143},
                                 {5, 1.4197828458525197, 0.4245777025836775}};
    double worst = 0;
    z[0] = z[1] = 1;
    for (long n = 1, r = 0; r < 3; n++) {
        assert_int_equal(nch_step_rk4(&lv, 0.2, z, z), NCH_OK);
        if (n != rk[r].n) continue;
        /* The authors' float64 values: each of the two computations rounds
         * ≤ 16u|z| per step (4 stages, their sums), |z| ≤ 1.3, grown by
         * ‖∂Φ/∂z‖ ≤ e^{h‖Df‖} ≤ 1.4 per step: 2·21u·Σ_{k<5} 1.4^k ≤ 460u. */
        assert_close(z[0], rk[r].x, 0, 460 * NCH_U);
        assert_close(z[1], rk[r].y, 0, 460 * NCH_U);
        worst = fmax(worst, fmax(rel_err(z[0], rk[r].x), rel_err(z[1], rk[r].y)));
        r++;
    }
    print_message("RK4 (1,1) h=0.2: max rel err %.2e\n", worst);
}

static void explicit_step_failures(void **state)
{
    (void)state;
    nch_model lv, osc;
    nch_lv_model(&lv);
    osc_model(&osc);
    /* x' = 1 + 1·(1 − 3) < 0: outside the domain, output untouched. */
    double z[2] = {1, 3}, out[2] = {7, 7};
    assert_int_equal(nch_step_euler(&lv, 1, z, out), NCH_EDOM);
    assert_int_equal(nch_step_rk4(&lv, 5, z, out), NCH_EDOM);
    assert_true(out[0] == 7 && out[1] == 7);
    nch_model big = lv;
    big.d = NCH_DMAX + 1;
    assert_int_equal(nch_step_euler(&big, 0.1, z, out), NCH_EINVAL);
    assert_int_equal(nch_step_rk4(&big, 0.1, z, out), NCH_EINVAL);
    assert_int_equal(nch_step_midpoint(&big, 0.1, z, out), NCH_EINVAL);
    /* The midpoint fixed point iteration contracts only for h < 2 on the
     * unit-frequency oscillator. */
    assert_int_equal(nch_step_midpoint(&osc, 3, (double[]){1, 0}, out), NCH_ENOCONV);
    assert_true(out[0] == 7);
    /* The midpoint rule conserves the oscillator's quadratic energy.  Its
     * fixed-point iteration (contraction h/2 = 0.15) stops at an increment
     * ≤ 1e-14|z|, leaving ≤ 0.15/0.85·1e-14 of |z| = 1; with ≤ 6u of
     * rounding per step, |q|² moves by ≤ 2(1.8e-15 + 6u) per step. */
    double q[2] = {0.8, -0.6};
    for (int n = 0; n < 100; n++) assert_int_equal(nch_step_midpoint(&osc, 0.3, q, q), NCH_OK);
    assert_close(q[0] * q[0] + q[1] * q[1], 1, 100 * 2 * (1.8e-15 + 6 * NCH_U), 0);
}

/* J of nch_dvi_residual against central differences of R in z', with steps
 * FD_EPS·scale[c] (scale NULL: max(1, |z'_c|)).  R's components are
 * differences of terms up to |c| + |θ(z')|/h and |D_yθᵀΔ| + |∇_yH|, which
 * set their round-off (assert_fd). */
static void check_dvi_jacobian(const nch_model *m, double h, const double *x_prev, const double *z,
                               const double *zp, const double *scale)
{
    int d = m->d, n = 2 * d;
    nch_jet jz, jp;
    double c[NCH_DMAX], R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX], terms = 0;
    assert_int_equal(m->jets(m, 1, z, 1, &jz), NCH_OK);
    nch_dvi_d2ld(d, h, x_prev, z, &jz, c);
    assert_int_equal(m->jets(m, 1, zp, 2, &jp), NCH_OK);
    nch_dvi_residual(d, h, c, z, zp, &jp, R, J);
    for (int j = 0; j < d; j++) {
        double ty = fabs(jp.dH[d + j]);
        for (int i = 0; i < d; i++) ty += fabs(jp.dtheta[i][d + j] * (zp[i] - z[i]) / h);
        terms = fmax(terms, fmax(fabs(c[j]) + fabs(jp.theta[j] / h), ty));
    }
    for (int col = 0; col < n; col++) {
        double e = FD_EPS * (scale ? scale[col] : fmax(1, fabs(zp[col]))), Rs[4][NCH_ZMAX];
        for (int k = 0; k < 4; k++) {
            double a[NCH_ZMAX];
            nch_jet ja;
            memcpy(a, zp, (size_t)n * sizeof *a);
            a[col] += (k < 2 ? 1 : 2) * (k % 2 ? -e : e);
            assert_int_equal(m->jets(m, 1, a, 1, &ja), NCH_OK);
            nch_dvi_residual(d, h, c, z, a, &ja, Rs[k], NULL);
        }
        for (int row = 0; row < n; row++)
            assert_fd(J[row * n + col], Rs[0][row], Rs[1][row], Rs[2][row], Rs[3][row], e, terms, "J", row, col);
    }
}

static void dvi_jacobian_matches_finite_differences(void **state)
{
    (void)state;
    nch_model lv, pert, cpl, lv2;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    coupled_model(&cpl);
    lv2_model(&lv2);
    check_dvi_jacobian(&lv, 0.13, (double[]){0.91}, (double[]){1.07, 0.83}, (double[]){1.21, 0.68}, NULL);
    check_dvi_jacobian(&pert, 0.07, (double[]){3.9}, (double[]){3.77, 2.93},
                       (double[]){3.52, 2.71}, NULL);
    check_dvi_jacobian(&cpl, 0.11, (double[]){0.31, -0.42}, (double[]){0.36, -0.39, 0.58, 0.21},
                       (double[]){0.44, -0.31, 0.49, 0.33}, NULL);
    check_dvi_jacobian(&lv2, 0.09, (double[]){0.91, 2.4}, (double[]){1.07, 2.3, 0.83, 1.6},
                       (double[]){1.21, 2.17, 0.68, 1.77}, NULL);
    nch_model mcp, gcm;
    nch_gc_rule rule;
    nch_mcp_model(&mcp);
    assert_int_equal(nch_gc_model(&gcm, &rule), NCH_OK);
    check_dvi_jacobian(&mcp, 0.5, (double[]){0.31}, (double[]){0.12, 2.61}, (double[]){-0.07, 2.58}, NULL);
    /* One step of Δt = 1898.73 along a trapped GC orbit; r and u on their
     * own scale. */
    const double zk[4] = {0.41, 1.3, 0.052, -5.1e-4}, zn[4] = {-0.37, -0.1, 0.049, -5.6e-4};
    check_dvi_jacobian(&gcm, 1898.73, (double[]){1.1, 2.7}, zk, zn, (double[]){1, 1, zn[2], fabs(zn[3])});
}

/* Bound on the rounding of one DVI step from (x_prev, z) to its result zp:
 * Newton stops after an update |δ| < 1e-10, leaving the iterate ≤ K|δ|²
 * (K = ‖J⁻¹‖‖D²R‖/2 ≲ 10: ≤ 1e-19) off the root of the computed residual,
 * whose components R_j err by ≤ e_j: the jet entries' model_value_err times
 * their coefficients, and ≤ 4u per term (c_j = θ_j/h − H_j + Σ θ_ij Δ_i/h,
 * R_j = c_j − θ_j(zp)/h, R_{d+j} = −H_{d+j} + Σ θ_i,d+j Δ'_i); the root
 * moves by ≤ ‖J⁻¹‖_∞ max_j e_j. */
static double dvi_step_err(const nch_model *m, double h, const double *x_prev, const double *z,
                           const double *zp)
{
    int d = m->d, n = 2 * d;
    nch_jet jz, jp;
    double c[NCH_DMAX], R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX], err = 0;
    assert_int_equal(m->jets(m, 1, z, 1, &jz), NCH_OK);
    assert_int_equal(m->jets(m, 1, zp, 2, &jp), NCH_OK);
    nch_dvi_d2ld(d, h, x_prev, z, &jz, c);
    nch_dvi_residual(d, h, c, z, zp, &jp, R, J);
#define TERM(v, coef) (model_value_err(v) * fabs(coef) + 4 * NCH_U * fabs((v) * (coef)))
    for (int j = 0; j < d; j++) {
        double ej = TERM(jz.theta[j], 1 / h) + TERM(jz.dH[j], 1.0) + TERM(jp.theta[j], 1 / h);
        double ey = TERM(jp.dH[d + j], 1.0);
        for (int i = 0; i < d; i++) {
            ej += TERM(jz.dtheta[i][j], (z[i] - x_prev[i]) / h);
            ey += TERM(jp.dtheta[i][d + j], (zp[i] - z[i]) / h);
        }
        err = fmax(err, fmax(ej, ey));
    }
#undef TERM
    double inv = 0; /* ‖J⁻¹‖_∞ from its columns */
    double col[NCH_ZMAX][NCH_ZMAX];
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < n; i++) col[k][i] = i == k;
        assert_int_equal(nch_solve_small(n, J, n, 0, col[k]), NCH_OK);
    }
    for (int i = 0; i < n; i++) {
        double row = 0;
        for (int k = 0; k < n; k++) row += fabs(col[k][i]);
        inv = fmax(inv, row);
    }
    return inv * err + 1e-19;
}

/* One step of the d = 2 DVI on two uncoupled LV copies against one step of
 * each copy's d = 1 DVI, from the same states, along 200 steps: each within
 * dvi_step_err of the exact step (the joint Newton may make one more update
 * per copy, below that bound). */
static void dvi_d2_uncoupled_equals_d1(void **state)
{
    (void)state;
    nch_model lv, lv2;
    nch_lv_model(&lv);
    lv2_model(&lv2);
    nch_dvi_state s2, s1[2];
    assert_int_equal(nch_dvi_init(&s2, &lv2, 0.2, (double[]){1, 4, 1, 3}), NCH_OK);
    assert_int_equal(nch_dvi_init(&s1[0], &lv, 0.2, (double[]){1, 1}), NCH_OK);
    assert_int_equal(nch_dvi_init(&s1[1], &lv, 0.2, (double[]){4, 3}), NCH_OK);
    for (int n = 0; n < 200; n++) {
        for (int k = 0; k < 2; k++) { /* s2 from the copies' states */
            s2.x_prev[k] = s1[k].x_prev[0];
            s2.z[k] = s1[k].z[0];
            s2.z[2 + k] = s1[k].z[1];
        }
        assert_int_equal(nch_dvi_step(&s2, NULL), NCH_OK);
        for (int k = 0; k < 2; k++) {
            const double xp = s1[k].x_prev[0], z[2] = {s1[k].z[0], s1[k].z[1]};
            assert_int_equal(nch_dvi_step(&s1[k], NULL), NCH_OK);
            const double tol = 2 * dvi_step_err(&lv, 0.2, &xp, z, s1[k].z);
            assert_close(s2.z[k], s1[k].z[0], 0, tol);
            assert_close(s2.z[2 + k], s1[k].z[1], 0, tol);
        }
        if (n == 4) /* tolerance as dvi_vectors_from_1_1 */
            assert_close(s2.z[0], 1.5802717446738792, 1e-13, 0);
    }
}

/* ---- orders of convergence --------------------------------------------- */

typedef enum { SCHEME_EULER, SCHEME_RK4, SCHEME_MIDPOINT, SCHEME_DVI } scheme_id;

/* The state at T = n·h by n steps. */
static void run_scheme(scheme_id s, const nch_model *m, double h, long n, const double *z0,
                       double *zT)
{
    int dim = 2 * m->d;
    memcpy(zT, z0, (size_t)dim * sizeof *zT);
    if (s == SCHEME_DVI) {
        nch_dvi_state st;
        assert_int_equal(nch_dvi_init(&st, m, h, z0), NCH_OK);
        for (long k = 0; k < n; k++) assert_int_equal(nch_dvi_step(&st, NULL), NCH_OK);
        memcpy(zT, st.z, (size_t)dim * sizeof *zT);
        return;
    }
    int (*step)(const nch_model *, double, const double *, double *) =
        s == SCHEME_EULER ? nch_step_euler : s == SCHEME_RK4 ? nch_step_rk4 : nch_step_midpoint;
    for (long k = 0; k < n; k++) assert_int_equal(step(m, h, zT, zT), NCH_OK);
}

typedef struct {
    const nch_model *m;
    double h;
} modified_ctx;

static int modified_rhs(void *ctx, const double *z, double *f)
{
    const modified_ctx *c = ctx;
    return nch_reg_modified_field(c->m, c->h, z, f);
}

/* The exact flow at T of f (h = 0) or of f − (h/2) r. */
static void exact_flow(const nch_model *m, double h, double T, const double *z0, double *zT)
{
    int dim = 2 * m->d;
    double out[2 * NCH_ZMAX];
    modified_ctx ctx = {m, h};
    nch_ode_system sys = {.dim = (size_t)dim, .rhs = modified_rhs, .ctx = &ctx};
    int rc = h == 0 ? nch_ode_solve_model(m, REF_RTOL, REF_ATOL, 0, T, 1, z0, out, NULL)
                    : nch_ode_solve(&sys, REF_RTOL, REF_ATOL, 0, T, 1, z0, out, NULL);
    assert_int_equal(rc, NCH_OK);
    memcpy(zT, out + dim, (size_t)dim * sizeof *zT);
}

/* Least-squares slope of log err against log h. */
static double loglog_slope(int k, const double *h, const double *err)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < k; i++) {
        double x = log(h[i]), y = log(err[i]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

#define NH 5

/* Error at T for h = h0·2^-i, i < NH (rounded to divide T), against the flow
 * of f − (modified ? h/2 r : 0); asserts the slope is within 0.15 of `order`
 * and returns it. */
static double measure_order_T(scheme_id s, const nch_model *m, const double *z0, double T, double h0,
                              int modified, double order, const char *what)
{
    double hs[NH], err[NH], zT[NCH_ZMAX], ref[NCH_ZMAX];
    int dim = 2 * m->d;
    if (!modified) exact_flow(m, 0, T, z0, ref);
    for (int i = 0; i < NH; i++) {
        long n = lround(T / ldexp(h0, -i));
        hs[i] = T / (double)n;
        run_scheme(s, m, hs[i], n, z0, zT);
        if (modified) exact_flow(m, hs[i], T, z0, ref);
        double e2 = 0;
        for (int c = 0; c < dim; c++) e2 += (zT[c] - ref[c]) * (zT[c] - ref[c]);
        err[i] = sqrt(e2);
    }
    double p = loglog_slope(NH, hs, err);
    print_message("order %-40s %.3f (err %.2e .. %.2e)\n", what, p, err[0], err[NH - 1]);
    /* Not a round-off bound: the fitted order of the error's leading term,
     * biased by the next term (relatively O(h) at the coarsest step; h0 is
     * taken in the asymptotic range, see orders_of_euler_dvi): within 0.15
     * of p, where a scheme of another order misses by ≥ 0.85. */
    assert_close(p, order, 0, 0.15);
    return p;
}

/* The same at T = 1. */
static double measure_order(scheme_id s, const nch_model *m, const double *z0, double h0, int modified,
                            double order, const char *what)
{
    return measure_order_T(s, m, z0, 1, h0, modified, order, what);
}

static void orders_of_explicit_and_midpoint(void **state)
{
    (void)state;
    nch_model lv;
    nch_lv_model(&lv);
    const double z11[2] = {1, 1}, z43[2] = {4, 3};
    measure_order(SCHEME_EULER, &lv, z11, 0.1, 0, 1, "euler lv (1,1)");
    measure_order(SCHEME_EULER, &lv, z43, 0.1, 0, 1, "euler lv (4,3)");
    measure_order(SCHEME_MIDPOINT, &lv, z11, 0.1, 0, 2, "midpoint lv (1,1)");
    measure_order(SCHEME_MIDPOINT, &lv, z43, 0.1, 0, 2, "midpoint lv (4,3)");
    measure_order(SCHEME_RK4, &lv, z11, 0.2, 0, 4, "rk4 lv (1,1)");
    measure_order(SCHEME_RK4, &lv, z43, 0.1, 0, 4, "rk4 lv (4,3)");
}

static void orders_of_euler_dvi(void **state)
{
    (void)state;
    nch_model lv, pert, cpl;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    coupled_model(&cpl);
    const double z11[2] = {1, 1}, z43[2] = {4, 3}, zc[4] = {0.36, -0.39, 0.58, 0.21};
    measure_order(SCHEME_DVI, &lv, z11, 0.1, 0, 1, "dvi lv (1,1) vs f");
    measure_order(SCHEME_DVI, &lv, z11, 0.1, 1, 2, "dvi lv (1,1) vs f-h/2 r");
    /* From (4,3) the field is ~8 times larger than at (1,1), and the spec's
     * coarsest steps (h = 0.1; 2^-5 for the perturbed gauge) are not yet
     * asymptotic for the modified flow (pairwise slopes 2.6, 2.3, 2.1, 2.07):
     * the sizes start two halvings lower there. */
    measure_order(SCHEME_DVI, &lv, z43, 0.1, 0, 1, "dvi lv (4,3) vs f");
    measure_order(SCHEME_DVI, &lv, z43, 0.025, 1, 2, "dvi lv (4,3) vs f-h/2 r");
    measure_order(SCHEME_DVI, &pert, z43, 0x1p-5, 0, 1, "dvi perturbed (4,3) vs f");
    measure_order(SCHEME_DVI, &pert, z43, 0x1p-7, 1, 2, "dvi perturbed (4,3) vs f-h/2 r");
    measure_order(SCHEME_DVI, &cpl, zc, 0.1, 0, 1, "dvi coupled d=2 vs f");
    measure_order(SCHEME_DVI, &cpl, zc, 0.1, 1, 2, "dvi coupled d=2 vs f-h/2 r");
}

/* The study's other systems: the MCP (d = 1) from (0, y) on its H ≈ 1.09
 * study orbit (1 − sin y = 1.09, y > π/2); the guiding centre (d = 2, the
 * first 4×4 Newton solves) from the deeply trapped study orbit over
 * T = 4 Δt (Δt = 1898.73), a fifth of its period, from h = Δt/4: at Δt and
 * Δt/2 the first-order error is not yet asymptotic (slopes 1.21, 1.11). */


static void orders_of_euler_dvi_mcp_gc(void **state)
{
    (void)state;
    nch_model mcp, gcm;
    nch_gc_rule rule;
    nch_mcp_model(&mcp);
    assert_int_equal(nch_gc_model(&gcm, &rule), NCH_OK);
    const double zm[2] = {0, M_PI - asin(1 - 1.09)}, zg[4] = {0, 0, 0.05, -4.306e-4};
    const double T = 4 * 1898.73, h0 = 1898.73 / 4;
    measure_order(SCHEME_DVI, &mcp, zm, 0.1, 0, 1, "dvi mcp vs f");
    measure_order(SCHEME_DVI, &mcp, zm, 0.1, 1, 2, "dvi mcp vs f-h/2 r");
    measure_order_T(SCHEME_DVI, &gcm, zg, T, h0, 0, 1, "dvi gc d=2 vs f");
    measure_order_T(SCHEME_DVI, &gcm, zg, T, h0, 1, 2, "dvi gc d=2 vs f-h/2 r");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dvi_vectors_from_1_1),
        cmocka_unit_test(dvi_vectors_from_4_3),
        cmocka_unit_test(dvi_perturbed_gauge),
        cmocka_unit_test(dvi_bad_arguments),
        cmocka_unit_test(euler_and_rk4_vectors),
        cmocka_unit_test(explicit_step_failures),
        cmocka_unit_test(dvi_jacobian_matches_finite_differences),
        cmocka_unit_test(dvi_d2_uncoupled_equals_d1),
        cmocka_unit_test(orders_of_explicit_and_midpoint),
        cmocka_unit_test(orders_of_euler_dvi),
        cmocka_unit_test(orders_of_euler_dvi_mcp_gc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
