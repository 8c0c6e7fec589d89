#include "nch_run.h"

#include "nch_err.h"
#include "nch_ode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"euler", "rk4", "midpoint", "dvi", "exact"};

int nch_scheme_parse(const char *name, nch_scheme_kind *kind)
{
    int i = nch_lookup(names, sizeof names / sizeof *names, name);
    if (i < 0) return NCH_EINVAL;
    *kind = (nch_scheme_kind)i;
    return NCH_OK;
}

const char *nch_scheme_name(nch_scheme_kind kind) { return names[kind]; }

static int run_exact(const nch_model *m, double h, long n, const double *z0, long every, double *out,
                     nch_run_report *rep)
{
    nch_ode_report orep;
    int rc = nch_ode_solve_model(m, NCH_ODE_RTOL, NCH_ODE_ATOL, 0, h * (double)every,
                                 (size_t)(n / every), z0, out, &orep);
    rep->rows = orep.rows;
    if (rc) rep->fail_step = (long)orep.rows * every;
    return rc;
}

int nch_run(const nch_model *m, nch_scheme_kind kind, double h, long n, const double *z0,
            long every, double *out, nch_run_report *rep)
{
    size_t dim = 2 * (size_t)m->d;
    memset(rep, 0, sizeof *rep);
    rep->fail_step = -1;
    if (!(h > 0) || n < 0 || every < 1) return rep->status = NCH_EINVAL;
    if (kind == NCH_SCHEME_EXACT) return rep->status = run_exact(m, h, n, z0, every, out, rep);

    double z[NCH_ZMAX];
    nch_dvi_state dvi;
    int rc = nch_model_check_domain(m, z0);
    if (rc) return rep->status = rc;
    memcpy(z, z0, dim * sizeof *z);
    memcpy(out, z, dim * sizeof *z);
    rep->rows = 1;
    /* The DVI's start needs the field at z0: when that fails, the first
     * step does, and z0 stays the last state. */
    if (kind == NCH_SCHEME_DVI && (rc = nch_dvi_init(&dvi, m, h, z0))) {
        rep->fail_step = 1;
        return rep->status = rc;
    }
    for (long k = 1; k <= n; k++) {
        switch (kind) {
        case NCH_SCHEME_EULER: rc = nch_step_euler(m, h, z, z); break;
        case NCH_SCHEME_RK4: rc = nch_step_rk4(m, h, z, z); break;
        case NCH_SCHEME_MIDPOINT: rc = nch_step_midpoint(m, h, z, z); break;
        default:
            rc = nch_dvi_step(&dvi, &rep->dvi);
            memcpy(z, dvi.z, dim * sizeof *z);
            break;
        }
        if (rc) {
            rep->fail_step = k;
            return rep->status = rc;
        }
        if (k % every == 0) memcpy(out + dim * rep->rows++, z, dim * sizeof *z);
    }
    return rep->status = NCH_OK;
}

size_t nch_period_index(const double *z, size_t rows, size_t dim)
{
    if (rows < 3) return 0;
    double d2 = 0;
    for (size_t c = 0; c < dim; c++) d2 += pow(z[2 * dim + c] - z[c], 2);
    for (size_t i = 2; i < rows; i++) {
        double di = 0;
        for (size_t c = 0; c < dim; c++) di += pow(z[i * dim + c] - z[c], 2);
        if (di < d2) return i + 1;
    }
    return 0;
}
