#include "nch_loss_head.h"

#include "nch_err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const loss_names[] = {"vf", "vf_reg", "dvi", "imex"};
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
    {"tot", "abs", "rel", "reg"},
};
static const size_t nterms[NLOSS] = {3, 5, 4, 4};

size_t nch_loss_nterms(nch_loss_kind k) { return (size_t)k < NLOSS ? nterms[k] : 0; }

const char *nch_loss_term_name(nch_loss_kind k, size_t i)
{
    return i < nch_loss_nterms(k) ? term_names[k][i] : NULL;
}

size_t nch_loss_sample_width(nch_loss_kind k, int d)
{
    return (k == NCH_LOSS_DVI || k == NCH_LOSS_IMEX ? 6 : 4) * (size_t)d;
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

void nch_loss_work_free(nch_loss_work *w)
{
    if (!w) return;
    for (size_t s = 0; s < 2; s++) {
        free(w->z[s]);
        nch_learnt_work_free(w->lw[s]);
        for (size_t k = 0; k < 2; k++) {
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
    *w = (nch_loss_work){.kind = k, .mkind = m->kind, .d = m->d, .n_dir = m->n_dir,
                         .n_params = m->n_params, .B_max = B_max};
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
        const size_t K = nch_mlp_ncomp(m->n_dir, w->order_max[s]);
        w->z[s] = nch_alloc(B_max, n, sizeof *w->z[s]);
        w->lw[s] = nch_learnt_work_alloc(m, B_max, w->order_max[s]);
        ok = w->z[s] && w->lw[s];
        for (size_t j = 0; j < m->n_nets && ok; j++) {
            /* B_max × K × n_out values; the nets' work allocation (in
             * w->lw[s]) bounds B_max K. */
            w->out[s][j] = nch_alloc(B_max * K, m->net[j].n_out, sizeof *w->out[s][j]);
            w->bar[s][j] = nch_alloc(B_max * K, m->net[j].n_out, sizeof *w->bar[s][j]);
            ok = w->out[s][j] && w->bar[s][j];
        }
    }
    if (!ok) {
        nch_loss_work_free(w);
        return NULL;
    }
    return w;
}

/* ---------------------------------------------------------------- evaluation */

static size_t comps(const nch_loss_work *w, size_t s)
{
    return nch_mlp_jets_ncomp(&w->jets[s]);
}

void nch_loss_get_jet(const nch_loss_ctx *x, size_t s, size_t p, nch_jet *jet)
{
    const nch_learnt *m = x->m;
    const size_t K = comps(x->w, s), hn = m->n_nets - 1;
    nch_learnt_jet_get(m, &x->w->jets[s], x->w->z[s] + p * 2 * (size_t)m->d,
                       hn ? x->w->out[s][0] + p * K * (size_t)m->d : NULL,
                       x->w->out[s][hn] + p * K, jet);
}

void nch_loss_put_bar(const nch_loss_ctx *x, size_t s, size_t p, const nch_jet *bar)
{
    const nch_learnt *m = x->m;
    const size_t K = comps(x->w, s), hn = m->n_nets - 1;
    nch_learnt_jet_adjoint(m, &x->w->jets[s], bar,
                           hn ? x->w->bar[s][0] + p * K * (size_t)m->d : NULL,
                           x->w->bar[s][hn] + p * K);
}

/* The scaler of a sample of kind k. */
static nch_gram_scaler scaler_of(nch_loss_kind k)
{
    return k == NCH_LOSS_DVI ? nch_loss_dvi_scaler
           : k == NCH_LOSS_IMEX ? nch_loss_imex_scaler
                                : nch_loss_vf_scaler;
}

/* The sample's column where set s's points start: z for VF and VF_REG, z1
 * (and z2) for DVI, z1 for IMEX. */
static size_t set_column(nch_loss_kind k, size_t s, int n)
{
    return k == NCH_LOSS_VF || k == NCH_LOSS_VF_REG ? 0 : (1 + s) * (size_t)n;
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
    case NCH_LOSS_IMEX:
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
    return k == NCH_LOSS_VF_REG && nch_mlp_jets_order(&w->jets[0]) == 2;
}

static int bad_config(const nch_loss_config *cfg)
{
    const int stepped = cfg->kind == NCH_LOSS_DVI || cfg->kind == NCH_LOSS_IMEX;
    return (size_t)cfg->kind >= NLOSS || (stepped && (!isfinite(cfg->h) || cfg->h == 0)) ||
           (cfg->norm != NCH_NORM_GRAM && cfg->norm != NCH_NORM_SCALED) ||
           !(cfg->gram_eps >= 0 && isfinite(cfg->gram_eps));
}

/* Each set's jet pattern for this call: the full pattern of the order the
 * work was sized for, except that a zero weight gives r no say in the
 * gradient, so a gradient call skips r and with it the second-order jets,
 * which cost half of the call; and with minimal_jets the DVI's sets carry
 * what its head reads: at z1 the value and the x-derivatives (D_2L_d), at
 * z2 every entry but ∂²/∂x∂x (J's rows are R_x, first order, and R_y, whose
 * derivatives are ∂²/∂y∂z). */
static void set_jets(const nch_loss_config *cfg, const nch_learnt *m, int want_grad,
                     nch_loss_work *w)
{
    for (size_t s = 0; s < w->nsets; s++) nch_learnt_jets_order(m, w->order_max[s], &w->jets[s]);
    if (want_grad && nch_loss_grad_skips_reg(cfg)) nch_learnt_jets_order(m, 1, &w->jets[0]);
    if (cfg->kind != NCH_LOSS_DVI || !cfg->minimal_jets) return;
    const int d = m->d, n = 2 * d;
    unsigned hess = 0;
    for (int a = 0; a < n; a++)
        for (int b = a; b < n; b++)
            if (b >= d) hess |= 1u << (a * n + b);
    nch_learnt_jets(m, (1u << d) - 1, 0, &w->jets[0]);
    nch_learnt_jets(m, (1u << n) - 1, hess, &w->jets[1]);
}

/* The norm of a batch of B samples of cfg's kind. */
static int batch_norm(const nch_loss_config *cfg, int d, size_t B, const double *samples,
                      nch_gram *g)
{
    const double eps = cfg->gram_eps > 0 ? cfg->gram_eps : NCH_GRAM_EPS_DEFAULT;
    return nch_gram_init(g, cfg->norm, eps, 2 * d, B, samples,
                         nch_loss_sample_width(cfg->kind, d), scaler_of(cfg->kind));
}

int nch_loss_gram_ratio(const nch_loss_config *cfg, int d, size_t B, const double *samples,
                        double *ratio)
{
    if (bad_config(cfg) || d < 1 || d > NCH_DMAX || B == 0) return NCH_EINVAL;
    nch_gram g;
    /* The status is the norm's; the ratio, for the message, is the Gram
     * matrix's whatever the norm (n and B are valid here). */
    nch_gram_ratio(2 * d, B, samples, nch_loss_sample_width(cfg->kind, d), scaler_of(cfg->kind), ratio);
    return batch_norm(cfg, d, B, samples, &g);
}

void nch_loss_gram_error(const nch_loss_config *cfg, int d, const char *path, size_t batch,
                         size_t B, const char *where, double ratio)
{
    const char *scalers = cfg->kind == NCH_LOSS_DVI    ? "steps z2 - z1"
                          : cfg->kind == NCH_LOSS_IMEX ? "increments (x1 - x0, y2 - y1)"
                                                       : "targets";
    if (cfg->norm == NCH_NORM_SCALED)
        nch_error("%s: batch %zu (%zu samples%s): degenerate data: the %s are all zero", path, batch, B,
                  where, scalers);
    else
        nch_error("%s: batch %zu (%zu samples%s): degenerate data: the Gram matrix of the %s is "
                  "singular (smallest/largest eigenvalue %.3g, limit %.3g)",
                  path, batch, B, where, scalers, ratio, nch_gram_limit(2 * d, B));
}

int nch_loss_check_set(const nch_loss_config *cfg, const nch_dataset *ds)
{
    double ratio;
    if (nch_loss_gram_ratio(cfg, ds->d, ds->n, ds->samples, &ratio) != NCH_EDEGEN) return NCH_OK;
    nch_loss_gram_error(cfg, ds->d, ds->path, 1, ds->n, ", the whole file", ratio);
    return NCH_EDEGEN;
}

int nch_loss_eval(const nch_loss_config *cfg, const nch_learnt *m, const double *params,
                  size_t B, const double *samples, double *terms, double *grad,
                  nch_loss_work *w)
{
    const nch_loss_kind k = cfg->kind;
    if (bad_config(cfg) || !nch_loss_supports(k, m->kind) || !w || w->kind != k ||
        w->mkind != m->kind || w->d != m->d || w->n_dir != m->n_dir ||
        w->n_params != m->n_params || B == 0 ||
        B > w->B_max)
        return NCH_EINVAL;
    const int d = m->d, n = 2 * d;
    const size_t width = nch_loss_sample_width(k, d);
    for (size_t t = 0; t < nterms[k]; t++) terms[t] = NAN;

    set_jets(cfg, m, grad != NULL, w);

    /* Each set's points, contiguous for the nets. */
    for (size_t s = 0; s < w->nsets; s++) {
        const size_t col = set_column(k, s, n);
        for (size_t p = 0; p < B; p++)
            memcpy(w->z[s] + p * (size_t)n, samples + p * width + col, (size_t)n * sizeof *samples);
        int rc = nch_learnt_forward(m, params, B, w->z[s], &w->jets[s], w->lw[s], w->out[s]);
        if (rc != NCH_OK) return rc;
    }

    nch_gram g;
    double acc[4] = {0};
    int rc = batch_norm(cfg, d, B, samples, &g);
    if (rc != NCH_OK) return rc;
    const nch_loss_ctx x = {m, w};
    switch (k) {
    case NCH_LOSS_DVI: rc = nch_loss_dvi_batch(cfg, &x, B, samples, &g, grad != NULL, acc); break;
    case NCH_LOSS_IMEX: rc = nch_loss_imex_batch(cfg, &x, B, samples, &g, grad != NULL, acc); break;
    default:
        rc = nch_loss_vf_batch(cfg, &x, B, samples, &g, vf_tracks_reg(k, w), grad != NULL, acc);
    }
    if (rc == NCH_OK) rc = finish_terms(cfg, B, acc, vf_tracks_reg(k, w), terms);
    if (rc != NCH_OK || !grad) return rc;

    memset(grad, 0, m->n_params * sizeof *grad);
    for (size_t s = 0; s < w->nsets; s++) {
        const double *const bar[2] = {w->bar[s][0], w->bar[s][1]};
        if ((rc = nch_learnt_backward(m, params, w->lw[s], bar, grad)) != NCH_OK) return rc;
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
    for (size_t t = 0; t < nterms[k]; t++) terms[t] = NAN;
    nch_gram g;
    double acc[4] = {0};
    int rc = batch_norm(cfg, m->d, B, samples, &g);
    if (rc == NCH_OK && k == NCH_LOSS_DVI) rc = nch_loss_dvi_values(cfg, m, B, samples, &g, acc);
    else if (rc == NCH_OK && k == NCH_LOSS_IMEX)
        rc = nch_loss_imex_values(cfg, m, B, samples, &g, acc);
    else if (rc == NCH_OK) rc = nch_loss_vf_values(m, k == NCH_LOSS_VF_REG, B, samples, &g, acc);
    return rc == NCH_OK ? finish_terms(cfg, B, acc, 1, terms) : rc;
}
