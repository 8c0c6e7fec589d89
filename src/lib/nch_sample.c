#include "nch_sample.h"

#include "nch_err.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int nch_lhs(gsl_rng *rng, size_t n, size_t dim, const double *lo, const double *hi, double *z)
{
    size_t *perm = nch_alloc(n, 1, sizeof *perm);
    if (!perm) return NCH_ENOMEM;
    for (size_t i = 0; i < dim * n; i++) z[i] = gsl_rng_uniform(rng);
    for (size_t k = 0; k < dim; k++) {
        for (size_t i = 0; i < n; i++) perm[i] = i + 1;
        gsl_ran_shuffle(rng, perm, n, sizeof *perm);
        for (size_t i = 0; i < n; i++)
            z[dim * i + k] = lo[k] + ((double)perm[i] - z[dim * i + k]) / (double)n * (hi[k] - lo[k]);
    }
    free(perm);
    return NCH_OK;
}

typedef struct {
    nch_energy_fn H;
    void *ctx;
    double z[2];
    int k;
    double level;
} line_ctx;

static double on_line(double t, void *p)
{
    line_ctx *c = p;
    double z[2] = {c->z[0], c->z[1]};
    z[c->k] = t;
    return c->H(z, c->ctx) - c->level;
}

static int brent(line_ctx *c, double a, double b, double *root)
{
    gsl_function f = {on_line, c};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) return NCH_ENOMEM;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_root_fsolver_set(s, &f, a, b), status = GSL_CONTINUE;
    for (int it = 0; rc == GSL_SUCCESS && status == GSL_CONTINUE && it < 200; it++) {
        rc = gsl_root_fsolver_iterate(s);
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), 0, 1e-15);
    }
    *root = gsl_root_fsolver_root(s);
    gsl_set_error_handler(old);
    gsl_root_fsolver_free(s);
    return rc == GSL_SUCCESS && status == GSL_SUCCESS ? NCH_OK : NCH_ENOCONV;
}

int nch_energy_box(nch_energy_fn H, void *ctx, const double zeq[2], double hmax, double pad,
                   double box[4])
{
    line_ctx c = {H, ctx, {zeq[0], zeq[1]}, 0, hmax};
    for (int k = 0; k < 2; k++) {
        c.k = k;
        double lo, hi;
        int rc = brent(&c, zeq[k] * 1e-12, zeq[k], &lo);
        if (!rc) rc = brent(&c, zeq[k], zeq[k] * 1e6, &hi);
        if (rc) return rc;
        box[2 * k] = lo * (1 - pad);
        box[2 * k + 1] = hi * (1 + pad);
    }
    return NCH_OK;
}

int nch_lhs_energy_window(gsl_rng *rng, size_t n, const double box[4], nch_energy_fn H, void *ctx,
                          double hmin, double hmax, int max_rounds, double *z, int *rounds)
{
    const double lo[2] = {box[0], box[2]}, hi[2] = {box[1], box[3]};
    for (int round = 0; round < max_rounds; round++) {
        double *cand = nch_alloc((size_t)(round + 1), n, 2 * sizeof *cand);
        if (!cand) return NCH_ENOMEM;
        size_t m = (size_t)(round + 1) * n, kept = 0; /* fits: cand holds 2m doubles */
        int rc = nch_lhs(rng, m, 2, lo, hi, cand);
        for (size_t i = 0; rc == NCH_OK && i < m && kept < n; i++) {
            double e = H(cand + 2 * i, ctx);
            if (e >= hmin && e <= hmax) {
                memcpy(z + 2 * kept, cand + 2 * i, 2 * sizeof *z);
                kept++;
            }
        }
        free(cand);
        if (rc) return rc;
        if (kept == n) {
            *rounds = round + 1;
            return NCH_OK;
        }
    }
    return NCH_ENOCONV;
}
