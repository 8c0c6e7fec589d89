/* Invariants along the reference integrator (nch_ode), against the bound its
 * error control implies.
 *
 * GSL's standard control accepts a step only when every component of its
 * local error estimate e satisfies |e_i| ≤ 1.1 (atol + rtol |z_i|).  An
 * invariant g of the flow then changes by at most Σ_i |∂_i g| |e_i| per step
 * (to first order; the propagated 8th-order solution is more accurate than
 * the estimate), so after the solver's `steps` accepted steps
 *   |g(z_n) − g(z_0)| ≤ 1.1 · steps · max Σ_i |∂_i g| (atol + rtol |z_i|),
 * the max taken over every state the solver evaluated the field at, plus
 * the round-off of evaluating g twice (8u·|g|, g being a short sum). */
#ifndef NCH_TESTODE_H
#define NCH_TESTODE_H

#include "nch_test.h"

#include "nch_err.h"
#include "nch_model.h"
#include "nch_ode.h"

#include <float.h>

enum { INV_MAX = 1 + NCH_DMAX };

typedef struct {
    const nch_model *m;
    int n_inv;
    const int *inv; /* 0: H; k ≥ 1: θ_{k−1} */
    double gmax[INV_MAX];
} inv_ctx;

static inline int inv_rhs(void *ctx, const double *z, double *f)
{
    inv_ctx *c = ctx;
    int rc = nch_model_field(c->m, 1, z, f);
    nch_jet j;
    if (rc == NCH_OK) rc = c->m->jets(c->m, 1, z, 1, &j);
    if (rc != NCH_OK) return rc;
    for (int k = 0; k < c->n_inv; k++) {
        const double *grad = c->inv[k] == 0 ? j.dH : j.dtheta[c->inv[k] - 1];
        double s = 0;
        for (int i = 0; i < 2 * c->m->d; i++) s += fabs(grad[i]) * (NCH_ODE_ATOL + NCH_ODE_RTOL * fabs(z[i]));
        c->gmax[k] = fmax(c->gmax[k], s);
    }
    return NCH_OK;
}

static inline double invariant(const nch_model *m, int inv, const double *z)
{
    nch_jet j;
    assert_int_equal(m->jets(m, 1, z, 0, &j), NCH_OK);
    return inv == 0 ? j.H : j.theta[inv - 1];
}

/* Integrates m from z0 on the grid t_i = i h, i ≤ n, at the reference
 * tolerances into out ((n + 1) × 2d) and asserts the bound above for each
 * invariant; returns the largest ratio of a change to its bound. */
static inline double check_invariants(const nch_model *m, const double *z0, double h, size_t n, double *out,
                                      int n_inv, const int *inv, const char *what)
{
    inv_ctx ctx = {.m = m, .n_inv = n_inv, .inv = inv};
    nch_ode_system sys = {.dim = 2 * (size_t)m->d, .rhs = inv_rhs, .ctx = &ctx};
    nch_ode_report rep;
    assert_int_equal(nch_ode_solve(&sys, NCH_ODE_RTOL, NCH_ODE_ATOL, 0, h, n, z0, out, &rep), NCH_OK);
    double worst_ratio = 0;
    for (int k = 0; k < n_inv; k++) {
        double g0 = invariant(m, inv[k], z0), worst = 0;
        for (size_t i = 1; i <= n; i++)
            worst = fmax(worst, fabs(invariant(m, inv[k], out + 2 * (size_t)m->d * i) - g0));
        double bound = 1.1 * (double)rep.steps * ctx.gmax[k] + 4 * DBL_EPSILON * fabs(g0);
        print_message("%s: invariant %d max |change| %.3g (relative %.3g), bound %.3g (%zu steps)\n", what, inv[k],
                      worst, worst / fabs(g0), bound, rep.steps);
        assert_true(worst <= bound);
        worst_ratio = fmax(worst_ratio, worst / bound);
    }
    return worst_ratio;
}

#endif
