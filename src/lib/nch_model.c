#include "nch_model.h"

#include "nch_err.h"

#include <lapacke.h>
#include <math.h>

int nch_solve_small(int n, const double *A, int lda, int trans, double *b)
{
    if (n < 1 || n > NCH_ZMAX || lda < n) return NCH_EINVAL;
    if (n == 1) {
        if (A[0] == 0) return NCH_ESING;
        b[0] /= A[0];
    } else if (n == 2) {
        /* Cramer's rule is forward stable for 2×2 and avoids LAPACK's call
         * overhead on the DVI's hot path. */
        double a00 = A[0], a01 = A[1], a10 = A[lda], a11 = A[lda + 1];
        if (trans) {
            double t = a01;
            a01 = a10;
            a10 = t;
        }
        double det = a00 * a11 - a01 * a10;
        if (det == 0) return NCH_ESING;
        double u0 = (a11 * b[0] - a01 * b[1]) / det;
        double u1 = (a00 * b[1] - a10 * b[0]) / det;
        b[0] = u0;
        b[1] = u1;
    } else {
        /* Column-major storage keeps LAPACKE from allocating a transposed
         * copy; a row-major A read column-major is Aᵀ. */
        double a[NCH_ZMAX * NCH_ZMAX];
        lapack_int piv[NCH_ZMAX];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                a[i * n + j] = trans ? A[i * lda + j] : A[j * lda + i];
        lapack_int info = LAPACKE_dgesv(LAPACK_COL_MAJOR, n, 1, a, n, piv, b, n);
        if (info > 0) return NCH_ESING;
        /* The only argument LAPACKE can reject here is a NaN in A or b. */
        if (info < 0) return NCH_ENONFIN;
    }
    for (int i = 0; i < n; i++)
        if (!isfinite(b[i])) return NCH_ENONFIN;
    return NCH_OK;
}

int nch_field_from_jet(int d, const nch_jet *jet, double *f)
{
    if (d < 1 || d > NCH_DMAX) return NCH_EINVAL;
    const double *dytheta = &jet->dtheta[0][d];
    double *xdot = f, *ydot = f + d;
    for (int j = 0; j < d; j++) xdot[j] = jet->dH[d + j];
    int rc = nch_solve_small(d, dytheta, NCH_ZMAX, 1, xdot);
    if (rc != NCH_OK) return rc;
    for (int j = 0; j < d; j++) {
        double q = -jet->dH[j];
        for (int k = 0; k < d; k++) q += (jet->dtheta[k][j] - jet->dtheta[j][k]) * xdot[k];
        ydot[j] = q;
    }
    return nch_solve_small(d, dytheta, NCH_ZMAX, 0, ydot);
}

int nch_model_field(const nch_model *m, size_t n, const double *z, double *f)
{
    if (m->field) return m->field(m, n, z, f);
    if (!m->jets) return NCH_EINVAL;
    size_t dim = 2 * (size_t)m->d;
    for (size_t i = 0; i < n; i++) {
        nch_jet jet;
        int rc = m->jets(m, 1, z + i * dim, 1, &jet);
        if (rc == NCH_OK) rc = nch_field_from_jet(m->d, &jet, f + i * dim);
        if (rc != NCH_OK) return rc;
    }
    return NCH_OK;
}

int nch_model_check_domain(const nch_model *m, const double *z)
{
    return m->in_domain ? m->in_domain(m, z) : NCH_OK;
}
