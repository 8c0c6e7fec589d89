#include "nch_reg.h"

#include "nch_err.h"

int nch_reg_r(int d, const nch_jet *jet, const double *zdot, double *r)
{
    if (d < 1 || d > NCH_DMAX) return NCH_EINVAL;
    int n = 2 * d;
    const double *v = zdot;
    double *rx = r, *ry = r + d;
    /* Row j of P is row d + j of the same bilinear form, Q is row j. */
    double form[NCH_ZMAX];
    for (int row = 0; row < n; row++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            double a = -jet->d2H[row][k];
            for (int i = 0; i < d; i++) a += v[i] * jet->d2theta[i][row][k];
            s += a * zdot[k];
        }
        form[row] = s;
    }
    const double *dytheta = &jet->dtheta[0][d];
    for (int j = 0; j < d; j++) rx[j] = form[d + j];
    int rc = nch_solve_small(d, dytheta, NCH_ZMAX, 1, rx);
    if (rc != NCH_OK) return rc;
    for (int j = 0; j < d; j++) {
        double s = form[j];
        for (int k = 0; k < d; k++) s -= (jet->dtheta[j][k] + jet->dtheta[k][j]) * rx[k];
        ry[j] = s;
    }
    return nch_solve_small(d, dytheta, NCH_ZMAX, 0, ry);
}

/* f(z) and r(z; f(z)) together, so that the field is evaluated once. */
static int own_field_and_r(const nch_model *m, const double *z, double *f, double *r)
{
    if (!m->jets || m->d < 1 || m->d > NCH_DMAX) return NCH_EINVAL;
    nch_jet jet;
    int rc = m->jets(m, 1, z, 2, &jet);
    if (rc == NCH_OK) rc = nch_model_field(m, 1, z, f);
    if (rc == NCH_OK) rc = nch_reg_r(m->d, &jet, f, r);
    return rc;
}

int nch_reg_model_r(const nch_model *m, const double *z, double *r)
{
    double f[NCH_ZMAX];
    return own_field_and_r(m, z, f, r);
}

int nch_reg_modified_field(const nch_model *m, double h, const double *z, double *fh)
{
    double r[NCH_ZMAX];
    int rc = own_field_and_r(m, z, fh, r);
    if (rc != NCH_OK) return rc;
    for (int i = 0; i < 2 * m->d; i++) fh[i] -= h / 2 * r[i];
    return NCH_OK;
}
