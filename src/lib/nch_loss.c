#include "nch_loss.h"

#include "nch_err.h"
#include "nch_reg.h"
#include "nch_scheme.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* GramMSNorm constants (spec §5.1). */
static const double REL_EPS = 1e-8, GRAM_EPS = 1e-8;

static const char *const loss_names[] = {"vf", "vf_reg", "dvi"};
#define NLOSS (sizeof loss_names / sizeof loss_names[0])

const char *nch_loss_kind_name(nch_loss_kind k)
{
    return (size_t)k < NLOSS ? loss_names[k] : "?";
}

int nch_loss_kind_parse(const char *s, nch_loss_kind *k)
{
    int i = nch_lookup(loss_names, NLOSS, s);
    if (i < 0) return NCH_EINVAL;
    *k = (nch_loss_kind)i;
    return NCH_OK;
}

static const char *const term_names[NLOSS][NCH_LOSS_NTERMS_MAX] = {
    {"tot", "abs", "rel"},
    {"tot", "abs_dz", "rel_dz", "abs_reg", "rel_reg"},
    {"tot", "abs", "rel", "reg"},
};
static const size_t nterms[NLOSS] = {3, 5, 4};

size_t nch_loss_nterms(nch_loss_kind k) { return (size_t)k < NLOSS ? nterms[k] : 0; }

const char *nch_loss_term_name(nch_loss_kind k, size_t i)
{
    return i < nch_loss_nterms(k) ? term_names[k][i] : NULL;
}

size_t nch_loss_sample_width(nch_loss_kind k, int d)
{
    return (k == NCH_LOSS_DVI ? 6 : 4) * (size_t)d;
}

int nch_loss_grad_skips_reg(const nch_loss_config *cfg)
{
    return cfg->kind == NCH_LOSS_VF_REG && cfg->reg_weight == 0;
}

int nch_loss_supports(nch_loss_kind k, nch_learnt_kind mk)
{
    if ((size_t)k >= NLOSS || mk < NCH_LEARNT_MLP || mk > NCH_LEARNT_NONCANONICAL) return 0;
    return k == NCH_LOSS_VF || mk != NCH_LEARNT_MLP;
}

/* ---------------------------------------------------------------- work */

/* Point sets: VF and VF_REG evaluate the nets at z, DVI at z1 and at z2. */
struct nch_loss_work {
    nch_loss_kind kind;
    nch_learnt_kind mkind;
    int d;
    size_t n_params, B_max;
    size_t nsets;
    int order_max[2];           /* jet order each set was sized for */
    int order[2];               /* jet order of each set in the current call */
    double *z[2];               /* each set's points, B_max × 2d */
    nch_mlp_work *mw[2][2];     /* [set][net] */
    double *out[2][2], *bar[2][2]; /* the nets' jets and their adjoints */
};

void nch_loss_work_free(nch_loss_work *w)
{
    if (!w) return;
    for (size_t s = 0; s < 2; s++) {
        free(w->z[s]);
        for (size_t k = 0; k < 2; k++) {
            nch_mlp_work_free(w->mw[s][k]);
            free(w->out[s][k]);
            free(w->bar[s][k]);
        }
    }
    free(w);
}

nch_loss_work *nch_loss_work_alloc(const nch_learnt *m, nch_loss_kind k, size_t B_max)
{
    if (!nch_loss_supports(k, m->kind) || B_max == 0) return NULL;
    nch_loss_work *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    *w = (nch_loss_work){.kind = k, .mkind = m->kind, .d = m->d, .n_params = m->n_params,
                         .B_max = B_max};
    const int lagrangian = m->kind != NCH_LEARNT_MLP;
    if (k == NCH_LOSS_DVI) {
        w->nsets = 2;
        w->order_max[0] = 1;
        w->order_max[1] = 2;
    } else {
        w->nsets = 1;
        w->order_max[0] = k == NCH_LOSS_VF_REG ? 2 : lagrangian;
    }
    const size_t n = 2 * (size_t)m->d;
    int ok = 1;
    for (size_t s = 0; s < w->nsets && ok; s++) {
        const size_t K = nch_mlp_ncomp(n, w->order_max[s]);
        w->z[s] = nch_alloc(B_max, n, sizeof *w->z[s]);
        ok = w->z[s] != NULL;
        for (size_t j = 0; j < m->n_nets && ok; j++) {
            /* B_max × K × n_out values; the work allocation bounds B_max K. */
            w->mw[s][j] = nch_mlp_work_alloc(&m->net[j], B_max, w->order_max[s]);
            w->out[s][j] = w->mw[s][j] ? nch_alloc(B_max * K, m->net[j].n_out, sizeof *w->out[s][j]) : NULL;
            w->bar[s][j] = w->mw[s][j] ? nch_alloc(B_max * K, m->net[j].n_out, sizeof *w->bar[s][j]) : NULL;
            ok = w->mw[s][j] && w->out[s][j] && w->bar[s][j];
        }
    }
    if (!ok) {
        nch_loss_work_free(w);
        return NULL;
    }
    return w;
}

/* ---------------------------------------------------------------- GramMSNorm */

/* The scaler of a sample: ż (VF), z2 − z1 (DVI). */
static void scaler(nch_loss_kind k, int d, const double *sample, double *s)
{
    const int n = 2 * d;
    for (int c = 0; c < n; c++)
        s[c] = k == NCH_LOSS_DVI ? sample[2 * n + c] - sample[n + c] : sample[n + c];
}

double nch_loss_gram_limit(int d, size_t B)
{
    /* M̂ = fl((1/B) Σ s_i s_iᵀ) by recursive summation: each entry is off by
     * at most γ_{B+1} (1/B) Σ |s_ia s_ib| ≤ γ_{B+1} √(M_aa M_bb) ≤ γ_{B+1} λ_max
     * (Cauchy–Schwarz; a diagonal entry is at most λ_max), γ_k ≈ k u, so
     * ‖M̂ − M‖₂ ≤ n (B + 1) u λ_max; dgesvd adds a backward error of about
     * n u ‖M̂‖₂.  By Weyl's inequality the computed λ_min is then within
     * n (B + 2) u λ_max of the exact one: at or below that it cannot be told
     * from a singular M, and the whitening 1/(√S + 1e-8) would set the
     * weight of that direction from rounding and the 1e-8, not from data. */
    const double n = 2.0 * d, u = DBL_EPSILON / 2;
    return n * ((double)B + 2) * u;
}

/* M = (1/B) Σ s_i s_iᵀ = U diag(S) Vᵀ (S descending), s_i the scalers of the
 * B samples; NCH_ENONFIN if M is not finite, NCH_EDEGEN if it is
 * numerically singular (S[n−1] ≤ limit · S[0]). */
static int gram_svd(nch_loss_kind k, int d, size_t B, const double *samples, double *S, double *U,
                    double *VT)
{
    const int n = 2 * d;
    const size_t width = nch_loss_sample_width(k, d);
    double M[NCH_ZMAX * NCH_ZMAX] = {0}, superb[NCH_ZMAX], s[NCH_ZMAX];
    for (size_t i = 0; i < B; i++) {
        scaler(k, d, samples + i * width, s);
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) M[a * n + b] += s[a] * s[b];
    }
    for (int a = 0; a < n * n; a++) {
        M[a] /= (double)B;
        if (!isfinite(M[a])) return NCH_ENONFIN;
    }
    lapack_int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'A', 'A', n, n, M, n, S, U, n, VT, n,
                                     superb);
    if (info != 0) return NCH_ENOCONV;
    return S[n - 1] > nch_loss_gram_limit(d, B) * S[0] ? NCH_OK : NCH_EDEGEN;
}

int nch_loss_gram_ratio(nch_loss_kind k, int d, size_t B, const double *samples, double *ratio)
{
    if ((size_t)k >= NLOSS || d < 1 || d > NCH_DMAX || B == 0) return NCH_EINVAL;
    double S[NCH_ZMAX], U[NCH_ZMAX * NCH_ZMAX], VT[NCH_ZMAX * NCH_ZMAX];
    for (int i = 0; i < NCH_ZMAX; i++) S[i] = NAN;
    int rc = gram_svd(k, d, B, samples, S, U, VT);
    *ratio = S[0] > 0 ? S[2 * d - 1] / S[0] : S[0] == 0 ? 0 : NAN; /* NaN: M not finite */
    return rc;
}

void nch_loss_gram_error(nch_loss_kind k, int d, const char *path, size_t batch, size_t B,
                         const char *where, double ratio)
{
    nch_error("%s: batch %zu (%zu samples%s): degenerate data: the Gram matrix of the %s is "
              "singular (smallest/largest eigenvalue %.3g, limit %.3g)", path, batch, B, where,
              k == NCH_LOSS_DVI ? "steps z2 - z1" : "targets", ratio, nch_loss_gram_limit(d, B));
}

int nch_loss_check_set(nch_loss_kind k, const nch_dataset *ds)
{
    double ratio;
    if (nch_loss_gram_ratio(k, ds->d, ds->n, ds->samples, &ratio) != NCH_EDEGEN) return NCH_OK;
    nch_loss_gram_error(k, ds->d, ds->path, 1, ds->n, ", the whole file", ratio);
    return NCH_EDEGEN;
}

/* W = U diag(1/(√S + 1e-8)) Vᵀ from gram_svd; W is n×n row-major. */
static int gram_whitener(nch_loss_kind k, int d, size_t B, const double *samples, double *W)
{
    const int n = 2 * d;
    double S[NCH_ZMAX], U[NCH_ZMAX * NCH_ZMAX], VT[NCH_ZMAX * NCH_ZMAX];
    int rc = gram_svd(k, d, B, samples, S, U, VT);
    if (rc != NCH_OK) return rc;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            double v = 0;
            for (int q = 0; q < n; q++) v += U[a * n + q] * VT[q * n + b] / (sqrt(S[q]) + GRAM_EPS);
            W[a * n + b] = v;
        }
    return NCH_OK;
}

/* ũ = u W (u a row vector); returns n(ũ) = (1/n) Σ ũ_c². */
static double whiten(int n, const double *W, const double *u, double *ut)
{
    double s = 0;
    for (int c = 0; c < n; c++) {
        double v = 0;
        for (int a = 0; a < n; a++) v += u[a] * W[a * n + c];
        ut[c] = v;
        s += v * v;
    }
    return s / n;
}

/* ū = coef · ∂n(uW)/∂u = coef · (2/n) W ũ. */
static void whiten_adjoint(int n, const double *W, const double *ut, double coef, double *ubar)
{
    for (int a = 0; a < n; a++) {
        double v = 0;
        for (int c = 0; c < n; c++) v += W[a * n + c] * ut[c];
        ubar[a] = coef * 2.0 / n * v;
    }
}

/* ---------------------------------------------------------------- heads
 * Adjoints ADD into bar, the jet's adjoint in full storage (each entry of a
 * symmetric Hessian its own variable; nch_learnt_jet_adjoint sums them). */

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

/* Given r = nch_reg_r(jet, ż) and r̄.  Forward (nch_reg.h): form = [Q ż; P ż],
 * r_x = D_yθ⁻ᵀ form_y, t = form_x − (D_xθ + D_xθᵀ) r_x, r_y = D_yθ⁻¹ t. */
static int reg_adjoint(int d, const nch_jet *jet, const double *zdot, const double *r,
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

/* cond₂(J) of the n×n row-major J and, for the gradient, its largest and
 * smallest singular triplets (u, v unit, J v = σ u).  LAPACKE dgesvd on a
 * column-major copy (no allocation inside LAPACKE). */
typedef struct {
    double s1, sm, u1[NCH_ZMAX], v1[NCH_ZMAX], um[NCH_ZMAX], vm[NCH_ZMAX];
} svd_ends;

static int cond_svd(int n, const double *J, svd_ends *e)
{
    enum { LWORK = 64 }; /* ≥ max(3 min(m,n) + max(m,n), 5 min(m,n)) for n ≤ 4 */
    double a[NCH_ZMAX * NCH_ZMAX], s[NCH_ZMAX], u[NCH_ZMAX * NCH_ZMAX], vt[NCH_ZMAX * NCH_ZMAX],
        work[LWORK];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) a[i + j * n] = J[i * n + j];
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

/* The DVI head of one triplet, forward: c = D_2L_d(x0, x1, y1), R and J at
 * z2 (nch_scheme.h), δ = J⁻¹R and the singular triplets of J. */
typedef struct {
    double c[NCH_DMAX], R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX], delta[NCH_ZMAX];
    svd_ends svd;
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
    return cond_svd(n, f->J, &f->svd);
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
    const double ln10 = log(10.0);
    const double a1 = wc / (f->svd.s1 * ln10), am = wc / (f->svd.sm * ln10);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            Jb[a * n + b] = -Rb[a] * f->delta[b] + a1 * f->svd.u1[a] * f->svd.v1[b] -
                            am * f->svd.um[a] * f->svd.vm[b];
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

/* ---------------------------------------------------------------- evaluation */

/* The model and the work of one evaluation. */
typedef struct {
    const nch_learnt *m;
    nch_loss_work *w;
} ctx;

static size_t comps(const nch_loss_work *w, size_t s)
{
    return nch_mlp_ncomp(2 * (size_t)w->d, w->order[s]);
}

/* The jet of point p of set s (kinds canonical and noncanonical). */
static void get_jet(const ctx *x, size_t s, size_t p, nch_jet *jet)
{
    const nch_learnt *m = x->m;
    const size_t K = comps(x->w, s), hn = m->n_nets - 1;
    nch_learnt_jet_get(m, x->w->order[s], x->w->z[s] + p * 2 * (size_t)m->d,
                       hn ? x->w->out[s][0] + p * K * (size_t)m->d : NULL,
                       x->w->out[s][hn] + p * K, jet);
}

/* Writes the adjoint of point p's jet of set s into the nets' out_bar. */
static void put_bar(const ctx *x, size_t s, size_t p, const nch_jet *bar)
{
    const nch_learnt *m = x->m;
    const size_t K = comps(x->w, s), hn = m->n_nets - 1;
    nch_learnt_jet_adjoint(m, x->w->order[s], bar,
                           hn ? x->w->bar[s][0] + p * K * (size_t)m->d : NULL,
                           x->w->bar[s][hn] + p * K);
}

/* The per-sample sums of one batch, acc[0..3]: Σ n(ũ), Σ n(ũ)/(ε + n(s̃)) of
 * the data error (ẽ or δ̃), then for VF_REG the same for r, for DVI
 * acc[2] = Σ log10 cond₂ J. */

/* One VF/VF_REG sample: e = ±(f − ż) and, for VF_REG, r given; their whitened
 * forms into et, rt; returns n(s̃), s̃ = ż W. */
static double vf_accumulate(int reg, int n, const double *W, const double *zdot, const double *e,
                            const double *r, double *et, double *rt, double acc[4])
{
    double st[NCH_ZMAX];
    const double ns = whiten(n, W, zdot, st), ne = whiten(n, W, e, et);
    acc[0] += ne;
    acc[1] += ne / (REL_EPS + ns);
    if (reg) {
        const double nr = whiten(n, W, r, rt);
        acc[2] += nr;
        acc[3] += nr / (REL_EPS + ns);
    }
    return ns;
}

/* One DVI sample from its forward pass; δ̃ into dt; returns n(s̃). */
static double dvi_accumulate(int d, const double *W, const double *sample, const dvi_fwd *f,
                             double *dt, double acc[4])
{
    const int n = 2 * d;
    double s[NCH_ZMAX], st[NCH_ZMAX];
    scaler(NCH_LOSS_DVI, d, sample, s);
    const double ns = whiten(n, W, s, st), nd = whiten(n, W, f->delta, dt);
    acc[0] += nd;
    acc[1] += nd / (REL_EPS + ns);
    acc[2] += log10(f->svd.s1 / f->svd.sm);
    return ns;
}

/* terms from the sums of B samples; NCH_ENONFIN if one is not finite.  For
 * VF_REG without tracked r (track_reg 0) its terms are NaN, "not computed". */
static int finish_terms(const nch_loss_config *cfg, size_t B, const double acc[4], int track_reg,
                        double *terms)
{
    double mean[4];
    for (int t = 0; t < 4; t++) mean[t] = acc[t] / (double)B;
    const double data = cfg->abs_w * mean[0] + cfg->rel_w * mean[1];
    size_t checked = nterms[cfg->kind];
    terms[1] = mean[0];
    terms[2] = mean[1];
    switch (cfg->kind) {
    case NCH_LOSS_VF:
        terms[0] = data;
        break;
    case NCH_LOSS_VF_REG:
        if (!track_reg) {
            terms[0] = data;
            terms[3] = terms[4] = NAN;
            checked = 3;
            break;
        }
        terms[0] = data + cfg->reg_weight * (cfg->abs_w * mean[2] + cfg->rel_w * mean[3]);
        terms[3] = mean[2];
        terms[4] = mean[3];
        break;
    case NCH_LOSS_DVI:
        terms[0] = data + cfg->reg_weight * mean[2];
        terms[3] = mean[2];
        break;
    }
    for (size_t t = 0; t < checked; t++)
        if (!isfinite(terms[t])) return NCH_ENONFIN;
    return NCH_OK;
}

/* 1 if this call computes r: VF_REG with second-order jets. */
static int vf_tracks_reg(nch_loss_kind k, const nch_loss_work *w)
{
    return k == NCH_LOSS_VF_REG && w->order[0] == 2;
}

/* VF and VF_REG on the nets' jets in w, with the adjoints when asked. */
static int vf_batch(const nch_loss_config *cfg, const ctx *x, size_t B, const double *samples,
                    const double *W, int want_grad, double acc[4])
{
    const nch_learnt *m = x->m;
    const int d = m->d, n = 2 * d, reg = vf_tracks_reg(cfg->kind, x->w);
    const size_t width = nch_loss_sample_width(cfg->kind, d);
    /* VF_REG's error is ż − f, VF's f − ż: the norm is the same, f̄ flips. */
    const double sign = cfg->kind == NCH_LOSS_VF_REG ? -1.0 : 1.0;
    for (size_t p = 0; p < B; p++) {
        const double *zdot = samples + p * width + n;
        double f[NCH_ZMAX], e[NCH_ZMAX], et[NCH_ZMAX], r[NCH_ZMAX], rt[NCH_ZMAX];
        nch_jet jet;
        int rc = NCH_OK;
        if (m->kind == NCH_LEARNT_MLP) {
            memcpy(f, x->w->out[0][0] + p * (size_t)n, (size_t)n * sizeof *f);
        } else {
            get_jet(x, 0, p, &jet);
            rc = nch_field_from_jet(d, &jet, f);
            if (rc == NCH_OK && reg) rc = nch_reg_r(d, &jet, zdot, r);
            if (rc != NCH_OK) return rc;
        }
        for (int c = 0; c < n; c++) e[c] = sign * (f[c] - zdot[c]);
        const double ns = vf_accumulate(reg, n, W, zdot, e, r, et, rt, acc);
        if (!want_grad) continue;
        /* ∂N/∂n(ũ_i) for either term; the regulariser's scaled by its weight. */
        const double coef = (cfg->abs_w + cfg->rel_w / (REL_EPS + ns)) / (double)B;
        double eb[NCH_ZMAX], fb[NCH_ZMAX];
        whiten_adjoint(n, W, et, coef, eb);
        for (int c = 0; c < n; c++) fb[c] = sign * eb[c];
        if (m->kind == NCH_LEARNT_MLP) {
            memcpy(x->w->bar[0][0] + p * (size_t)n, fb, (size_t)n * sizeof *fb);
            continue;
        }
        nch_jet bar;
        memset(&bar, 0, sizeof bar);
        rc = field_adjoint(d, &jet, f, fb, &bar);
        if (rc == NCH_OK && reg) {
            double rb[NCH_ZMAX];
            whiten_adjoint(n, W, rt, cfg->reg_weight * coef, rb);
            rc = reg_adjoint(d, &jet, zdot, r, rb, &bar);
        }
        if (rc != NCH_OK) return rc;
        put_bar(x, 0, p, &bar);
    }
    return NCH_OK;
}

/* DVI on the nets' jets in w, with the adjoints when asked. */
static int dvi_batch(const nch_loss_config *cfg, const ctx *x, size_t B, const double *samples,
                     const double *W, int want_grad, double acc[4])
{
    const int d = x->m->d, n = 2 * d;
    const double h = cfg->h, wc = cfg->reg_weight / (double)B;
    for (size_t p = 0; p < B; p++) {
        const double *z0 = samples + p * 6 * (size_t)d, *z1 = z0 + n, *z2 = z1 + n;
        double dt[NCH_ZMAX];
        nch_jet j1, j2;
        dvi_fwd f;
        get_jet(x, 0, p, &j1);
        get_jet(x, 1, p, &j2);
        int rc = dvi_forward(d, h, z0, z1, z2, &j1, &j2, &f);
        if (rc != NCH_OK) return rc;
        const double ns = dvi_accumulate(d, W, z0, &f, dt, acc);
        if (!want_grad) continue;
        const double coef = (cfg->abs_w + cfg->rel_w / (REL_EPS + ns)) / (double)B;
        double db[NCH_ZMAX];
        whiten_adjoint(n, W, dt, coef, db);
        nch_jet b1, b2;
        memset(&b1, 0, sizeof b1);
        memset(&b2, 0, sizeof b2);
        if ((rc = dvi_adjoint(d, h, z0, z1, z2, &f, db, wc, &b1, &b2)) != NCH_OK) return rc;
        put_bar(x, 0, p, &b1);
        put_bar(x, 1, p, &b2);
    }
    return NCH_OK;
}

static int bad_config(const nch_loss_config *cfg)
{
    return (size_t)cfg->kind >= NLOSS ||
           (cfg->kind == NCH_LOSS_DVI && (!isfinite(cfg->h) || cfg->h == 0));
}

int nch_loss_eval(const nch_loss_config *cfg, const nch_learnt *m, const double *params,
                  size_t B, const double *samples, double *terms, double *grad,
                  nch_loss_work *w)
{
    const nch_loss_kind k = cfg->kind;
    if (bad_config(cfg) || !nch_loss_supports(k, m->kind) || !w || w->kind != k ||
        w->mkind != m->kind || w->d != m->d || w->n_params != m->n_params || B == 0 ||
        B > w->B_max)
        return NCH_EINVAL;
    const int d = m->d, n = 2 * d;
    const size_t width = nch_loss_sample_width(k, d);
    for (size_t t = 0; t < nterms[k]; t++) terms[t] = NAN;

    /* A zero weight gives r no say in the gradient, so a gradient call skips
     * r and with it the second-order jets, which cost half of the call. */
    for (size_t s = 0; s < w->nsets; s++) w->order[s] = w->order_max[s];
    if (grad && nch_loss_grad_skips_reg(cfg)) w->order[0] = 1;

    /* Each set's points, contiguous for the nets: VF z; DVI z1, z2. */
    for (size_t s = 0; s < w->nsets; s++) {
        const size_t col = k == NCH_LOSS_DVI ? (1 + s) * (size_t)n : 0;
        for (size_t p = 0; p < B; p++)
            memcpy(w->z[s] + p * (size_t)n, samples + p * width + col, (size_t)n * sizeof *samples);
        for (size_t j = 0; j < m->n_nets; j++) {
            int rc = nch_mlp_forward(&m->net[j], params + m->off[j], B, w->z[s], w->order[s],
                                     w->mw[s][j], w->out[s][j]);
            if (rc != NCH_OK) return rc;
        }
    }

    double W[NCH_ZMAX * NCH_ZMAX], acc[4] = {0};
    int rc = gram_whitener(k, d, B, samples, W);
    if (rc != NCH_OK) return rc;
    const ctx x = {m, w};
    rc = k == NCH_LOSS_DVI ? dvi_batch(cfg, &x, B, samples, W, grad != NULL, acc)
                           : vf_batch(cfg, &x, B, samples, W, grad != NULL, acc);
    if (rc == NCH_OK) rc = finish_terms(cfg, B, acc, vf_tracks_reg(k, w), terms);
    if (rc != NCH_OK || !grad) return rc;

    memset(grad, 0, m->n_params * sizeof *grad);
    for (size_t s = 0; s < w->nsets; s++)
        for (size_t j = 0; j < m->n_nets; j++) {
            rc = nch_mlp_backward(&m->net[j], params + m->off[j], w->mw[s][j], w->bar[s][j],
                                  grad + m->off[j]);
            if (rc != NCH_OK) return rc;
        }
    for (size_t i = 0; i < m->n_params; i++)
        if (!isfinite(grad[i])) return NCH_ENONFIN;
    return NCH_OK;
}

int nch_loss_values(const nch_loss_config *cfg, const nch_model *m, size_t B,
                    const double *samples, double *terms)
{
    const nch_loss_kind k = cfg->kind;
    if (bad_config(cfg) || m->d < 1 || m->d > NCH_DMAX || B == 0 ||
        (k != NCH_LOSS_VF && !m->jets))
        return NCH_EINVAL;
    const int d = m->d, n = 2 * d, reg = k == NCH_LOSS_VF_REG;
    const size_t width = nch_loss_sample_width(k, d);
    for (size_t t = 0; t < nterms[k]; t++) terms[t] = NAN;
    double W[NCH_ZMAX * NCH_ZMAX], acc[4] = {0};
    int rc = gram_whitener(k, d, B, samples, W);
    for (size_t p = 0; p < B && rc == NCH_OK; p++) {
        const double *z = samples + p * width;
        double ut[NCH_ZMAX], rt[NCH_ZMAX];
        nch_jet j1, j2;
        if (k == NCH_LOSS_DVI) {
            dvi_fwd f;
            rc = m->jets(m, 1, z + n, 1, &j1);
            if (rc == NCH_OK) rc = m->jets(m, 1, z + 2 * n, 2, &j2);
            if (rc == NCH_OK) rc = dvi_forward(d, cfg->h, z, z + n, z + 2 * n, &j1, &j2, &f);
            if (rc == NCH_OK) dvi_accumulate(d, W, z, &f, ut, acc);
            continue;
        }
        double f[NCH_ZMAX], e[NCH_ZMAX], r[NCH_ZMAX];
        rc = nch_model_field(m, 1, z, f);
        if (rc == NCH_OK && reg) rc = m->jets(m, 1, z, 2, &j1);
        if (rc == NCH_OK && reg) rc = nch_reg_r(d, &j1, z + n, r);
        if (rc != NCH_OK) break;
        for (int c = 0; c < n; c++) e[c] = f[c] - z[n + c];
        vf_accumulate(reg, n, W, z + n, e, r, ut, rt, acc);
    }
    return rc == NCH_OK ? finish_terms(cfg, B, acc, 1, terms) : rc;
}
