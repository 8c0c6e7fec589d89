/* VF_REG's regulariser term (spec lotka-volterra.md §5.2, gc-mcp.md §1.6 b;
 * adjoint engine.md §4): r of nch_reg.h and its adjoint onto the order-2
 * jet.  The data term and the batch loop are nch_loss_vf.c's. */
#include "nch_loss_head.h"

#include "nch_err.h"
#include "nch_reg.h"

int nch_loss_reg_forward(int d, const nch_jet *jet, const double *zdot, double *r)
{
    return nch_reg_r(d, jet, zdot, r);
}

/* Forward (nch_reg.h): form = [Q ż; P ż], r_x = D_yθ⁻ᵀ form_y,
 * t = form_x − (D_xθ + D_xθᵀ) r_x, r_y = D_yθ⁻¹ t. */
int nch_loss_reg_adjoint(int d, const nch_jet *jet, const double *zdot, const double *r,
                         const double *rbar, nch_jet *bar)
{
    const int n = 2 * d;
    const double *rx = r, *ry = r + d, *Dy = &jet->dtheta[0][d];
    double tb[NCH_DMAX], bb[NCH_DMAX], formb[NCH_ZMAX];
    for (int j = 0; j < d; j++) tb[j] = rbar[d + j];
    int rc = nch_solve_small(d, Dy, NCH_ZMAX, 1, tb);
    if (rc != NCH_OK) return rc;
    for (int k = 0; k < d; k++) bb[k] = rbar[k];
    for (int j = 0; j < d; j++) {
        formb[j] = tb[j];
        for (int k = 0; k < d; k++) {
            bar->dtheta[j][d + k] -= tb[j] * ry[k];
            bar->dtheta[j][k] -= tb[j] * rx[k];
            bar->dtheta[k][j] -= tb[j] * rx[k];
            bb[k] -= (jet->dtheta[j][k] + jet->dtheta[k][j]) * tb[j];
        }
    }
    if ((rc = nch_solve_small(d, Dy, NCH_ZMAX, 0, bb)) != NCH_OK) return rc;
    for (int j = 0; j < d; j++) {
        formb[d + j] = bb[j];
        for (int k = 0; k < d; k++) bar->dtheta[k][d + j] -= bb[j] * rx[k];
    }
    /* form_row = Σ_k (Σ_i v_i ∂²θ_i/∂z_row∂z_k − ∂²H/∂z_row∂z_k) ż_k, v = ẋ. */
    for (int row = 0; row < n; row++)
        for (int k = 0; k < n; k++) {
            const double g = formb[row] * zdot[k];
            bar->d2H[row][k] -= g;
            for (int i = 0; i < d; i++) bar->d2theta[i][row][k] += g * zdot[i];
        }
    return NCH_OK;
}
