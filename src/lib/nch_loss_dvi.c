/* The Euler-DVI Newton loss head (spec lotka-volterra.md §5.3, gc-mcp.md
 * §1.6 c; adjoint engine.md §4): forward and adjoint of one triplet. */
#include "nch_loss_head.h"

#include "nch_err.h"
#include "nch_scheme.h"

#include <lapacke.h>
#include <math.h>
#include <string.h>

void nch_loss_dvi_scaler(int n, const double *sample, double *s)
{
    for (int c = 0; c < n; c++) s[c] = sample[2 * n + c] - sample[n + c];
}

/* dgesvd on a column-major copy (no allocation inside LAPACKE). */
int nch_loss_cond(int n, const double *A, nch_loss_svd *e)
{
    enum { LWORK = 64 }; /* ≥ max(3 min(m,n) + max(m,n), 5 min(m,n)) for n ≤ 4 */
    double a[NCH_ZMAX * NCH_ZMAX], s[NCH_ZMAX], u[NCH_ZMAX * NCH_ZMAX], vt[NCH_ZMAX * NCH_ZMAX],
        work[LWORK];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) a[i + j * n] = A[i * n + j];
    lapack_int info =
        LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'A', 'A', n, n, a, n, s, u, n, vt, n, work, LWORK);
    if (info < 0) return NCH_ENONFIN; /* LAPACK rejects a NaN argument */
    if (info > 0) return NCH_ENOCONV;
    e->s1 = s[0];
    e->sm = s[n - 1];
    if (!(e->sm > 0)) return NCH_ESING;
    for (int i = 0; i < n; i++) {
        e->u1[i] = u[i];
        e->um[i] = u[i + (n - 1) * n];
        e->v1[i] = vt[i * n];
        e->vm[i] = vt[(n - 1) + i * n];
    }
    return NCH_OK;
}

void nch_loss_cond_adjoint(int n, const nch_loss_svd *e, double wc, double *Abar)
{
    const double ln10 = log(10.0);
    const double a1 = wc / (e->s1 * ln10), am = wc / (e->sm * ln10);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            Abar[a * n + b] = Abar[a * n + b] + a1 * e->u1[a] * e->v1[b] - am * e->um[a] * e->vm[b];
}

/* The head of one triplet, forward: c = D_2L_d(x0, x1, y1), R and J at z2
 * (nch_scheme.h), δ = J⁻¹R and the singular triplets of J. */
typedef struct {
    double c[NCH_DMAX], R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX], delta[NCH_ZMAX];
    nch_loss_svd svd;
} dvi_fwd;

static int dvi_forward(int d, double h, const double *z0, const double *z1, const double *z2,
                       const nch_jet *j1, const nch_jet *j2, dvi_fwd *f)
{
    const int n = 2 * d;
    nch_dvi_d2ld(d, h, z0, z1, j1, f->c);
    nch_dvi_residual(d, h, f->c, z1, z2, j2, f->R, f->J);
    memcpy(f->delta, f->R, (size_t)n * sizeof *f->R);
    int rc = nch_solve_small(n, f->J, n, 0, f->delta);
    if (rc != NCH_OK) return rc;
    return nch_loss_cond(n, f->J, &f->svd);
}

/* Given δ̄ and the weight wc = reg_weight/B of log10 cond₂: R̄ = J⁻ᵀ δ̄,
 * J̄ = −R̄ δᵀ + wc (u₁v₁ᵀ/σ₁ − u_m v_mᵀ/σ_m)/ln 10, then onto the jets at z1
 * (through c = D_2L_d) and at z2 (nch_scheme.h's formulas read backwards). */
static int dvi_adjoint(int d, double h, const double *z0, const double *z1, const double *z2,
                       const dvi_fwd *f, const double *dbar, double wc, nch_jet *b1, nch_jet *b2)
{
    const int n = 2 * d;
    double Rb[NCH_ZMAX], Jb[NCH_ZMAX * NCH_ZMAX], Delta[NCH_DMAX];
    memcpy(Rb, dbar, (size_t)n * sizeof *Rb);
    int rc = nch_solve_small(n, f->J, n, 1, Rb);
    if (rc != NCH_OK) return rc;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) Jb[a * n + b] = -Rb[a] * f->delta[b];
    nch_loss_cond_adjoint(n, &f->svd, wc, Jb);
    for (int i = 0; i < d; i++) Delta[i] = (z2[i] - z1[i]) / h;
    for (int j = 0; j < d; j++) {
        /* R_x = c − θ(z2)/h,
         * c_j = θ_j(z1)/h − ∂_{x_j}H(z1) + Σ_i ∂_{x_j}θ_i(z1) (x1 − x0)_i/h */
        b2->theta[j] -= Rb[j] / h;
        b1->theta[j] += Rb[j] / h;
        b1->dH[j] -= Rb[j];
        for (int i = 0; i < d; i++) b1->dtheta[i][j] += Rb[j] * (z1[i] - z0[i]) / h;
        /* R_y = D_yθ(z2)ᵀ Δ − ∇_yH(z2) */
        b2->dH[d + j] -= Rb[d + j];
        for (int i = 0; i < d; i++) b2->dtheta[i][d + j] += Rb[d + j] * Delta[i];
        for (int col = 0; col < n; col++) {
            /* J_x = −D_zθ(z2)/h */
            b2->dtheta[j][col] -= Jb[j * n + col] / h;
            /* J_{d+j,col} = Σ_i Δ_i ∂²θ_i/∂y_j∂z_col − ∂²H/∂y_j∂z_col
             *               (+ (D_yθ)_{col,j}/h for col < d) */
            const double g = Jb[(d + j) * n + col];
            b2->d2H[d + j][col] -= g;
            for (int i = 0; i < d; i++) b2->d2theta[i][d + j][col] += g * Delta[i];
            if (col < d) b2->dtheta[col][d + j] += g / h;
        }
    }
    return NCH_OK;
}

/* One sample's sums from its forward pass; δ̃ into dt; returns n(s̃). */
static double dvi_accumulate(int d, const nch_gram *g, const double *sample, const dvi_fwd *f,
                             double *dt, double acc[4])
{
    double s[NCH_ZMAX], st[NCH_ZMAX];
    nch_loss_dvi_scaler(2 * d, sample, s);
    const double ns = nch_gram_apply(g, s, st), nd = nch_gram_apply(g, f->delta, dt);
    acc[0] += nd;
    acc[1] += nch_gram_rel(nd, ns);
    acc[2] += log10(f->svd.s1 / f->svd.sm);
    return ns;
}

int nch_loss_dvi_batch(const nch_loss_config *cfg, const nch_loss_ctx *x, size_t B,
                       const double *samples, const nch_gram *g, int want_grad, double acc[4])
{
    const int d = x->m->d, n = 2 * d;
    const double h = cfg->h, wc = cfg->reg_weight / (double)B;
    for (size_t p = 0; p < B; p++) {
        const double *z0 = samples + p * 6 * (size_t)d, *z1 = z0 + n, *z2 = z1 + n;
        double dt[NCH_ZMAX];
        nch_jet j1, j2;
        dvi_fwd f;
        nch_loss_get_jet(x, 0, p, &j1);
        nch_loss_get_jet(x, 1, p, &j2);
        int rc = dvi_forward(d, h, z0, z1, z2, &j1, &j2, &f);
        if (rc != NCH_OK) return rc;
        const double ns = dvi_accumulate(d, g, z0, &f, dt, acc);
        if (!want_grad) continue;
        double db[NCH_ZMAX];
        nch_gram_adjoint(g, dt, nch_gram_coef(cfg->abs_w, cfg->rel_w, ns, B), db);
        nch_jet b1, b2;
        memset(&b1, 0, sizeof b1);
        memset(&b2, 0, sizeof b2);
        if ((rc = dvi_adjoint(d, h, z0, z1, z2, &f, db, wc, &b1, &b2)) != NCH_OK) return rc;
        nch_loss_put_bar(x, 0, p, &b1);
        nch_loss_put_bar(x, 1, p, &b2);
    }
    return NCH_OK;
}

int nch_loss_dvi_values(const nch_loss_config *cfg, const nch_model *m, size_t B,
                        const double *samples, const nch_gram *g, double acc[4])
{
    const int d = m->d, n = 2 * d;
    int rc = NCH_OK;
    for (size_t p = 0; p < B && rc == NCH_OK; p++) {
        const double *z = samples + p * 6 * (size_t)d;
        double dt[NCH_ZMAX];
        nch_jet j1, j2;
        dvi_fwd f;
        rc = m->jets(m, 1, z + n, 1, &j1);
        if (rc == NCH_OK) rc = m->jets(m, 1, z + 2 * n, 2, &j2);
        if (rc == NCH_OK) rc = dvi_forward(d, cfg->h, z, z + n, z + 2 * n, &j1, &j2, &f);
        if (rc == NCH_OK) dvi_accumulate(d, g, z, &f, dt, acc);
    }
    return rc;
}
