/* nch_loss: parameter gradients of every loss × model kind against central
 * differences (random directions and single coordinates of every block of
 * every net), d = 1 and 2, with and without normaliser; the loss values
 * against an independent recomputation from the model interface (jets,
 * nch_model_field, nch_reg_r, nch_dvi_residual) with GSL's eigen-solver,
 * LU and SVD; nch_loss_values on learnt and analytic (LV) models; the Gram
 * whitening; the zero-weight regulariser; rejections. */
#include "nch_test.h"
#include "nch_testlearnt.h"

#include "nch_err.h"
#include "nch_learnt.h"
#include "nch_loss.h"
#include "nch_lv.h"
#include "nch_model.h"
#include "nch_reg.h"
#include "nch_scheme.h"

#include <gsl/gsl_eigen.h>
#include <float.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

enum { B = 11 };             /* samples per test batch */
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

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* High-entropy samples: VF (z, ż) with z in a box and ż = v(z) + noise;
 * DVI (z0, z1, z2) with steps H v + noise.  Samples where D_yθ is nearly
 * singular, the scaler nearly 0, or cond₂ J outside (1, 100) — near 1 log
 * cond is not smooth, far above it J is nearly singular — are redrawn: they
 * are legitimate but make central differences inaccurate. */

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
            if (k != NCH_LOSS_DVI) {
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

/* W = Q diag(1/(√λ + 1e-8)) Qᵀ from the eigen-decomposition of the
 * symmetric M = (1/nb) Σ s_i s_iᵀ of nb scalers at s + i·ld (equal to
 * U diag(1/(√S + 1e-8)) Vᵀ). */
static void reference_whitener(int n, size_t nb, const double *s, size_t ld, double *W)
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
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            double v = 0;
            for (int k = 0; k < n; k++) v += Q[a * n + k] * Q[b * n + k] / (sqrt(L[k]) + 1e-8);
            W[a * n + b] = v;
        }
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
    const int dvi = cfg->kind == NCH_LOSS_DVI;
    double scal[B * NCH_ZMAX], W[NCH_ZMAX * NCH_ZMAX];
    for (size_t p = 0; p < B; p++)
        for (int c = 0; c < n; c++)
            scal[p * n + c] = dvi ? samples[p * width + 2 * n + c] - samples[p * width + n + c]
                                  : samples[p * width + n + c];
    reference_whitener(n, B, scal, (size_t)n, W);
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
    if (dvi) acc[2] /= B;
    terms[1] = acc[0];
    terms[2] = acc[1];
    terms[0] = cfg->abs_w * acc[0] + cfg->rel_w * acc[1];
    if (cfg->kind == NCH_LOSS_VF_REG) {
        terms[3] = acc[2];
        terms[4] = acc[3];
        terms[0] += cfg->reg_weight * (cfg->abs_w * acc[2] + cfg->rel_w * acc[3]);
    } else if (dvi) {
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

static double loss(const loss_ctx *x, const double *params)
{
    double terms[NCH_LOSS_NTERMS_MAX];
    assert_int_equal(nch_loss_eval(x->cfg, x->m, params, B, x->samples, terms, NULL, x->w),
                     NCH_OK);
    return terms[0];
}

/* Best over ε ∈ {1e-4, 1e-5, 1e-6} of |(L(θ+εp) − L(θ−εp))/2ε − an| / scale. */
static double best_fd_error(const loss_ctx *x, const double *p, double an, double scale,
                            double *tmp)
{
    const size_t np = x->m->n_params;
    double best = INFINITY;
    for (double eps = 1e-4; eps > 0.5e-6; eps /= 10.0) {
        for (size_t i = 0; i < np; i++) tmp[i] = x->m->params[i] + eps * p[i];
        const double Lp = loss(x, tmp);
        for (size_t i = 0; i < np; i++) tmp[i] = x->m->params[i] - eps * p[i];
        const double Lm = loss(x, tmp);
        best = fmin(best, fabs((Lp - Lm) / (2.0 * eps) - an) / scale);
    }
    return best;
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

    /* A random unit direction gives |∇tot·p| ≈ ‖∇tot‖/√N; an unlucky, nearly
     * orthogonal one is measured against 1% of that instead of its own tiny
     * value. */
    double gnorm = 0;
    for (size_t i = 0; i < np; i++) gnorm += g[i] * g[i];
    const double typical = sqrt(gnorm / (double)np);
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
        const double err = best_fd_error(&x, p, an, fmax(fabs(an), 1e-2 * typical), tmp);
        worst_dir = fmax(worst_dir, err);
        if (err > 1e-6)
            print_error("%s/%s d=%d: direction %d: rel. error %.3e (an %.6e)\n",
                        nch_loss_kind_name(cfg->kind), nch_learnt_kind_name(m->kind), m->d, dir,
                        err, an);
        assert_true(err <= 1e-6);
    }

    double gmax = 0;
    for (size_t i = 0; i < np; i++) gmax = fmax(gmax, fabs(g[i]));
    for (size_t j = 0; j < m->n_nets; j++) {
        const nch_mlp *net = &m->net[j];
        for (size_t l = 0; l <= net->depth; l++)
            for (size_t blk = 0; blk < (l < net->depth ? 3u : 1u); blk++) {
                const size_t fo = l < net->depth ? net->width[l] : net->n_out;
                const size_t fi = l == 0 ? net->n : net->width[l - 1];
                const size_t off = m->off[j] + (blk == 0   ? net->off_W[l]
                                                : blk == 1 ? net->off_b[l]
                                                           : net->off_s[l]);
                const size_t size = blk == 0 ? fo * fi : fo;
                double bmax = 0;
                for (size_t i = 0; i < size; i++) bmax = fmax(bmax, fabs(g[off + i]));
                assert_true(bmax > 1e-6 * gmax);
                for (int t = 0; t < 2; t++) {
                    const size_t i = off + gsl_rng_uniform_int(r, (unsigned long)size);
                    memset(p, 0, np * sizeof *p);
                    p[i] = 1.0;
                    const double err =
                        best_fd_error(&x, p, g[i], fmax(fabs(g[i]), 1e-3 * bmax), tmp);
                    worst_coord = fmax(worst_coord, err);
                    if (err > 1e-6)
                        print_error("%s/%s d=%d: net %zu layer %zu block %zu coord %zu: rel. error "
                                    "%.3e (g %.6e)\n",
                                    nch_loss_kind_name(cfg->kind), nch_learnt_kind_name(m->kind),
                                    m->d, j, l, blk, i, err, g[i]);
                    assert_true(err <= 1e-6);
                }
            }
    }
    n_checked++;
    nch_loss_work_free(w);
    free(g);
    free(p);
    free(tmp);
}

/* One model per (kind, d, normaliser), fresh samples per configuration. */
static void check_gradients_for(nch_loss_kind lk, const nch_loss_config *cfgs, size_t ncfg,
                                unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (int kind = 0; kind < 3; kind++) {
        if (!nch_loss_supports(lk, (nch_learnt_kind)kind)) continue;
        for (int d = 1; d <= 2; d++)
            for (int normalise = 0; normalise < 2; normalise++) {
                nch_learnt m;
                make_model(&m, (nch_learnt_kind)kind, d, normalise, r);
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
        {NCH_LOSS_VF, 0.3, 0.7, 0, 0},
        {NCH_LOSS_VF, 1.0 / 101, 100.0 / 101, 0, 0}, /* the study's weights */
    };
    check_gradients_for(NCH_LOSS_VF, cfgs, 2, 11);
}

static void test_grad_vf_reg(void **state)
{
    (void)state;
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_VF_REG, 0.3, 0.7, 0.0, 0},
        {NCH_LOSS_VF_REG, 0.3, 0.7, 0.37, 0},
        {NCH_LOSS_VF_REG, 0.3, 0.7, 50.0, 0}, /* the regulariser dominant */
    };
    check_gradients_for(NCH_LOSS_VF_REG, cfgs, 3, 12);
}

static void test_grad_dvi(void **state)
{
    (void)state;
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_DVI, 0.3, 0.7, 1e-2, H},
        {NCH_LOSS_DVI, 5.4773e-4, 0.99945, 1e-8, H}, /* the study's weights */
        {NCH_LOSS_DVI, 0, 0, 1.0, H},                /* mean log10 cond₂ J alone */
    };
    check_gradients_for(NCH_LOSS_DVI, cfgs, 3, 13);
    print_message("worst relative error, loss gradients vs central differences over %d "
                  "configurations: directions %.2e, coordinates %.2e\n",
                  n_checked, worst_dir, worst_coord);
}

/* ---------------------------------------------------------------- values */

static double worst_value;

static void test_values(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    const nch_loss_config cfgs[] = {
        {NCH_LOSS_VF, 0.3, 0.7, 0, 0},
        {NCH_LOSS_VF_REG, 0.3, 0.7, 0.37, 0},
        {NCH_LOSS_DVI, 0.3, 0.7, 1e-2, H},
    };
    for (size_t c = 0; c < 3; c++)
        for (int kind = 0; kind < 3; kind++) {
            if (!nch_loss_supports(cfgs[c].kind, (nch_learnt_kind)kind)) continue;
            for (int d = 1; d <= 2; d++)
                for (int normalise = 0; normalise < 2; normalise++) {
                    nch_learnt m;
                    make_model(&m, (nch_learnt_kind)kind, d, normalise, r);
                    double samples[B * 6 * NCH_DMAX], terms[NCH_LOSS_NTERMS_MAX],
                        ref[NCH_LOSS_NTERMS_MAX];
                    make_samples(&m, cfgs[c].kind, r, samples);
                    nch_loss_work *w = nch_loss_work_alloc(&m, cfgs[c].kind, B + 3);
                    assert_non_null(w);
                    assert_int_equal(
                        nch_loss_eval(&cfgs[c], &m, m.params, B, samples, terms, NULL, w), NCH_OK);
                    reference_terms(&cfgs[c], &m, samples, ref);
                    /* Through the interface: the same up to rounding. */
                    double tv[NCH_LOSS_NTERMS_MAX];
                    assert_int_equal(nch_loss_values(&cfgs[c], &m.model, B, samples, tv), NCH_OK);
                    for (size_t t = 0; t < nch_loss_nterms(cfgs[c].kind); t++) {
                        worst_value = fmax(worst_value, fabs(terms[t] - ref[t]) / fabs(ref[t]));
                        worst_value = fmax(worst_value, fabs(tv[t] - ref[t]) / fabs(ref[t]));
                        assert_close(terms[t], ref[t], 1e-10, 0);
                        assert_close(tv[t], ref[t], 1e-10, 0);
                    }
                    nch_loss_work_free(w);
                    nch_learnt_free(&m);
                }
        }
    print_message("worst relative difference, loss terms vs recomputation: %.2e\n", worst_value);
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
    const nch_loss_config reg = {NCH_LOSS_VF_REG, 1, 1, 1e-8, 0};
    assert_int_equal(nch_loss_values(&reg, &lv, NV, vf, tref), NCH_OK);
    assert_int_equal(nch_loss_values(&reg, &pert, NV, vf, tpert), NCH_OK);
    assert_true(tref[1] < 1e-28 && tref[2] < 1e-28);
    assert_true(tpert[1] < 1e-28);
    assert_true(tpert[3] > 10 * tref[3] && tpert[4] > 10 * tref[4]);
    /* abs_reg from the closed form of §5.2 and the same Gram whitening. */
    double W[4], sumr = 0;
    reference_whitener(2, NV, vf + 2, 4, W);
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
    assert_close(tref[3], sumr, 1e-10, 0);

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
    const nch_loss_config dvi = {NCH_LOSS_DVI, 1, 1, 1e-8, 0.1};
    assert_int_equal(nch_loss_values(&dvi, &lv, NV, tri, td), NCH_OK);
    assert_true(td[1] < 1e-18 && td[2] < 1e-18);
    assert_true(td[3] > 0 && isfinite(td[3]));
    assert_close(td[0], td[1] + td[2] + 1e-8 * td[3], 1e-12, 0);
    assert_int_equal(nch_loss_values(&dvi, &pert, NV, tri, td), NCH_OK);
    assert_true(td[1] > 1e-8); /* another gauge, another scheme */

    /* Rejections: no jets for VF_REG / DVI, no samples, a zero step. */
    nch_model field_only = lv;
    field_only.jets = NULL;
    assert_int_equal(nch_loss_values(&reg, &field_only, NV, vf, tref), NCH_EINVAL);
    assert_int_equal(nch_loss_values(&dvi, &field_only, NV, tri, td), NCH_EINVAL);
    const nch_loss_config vfc = {NCH_LOSS_VF, 1, 1, 0, 0};
    assert_int_equal(nch_loss_values(&vfc, &field_only, NV, vf, tref), NCH_OK);
    assert_int_equal(nch_loss_values(&vfc, &lv, 0, vf, tref), NCH_EINVAL);
    nch_loss_config dvi0 = dvi;
    dvi0.h = 0;
    assert_int_equal(nch_loss_values(&dvi0, &lv, NV, tri, td), NCH_EINVAL);
    gsl_rng_free(r);
}

/* With ż = f(z)/2 the error f − ż equals the scaler ż, so abs = mean n(W s_i)
 * and rel = mean n(W s_i)/(1e-8 + n(W s_i)): both 1 up to the 1e-8's. */
static void test_gram_whitening(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4);
    const nch_loss_config cfg = {NCH_LOSS_VF, 1, 1, 0, 0};
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
            /* n(s̃) summed over the eigen-directions is Σ_k S_k/(√S_k + 1e-8)²/n ≤ 1. */
            assert_true(terms[1] <= 1.0 && terms[2] <= 1.0);
            assert_close(terms[1], 1.0, 0, 1e-5);
            assert_close(terms[2], 1.0, 0, 1e-5);
            assert_close(terms[0], 2.0, 0, 2e-5);
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
            const nch_loss_config vf = {NCH_LOSS_VF, 0.0099, 0.9901, 0, 0};
            nch_loss_config reg = {NCH_LOSS_VF_REG, 0.0099, 0.9901, 0.0, 0};
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
            assert_close(tw[0], tr[0] + 0.37 * (0.0099 * tr[3] + 0.9901 * tr[4]), 1e-14, 0);
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
    static const char *const want[3][5] = {{"tot", "abs", "rel"},
                                           {"tot", "abs_dz", "rel_dz", "abs_reg", "rel_reg"},
                                           {"tot", "abs", "rel", "reg"}};
    for (int k = 0; k < 3; k++) {
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
    const nch_loss_config vf = {NCH_LOSS_VF, 1, 1, 0, 0}, reg = {NCH_LOSS_VF_REG, 1, 1, 0, 0};
    nch_loss_config dvi = {NCH_LOSS_DVI, 1, 1, 1e-8, H};
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

/* The Gram check (issue 11): all-zero targets, collinear targets and a batch
 * of fewer than 2d samples are degenerate, for the check and for every loss
 * call; a generic batch is not, and the limit is the stated 2d (B + 2) u. */
static void test_degenerate_gram(void **state)
{
    (void)state;
    assert_close(nch_loss_gram_limit(1, 500), 2.0 * 502 * DBL_EPSILON / 2, 1e-15, 0);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 8);
    nch_learnt nc;
    make_model(&nc, NCH_LEARNT_NONCANONICAL, 1, 0, r);
    nch_loss_work *w = nch_loss_work_alloc(&nc, NCH_LOSS_VF, B);
    assert_non_null(w);
    double samples[B * 4], terms[5], ratio;
    make_samples(&nc, NCH_LOSS_VF, r, samples);
    const nch_loss_config vf = {NCH_LOSS_VF, 1, 1, 0, 0};
    assert_int_equal(nch_loss_gram_ratio(NCH_LOSS_VF, 1, B, samples, &ratio), NCH_OK);
    assert_true(ratio > nch_loss_gram_limit(1, B) && ratio <= 1);
    assert_int_equal(nch_loss_gram_ratio(NCH_LOSS_VF, 1, 1, samples, &ratio), NCH_EDEGEN);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, 1, samples, terms, NULL, w), NCH_EDEGEN);
    for (int i = 0; i < B; i++) { /* collinear: ż_i = c_i (1, 3) */
        samples[4 * i + 2] = 0.1 * (i + 1);
        samples[4 * i + 3] = 0.3 * (i + 1);
    }
    assert_int_equal(nch_loss_gram_ratio(NCH_LOSS_VF, 1, B, samples, &ratio), NCH_EDEGEN);
    assert_true(ratio <= nch_loss_gram_limit(1, B));
    for (int i = 0; i < B; i++) samples[4 * i + 2] = samples[4 * i + 3] = 0;
    assert_int_equal(nch_loss_gram_ratio(NCH_LOSS_VF, 1, B, samples, &ratio), NCH_EDEGEN);
    assert_true(ratio == 0);
    assert_int_equal(nch_loss_eval(&vf, &nc, nc.params, B, samples, terms, NULL, w), NCH_EDEGEN);
    nch_model lv;
    nch_lv_model(&lv);
    for (int i = 0; i < B; i++) samples[4 * i] = samples[4 * i + 1] = 1 + 0.1 * i;
    assert_int_equal(nch_loss_values(&vf, &lv, B, samples, terms), NCH_EDEGEN);
    nch_loss_work_free(w);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
