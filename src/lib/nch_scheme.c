#include "nch_scheme.h"

#include "nch_err.h"

#include <math.h>
#include <string.h>

/* Fixed-point midpoint solve: stop at a relative increment of 1e-14, about
 * 45 ulp, safely above the round-off floor of the iteration. */
static const double MIDPOINT_RTOL = 1e-14;
static const int MIDPOINT_MAXIT = 100;

/* Newton settings of the authors' NewtonRaphsonSolver defaults (spec §2.4). */
static const int DVI_MAXIT = 10;
static const double DVI_ABS_TOL = 1e-10, DVI_REL_TOL = 1e-8, DVI_REL_EPS = 1e-6;

/* The state buffers here hold NCH_ZMAX components. */
static int bad_dim(const nch_model *m) { return m->d < 1 || m->d > NCH_DMAX; }

/* Accepts a computed state: finite and inside the domain. */
static int accept(const nch_model *m, const double *z)
{
    for (int i = 0; i < 2 * m->d; i++)
        if (!isfinite(z[i])) return NCH_ENONFIN;
    return nch_model_check_domain(m, z);
}

/* out = z + a v, n components. */
static void axpy(int n, const double *z, double a, const double *v, double *out)
{
    for (int i = 0; i < n; i++) out[i] = z[i] + a * v[i];
}

int nch_step_euler(const nch_model *m, double h, const double *z, double *zout)
{
    if (bad_dim(m)) return NCH_EINVAL;
    int n = 2 * m->d;
    double f[NCH_ZMAX], z1[NCH_ZMAX];
    int rc = nch_model_field(m, 1, z, f);
    if (rc != NCH_OK) return rc;
    axpy(n, z, h, f, z1);
    if ((rc = accept(m, z1)) != NCH_OK) return rc;
    memcpy(zout, z1, (size_t)n * sizeof *zout);
    return NCH_OK;
}

int nch_step_rk4(const nch_model *m, double h, const double *z, double *zout)
{
    if (bad_dim(m)) return NCH_EINVAL;
    int n = 2 * m->d;
    double k[4][NCH_ZMAX], zs[NCH_ZMAX], z1[NCH_ZMAX];
    /* Stage i is evaluated at z + c_i h k_{i−1}, with c = (0, 1/2, 1/2, 1). */
    static const double c[4] = {0, 0.5, 0.5, 1};
    for (int s = 0; s < 4; s++) {
        if (s == 0) memcpy(zs, z, (size_t)n * sizeof *zs);
        else axpy(n, z, c[s] * h, k[s - 1], zs);
        int rc = nch_model_field(m, 1, zs, k[s]);
        if (rc != NCH_OK) return rc;
    }
    for (int i = 0; i < n; i++)
        z1[i] = z[i] + h * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]) / 6;
    int rc = accept(m, z1);
    if (rc != NCH_OK) return rc;
    memcpy(zout, z1, (size_t)n * sizeof *zout);
    return NCH_OK;
}

int nch_step_midpoint(const nch_model *m, double h, const double *z, double *zout)
{
    if (bad_dim(m)) return NCH_EINVAL;
    int n = 2 * m->d;
    double f[NCH_ZMAX], z1[NCH_ZMAX], mid[NCH_ZMAX];
    int rc = nch_model_field(m, 1, z, f);
    if (rc != NCH_OK) return rc;
    axpy(n, z, h, f, z1);
    for (int it = 0; it < MIDPOINT_MAXIT; it++) {
        for (int i = 0; i < n; i++) mid[i] = (z[i] + z1[i]) / 2;
        if ((rc = nch_model_field(m, 1, mid, f)) != NCH_OK) return rc;
        double inc = 0, size = 0;
        for (int i = 0; i < n; i++) {
            double zi = z[i] + h * f[i];
            inc = fmax(inc, fabs(zi - z1[i]));
            size = fmax(size, fabs(zi));
            z1[i] = zi;
        }
        if (!isfinite(inc)) return NCH_ENONFIN;
        if (inc <= MIDPOINT_RTOL * size) {
            if ((rc = accept(m, z1)) != NCH_OK) return rc;
            memcpy(zout, z1, (size_t)n * sizeof *zout);
            return NCH_OK;
        }
    }
    return NCH_ENOCONV;
}

void nch_dvi_d2ld(int d, double h, const double *x_prev, const double *z, const nch_jet *jz,
                  double *c)
{
    for (int j = 0; j < d; j++) {
        double s = jz->theta[j] / h - jz->dH[j];
        for (int i = 0; i < d; i++) s += jz->dtheta[i][j] * (z[i] - x_prev[i]) / h;
        c[j] = s;
    }
}

void nch_dvi_residual(int d, double h, const double *c, const double *x, const double *zp,
                      const nch_jet *jp, double *R, double *J)
{
    int n = 2 * d;
    double delta[NCH_DMAX];
    for (int i = 0; i < d; i++) delta[i] = (zp[i] - x[i]) / h;
    for (int j = 0; j < d; j++) {
        R[j] = c[j] - jp->theta[j] / h;
        double s = -jp->dH[d + j];
        for (int i = 0; i < d; i++) s += jp->dtheta[i][d + j] * delta[i];
        R[d + j] = s;
    }
    if (!J) return;
    for (int j = 0; j < d; j++) {
        for (int col = 0; col < n; col++) {
            J[j * n + col] = -jp->dtheta[j][col] / h;
            /* ∂/∂z'_col of Σ_i (D_yθ)_ij Δ_i − ∂H/∂y_j; Δ depends on x' only. */
            double s = -jp->d2H[d + j][col];
            for (int i = 0; i < d; i++) s += delta[i] * jp->d2theta[i][d + j][col];
            if (col < d) s += jp->dtheta[col][d + j] / h;
            J[(d + j) * n + col] = s;
        }
    }
}

int nch_dvi_init(nch_dvi_state *st, const nch_model *m, double h, const double *z0)
{
    if (!m->jets || bad_dim(m) || !isfinite(h) || h == 0) return NCH_EINVAL;
    int d = m->d;
    int rc = accept(m, z0);
    if (rc != NCH_OK) return rc;
    /* The backstep solves D_yθᵀ ẋ = ∇_yH from the jets, as the authors' code
     * does, even for a model with a closed-form field. */
    nch_jet jet;
    double f[NCH_ZMAX];
    if ((rc = m->jets(m, 1, z0, 1, &jet)) != NCH_OK) return rc;
    if ((rc = nch_field_from_jet(d, &jet, f)) != NCH_OK) return rc;
    st->model = m;
    st->h = h;
    st->k = 0;
    for (int i = 0; i < d; i++) st->x_prev[i] = z0[i] - h * f[i];
    memcpy(st->z, z0, 2 * (size_t)d * sizeof *z0);
    return NCH_OK;
}

static int dvi_solve(const nch_dvi_state *st, double *zp, nch_dvi_report *rep)
{
    const nch_model *m = st->model;
    int d = m->d, n = 2 * d;
    double h = st->h;
    nch_jet jz, jp;
    double c[NCH_DMAX], f[NCH_ZMAX], R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX];

    int rc = m->jets(m, 1, st->z, 1, &jz);
    if (rc != NCH_OK) return rc;
    nch_dvi_d2ld(d, h, st->x_prev, st->z, &jz, c);
    /* The predictor uses the model's field; for a model without a closed
     * form, the jet at z_k already holds everything it needs. */
    rc = m->field ? m->field(m, 1, st->z, f) : nch_field_from_jet(d, &jz, f);
    if (rc != NCH_OK) return rc;
    axpy(n, st->z, h, f, zp);

    for (rep->updates = 0; rep->updates < DVI_MAXIT;) {
        if ((rc = m->jets(m, 1, zp, 2, &jp)) != NCH_OK) return rc;
        nch_dvi_residual(d, h, c, st->z, zp, &jp, R, J);
        double r2 = 0;
        for (int i = 0; i < n; i++) r2 += R[i] * R[i];
        rep->residual_norm = sqrt(r2);
        /* R becomes δ. */
        if ((rc = nch_solve_small(n, J, n, 0, R)) != NCH_OK) return rc;
        double a2 = 0, rel2 = 0;
        for (int i = 0; i < n; i++) {
            zp[i] -= R[i];
            double inc = zp[i] - st->z[i];
            a2 += R[i] * R[i];
            rel2 += R[i] * R[i] / (DVI_REL_EPS + inc * inc);
        }
        rep->updates++;
        rep->delta_norm = sqrt(a2);
        rep->rel_err = sqrt(rel2);
        for (int i = 0; i < n; i++)
            if (!isfinite(zp[i])) return NCH_ENONFIN;
        if (rep->delta_norm < DVI_ABS_TOL && rep->rel_err < DVI_REL_TOL) return accept(m, zp);
    }
    return NCH_ENOCONV;
}

int nch_dvi_step(nch_dvi_state *st, nch_dvi_report *rep)
{
    nch_dvi_report local;
    if (!rep) rep = &local;
    *rep = (nch_dvi_report){.step = st->k + 1, .delta_norm = NAN, .rel_err = NAN,
                            .residual_norm = NAN};
    double zp[NCH_ZMAX];
    rep->status = dvi_solve(st, zp, rep);
    if (rep->status != NCH_OK) return rep->status;
    int d = st->model->d;
    memcpy(st->x_prev, st->z, (size_t)d * sizeof *st->z);
    memcpy(st->z, zp, 2 * (size_t)d * sizeof *zp);
    st->k++;
    return NCH_OK;
}
