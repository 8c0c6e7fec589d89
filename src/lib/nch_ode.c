#include "nch_ode.h"

#include "nch_err.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <string.h>

/* Bounds the solver's work between two grid points, so that a solution
 * running into a singularity cannot keep it busy forever. */
static const unsigned long MAX_STEPS_PER_INTERVAL = 10000000;

typedef struct {
    const nch_ode_system *sys;
    int last_status; /* of the last failed rhs call */
} rhs_ctx;

static int gsl_rhs(double t, const double y[], double f[], void *params)
{
    (void)t;
    rhs_ctx *c = params;
    int rc = c->sys->rhs(c->sys->ctx, y, f);
    for (size_t i = 0; rc == NCH_OK && i < c->sys->dim; i++)
        if (!isfinite(f[i])) rc = NCH_ENONFIN;
    if (rc == NCH_OK) return GSL_SUCCESS;
    c->last_status = rc;
    /* Not GSL_EBADFUNC: GSL then halves the step and retries. */
    return GSL_FAILURE;
}

static int check_state(const nch_ode_system *sys, const double *z)
{
    for (size_t i = 0; i < sys->dim; i++)
        if (!isfinite(z[i])) return NCH_ENONFIN;
    return sys->in_domain ? sys->in_domain(sys->ctx, z) : NCH_OK;
}

int nch_ode_solve(const nch_ode_system *sys, double rtol, double atol, double t0, double h,
                  size_t n, const double *z0, double *out, nch_ode_report *rep)
{
    nch_ode_report local;
    if (!rep) rep = &local;
    *rep = (nch_ode_report){.rows = 0, .t = t0, .steps = 0};
    if (sys->dim == 0 || !sys->rhs || !(rtol > 0) || !(atol > 0) || !isfinite(h) || h == 0)
        return NCH_EINVAL;
    int rc = check_state(sys, z0);
    if (rc != NCH_OK) return rc;
    size_t dim = sys->dim;
    memcpy(out, z0, dim * sizeof *out);
    rep->rows = 1;
    if (n == 0) return NCH_OK;

    rhs_ctx ctx = {.sys = sys, .last_status = NCH_OK};
    gsl_odeiv2_system gsys = {gsl_rhs, NULL, dim, &ctx};
    /* GSL's default handler aborts; failures are reported as statuses, the
     * driver's allocation included. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    /* The first trial step only seeds the step control; GSL refuses a zero
     * one, which h/100 is for a subnormal h. */
    const double hstart = h / 100 != 0 ? h / 100 : h;
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&gsys, gsl_odeiv2_step_rk8pd, hstart, atol, rtol);
    if (!drv) {
        gsl_set_error_handler(old);
        return NCH_ENOMEM;
    }
    gsl_odeiv2_driver_set_nmax(drv, MAX_STEPS_PER_INTERVAL);

    double t = t0;
    rc = NCH_OK;
    for (size_t i = 1; i <= n && rc == NCH_OK; i++) {
        double *y = out + i * dim;
        memcpy(y, y - dim, dim * sizeof *y);
        ctx.last_status = NCH_OK;
        int g = gsl_odeiv2_driver_apply(drv, &t, t0 + (double)i * h, y);
        /* The driver counts the accepted steps of its last apply. */
        rep->steps += drv->n;
        if (g != GSL_SUCCESS) rc = ctx.last_status != NCH_OK ? ctx.last_status : NCH_ENOCONV;
        else if ((rc = check_state(sys, y)) == NCH_OK) rep->rows = i + 1;
    }
    rep->t = t;
    gsl_set_error_handler(old);
    gsl_odeiv2_driver_free(drv);
    return rc;
}

static int model_rhs(void *ctx, const double *z, double *f)
{
    return nch_model_field(ctx, 1, z, f);
}

static int model_in_domain(void *ctx, const double *z)
{
    return nch_model_check_domain(ctx, z);
}

int nch_ode_solve_model(const nch_model *m, double rtol, double atol, double t0, double h,
                        size_t n, const double *z0, double *out, nch_ode_report *rep)
{
    /* The system's ctx is not const; the model is only read through it. */
    nch_ode_system sys = {.dim = 2 * (size_t)m->d, .rhs = model_rhs,
                          .in_domain = model_in_domain, .ctx = (void *)m};
    return nch_ode_solve(&sys, rtol, atol, t0, h, n, z0, out, rep);
}
