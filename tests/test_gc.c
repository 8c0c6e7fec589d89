/* The tokamak guiding centre (nch_gc, spec gc-mcp.md §3.1, §3.5): jets
 * against finite differences, the quadrature against the closed form of I1,
 * the field against the spec's closed form and its invariants, the domain,
 * and the reference integrator on the four study orbits: H and p_φ within
 * the bound of its error control, and the orbits' [estimated] energies,
 * periods and θ ranges of the spec. */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_gc.h"
#include "nch_model.h"
#include "nch_ode.h"
#include "nch_testmodels.h"
#include "nch_testode.h"

#include <float.h>
#include <gsl/gsl_math.h>
#include <stdlib.h>

#define U (DBL_EPSILON / 2)

/* Spec §3.5: (θ, φ, r) = (0, 0, 0.05), Δt = 1898.73; H0, period and θ range
 * are [estimated] (RK4 at h = Δt/1000, first return in (R, Z) within 1e-4). */
typedef struct {
    const char *label;
    double u0, H0, period, theta_max; /* theta_max 0: passing */
    double theta_tol;                 /* half a unit of the spec's last digit */
} study_orbit;
static const study_orbit ORBITS[] = {
    {"BP", -7.782e-4, 2.446324e-6, 28899, 0, 0},
    {"BT", -7.610e-4, 2.433087e-6, 100616, 3.1065, 5e-5},
    {"WT", -7.487e-4, 2.423803e-6, 61836, 2.844, 5e-4},
    {"DT", -4.306e-4, 2.236235e-6, 37974.6, 1.469, 5e-4},
};
#define N_ORBITS (sizeof ORBITS / sizeof ORBITS[0])
static const double DT = 1898.73;

/* Points of the data's box and beyond it (r up to 0.6, |ρ| up to 0.45). */
static const double PTS[][4] = {
    {0, 0, 0.05, -7.782e-4},          {0.3127, 1.2391, 0.0471, -6.13e-4}, {-2.7183, 4.0, 0.0809, 3.31e-4},
    {1.9067, -0.5, 0.0331, 8.72e-4},   {-40.1, 11.8, 0.0998, -2.1e-4},     {2.2, 0.3, 0.6, -0.41},
    {0.9, 2.1, 0.45, 0.27}};
#define N_PTS (sizeof PTS / sizeof PTS[0])

static void gc(nch_model *m, nch_gc_rule *rule) { assert_int_equal(nch_gc_model(m, rule), NCH_OK); }

static void jets_match_finite_differences(void **state)
{
    (void)state;
    nch_gc_rule rule;
    nch_model m;
    gc(&m, &rule);
    /* Angles vary on the unit scale, r and u on their own size.  No value
     * is a difference of much larger terms: H's two terms are positive, and
     * at these points ϑ_φ's two terms are at most 1.3 times |ϑ_φ|. */
    for (size_t p = 0; p < N_PTS; p++) {
        const double scale[4] = {1, 1, PTS[p][2], fabs(PTS[p][3])};
        check_jets_fd_scaled(&m, PTS[p], scale, 0);
    }
}

/* I1(ρ) = ϑ_θ / (B0 r²) at θ = 0 (ρ = r) or θ = π (ρ = −r), against
 * (ρ − log1p ρ)/ρ² for |ρ| ≥ 0.05, whose numerator ≈ ρ²/2 carries an
 * error of about 2u|ρ| (relative 4u/|ρ|), and against the alternating series
 * Σ (−ρ)^k/(k + 2) (to round-off) below. */
static void quadrature_matches_closed_form(void **state)
{
    (void)state;
    nch_gc_rule rule;
    nch_model m;
    gc(&m, &rule);
    static const double RHO[] = {1e-3, -1e-3, 0.02, -0.02, 0.05, -0.05, 0.2, -0.2, 0.5, -0.5, 0.8, -0.8};
    double worst = 0;
    for (size_t k = 0; k < sizeof RHO / sizeof RHO[0]; k++) {
        double rho = RHO[k], r = fabs(rho), z[4] = {rho > 0 ? 0 : M_PI, 0.4, r, 1e-4};
        nch_jet j;
        assert_int_equal(m.jets(&m, 1, z, 0, &j), NCH_OK);
        double I1 = j.theta[0] / (r * r), ref, tol;
        if (r >= 0.05) {
            ref = (rho - log1p(rho)) / (rho * rho);
            tol = (4 / r + 8) * U;
        } else {
            ref = 0;
            for (int n = 40; n >= 0; n--) ref = 1.0 / (n + 2) - rho * ref;
            tol = 8 * U;
        }
        assert_close(I1, ref, tol, 0);
        worst = fmax(worst, fabs(I1 - ref) / ref);
    }
    print_message("gc I1: max rel err of the quadrature %.2e\n", worst);
}

/* The field of spec §3.1 written out here, with the size of the terms each
 * component sums (its round-off is a few ulp of those). */
static void spec_field(const double *z, double *f, double *terms)
{
    const double mu = 2.25e-6;
    double th = z[0], r = z[2], u = z[3], c = cos(th), sn = sin(th);
    double rho = r * c, s = sqrt(1 + r * r / 4), R = 1 + rho;
    double t_r = r / R, p_t = -u * r * sn, p_r = -r / 2 + u * c;
    double H_t = mu * s * r * sn / (R * R), H_r = mu * s / R * (r / (4 * s * s) - c / R);
    f[1] = u / R;
    f[0] = (H_r - p_r * f[1]) / t_r;
    f[2] = (p_t * f[1] - H_t) / t_r;
    f[3] = -(p_t * f[0] + p_r * f[2]) / R;
    terms[1] = fabs(f[1]);
    terms[0] = (fabs(H_r) + fabs(p_r * f[1])) / t_r;
    terms[2] = (fabs(p_t * f[1]) + fabs(H_t)) / t_r;
    terms[3] = (fabs(p_t) * terms[0] + fabs(p_r) * terms[2]) / R;
}

static void field_matches_spec_closed_form(void **state)
{
    (void)state;
    nch_gc_rule rule;
    nch_model m, from_jets;
    gc(&m, &rule);
    from_jets = m;
    from_jets.field = NULL;
    for (size_t p = 0; p < N_PTS; p++) {
        double f[4], g[4], ref[4], terms[4];
        spec_field(PTS[p], ref, terms);
        assert_int_equal(nch_model_field(&m, 1, PTS[p], f), NCH_OK);
        assert_int_equal(nch_model_field(&from_jets, 1, PTS[p], g), NCH_OK);
        for (int c = 0; c < 4; c++) {
            /* Each of the three evaluations rounds every term a few times. */
            assert_close(f[c], ref[c], 0, 16 * U * terms[c]);
            assert_close(g[c], ref[c], 0, 16 * U * terms[c]);
        }
        /* H and p_φ = ϑ_φ are invariants: ∇g · f = 0 to the round-off of
         * the products (f to 16u of its terms, ∇g to a few ulp). */
        nch_jet j;
        assert_int_equal(m.jets(&m, 1, PTS[p], 1, &j), NCH_OK);
        const double *grad[2] = {j.dH, j.dtheta[1]};
        for (int k = 0; k < 2; k++) {
            double dot = 0, size = 0;
            for (int c = 0; c < 4; c++) {
                dot += grad[k][c] * f[c];
                size += fabs(grad[k][c]) * (fabs(f[c]) + terms[c]);
            }
            assert_close(dot, 0, 0, 32 * U * size);
        }
    }
}

static void values_domain_and_symmetries(void **state)
{
    (void)state;
    nch_gc_rule rule;
    nch_model m;
    gc(&m, &rule);
    /* The study orbits' energies, given to 7 digits by the spec. */
    for (size_t k = 0; k < N_ORBITS; k++) {
        double z[4] = {0, 0, 0.05, ORBITS[k].u0};
        assert_close(nch_gc_hamiltonian(z), ORBITS[k].H0, 0, 5e-13);
    }
    /* Entries above the order stay untouched; H is the jets' H. */
    nch_jet j;
    memset(&j, 0, sizeof j);
    j.dH[1] = 42;
    j.d2theta[1][3][3] = 42;
    assert_int_equal(m.jets(&m, 1, PTS[1], 0, &j), NCH_OK);
    assert_true(j.dH[1] == 42);
    assert_true(j.H == nch_gc_hamiltonian(PTS[1]));
    assert_int_equal(m.jets(&m, 1, PTS[1], 1, &j), NCH_OK);
    assert_true(j.d2theta[1][3][3] == 42 && j.dH[1] == 0);
    /* D_yθ has determinant B0 R0 r. */
    assert_close(j.dtheta[0][2] * j.dtheta[1][3] - j.dtheta[0][3] * j.dtheta[1][2], PTS[1][2], 4 * U, 0);

    /* Domain 0 < r < R0, finite. */
    static const double bad[][4] = {{0, 0, 0, 1e-4},       {0, 0, -0.05, 1e-4}, {0, 0, 1, 1e-4},
                                    {M_PI, 0, 1.5, 1e-4},  {NAN, 0, 0.05, 1e-4}, {0, INFINITY, 0.05, 0},
                                    {0, 0, NAN, 1e-4},     {0, 0, 0.05, -INFINITY}};
    for (size_t p = 0; p < sizeof bad / sizeof bad[0]; p++) {
        assert_int_equal(nch_model_check_domain(&m, bad[p]), NCH_EDOM);
        assert_int_equal(m.jets(&m, 1, bad[p], 2, &j), NCH_EDOM);
    }
    assert_int_equal(nch_model_check_domain(&m, (double[]){-44, 1e3, 1e-300, 5}), NCH_OK);
    assert_int_equal(nch_model_check_domain(&m, (double[]){0, 0, 0.999, 0}), NCH_OK);

    /* 2π-periodic in θ (stored unwrapped), independent of φ: the field at
     * θ − 14π, φ + 20 equals the field at θ, φ up to the rounding of the
     * shifted angle (u·44 ≈ 1e-14 rad, times θ-slopes of the relative field
     * of order 10 here) and of the field's terms (16u of them). */
    for (size_t p = 1; p < 4; p++) {
        double z[4] = {PTS[p][0] - 14 * M_PI, PTS[p][1] + 20, PTS[p][2], PTS[p][3]};
        double f[4], g[4], ref[4], terms[4];
        spec_field(PTS[p], ref, terms);
        assert_int_equal(nch_model_field(&m, 1, PTS[p], f), NCH_OK);
        assert_int_equal(nch_model_field(&m, 1, z, g), NCH_OK);
        for (int c = 0; c < 4; c++) assert_close(g[c], f[c], 1e-13, 16 * U * terms[c]);
        assert_close(nch_gc_hamiltonian(z), nch_gc_hamiltonian(PTS[p]), 1e-13, 0);
    }
}

/* The spec's find_index_period: the first i (1 ≤ i ≤ n − 2) where the (R, Z)
 * distance to the start is < eps and a local minimum; 0 if none. */
static size_t period_index(const double *z, size_t n, double eps)
{
    double R0 = 1 + z[2] * cos(z[0]), Z0 = z[2] * sin(z[0]), dist[3];
    for (size_t i = 1; i + 1 < n; i++) {
        for (int k = 0; k < 3; k++) {
            const double *q = z + 4 * (i - 1 + (size_t)k);
            dist[k] = hypot(1 + q[2] * cos(q[0]) - R0, q[2] * sin(q[0]) - Z0);
        }
        if (dist[1] < eps && dist[0] > dist[1] && dist[1] < dist[2]) return i;
    }
    return 0;
}

/* Over 600 Δt (1.1e6, 11 to 40 periods) on the data's grid, H and p_φ stay
 * within the bound of the error control; over one period on the spec's grid
 * Δt/1000 the orbit has the spec's period (to one grid step, plus the
 * rounding of the spec's value), θ range and kind (trapped: u changes sign;
 * passing: θ decreases monotonically and u keeps its sign). */
static void study_orbits_by_the_reference_integrator(void **state)
{
    (void)state;
    nch_gc_rule rule;
    nch_model m;
    gc(&m, &rule);
    const int inv[2] = {0, 2};
    enum { N_LONG = 600 };
    double *longrun = malloc((N_LONG + 1) * 4 * sizeof *longrun);
    const double h = DT / 1000;
    for (size_t k = 0; k < N_ORBITS; k++) {
        const study_orbit *o = &ORBITS[k];
        const double z0[4] = {0, 0, 0.05, o->u0};
        char what[64];
        snprintf(what, sizeof what, "gc %s over 600 dt", o->label);
        check_invariants(&m, z0, DT, N_LONG, longrun, 2, inv, what);

        size_t n = (size_t)(1.1 * o->period / h);
        double *out = malloc((n + 1) * 4 * sizeof *out);
        assert_int_equal(nch_ode_solve_model(&m, NCH_ODE_RTOL, NCH_ODE_ATOL, 0, h, n, z0, out, NULL), NCH_OK);
        size_t ip = period_index(out, n + 1, 1e-4);
        assert_true(ip > 0);
        double T = (double)ip * h, tmin = 0, tmax = 0, umin = o->u0, umax = o->u0;
        int monotone = 1;
        for (size_t i = 1; i <= ip; i++) {
            const double *q = out + 4 * i;
            tmin = fmin(tmin, q[0]);
            tmax = fmax(tmax, q[0]);
            umin = fmin(umin, q[3]);
            umax = fmax(umax, q[3]);
            monotone &= q[0] < q[-4];
        }
        print_message("gc %s: period %.2f (spec %.1f), theta in [%.5f, %.5f], u in [%.3e, %.3e]\n", o->label, T,
                      o->period, tmin, tmax, umin, umax);
        assert_close(T, o->period, 0, h + 0.5);
        if (o->theta_max > 0) {
            assert_close(tmax, o->theta_max, 0, o->theta_tol);
            assert_close(-tmin, o->theta_max, 0, o->theta_tol);
            assert_true(umin < 0 && umax > 0);
        } else {
            assert_true(monotone);
            assert_close(out[4 * ip], -2 * M_PI, 0, 1e-3);
            assert_true(umax < 0);
        }
        free(out);
    }
    free(longrun);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jets_match_finite_differences),
        cmocka_unit_test(quadrature_matches_closed_form),
        cmocka_unit_test(field_matches_spec_closed_form),
        cmocka_unit_test(values_domain_and_symmetries),
        cmocka_unit_test(study_orbits_by_the_reference_integrator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
