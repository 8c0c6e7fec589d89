/* The vector-field loss head (spec lotka-volterra.md §5.1, gc-mcp.md §1.6 a,
 * b; adjoint engine.md §4): the model's field f from the order-1 jet (or the
 * mlp's output) and its adjoint, and the batch loop of VF and VF_REG, whose
 * regulariser term is nch_loss_reg.c's. */
#include "nch_loss_head.h"

#include "nch_err.h"

#include <string.h>

void nch_loss_vf_scaler(int n, const double *sample, double *s)
{
    for (int c = 0; c < n; c++) s[c] = sample[n + c];
}

/* Given f = (ẋ, ẏ) = nch_field_from_jet(jet) and f̄ (engine.md §4):
 * q̄ = D_yθ⁻ᵀ ẏ̄; D̄_yθ −= q̄ ẏᵀ; K̄ = q̄ ẋᵀ, D̄_xθ += K̄ᵀ − K̄; ẋ̄ += Kᵀ q̄;
 * ∇̄_xH −= q̄; p̄ = D_yθ⁻¹ ẋ̄; ∇̄_yH += p̄; D̄_yθ −= ẋ p̄ᵀ. */
static int field_adjoint(int d, const nch_jet *jet, const double *f, const double *fbar,
                         nch_jet *bar)
{
    const double *xd = f, *yd = f + d, *Dy = &jet->dtheta[0][d];
    double qb[NCH_DMAX], pb[NCH_DMAX];
    for (int j = 0; j < d; j++) qb[j] = fbar[d + j];
    int rc = nch_solve_small(d, Dy, NCH_ZMAX, 1, qb);
    if (rc != NCH_OK) return rc;
    for (int k = 0; k < d; k++) pb[k] = fbar[k];
    for (int j = 0; j < d; j++) {
        bar->dH[j] -= qb[j];
        for (int k = 0; k < d; k++) {
            bar->dtheta[j][d + k] -= qb[j] * yd[k];
            /* K_jk = (D_xθ)_kj − (D_xθ)_jk vanishes identically for j = k. */
            if (k == j) continue;
            const double Kb = qb[j] * xd[k];
            bar->dtheta[k][j] += Kb;
            bar->dtheta[j][k] -= Kb;
            pb[k] += (jet->dtheta[k][j] - jet->dtheta[j][k]) * qb[j];
        }
    }
    if ((rc = nch_solve_small(d, Dy, NCH_ZMAX, 0, pb)) != NCH_OK) return rc;
    for (int j = 0; j < d; j++) {
        bar->dH[d + j] += pb[j];
        for (int k = 0; k < d; k++) bar->dtheta[k][d + j] -= xd[k] * pb[j];
    }
    return NCH_OK;
}

/* One sample: e = ±(f − ż) and, with reg, r given; their whitened forms
 * into et, rt; returns n(s̃), s̃ = ż W. */
static double vf_accumulate(int reg, const nch_gram *g, const double *zdot, const double *e,
                            const double *r, double *et, double *rt, double acc[4])
{
    double st[NCH_ZMAX];
    const double ns = nch_gram_apply(g, zdot, st), ne = nch_gram_apply(g, e, et);
    acc[0] += ne;
    acc[1] += nch_gram_rel(ne, ns);
    if (reg) {
        const double nr = nch_gram_apply(g, r, rt);
        acc[2] += nr;
        acc[3] += nch_gram_rel(nr, ns);
    }
    return ns;
}

int nch_loss_vf_batch(const nch_loss_config *cfg, const nch_loss_ctx *x, size_t B,
                      const double *samples, const nch_gram *g, int reg, int want_grad,
                      double acc[4])
{
    const nch_learnt *m = x->m;
    const int d = m->d, n = 2 * d;
    const size_t width = nch_loss_sample_width(cfg->kind, d);
    /* VF_REG's error is ż − f, VF's f − ż: the norm is the same, f̄ flips. */
    const double sign = cfg->kind == NCH_LOSS_VF_REG ? -1.0 : 1.0;
    for (size_t p = 0; p < B; p++) {
        const double *zdot = samples + p * width + n;
        double f[NCH_ZMAX], e[NCH_ZMAX], et[NCH_ZMAX], r[NCH_ZMAX], rt[NCH_ZMAX];
        nch_jet jet;
        int rc = NCH_OK;
        if (m->kind == NCH_LEARNT_MLP) {
            nch_learnt_field_get(m, x->w->out[0][0] + p * (size_t)n, f);
        } else {
            nch_loss_get_jet(x, 0, p, &jet);
            rc = nch_field_from_jet(d, &jet, f);
            if (rc == NCH_OK && reg) rc = nch_loss_reg_forward(d, &jet, zdot, r);
            if (rc != NCH_OK) return rc;
        }
        for (int c = 0; c < n; c++) e[c] = sign * (f[c] - zdot[c]);
        const double ns = vf_accumulate(reg, g, zdot, e, r, et, rt, acc);
        if (!want_grad) continue;
        /* ∂N/∂n(ũ_i) for either term; the regulariser's scaled by its weight. */
        const double coef = nch_gram_coef(cfg->abs_w, cfg->rel_w, ns, B);
        double eb[NCH_ZMAX], fb[NCH_ZMAX];
        nch_gram_adjoint(g, et, coef, eb);
        for (int c = 0; c < n; c++) fb[c] = sign * eb[c];
        if (m->kind == NCH_LEARNT_MLP) {
            nch_learnt_field_adjoint(m, fb, x->w->bar[0][0] + p * (size_t)n);
            continue;
        }
        nch_jet bar;
        memset(&bar, 0, sizeof bar);
        rc = field_adjoint(d, &jet, f, fb, &bar);
        if (rc == NCH_OK && reg) {
            double rb[NCH_ZMAX];
            nch_gram_adjoint(g, rt, cfg->reg_weight * coef, rb);
            rc = nch_loss_reg_adjoint(d, &jet, zdot, r, rb, &bar);
        }
        if (rc != NCH_OK) return rc;
        nch_loss_put_bar(x, 0, p, &bar);
    }
    return NCH_OK;
}

int nch_loss_vf_values(const nch_model *m, int reg, size_t B, const double *samples,
                       const nch_gram *g, double acc[4])
{
    const int d = m->d, n = 2 * d;
    for (size_t p = 0; p < B; p++) {
        const double *z = samples + p * 2 * (size_t)n;
        double f[NCH_ZMAX], e[NCH_ZMAX], r[NCH_ZMAX], ut[NCH_ZMAX], rt[NCH_ZMAX];
        nch_jet jet;
        int rc = nch_model_field(m, 1, z, f);
        if (rc == NCH_OK && reg) rc = m->jets(m, 1, z, 2, &jet);
        if (rc == NCH_OK && reg) rc = nch_loss_reg_forward(d, &jet, z + n, r);
        if (rc != NCH_OK) return rc;
        for (int c = 0; c < n; c++) e[c] = f[c] - z[n + c];
        vf_accumulate(reg, g, z + n, e, r, ut, rt, acc);
    }
    return NCH_OK;
}
