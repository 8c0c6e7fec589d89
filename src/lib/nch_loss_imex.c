/* The IMEX-Euler loss head (spec gc-mcp.md §1.6 d): the GC scheme model's
 * pre-training.  For a triplet (z0, z1, z2), all maps at z1 (order-1 jet),
 * A = D_yθ, G = D_xθ, a = x1 − x0, b = x2 − x1:
 *   Δx = A⁻ᵀ h ∇_yH,   Δy = A⁻¹ q,  q = Gᵀ a − G b − h ∇_xH,
 *   e = (x1 − x0, y2 − y1) − (Δx, Δy)   (scaler: the data increments),
 * and the log-condition term log10 cond₂ blockdiag(−Aᵀ, A) = log10 cond₂ A
 * (Aᵀ and A have the same singular values), taken on A.
 * Adjoint, given ē (so that the scheme's increments get −ē):
 *   x: p̄ = A⁻¹ Δx̄, ∇̄_yH += h p̄, Ā −= Δx p̄ᵀ;
 *   y: q̄ = A⁻ᵀ Δȳ, Ā −= q̄ Δyᵀ, Ḡ += a q̄ᵀ − q̄ bᵀ, ∇̄_xH −= h q̄;
 *   cond: Ā += wc ∂ log10 cond₂ A/∂A. */
#include "nch_loss_head.h"

#include "nch_err.h"

#include <math.h>
#include <string.h>

void nch_loss_imex_scaler(int n, const double *sample, double *s)
{
    const int d = n / 2;
    for (int c = 0; c < d; c++) {
        s[c] = sample[n + c] - sample[c];
        s[d + c] = sample[2 * n + d + c] - sample[n + d + c];
    }
}

typedef struct {
    double dx[NCH_DMAX], dy[NCH_DMAX], e[NCH_ZMAX], A[NCH_DMAX * NCH_DMAX];
    nch_loss_svd svd;
} imex_fwd;

static int imex_forward(int d, double h, const double *z0, const double *z1, const double *z2,
                        const nch_jet *j, imex_fwd *f)
{
    const double *Dy = &j->dtheta[0][d];
    for (int k = 0; k < d; k++) {
        f->dx[k] = h * j->dH[d + k];
        double q = -h * j->dH[k];
        for (int i = 0; i < d; i++)
            q += j->dtheta[i][k] * (z1[i] - z0[i]) - j->dtheta[k][i] * (z2[i] - z1[i]);
        f->dy[k] = q;
        for (int c = 0; c < d; c++) f->A[k * d + c] = j->dtheta[k][d + c];
    }
    int rc = nch_solve_small(d, Dy, NCH_ZMAX, 1, f->dx);
    if (rc == NCH_OK) rc = nch_solve_small(d, Dy, NCH_ZMAX, 0, f->dy);
    if (rc != NCH_OK) return rc;
    double s[NCH_ZMAX];
    nch_loss_imex_scaler(2 * d, z0, s);
    for (int k = 0; k < d; k++) {
        f->e[k] = s[k] - f->dx[k];
        f->e[d + k] = s[d + k] - f->dy[k];
    }
    return nch_loss_cond(d, f->A, &f->svd);
}

static int imex_adjoint(int d, double h, const double *z0, const double *z1, const double *z2,
                        const nch_jet *j, const imex_fwd *f, const double *ebar, double wc,
                        nch_jet *bar)
{
    const double *Dy = &j->dtheta[0][d];
    double pb[NCH_DMAX], qb[NCH_DMAX], Ab[NCH_DMAX * NCH_DMAX] = {0};
    for (int k = 0; k < d; k++) {
        pb[k] = -ebar[k];
        qb[k] = -ebar[d + k];
    }
    int rc = nch_solve_small(d, Dy, NCH_ZMAX, 0, pb);
    if (rc == NCH_OK) rc = nch_solve_small(d, Dy, NCH_ZMAX, 1, qb);
    if (rc != NCH_OK) return rc;
    nch_loss_cond_adjoint(d, &f->svd, wc, Ab);
    for (int k = 0; k < d; k++) {
        bar->dH[d + k] += h * pb[k];
        bar->dH[k] -= h * qb[k];
        for (int c = 0; c < d; c++) {
            bar->dtheta[k][d + c] += Ab[k * d + c] - f->dx[k] * pb[c] - qb[k] * f->dy[c];
            /* q_k ∋ Σ_i G_ik a_i − Σ_i G_ki b_i */
            bar->dtheta[c][k] += qb[k] * (z1[c] - z0[c]);
            bar->dtheta[k][c] -= qb[k] * (z2[c] - z1[c]);
        }
    }
    return NCH_OK;
}

/* One sample's sums; ẽ into et; returns n(s̃). */
static double imex_accumulate(int d, const nch_gram *g, const double *sample, const imex_fwd *f,
                              double *et, double acc[4])
{
    double s[NCH_ZMAX], st[NCH_ZMAX];
    nch_loss_imex_scaler(2 * d, sample, s);
    const double ns = nch_gram_apply(g, s, st), ne = nch_gram_apply(g, f->e, et);
    acc[0] += ne;
    acc[1] += nch_gram_rel(ne, ns);
    acc[2] += log10(f->svd.s1 / f->svd.sm);
    return ns;
}

int nch_loss_imex_batch(const nch_loss_config *cfg, const nch_loss_ctx *x, size_t B,
                        const double *samples, const nch_gram *g, int want_grad, double acc[4])
{
    const int d = x->m->d, n = 2 * d;
    const double h = cfg->h, wc = cfg->reg_weight / (double)B;
    for (size_t p = 0; p < B; p++) {
        const double *z0 = samples + p * 6 * (size_t)d, *z1 = z0 + n, *z2 = z1 + n;
        double et[NCH_ZMAX];
        nch_jet j;
        imex_fwd f;
        nch_loss_get_jet(x, 0, p, &j);
        int rc = imex_forward(d, h, z0, z1, z2, &j, &f);
        if (rc != NCH_OK) return rc;
        const double ns = imex_accumulate(d, g, z0, &f, et, acc);
        if (!want_grad) continue;
        double eb[NCH_ZMAX];
        nch_gram_adjoint(g, et, nch_gram_coef(cfg->abs_w, cfg->rel_w, ns, B), eb);
        nch_jet bar;
        memset(&bar, 0, sizeof bar);
        if ((rc = imex_adjoint(d, h, z0, z1, z2, &j, &f, eb, wc, &bar)) != NCH_OK) return rc;
        nch_loss_put_bar(x, 0, p, &bar);
    }
    return NCH_OK;
}

int nch_loss_imex_values(const nch_loss_config *cfg, const nch_model *m, size_t B,
                         const double *samples, const nch_gram *g, double acc[4])
{
    const int d = m->d, n = 2 * d;
    int rc = NCH_OK;
    for (size_t p = 0; p < B && rc == NCH_OK; p++) {
        const double *z = samples + p * 6 * (size_t)d;
        double et[NCH_ZMAX];
        nch_jet j;
        imex_fwd f;
        rc = m->jets(m, 1, z + n, 1, &j);
        if (rc == NCH_OK) rc = imex_forward(d, cfg->h, z, z + n, z + 2 * n, &j, &f);
        if (rc == NCH_OK) imex_accumulate(d, g, z, &f, et, acc);
    }
    return rc;
}
