/* nch_loss: parameter gradients of every loss × model kind against central
 * differences (random directions and single coordinates of every block of
 * every net), d = 1 and 2, with and without normaliser; the loss values
 * against an independent recomputation from the model interface (jets,
 * nch_model_field, nch_reg_r, nch_dvi_residual) with GSL's eigen-solver,
 * LU and SVD; nch_loss_values on learnt and analytic (LV) models; the Gram
 * whitening; the zero-weight regulariser; rejections; degenerate batches. */
#include "nch_test.h"
#include "nch_testlearnt.h"

#include "nch_err.h"
#include "nch_gc.h"
#include "nch_learnt.h"
#include "nch_loss.h"
#include "nch_lv.h"
#include "nch_model.h"
#include "nch_reg.h"
#include "nch_scheme.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

enum { B = 11 };             /* samples per test batch */
/* Relative round-off bound of a loss term (a mean of positive terms): each
 * sample's term is a whitened squared norm of an error computed from jets
 * (≤ 4(n + Σ widths + 40)u ≈ 230u each, net_err) through the field solve or
 * the DVI solve, whose conditions the samples keep ≤ 100 (|det D_yθ| above
 * half its median, cond₂ J < 100; |ż| ≳ 0.3 so the error does not cancel),
 * and squared: ≤ 2 × 230 × 100u < 2^16 u ≈ 7e-12 (the Gram whitening, a 2×2
 * or 4×4 SVD of condition ≤ 100, is within this too). */
#define LOSS_ERR (0x1p16 * NCH_U)
/* DVI step of the tests: large enough that J's 1/h blocks do not dominate its
 * second-derivative blocks, so that cond₂ J stays away from 1, where log cond
 * is not smooth (σ₁ = σ_m). */
static const double H = 0.5;
/* A smooth data field v(z): v_c = sin(a_c·z + b_c) + o_c, fixed coefficients. */
static void data_field(int d, const double *z, double *v)
{
    const int n = 2 * d;
    for (int c = 0; c < n; c++) {
        double s = 0.37 + 0.21 * c;
        for (int a = 0; a < n; a++) s += (0.9 + 0.31 * c - 0.57 * a + 0.13 * a * c) * z[a];
        v[c] = sin(s) + 0.25 - 0.4 * (c % 3);
    }
}

/* |det D_yθ| at z through the interface (1 for canonical and mlp). */
static double det_dytheta(const nch_learnt *m, const double *z)
{
    if (m->kind == NCH_LEARNT_MLP) return 1;
    nch_jet j;
    assert_int_equal(m->model.jets(&m->model, 1, z, 1, &j), NCH_OK);
    const int d = m->d;
    return fabs(d == 1 ? j.dtheta[0][1]
                       : j.dtheta[0][2] * j.dtheta[1][3] - j.dtheta[0][3] * j.dtheta[1][2]);
}

/* cond₂ of the DVI Jacobian of a triplet (GSL SVD), ∞ if singular. */
static double dvi_cond(const nch_learnt *m, const double *z0, const double *z1, const double *z2,
                       double *R, double *J);

/* cond₂ of an n×n matrix (GSL SVD, A is overwritten), ∞ if singular. */
static double gsl_cond(int n, double *A)
{
    double V[NCH_ZMAX * NCH_ZMAX], S[NCH_ZMAX], work[NCH_ZMAX];
    gsl_matrix_view a = gsl_matrix_view_array(A, (size_t)n, (size_t)n);
    gsl_matrix_view v = gsl_matrix_view_array(V, (size_t)n, (size_t)n);
    gsl_vector_view sv = gsl_vector_view_array(S, (size_t)n);
    gsl_vector_view w = gsl_vector_view_array(work, (size_t)n);
    assert_int_equal(gsl_linalg_SV_decomp(&a.matrix, &v.matrix, &sv.vector, &w.vector), 0);
    return S[n - 1] > 0 ? S[0] / S[n - 1] : INFINITY;
}

/* cond₂ of D_yθ at z through the interface. */
static double dy_cond(const nch_learnt *m, const double *z)
{
    nch_jet j;
    double A[NCH_DMAX * NCH_DMAX];
    assert_int_equal(m->model.jets(&m->model, 1, z, 1, &j), NCH_OK);
    for (int a = 0; a < m->d; a++)
        for (int b = 0; b < m->d; b++) A[a * m->d + b] = j.dtheta[a][m->d + b];
    return gsl_cond(m->d, A);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* High-entropy samples: VF (z, ż) with z in a box and ż = v(z) + noise;
 * DVI and IMEX (z0, z1, z2) with steps H v + noise.  Samples where D_yθ is
 * nearly singular, the scaler nearly 0, or the conditioned matrix's cond₂
 * outside (1, 100) — J for DVI, D_yθ(z1) ≠ I for IMEX at d = 2: near 1 log cond
 * is not smooth, far above it the matrix is nearly singular — are redrawn:
 * they are legitimate but make central differences inaccurate. */

static void make_samples(const nch_learnt *m, nch_loss_kind k, gsl_rng *r, double *samples)
{
    const int d = m->d, n = 2 * d;
    const size_t width = nch_loss_sample_width(k, d);
    /* "Nearly singular": |det D_yθ| below half its median over the box. */
    double dets[64], z[NCH_ZMAX];
    for (int i = 0; i < 64; i++) {
        for (int c = 0; c < n; c++) z[c] = unif(r, -1.2, 1.9);
        dets[i] = det_dytheta(m, z);
    }
    qsort(dets, 64, sizeof *dets, cmp_double);
    const double dmin = 0.5 * dets[32];
    for (size_t p = 0; p < B; p++) {
        double *s = samples + p * width;
        for (int tries = 0;; tries++) {
            assert_true(tries < 1000);
            for (int c = 0; c < n; c++) s[c] = unif(r, -1.2, 1.9);
            double v[NCH_ZMAX];
            data_field(d, s, v);
            /* Scalers (ż, z2 − z1) near 0 make the relative term huge: redrawn too. */
            double smax = 0;
            if (k == NCH_LOSS_VF || k == NCH_LOSS_VF_REG) {
                for (int c = 0; c < n; c++) {
                    s[n + c] = v[c] + unif(r, -0.3, 0.3);
                    smax = fmax(smax, fabs(s[n + c]));
                }
                if (smax > 0.3 && det_dytheta(m, s) > dmin) break;
                continue;
            }
            for (int c = 0; c < n; c++) s[n + c] = s[c] + H * v[c] + unif(r, -0.02, 0.02);
            data_field(d, s + n, v);
            for (int c = 0; c < n; c++) {
                s[2 * n + c] = s[n + c] + H * v[c] + unif(r, -0.02, 0.02);
                smax = fmax(smax, fabs(s[2 * n + c] - s[n + c]));
            }
            if (k == NCH_LOSS_IMEX) {
                smax = 0;
                for (int c = 0; c < d; c++)
                    smax = fmax(smax, fmax(fabs(s[n + c] - s[c]),
                                           fabs(s[2 * n + d + c] - s[n + d + c])));
                const double lc = log10(dy_cond(m, s + n));
                if (smax > 0.3 * H && det_dytheta(m, s + n) > dmin &&
                    (d == 1 || m->kind == NCH_LEARNT_CANONICAL || (lc > 0.1 && lc < 2)))
                    break;
                continue;
            }
            double R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX];
            if (smax > 0.3 * H && det_dytheta(m, s + n) > dmin &&
                det_dytheta(m, s + 2 * n) > dmin &&
                fabs(log10(dvi_cond(m, s, s + n, s + 2 * n, R, J)) - 1.0) < 1.0)
                break;
        }
    }
}

/* ---------------------------------------------------------------- reference
 * The loss values recomputed from the model interface with plain formulas. */

static double dvi_cond(const nch_learnt *m, const double *z0, const double *z1, const double *z2,
                       double *R, double *J)
{
    const int d = m->d, n = 2 * d;
    nch_jet j1, j2;
    double c[NCH_DMAX], A[NCH_ZMAX * NCH_ZMAX], V[NCH_ZMAX * NCH_ZMAX], S[NCH_ZMAX],
        work[NCH_ZMAX];
    assert_int_equal(m->model.jets(&m->model, 1, z1, 1, &j1), NCH_OK);
    assert_int_equal(m->model.jets(&m->model, 1, z2, 2, &j2), NCH_OK);
    nch_dvi_d2ld(d, H, z0, z1, &j1, c);
    nch_dvi_residual(d, H, c, z1, z2, &j2, R, J);
    memcpy(A, J, (size_t)(n * n) * sizeof *A);
    gsl_matrix_view a = gsl_matrix_view_array(A, (size_t)n, (size_t)n);
    gsl_matrix_view v = gsl_matrix_view_array(V, (size_t)n, (size_t)n);
    gsl_vector_view s = gsl_vector_view_array(S, (size_t)n);
    gsl_vector_view w = gsl_vector_view_array(work, (size_t)n);
    assert_int_equal(gsl_linalg_SV_decomp(&a.matrix, &v.matrix, &s.vector, &w.vector), 0);
    return S[n - 1] > 0 ? S[0] / S[n - 1] : INFINITY;
}

/* W = Q diag(1/(√λ + eps)) Qᵀ from the eigen-decomposition of the
 * symmetric M = (1/nb) Σ s_i s_iᵀ of nb scalers at s + i·ld (equal to
 * U diag(1/(√S + eps)) Vᵀ); the eigenvalues λ go to lambda unless NULL. */
static void whitener_eps(int n, size_t nb, const double *s, size_t ld, double eps, double *W,
                         double *lambda)
{
    double M[NCH_ZMAX * NCH_ZMAX] = {0}, Q[NCH_ZMAX * NCH_ZMAX], L[NCH_ZMAX];
    for (size_t p = 0; p < nb; p++)
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                M[a * n + b] += s[p * ld + a] * s[p * ld + b] / (double)nb;
    gsl_matrix_view mv = gsl_matrix_view_array(M, (size_t)n, (size_t)n);
    gsl_matrix_view qv = gsl_matrix_view_array(Q, (size_t)n, (size_t)n);
    gsl_vector_view lv = gsl_vector_view_array(L, (size_t)n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc((size_t)n);
    assert_non_null(ws);
    assert_int_equal(gsl_eigen_symmv(&mv.matrix, &lv.vector, &qv.matrix, ws), 0);
    gsl_eigen_symmv_free(ws);
    if (lambda) memcpy(lambda, L, (size_t)n * sizeof *L);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            double v = 0;
            for (int k = 0; k < n; k++) v += Q[a * n + k] * Q[b * n + k] / (sqrt(L[k]) + eps);
            W[a * n + b] = v;
        }
}

static void reference_whitener(int n, size_t nb, const double *s, size_t ld, double *W, double *lambda)
{
    whitener_eps(n, nb, s, ld, 1e-8, W, lambda);
}

/* n(u W) for a row vector u. */
static double wnorm(int n, const double *W, const double *u)
{
    double s = 0;
    for (int c = 0; c < n; c++) {
        double v = 0;
        for (int a = 0; a < n; a++) v += u[a] * W[a * n + c];
        s += v * v;
    }
    return s / n;
}

/* The terms of cfg's loss at m->params, recomputed. */
static void reference_terms(const nch_loss_config *cfg, const nch_learnt *m,
                            const double *samples, double *terms)
{
    const int d = m->d, n = 2 * d;
    const size_t width = nch_loss_sample_width(cfg->kind, d);
    const int dvi = cfg->kind == NCH_LOSS_DVI, imex = cfg->kind == NCH_LOSS_IMEX;
    double scal[B * NCH_ZMAX], W[NCH_ZMAX * NCH_ZMAX];
    for (size_t p = 0; p < B; p++)
        for (int c = 0; c < n; c++) {
            const double *z = samples + p * width;
            /* IMEX: (x1 − x0, y2 − y1) */
            scal[p * n + c] = dvi    ? z[2 * n + c] - z[n + c]
                              : imex ? (c < d ? z[n + c] - z[c] : z[2 * n + c] - z[n + c])
                                     : z[n + c];
        }
    if (cfg->norm == NCH_NORM_SCALED)
        for (int a = 0; a < n * n; a++) W[a] = a % (n + 1) == 0;
    else
        whitener_eps(n, B, scal, (size_t)n, cfg->gram_eps > 0 ? cfg->gram_eps : 1e-8, W, NULL);
    double acc[4] = {0};
    for (size_t p = 0; p < B; p++) {
        const double *z = samples + p * width, *s = scal + p * n;
        double e[NCH_ZMAX], u[NCH_ZMAX] = {0};
        if (dvi) {
            double R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX];
            const double cond = dvi_cond(m, z, z + n, z + 2 * n, R, J);
            int sgn;
            gsl_permutation *perm = gsl_permutation_alloc((size_t)n);
            gsl_matrix_view jv = gsl_matrix_view_array(J, (size_t)n, (size_t)n);
            gsl_vector_view rv = gsl_vector_view_array(R, (size_t)n);
            gsl_vector_view ev = gsl_vector_view_array(e, (size_t)n);
            assert_int_equal(gsl_linalg_LU_decomp(&jv.matrix, perm, &sgn), 0);
            assert_int_equal(gsl_linalg_LU_solve(&jv.matrix, perm, &rv.vector, &ev.vector), 0);
            gsl_permutation_free(perm);
            acc[2] += log10(cond);
        } else if (imex) {
            /* D_yθᵀ Δx = h ∇_yH, D_yθ Δy = D_xθᵀ(x1 − x0) − D_xθ(x2 − x1) − h ∇_xH by LU. */
            nch_jet j;
            assert_int_equal(m->model.jets(&m->model, 1, z + n, 1, &j), NCH_OK);
            double A[NCH_DMAX * NCH_DMAX], At[NCH_DMAX * NCH_DMAX], bx[NCH_DMAX], by[NCH_DMAX],
                dx[NCH_DMAX], dy[NCH_DMAX];
            for (int a = 0; a < d; a++) {
                bx[a] = H * j.dH[d + a];
                by[a] = -H * j.dH[a];
                for (int i = 0; i < d; i++) {
                    by[a] += j.dtheta[i][a] * (z[n + i] - z[i]) -
                             j.dtheta[a][i] * (z[2 * n + i] - z[n + i]);
                    A[a * d + i] = j.dtheta[a][d + i];
                    At[i * d + a] = j.dtheta[a][d + i];
                }
            }
            int sgn;
            gsl_permutation *perm = gsl_permutation_alloc((size_t)d);
            gsl_matrix_view av = gsl_matrix_view_array(At, (size_t)d, (size_t)d);
            gsl_vector_view b1 = gsl_vector_view_array(bx, (size_t)d),
                            x1 = gsl_vector_view_array(dx, (size_t)d);
            assert_int_equal(gsl_linalg_LU_decomp(&av.matrix, perm, &sgn), 0);
            assert_int_equal(gsl_linalg_LU_solve(&av.matrix, perm, &b1.vector, &x1.vector), 0);
            memcpy(At, A, sizeof A);
            gsl_vector_view b2 = gsl_vector_view_array(by, (size_t)d),
                            x2 = gsl_vector_view_array(dy, (size_t)d);
            assert_int_equal(gsl_linalg_LU_decomp(&av.matrix, perm, &sgn), 0);
            assert_int_equal(gsl_linalg_LU_solve(&av.matrix, perm, &b2.vector, &x2.vector), 0);
            gsl_permutation_free(perm);
            for (int a = 0; a < d; a++) {
                e[a] = s[a] - dx[a];
                e[d + a] = s[d + a] - dy[a];
            }
            acc[2] += log10(gsl_cond(d, A));
        } else {
            double f[NCH_ZMAX];
            assert_int_equal(nch_model_field(&m->model, 1, z, f), NCH_OK);
            for (int c = 0; c < n; c++) e[c] = f[c] - z[n + c];
            if (cfg->kind == NCH_LOSS_VF_REG) {
                nch_jet j;
                assert_int_equal(m->model.jets(&m->model, 1, z, 2, &j), NCH_OK);
                assert_int_equal(nch_reg_r(d, &j, z + n, u), NCH_OK);
            }
        }
        const double ns = wnorm(n, W, s), ne = wnorm(n, W, e), nu = wnorm(n, W, u);
        acc[0] += ne / B;
        acc[1] += ne / (1e-8 + ns) / B;
        if (cfg->kind == NCH_LOSS_VF_REG) {
            acc[2] += nu / B;
            acc[3] += nu / (1e-8 + ns) / B;
        }
    }
    if (dvi || imex) acc[2] /= B;
    terms[1] = acc[0];
    terms[2] = acc[1];
    terms[0] = cfg->abs_w * acc[0] + cfg->rel_w * acc[1];
    if (cfg->kind == NCH_LOSS_VF_REG) {
        terms[3] = acc[2];
        terms[4] = acc[3];
        terms[0] += cfg->reg_weight * (cfg->abs_w * acc[2] + cfg->rel_w * acc[3]);
    } else if (dvi || imex) {
        terms[3] = acc[2];
        terms[0] += cfg->reg_weight * acc[2];
    }
}

/* ---------------------------------------------------------------- gradients */

typedef struct {
    const nch_loss_config *cfg;
    const nch_learnt *m;
    const double *samples;
    nch_loss_work *w;
} loss_ctx;

/* tot at params; *err bounds its round-off: LOSS_ERR of tot, and for the
 * DVI loss of the weight × mean log10 cond₂ J, whose error is absolute. */
static double loss(const void *ctx, const double *params, double *err)
{
    const loss_ctx *x = ctx;
    double terms[NCH_LOSS_NTERMS_MAX];
    assert_int_equal(nch_loss_eval(x->cfg, x->m, params, B, x->samples, terms, NULL, x->w),
                     NCH_OK);
    *err = LOSS_ERR * (fabs(terms[0]) + (x->cfg->kind == NCH_LOSS_DVI ? x->cfg->reg_weight : 0));
    return terms[0];
}

/* |D − an| / tolerance of the central difference along p (nch_fd_directional;
 * > 1: fails). */
static double fd_ratio(const loss_ctx *x, const double *p, const double *g, double an,
                       double *tmp)
{
    double tol;
    const double D = nch_fd_directional(loss, x, x->m->n_params, x->m->params, p, g, tmp, &tol);
    return fabs(D - an) / tol;
}

static double worst_dir, worst_coord;
static int n_checked;

/* ∇tot at m->params against central differences: 4 random unit directions,
 * then 2 coordinates of every block (W_l, b_l, s_l, W_L) of every net, each
 * block's gradient required not to vanish. */
static void check_gradient(const nch_loss_config *cfg, const nch_learnt *m, const double *samples,
                           gsl_rng *r)
{
    const size_t np = m->n_params;
    nch_loss_work *w = nch_loss_work_alloc(m, cfg->kind, B);
    double *g = malloc(np * sizeof *g), *p = malloc(np * sizeof *p);
    double *tmp = malloc(np * sizeof *tmp);
    assert_true(w && g && p && tmp);
    double terms[NCH_LOSS_NTERMS_MAX], terms0[NCH_LOSS_NTERMS_MAX];
    for (size_t i = 0; i < np; i++) g[i] = NAN; /* overwritten, not added to */
    assert_int_equal(nch_loss_eval(cfg, m, m->params, B, samples, terms, g, w), NCH_OK);
    assert_int_equal(nch_loss_eval(cfg, m, m->params, B, samples, terms0, NULL, w), NCH_OK);
    /* At weight 0 a gradient call does not compute r (its terms are NaN). */
    const int r_skipped = cfg->kind == NCH_LOSS_VF_REG && cfg->reg_weight == 0;
    assert_memory_equal(terms, terms0, (r_skipped ? 3 : nch_loss_nterms(cfg->kind)) * sizeof *terms);
    if (r_skipped) assert_true(isnan(terms[3]) && isnan(terms[4]) && isfinite(terms0[3]));
    const loss_ctx x = {cfg, m, samples, w};
    /* IMEX's cond₂ D_yθ alone is constant where D_yθ is a scalar (d = 1) or
     * I (canonical): the loss is 0 and its gradient vanishes exactly. */
    const int cond_only = cfg->kind == NCH_LOSS_IMEX && cfg->abs_w == 0 && cfg->rel_w == 0;
    if (cond_only && (m->d == 1 || m->kind == NCH_LEARNT_CANONICAL)) {
        assert_true(terms[0] == 0 && terms[3] == 0);
        for (size_t i = 0; i < np; i++) assert_true(g[i] == 0);
        nch_loss_work_free(w);
        free(g);
        free(p);
        free(tmp);
        return;
    }

    for (int dir = 0; dir < 4; dir++) {
        double norm = 0, an = 0;
        for (size_t i = 0; i < np; i++) {
            p[i] = gsl_rng_uniform(r) - 0.5;
            norm += p[i] * p[i];
        }
        for (size_t i = 0; i < np; i++) {
            p[i] /= sqrt(norm);
            an += g[i] * p[i];
        }
        const double err = fd_ratio(&x, p, g, an, tmp);
        worst_dir = fmax(worst_dir, err);
        if (err > 1)
            print_error("%s/%s d=%d: direction %d: error/tolerance %.3e (an %.6e)\n",
                        nch_loss_kind_name(cfg->kind), nch_learnt_kind_name(m->kind), m->d, dir,
                        err, an);
        assert_le(err, 1);
    }

    double gmax = 0;
    for (size_t i = 0; i < np; i++) gmax = fmax(gmax, fabs(g[i]));
    /* The embedding's phases: every one checked, none silently zero. */
    for (size_t i = 0; i < m->n_phase; i++) {
        assert_true(fabs(g[i]) > 1e-6 * gmax);
        memset(p, 0, np * sizeof *p);
        p[i] = 1.0;
        const double err = fd_ratio(&x, p, g, g[i], tmp);
        worst_coord = fmax(worst_coord, err);
        if (err > 1)
            print_error("%s/%s d=%d: phase %zu: error/tolerance %.3e (g %.6e)\n",
                        nch_loss_kind_name(cfg->kind), nch_learnt_kind_name(m->kind), m->d, i,
                        err, g[i]);
        assert_le(err, 1);
    }
    for (size_t j = 0; j < m->n_nets; j++) {
        const nch_mlp *net = &m->net[j];
        for (size_t l = 0; l <= net->depth; l++)
            for (size_t blk = 0; blk < (l < net->depth ? 3u : 1u); blk++) {
                const size_t fo = l < net->depth ? net->width[l] : net->n_out;
                const size_t fi = l == 0 ? net->n_feat : net->width[l - 1];
                const size_t off = m->off[j] + (blk == 0   ? net->off_W[l]
                                                : blk == 1 ? net->off_b[l]
                                                           : net->off_s[l]);
                const size_t size = blk == 0 ? fo * fi : fo;
                /* Not a round-off bound: a block the loss does not reach
                 * has an exactly zero gradient; 1e-6 of the largest entry
                 * tells it from one that is merely small. */
                double bmax = 0;
                for (size_t i = 0; i < size; i++) bmax = fmax(bmax, fabs(g[off + i]));
                if (cond_only && j == m->n_nets - 1) { /* H has no say in cond₂ D_yθ */
                    assert_true(bmax == 0);
                    continue;
                }
                assert_true(bmax > 1e-6 * gmax);
                for (int t = 0; t < 2; t++) {
                    const size_t i = off + gsl_rng_uniform_int(r, (unsigned long)size);
                    memset(p, 0, np * sizeof *p);
                    p[i] = 1.0;
                    const double err = fd_ratio(&x, p, g, g[i], tmp);
                    worst_coord = fmax(worst_coord, err);
                    if (err > 1)
                        print_error("%s/%s d=%d: net %zu layer %zu block %zu coord %zu: "
                                    "error/tolerance %.3e (g %.6e)\n",
                                    nch_loss_kind_name(cfg->kind), nch_learnt_kind_name(m->kind),
                                    m->d, j, l, blk, i, err, g[i]);
                    assert_le(err, 1);
                }
            }
    }
    n_checked++;
    nch_loss_work_free(w);
    free(g);
    free(p);
    free(tmp);
}

/* A model of kind, d and input map: normalise 0 none, 1 normaliser, 2 the
 * GC-shaped embedding with an output map (d = 2 only). */
static void make_any(nch_learnt *m, nch_learnt_kind kind, int d, int normalise, gsl_rng *r)
{
    if (normalise < 2) make_model(m, kind, d, normalise, r);
    else make_embedded(m, kind, 1, r);
}

/* One model per (kind, d, input map), fresh samples per configuration. */
static void check_gradients_for(nch_loss_kind lk, const nch_loss_config *cfgs, size_t ncfg,
                                unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (int kind = 0; kind < 3; kind++) {
        if (!nch_loss_supports(lk, (nch_learnt_kind)kind)) continue;
        for (int d = 1; d <= 2; d++)
            for (int normalise = 0; normalise < 2 + (d == 2); normalise++) {
                nch_learnt m;
                make_any(&m, (nch_learnt_kind)kind, d, normalise, r);
                double samples[B * 6 * NCH_DMAX];
                for (size_t c = 0; c < ncfg; c++) {
                    make_samples(&m, lk, r, samples);
                    check_gradient(&cfgs[c], &m, samples, r);
                }
                nch_learnt_free(&m);
            }
    }
    gsl_rng_free(r);
}

static void test_grad_vf(void **state)
{
    (void)state;
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_VF, 0.3, 0.7, 0, 0, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_VF, 1.0 / 101, 100.0 / 101, 0, 0, NCH_NORM_GRAM, 0, 0}, /* the study's weights */
        {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_SCALED, 0, 0}, /* the GC's vf_no_gram */
    };
    check_gradients_for(NCH_LOSS_VF, cfgs, 3, 11);
}

static void test_grad_vf_reg(void **state)
{
    (void)state;
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_VF_REG, 0.3, 0.7, 0.0, 0, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_VF_REG, 0.3, 0.7, 0.37, 0, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_VF_REG, 0.3, 0.7, 50.0, 0, NCH_NORM_GRAM, 0, 0}, /* the regulariser dominant */
        {NCH_LOSS_VF_REG, 1, 1, 1.0, 0, NCH_NORM_GRAM, 1e-12, 0}, /* the GC's vf_reg */
    };
    check_gradients_for(NCH_LOSS_VF_REG, cfgs, 4, 12);
}

static void test_grad_imex(void **state)
{
    (void)state;
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_IMEX, 0.3, 0.7, 1e-2, H, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_IMEX, 1, 1, 1e-8, H, NCH_NORM_GRAM, 1e-8, 0}, /* the GC dvi run's phases 1-2 */
        {NCH_LOSS_IMEX, 0, 0, 1.0, H, NCH_NORM_GRAM, 0, 0},     /* mean log10 cond₂ D_yθ alone */
        {NCH_LOSS_IMEX, 0.3, 0.7, 1e-2, H, NCH_NORM_SCALED, 0, 0},
    };
    check_gradients_for(NCH_LOSS_IMEX, cfgs, 4, 14);
    print_message("worst relative error, loss gradients vs central differences over %d "
                  "configurations: directions %.2e, coordinates %.2e\n",
                  n_checked, worst_dir, worst_coord);
}

/* The IMEX scheme is consistent: on triplets of the exact flow its local
 * error e = Δ^ex − Δ^sch is O(h²) while the increments Δ^ex are O(h), so
 * the relative term (mean n(ẽ)/n(s̃)) scales as h²: halving h divides it by
 * 4(1 + O(h)).  Checked on the analytic LV (d = 1) and guiding-centre
 * (d = 2) models with triplets from 200 RK4 substeps per step (error
 * ~1e-12 of the increments, far below e): the ratio for (h, h/2) within 15 %
 * of 4 and, as the O(h) term halves, the next ratio closer to 4. */
static void imex_ratios(const nch_model *m, int np, const double *z0s, double h0, double *ratio)
{
    const int d = m->d, n = 2 * d;
    double rel[3];
    for (int lev = 0; lev < 3; lev++) {
        const double h = h0 / (1 << lev);
        double tri[16 * 6 * NCH_DMAX], t[4];
        for (int p = 0; p < np; p++) {
            double *s = tri + p * 3 * n;
            memcpy(s, z0s + p * n, (size_t)n * sizeof *s);
            for (int k = 1; k <= 2; k++) {
                memcpy(s + k * n, s + (k - 1) * n, (size_t)n * sizeof *s);
                for (int i = 0; i < 200; i++)
                    assert_int_equal(nch_step_rk4(m, h / 200, s + k * n, s + k * n), NCH_OK);
            }
        }
        const nch_loss_config cfg = {NCH_LOSS_IMEX, 0, 1, 0, h, NCH_NORM_GRAM, 0, 0};
        assert_int_equal(nch_loss_values(&cfg, m, (size_t)np, tri, t), NCH_OK);
        rel[lev] = t[2];
    }
    ratio[0] = rel[0] / rel[1];
    ratio[1] = rel[1] / rel[2];
    assert_close(ratio[0], 4.0, 0.15, 0);
    assert_true(fabs(ratio[1] - 4) < fabs(ratio[0] - 4));
}

static void test_imex_consistency(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 15);
    enum { NP = 16 };
    double z[NP * NCH_ZMAX], ratio[2];
    nch_model lv, gc;
    nch_gc_rule rule;
    nch_lv_model(&lv);
    assert_int_equal(nch_gc_model(&gc, &rule), NCH_OK);
    for (int p = 0; p < NP; p++) {
        z[2 * p] = unif(r, 0.8, 3.0);
        z[2 * p + 1] = unif(r, 0.5, 2.0);
    }
    imex_ratios(&lv, NP, z, 0.02, ratio);
    print_message("IMEX relative term, ratio for h -> h/2: LV %.4f, %.4f", ratio[0], ratio[1]);
    /* The GC training box (gc-mcp.md §3.2); h = Δt/16 and below. */
    for (int p = 0; p < NP; p++) {
        z[4 * p] = unif(r, -0.1 * M_PI, 0.1 * M_PI);
        z[4 * p + 1] = unif(r, 0, 2 * M_PI);
        z[4 * p + 2] = unif(r, 0.03, 0.055);
        z[4 * p + 3] = unif(r, -9e-4, -3e-4);
    }
    imex_ratios(&gc, NP, z, 1898.73 / 16, ratio);
    print_message("; GC %.4f, %.4f\n", ratio[0], ratio[1]);
    gsl_rng_free(r);
}

static void test_grad_dvi(void **state)
{
    (void)state;
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_DVI, 0.3, 0.7, 1e-2, H, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_DVI, 5.4773e-4, 0.99945, 1e-8, H, NCH_NORM_GRAM, 0, 0}, /* the study's weights */
        {NCH_LOSS_DVI, 0, 0, 1.0, H, NCH_NORM_GRAM, 0, 0},                /* mean log10 cond₂ J alone */
        {NCH_LOSS_DVI, 0.3, 0.7, 1e-2, H, NCH_NORM_GRAM, 0, 1},           /* minimal jets */
    };
    check_gradients_for(NCH_LOSS_DVI, cfgs, 4, 13);
    print_message("worst error/tolerance, loss gradients vs central differences over %d "
                  "configurations: directions %.2e, coordinates %.2e\n",
                  n_checked, worst_dir, worst_coord);
}

/* DVI with minimal jets: the same terms bitwise (the carried components are
 * computed by the same operations) and the same gradient up to the order of
 * the weight-gradient sums, which now skip the rows of the components not
 * carried: ≤ B·K·ε·Σ|products| ≈ 110·1.1e-16·10³ max|g| on these batches,
 * so 1e-11 max|g|. */
static void test_minimal_jets(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 16);
    double worst = 0;
    for (int kind = NCH_LEARNT_CANONICAL; kind <= NCH_LEARNT_NONCANONICAL; kind++)
        for (int d = 1; d <= 2; d++)
            for (int normalise = 0; normalise < 2 + (d == 2); normalise++) {
                nch_learnt m;
                make_any(&m, (nch_learnt_kind)kind, d, normalise, r);
                double samples[B * 6 * NCH_DMAX], tf[4], tm[4];
                make_samples(&m, NCH_LOSS_DVI, r, samples);
                const nch_loss_config full = {NCH_LOSS_DVI, 0.3, 0.7, 1e-2, H, NCH_NORM_GRAM, 0, 0};
                nch_loss_config min = full;
                min.minimal_jets = 1;
                nch_loss_work *w = nch_loss_work_alloc(&m, NCH_LOSS_DVI, B);
                double *gf = malloc(m.n_params * sizeof *gf), *gm = malloc(m.n_params * sizeof *gm);
                assert_true(w && gf && gm);
                assert_int_equal(nch_loss_eval(&full, &m, m.params, B, samples, tf, gf, w), NCH_OK);
                assert_int_equal(nch_loss_eval(&min, &m, m.params, B, samples, tm, gm, w), NCH_OK);
                assert_memory_equal(tf, tm, sizeof tf);
                double gmax = 0, diff = 0;
                for (size_t i = 0; i < m.n_params; i++) {
                    gmax = fmax(gmax, fabs(gf[i]));
                    diff = fmax(diff, fabs(gf[i] - gm[i]));
                }
                worst = fmax(worst, diff / gmax);
                assert_true(diff <= 1e-11 * gmax);
                nch_loss_work_free(w);
                free(gf);
                free(gm);
                nch_learnt_free(&m);
            }
    /* The GC nets: 2 components at z1 (value, ∂/∂θ), 9 at z2 (all but ∂²/∂θ²). */
    nch_learnt m;
    make_embedded(&m, NCH_LEARNT_NONCANONICAL, 1, r);
    nch_mlp_jets j;
    nch_learnt_jets(&m, 3, 0, &j);
    assert_int_equal(nch_mlp_jets_ncomp(&j), 2);
    nch_learnt_jets(&m, 15, 0xfffe & ~0u, &j); /* every pair but (θ, θ) = bit 0 */
    assert_int_equal(nch_mlp_jets_ncomp(&j), 9);
    assert_int_equal(nch_mlp_jets_comp(&j, 0, 0), -1);
    nch_learnt_free(&m);
    print_message("minimal vs full jets, DVI gradient: worst difference %.2e of max|g|\n", worst);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- values */

static double worst_value;

static void test_values(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_VF, 0.3, 0.7, 0, 0, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_VF_REG, 0.3, 0.7, 0.37, 0, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_DVI, 0.3, 0.7, 1e-2, H, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_IMEX, 0.3, 0.7, 1e-2, H, NCH_NORM_GRAM, 0, 0},
        {NCH_LOSS_VF, 0.3, 0.7, 0, 0, NCH_NORM_SCALED, 0, 0},
        {NCH_LOSS_VF_REG, 0.3, 0.7, 0.37, 0, NCH_NORM_GRAM, 1e-3, 0},
        {NCH_LOSS_IMEX, 0.3, 0.7, 1e-2, H, NCH_NORM_SCALED, 0, 0},
    };
    for (size_t c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++)
        for (int kind = 0; kind < 3; kind++) {
            if (!nch_loss_supports(cfgs[c].kind, (nch_learnt_kind)kind)) continue;
            for (int d = 1; d <= 2; d++)
                for (int normalise = 0; normalise < 2 + (d == 2); normalise++) {
                    nch_learnt m;
                    make_any(&m, (nch_learnt_kind)kind, d, normalise, r);
                    double samples[B * 6 * NCH_DMAX], terms[NCH_LOSS_NTERMS_MAX],
                        ref[NCH_LOSS_NTERMS_MAX];
                    make_samples(&m, cfgs[c].kind, r, samples);
                    nch_loss_work *w = nch_loss_work_alloc(&m, cfgs[c].kind, B + 3);
                    assert_non_null(w);
                    assert_int_equal(
                        nch_loss_eval(&cfgs[c], &m, m.params, B, samples, terms, NULL, w), NCH_OK);
                    reference_terms(&cfgs[c], &m, samples, ref);
                    /* Through the interface: the same up to rounding.  Both
                     * sides within LOSS_ERR (the DVI's mean log10 cond₂ J,
                     * absolutely: cond ≥ 1 may make it small). */
                    double tv[NCH_LOSS_NTERMS_MAX];
                    assert_int_equal(nch_loss_values(&cfgs[c], &m.model, B, samples, tv), NCH_OK);
                    for (size_t t = 0; t < nch_loss_nterms(cfgs[c].kind); t++) {
                        const double abs_ = cfgs[c].kind == NCH_LOSS_DVI ? 2 * LOSS_ERR : 0;
                        worst_value = fmax(worst_value, fabs(terms[t] - ref[t]) /
                                                            (2 * LOSS_ERR * fabs(ref[t]) + abs_));
                        worst_value = fmax(worst_value, fabs(tv[t] - ref[t]) /
                                                            (2 * LOSS_ERR * fabs(ref[t]) + abs_));
                        assert_close(terms[t], ref[t], 2 * LOSS_ERR, abs_);
                        assert_close(tv[t], ref[t], 2 * LOSS_ERR, abs_);
                    }
                    nch_loss_work_free(w);
                    nch_learnt_free(&m);
                }
        }
    print_message("worst difference/bound, loss terms vs recomputation: %.2e\n", worst_value);
    gsl_rng_free(r);
}

/* nch_loss_values on the analytic LV models (spec §5.2 check protocol):
 * with the exact LV field as data, abs_dz is at round-off level, the
 * perturbed gauge's regulariser is far larger than the reference's; on
 * triplets of the reference's own DVI the scheme loss is at the Newton
 * tolerance.  Against the closed form of r for d = 1, too. */
static void test_values_lv(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    nch_model lv, pert;
    nch_lv_model(&lv);
    nch_lv_perturbed_model(&pert);
    enum { NV = 40 };
    double vf[NV * 4], tref[5], tpert[5];
    for (size_t p = 0; p < NV; p++) {
        double *s = vf + 4 * p;
        s[0] = unif(r, 0.5, 4.0);
        s[1] = unif(r, 0.3, 3.0);
        assert_int_equal(nch_model_field(&lv, 1, s, s + 2), NCH_OK);
    }
    const nch_loss_config reg = {NCH_LOSS_VF_REG, 1, 1, 1e-8, 0, NCH_NORM_GRAM, 0, 0};
    assert_int_equal(nch_loss_values(&reg, &lv, NV, vf, tref), NCH_OK);
    assert_int_equal(nch_loss_values(&reg, &pert, NV, vf, tpert), NCH_OK);
    /* Exact: the data are the field's own values, computed by the same
     * function (the perturbed gauge keeps LV's field), so f − ż = 0. */
    assert_true(tref[1] == 0 && tref[2] == 0);
    assert_true(tpert[1] == 0);
    /* Not a round-off bound: the gauge's r is O(1) larger (lotka-volterra.md §5.2). */
    assert_true(tpert[3] > 10 * tref[3] && tpert[4] > 10 * tref[4]);
    /* abs_reg from the closed form of §5.2 and the same Gram whitening. */
    double W[4], sumr = 0;
    reference_whitener(2, NV, vf + 2, 4, W, NULL);
    for (size_t p = 0; p < NV; p++) {
        const double x = vf[4 * p], y = vf[4 * p + 1], xd = vf[4 * p + 2], yd = vf[4 * p + 3];
        const double tx = log(y) / (x * x), ty = -1 / (x * y), txx = -2 * log(y) / (x * x * x),
                     txy = 1 / (x * x * y), tyy = 1 / (x * y * y), Hxx = 2 / (x * x), Hxy = 0,
                     Hyy = 1 / (y * y);
        double rr[2];
        rr[0] = ((txy * xd - Hxy) * xd + (tyy * xd - Hyy) * yd) / ty;
        rr[1] = (-2 * tx * rr[0] + (txx * xd - Hxx) * xd + (txy * xd - Hxy) * yd) / ty;
        sumr += wnorm(2, W, rr) / NV;
    }
    assert_close(tref[3], sumr, 2 * LOSS_ERR, 0); /* as test_values */

    /* Triplets of the reference DVI at h = H: x_{k−1} = x0 is the data's. */
    double tri[NV * 6], td[4];
    for (size_t p = 0; p < NV; p++) {
        double *s = tri + 6 * p;
        const double z0[2] = {unif(r, 0.8, 3.0), unif(r, 0.5, 2.0)};
        nch_dvi_state st;
        assert_int_equal(nch_dvi_init(&st, &lv, 0.1, z0), NCH_OK);
        memcpy(s, st.z, 2 * sizeof *s);
        assert_int_equal(nch_dvi_step(&st, NULL), NCH_OK);
        memcpy(s + 2, st.z, 2 * sizeof *s);
        assert_int_equal(nch_dvi_step(&st, NULL), NCH_OK);
        memcpy(s + 4, st.z, 2 * sizeof *s);
    }
    const nch_loss_config dvi = {NCH_LOSS_DVI, 1, 1, 1e-8, 0.1, NCH_NORM_GRAM, 0, 0};
    assert_int_equal(nch_loss_values(&dvi, &lv, NV, tri, td), NCH_OK);
    /* Each triplet's e = J⁻¹R is what the Newton iteration that made z₂ left:
     * ≤ its last update (< 1e-10, the spec's abs_tol; quadratically less at a
     * regular root), plus the root's rounding (~1e-15): n(We) ≤ ‖W‖²_F 1e-20
     * per sample, W whitening the scalers z₂ − z₁ (rel: over 1e-8 + n(Ws)). */
    double Wd[4], babs = 0, brel = 0, w2 = 0;
    reference_whitener(2, NV, tri + 4, 6, Wd, NULL);
    for (int i = 0; i < 4; i++) w2 += Wd[i] * Wd[i];
    for (size_t p = 0; p < NV; p++) {
        const double sc[2] = {tri[6 * p + 4] - tri[6 * p + 2], tri[6 * p + 5] - tri[6 * p + 3]};
        babs += w2 * 1e-20 / NV;
        brel += w2 * 1e-20 / (1e-8 + wnorm(2, Wd, sc)) / NV;
    }
    assert_le(td[1], babs);
    assert_le(td[2], brel);
    assert_true(td[3] > 0 && isfinite(td[3]));
    /* tot = (1·abs + 1·rel) + 1e-8·reg: the same sums of positive terms in
     * the same order; ≤ 4 roundings at most. */
    assert_close(td[0], td[1] + td[2] + 1e-8 * td[3], 4 * NCH_U, 0);
    assert_int_equal(nch_loss_values(&dvi, &pert, NV, tri, td), NCH_OK);
    assert_true(td[1] > 1e-8); /* another gauge, another scheme: O(h) apart, not round-off */

    /* Rejections: no jets for VF_REG / DVI, no samples, a zero step. */
    nch_model field_only = lv;
    field_only.jets = NULL;
    assert_int_equal(nch_loss_values(&reg, &field_only, NV, vf, tref), NCH_EINVAL);
    assert_int_equal(nch_loss_values(&dvi, &field_only, NV, tri, td), NCH_EINVAL);
    const nch_loss_config vfc = {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0};
    assert_int_equal(nch_loss_values(&vfc, &field_only, NV, vf, tref), NCH_OK);
    assert_int_equal(nch_loss_values(&vfc, &lv, 0, vf, tref), NCH_EINVAL);
    nch_loss_config dvi0 = dvi;
    dvi0.h = 0;
    assert_int_equal(nch_loss_values(&dvi0, &lv, NV, tri, td), NCH_EINVAL);
    gsl_rng_free(r);
}

/* With ż = f(z)/2 the error f − ż equals the scaler ż, so abs = mean n(W s_i)
 * = (1/n) Σ_k λ_k/(√λ_k + 1e-8)² (λ: the eigenvalues of M) and rel =
 * mean n(W s_i)/(1e-8 + n(W s_i)): both 1 up to the 1e-8's, here from GSL's
 * eigen-decomposition, within LOSS_ERR on each side. */
static void test_gram_whitening(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4);
    const nch_loss_config cfg = {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0};
    for (int kind = 0; kind < 3; kind++)
        for (int d = 1; d <= 2; d++) {
            nch_learnt m;
            make_model(&m, (nch_learnt_kind)kind, d, 1, r);
            const int n = 2 * d;
            double samples[B * 4 * NCH_DMAX], terms[3];
            make_samples(&m, NCH_LOSS_VF, r, samples);
            for (size_t p = 0; p < B; p++) {
                double *s = samples + p * 2 * n;
                assert_int_equal(nch_model_field(&m.model, 1, s, s + n), NCH_OK);
                for (int c = 0; c < n; c++) s[n + c] /= 2;
            }
            nch_loss_work *w = nch_loss_work_alloc(&m, NCH_LOSS_VF, B);
            assert_non_null(w);
            assert_int_equal(nch_loss_eval(&cfg, &m, m.params, B, samples, terms, NULL, w), NCH_OK);
            double sc[B * NCH_ZMAX], W[NCH_ZMAX * NCH_ZMAX], lambda[NCH_ZMAX], t1 = 0, t2 = 0;
            for (size_t p = 0; p < B; p++)
                for (int c = 0; c < n; c++) sc[p * n + c] = samples[p * 2 * n + n + c];
            reference_whitener(n, B, sc, (size_t)n, W, lambda);
            for (int k = 0; k < n; k++) t1 += lambda[k] / pow(sqrt(lambda[k]) + 1e-8, 2) / n;
            for (size_t p = 0; p < B; p++) {
                const double ns = wnorm(n, W, sc + p * n);
                t2 += ns / (1e-8 + ns) / B;
            }
            assert_true(t1 < 1 && t2 < 1);
            assert_close(terms[1], t1, 2 * LOSS_ERR, 0);
            assert_close(terms[2], t2, 2 * LOSS_ERR, 0);
            assert_close(terms[0], t1 + t2, 2 * LOSS_ERR, 0);
            nch_loss_work_free(w);
            nch_learnt_free(&m);
        }
    gsl_rng_free(r);
}

/* VF_REG at weight 0 is the VF loss (same value, same gradient); its
 * regulariser terms are computed and finite by a value call and NaN (not
 * computed) by a gradient call; a nonzero weight adds weight × N(r). */
static void test_zero_weight_regulariser(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    for (int kind = NCH_LEARNT_CANONICAL; kind <= NCH_LEARNT_NONCANONICAL; kind++)
        for (int d = 1; d <= 2; d++) {
            nch_learnt m;
            make_model(&m, (nch_learnt_kind)kind, d, 1, r);
            const size_t np = m.n_params;
            double samples[B * 4 * NCH_DMAX], tv[3], tr[5], tw[5], tg[5];
            make_samples(&m, NCH_LOSS_VF, r, samples);
            const nch_loss_config vf = {NCH_LOSS_VF, 0.0099, 0.9901, 0, 0, NCH_NORM_GRAM, 0, 0};
            nch_loss_config reg = {NCH_LOSS_VF_REG, 0.0099, 0.9901, 0.0, 0, NCH_NORM_GRAM, 0, 0};
            nch_loss_work *wv = nch_loss_work_alloc(&m, NCH_LOSS_VF, B);
            nch_loss_work *wr = nch_loss_work_alloc(&m, NCH_LOSS_VF_REG, B);
            double *gv = malloc(np * sizeof *gv), *gr = malloc(np * sizeof *gr),
                   *gw = malloc(np * sizeof *gw);
            assert_true(wv && wr && gv && gr && gw);
            assert_int_equal(nch_loss_eval(&vf, &m, m.params, B, samples, tv, gv, wv), NCH_OK);
            assert_int_equal(nch_loss_eval(&reg, &m, m.params, B, samples, tr, NULL, wr), NCH_OK);
            /* Order-1 and order-2 passes share their leading jets bitwise. */
            assert_true(tr[0] == tv[0] && tr[1] == tv[1] && tr[2] == tv[2]);
            assert_true(isfinite(tr[3]) && tr[3] > 0 && isfinite(tr[4]) && tr[4] > 0);
            assert_int_equal(nch_loss_eval(&reg, &m, m.params, B, samples, tg, gr, wr), NCH_OK);
            assert_memory_equal(tg, tv, 3 * sizeof *tg);
            assert_true(isnan(tg[3]) && isnan(tg[4]));
            /* The same order-1 pass with the error's sign flipped: bitwise. */
            assert_memory_equal(gr, gv, np * sizeof *gr);
            double gmax = 0;
            for (size_t i = 0; i < np; i++) gmax = fmax(gmax, fabs(gv[i]));
            reg.reg_weight = 0.37;
            assert_int_equal(nch_loss_eval(&reg, &m, m.params, B, samples, tw, gw, wr), NCH_OK);
            assert_memory_equal(tw + 1, tr + 1, 4 * sizeof *tw);
            /* data + w (a abs_reg + b rel_reg) from bitwise equal terms:
             * ≤ 6 roundings of positive terms. */
            assert_close(tw[0], tr[0] + 0.37 * (0.0099 * tr[3] + 0.9901 * tr[4]), 6 * NCH_U, 0);
            /* Not round-off: the regulariser's gradient is O(gmax) at weight
             * 0.37; 1e-8 only tells it from nothing. */
            double diff = 0;
            for (size_t i = 0; i < np; i++) diff = fmax(diff, fabs(gw[i] - gr[i]));
            assert_true(diff > 1e-8 * gmax);
            nch_loss_work_free(wv);
            nch_loss_work_free(wr);
            free(gv);
            free(gr);
            free(gw);
            nch_learnt_free(&m);
        }
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- interface */

static void test_names_and_rejections(void **state)
{
    (void)state;
    assert_int_equal(nch_loss_nterms(NCH_LOSS_VF), 3);
    assert_int_equal(nch_loss_nterms(NCH_LOSS_VF_REG), 5);
    assert_int_equal(nch_loss_nterms(NCH_LOSS_DVI), 4);
    assert_int_equal(nch_loss_nterms(NCH_LOSS_IMEX), 4);
    static const char *const want[4][5] = {{"tot", "abs", "rel"},
                                           {"tot", "abs_dz", "rel_dz", "abs_reg", "rel_reg"},
                                           {"tot", "abs", "rel", "reg"},
                                           {"tot", "abs", "rel", "reg"}};
    assert_string_equal(nch_loss_kind_name(NCH_LOSS_IMEX), "imex");
    for (int k = 0; k < 4; k++) {
        for (size_t i = 0; i < nch_loss_nterms((nch_loss_kind)k); i++)
            assert_string_equal(nch_loss_term_name((nch_loss_kind)k, i), want[k][i]);
        assert_null(nch_loss_term_name((nch_loss_kind)k, nch_loss_nterms((nch_loss_kind)k)));
        nch_loss_kind lk;
        assert_int_equal(nch_loss_kind_parse(nch_loss_kind_name((nch_loss_kind)k), &lk), NCH_OK);
        assert_int_equal(lk, k);
    }
    assert_int_equal(nch_loss_kind_parse("scheme", &(nch_loss_kind){0}), NCH_EINVAL);
    assert_int_equal(nch_loss_sample_width(NCH_LOSS_VF, 1), 4);
    assert_int_equal(nch_loss_sample_width(NCH_LOSS_VF_REG, 2), 8);
    assert_int_equal(nch_loss_sample_width(NCH_LOSS_DVI, 1), 6);
    assert_int_equal(nch_loss_sample_width(NCH_LOSS_DVI, 2), 12);
    assert_int_equal(nch_loss_sample_width(NCH_LOSS_IMEX, 2), 12);
    assert_false(nch_loss_supports(NCH_LOSS_IMEX, NCH_LEARNT_MLP));
    assert_true(nch_loss_supports(NCH_LOSS_IMEX, NCH_LEARNT_CANONICAL));
    nch_norm_kind nk;
    assert_int_equal(nch_norm_kind_parse("scaled", &nk), NCH_OK);
    assert_int_equal(nk, NCH_NORM_SCALED);
    assert_string_equal(nch_norm_kind_name(NCH_NORM_GRAM), "gram");
    assert_int_equal(nch_norm_kind_parse("whitened", &nk), NCH_EINVAL);

    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 6);
    nch_learnt mlp, nc, nc2;
    make_model(&mlp, NCH_LEARNT_MLP, 1, 0, r);
    make_model(&nc, NCH_LEARNT_NONCANONICAL, 1, 0, r);
    make_model(&nc2, NCH_LEARNT_NONCANONICAL, 2, 0, r);
    assert_null(nch_loss_work_alloc(&mlp, NCH_LOSS_VF_REG, B));
    assert_null(nch_loss_work_alloc(&mlp, NCH_LOSS_DVI, B));
    assert_null(nch_loss_work_alloc(&nc, NCH_LOSS_DVI, 0));
    nch_loss_work *wm = nch_loss_work_alloc(&mlp, NCH_LOSS_VF, B);
    nch_loss_work *wv = nch_loss_work_alloc(&nc, NCH_LOSS_VF, B);
    nch_loss_work *wd = nch_loss_work_alloc(&nc, NCH_LOSS_DVI, B);
    assert_true(wm && wv && wd);
    double samples[B * 6], terms[5];
    make_samples(&nc, NCH_LOSS_DVI, r, samples);
    const nch_loss_config vf = {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0}, reg = {NCH_LOSS_VF_REG, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0};
    nch_loss_config dvi = {NCH_LOSS_DVI, 1, 1, 1e-8, H, NCH_NORM_GRAM, 0, 0};
    assert_int_equal(nch_loss_eval(&reg, &mlp, mlp.params, B, samples, terms, NULL, wm),
                     NCH_EINVAL);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, B, samples, terms, NULL, wm), NCH_EINVAL);
    assert_int_equal(nch_loss_eval(&reg, &nc, nc.params, B, samples, terms, NULL, wv), NCH_EINVAL);
    assert_int_equal(nch_loss_eval(&vf, &nc2, nc2.params, B, samples, terms, NULL, wv), NCH_EINVAL);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, 0, samples, terms, NULL, wv), NCH_EINVAL);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, B + 1, samples, terms, NULL, wv),
                     NCH_EINVAL);
    assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, terms, NULL, wd), NCH_OK);
    dvi.h = 0;
    assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, terms, NULL, wd), NCH_EINVAL);
    dvi.h = NAN;
    assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, terms, NULL, wd), NCH_EINVAL);
    dvi.h = H;
    /* A bad norm, a negative or non-finite ε_g. */
    dvi.norm = (nch_norm_kind)2;
    assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, terms, NULL, wd), NCH_EINVAL);
    dvi.norm = NCH_NORM_GRAM;
    const double bad_eps[3] = {-1e-8, NAN, INFINITY};
    for (int i = 0; i < 3; i++) {
        dvi.gram_eps = bad_eps[i];
        assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, terms, NULL, wd),
                         NCH_EINVAL);
        assert_int_equal(nch_loss_values(&dvi, &nc.model, B, samples, terms), NCH_EINVAL);
    }
    dvi.gram_eps = 0;
    /* An IMEX work is not a DVI work, an IMEX step must be finite and nonzero. */
    nch_loss_config imex = {NCH_LOSS_IMEX, 1, 1, 1e-8, H, NCH_NORM_GRAM, 0, 0};
    assert_int_equal(nch_loss_eval(&imex, &nc, nc.params, B, samples, terms, NULL, wd), NCH_EINVAL);
    nch_loss_work *wi = nch_loss_work_alloc(&nc, NCH_LOSS_IMEX, B);
    assert_non_null(wi);
    assert_int_equal(nch_loss_eval(&imex, &nc, nc.params, B, samples, terms, NULL, wi), NCH_OK);
    imex.h = 0;
    assert_int_equal(nch_loss_eval(&imex, &nc, nc.params, B, samples, terms, NULL, wi), NCH_EINVAL);
    nch_loss_work_free(wi);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, 3, samples, terms, NULL, wv), NCH_OK);

    /* The params argument, not m->params, is evaluated. */
    double *p2 = malloc(nc.n_params * sizeof *p2), *keep = malloc(nc.n_params * sizeof *keep);
    double t1[4], t2[4];
    assert_true(p2 && keep);
    memcpy(keep, nc.params, nc.n_params * sizeof *keep);
    for (size_t i = 0; i < nc.n_params; i++) p2[i] = nc.params[i] * (1 + 0.01 * sin((double)i));
    assert_int_equal(nch_loss_eval(&dvi, &nc, p2, B, samples, t1, NULL, wd), NCH_OK);
    memcpy(nc.params, p2, nc.n_params * sizeof *p2);
    assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, t2, NULL, wd), NCH_OK);
    assert_memory_equal(t1, t2, sizeof t1);
    memcpy(nc.params, keep, nc.n_params * sizeof *keep);

    /* θ ≡ 0 (last θ layer zero): D_yθ and J are singular. */
    memset(nc.params + nc.net[0].off_W[nc.net[0].depth], 0,
           nc.net[0].width[nc.net[0].depth - 1] * sizeof *nc.params);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, B, samples, terms, NULL, wv), NCH_ESING);
    assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, terms, NULL, wd), NCH_ESING);
    memcpy(nc.params, keep, nc.n_params * sizeof *keep);
    /* A non-finite sample. */
    samples[5] = INFINITY;
    assert_int_equal(nch_loss_eval(&dvi, &nc, nc.params, B, samples, terms, NULL, wd),
                     NCH_ENONFIN);
    samples[5] = 0.5;
    for (int c = 0; c < 4; c++) { /* a VF point, then a VF scaler */
        const double keep_c = samples[c];
        samples[c] = NAN;
        assert_int_equal(nch_loss_eval(&vf, &mlp, mlp.params, B, samples, terms, NULL, wm),
                         NCH_ENONFIN);
        samples[c] = keep_c;
    }

    free(p2);
    free(keep);
    nch_loss_work_free(wm);
    nch_loss_work_free(wv);
    nch_loss_work_free(wd);
    nch_loss_work_free(NULL);
    nch_learnt_free(&mlp);
    nch_learnt_free(&nc);
    nch_learnt_free(&nc2);
    gsl_rng_free(r);
}

/* The degenerate-data check (issue 11, nch_gram.h): all-zero targets,
 * collinear targets and a batch of fewer than 2d samples have no GramMSNorm,
 * for the check and for every loss call; a generic batch has, and the limit
 * is the stated 2d (B + 2) u.  ScaledMSNorm takes collinear targets and
 * refuses only all-zero ones.  DVI and IMEX check their own scalers, the
 * steps z2 − z1 and the increments (x1 − x0, y2 − y1). */
static void test_degenerate_gram(void **state)
{
    (void)state;
    /* 2 · 502 · 2^-53 is exact in binary64, as is the product in nch_gram_limit. */
    assert_true(nch_gram_limit(2, 500) == 2.0 * 502 * NCH_U);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 8);
    nch_learnt nc;
    make_model(&nc, NCH_LEARNT_NONCANONICAL, 1, 0, r);
    nch_loss_work *w = nch_loss_work_alloc(&nc, NCH_LOSS_VF, B);
    assert_non_null(w);
    double samples[B * 6], terms[5], ratio;
    make_samples(&nc, NCH_LOSS_VF, r, samples);
    const nch_loss_config vf = {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0};
    const nch_loss_config scaled = {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_SCALED, 0, 0};
    assert_int_equal(nch_loss_gram_ratio(&vf, 1, B, samples, &ratio), NCH_OK);
    assert_true(ratio > nch_gram_limit(2, B) && ratio <= 1);
    assert_int_equal(nch_loss_gram_ratio(&vf, 1, 1, samples, &ratio), NCH_EDEGEN);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, 1, samples, terms, NULL, w), NCH_EDEGEN);
    assert_int_equal(nch_loss_eval(&scaled, &nc, nc.params, 1, samples, terms, NULL, w), NCH_OK);
    for (int i = 0; i < B; i++) { /* collinear: ż_i = c_i (1, 3) */
        samples[4 * i + 2] = 0.1 * (i + 1);
        samples[4 * i + 3] = 0.3 * (i + 1);
    }
    assert_int_equal(nch_loss_gram_ratio(&vf, 1, B, samples, &ratio), NCH_EDEGEN);
    assert_true(ratio <= nch_gram_limit(2, B));
    assert_int_equal(nch_loss_eval(&scaled, &nc, nc.params, B, samples, terms, NULL, w), NCH_OK);
    for (int i = 0; i < B; i++) samples[4 * i + 2] = samples[4 * i + 3] = 0;
    assert_int_equal(nch_loss_gram_ratio(&vf, 1, B, samples, &ratio), NCH_EDEGEN);
    assert_true(ratio == 0);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, B, samples, terms, NULL, w), NCH_EDEGEN);
    assert_int_equal(nch_loss_gram_ratio(&scaled, 1, B, samples, &ratio), NCH_EDEGEN);
    assert_int_equal(nch_loss_eval(&scaled, &nc, nc.params, B, samples, terms, NULL, w), NCH_EDEGEN);
    nch_model lv;
    nch_lv_model(&lv);
    for (int i = 0; i < B; i++) samples[4 * i] = samples[4 * i + 1] = 1 + 0.1 * i;
    assert_int_equal(nch_loss_values(&vf, &lv, B, samples, terms), NCH_EDEGEN);
    nch_loss_work_free(w);

    /* The scheme losses: trajectories at rest from z1 on (z2 = z1, and for
     * IMEX x1 = x0 too) make their scalers zero. */
    for (nch_loss_kind k = NCH_LOSS_DVI; k <= NCH_LOSS_IMEX; k++) {
        const nch_loss_config cfg = {k, 1, 1, 0, H, NCH_NORM_GRAM, 0, 0};
        w = nch_loss_work_alloc(&nc, k, B);
        assert_non_null(w);
        make_samples(&nc, k, r, samples);
        assert_int_equal(nch_loss_eval(&cfg, &nc, nc.params, B, samples, terms, NULL, w), NCH_OK);
        for (int i = 0; i < B; i++) {
            double *s = samples + 6 * i;
            s[2] = s[0];
            s[4] = s[2], s[5] = s[3];
        }
        assert_int_equal(nch_loss_gram_ratio(&cfg, 1, B, samples, &ratio), NCH_EDEGEN);
        assert_true(ratio == 0);
        assert_int_equal(nch_loss_eval(&cfg, &nc, nc.params, B, samples, terms, NULL, w), NCH_EDEGEN);
        nch_loss_work_free(w);
    }
    nch_learnt_free(&nc);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_degenerate_gram),
        cmocka_unit_test(test_names_and_rejections),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_values_lv),
        cmocka_unit_test(test_gram_whitening),
        cmocka_unit_test(test_zero_weight_regulariser),
        cmocka_unit_test(test_grad_vf),
        cmocka_unit_test(test_grad_vf_reg),
        cmocka_unit_test(test_grad_dvi),
        cmocka_unit_test(test_grad_imex),
        cmocka_unit_test(test_minimal_jets),
        cmocka_unit_test(test_imex_consistency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
