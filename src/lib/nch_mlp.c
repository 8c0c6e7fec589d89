#include "nch_mlp.h"

#include "nch_err.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rows of per-neuron STanh scratch (stanh_scratch below). */
enum { STANH_ROWS = 9 };

struct nch_mlp_work {
    /* The shape it was sized for, checked on every call. */
    size_t n, n_feat, n_out, depth, width[NCH_MLP_LMAX];
    size_t B_max;
    int order_max;
    /* The latest forward call. */
    size_t B;
    nch_mlp_jets jets;
    double *A0;                 /* (B·K) × n_feat input-map jets */
    double *U[NCH_MLP_LMAX];    /* (B·K) × w_l    pre-activation jets */
    double *V[NCH_MLP_LMAX];    /* (B·K) × w_l    post-activation jets */
    double *T[NCH_MLP_LMAX];    /* B × w_l        tanh of the pre-activation values */
    double *Vbar, *Ubar;        /* (B·K) × max w  adjoint scratch */
    double *C;                  /* STANH_ROWS × max w  STanh scratch of one point */
    double *mem;
};

static size_t fan_in(const nch_mlp *net, size_t l)
{
    return l == 0 ? net->n_feat : net->width[l - 1];
}

static size_t fan_out(const nch_mlp *net, size_t l)
{
    return l == net->depth ? net->n_out : net->width[l];
}

/* Shapes and offsets for either input kind. */
static int init_shape(nch_mlp *net, nch_mlp_input input, size_t n, size_t n_feat, size_t depth,
                      const size_t *width, size_t n_out)
{
    if (n < 1 || n > NCH_MLP_NMAX || n_feat < 1 || depth < 1 || depth > NCH_MLP_LMAX || n_out < 1)
        return NCH_EINVAL;
    for (size_t l = 0; l < depth; l++)
        if (width[l] < 1) return NCH_EINVAL;
    *net = (nch_mlp){.n = n, .n_feat = n_feat, .n_out = n_out, .depth = depth, .input = input};
    for (size_t k = 0; k < n; k++) net->scale[k] = 1.0;
    for (size_t l = 0; l < depth; l++) net->width[l] = width[l];
    size_t off = 0;
    for (size_t l = 0; l <= depth; l++) {
        net->off_W[l] = off;
        off += fan_out(net, l) * fan_in(net, l);
        if (l == depth) break;
        net->off_b[l] = off;
        off += width[l];
        net->off_s[l] = off;
        off += width[l];
    }
    net->n_params = off;
    return NCH_OK;
}

int nch_mlp_init(nch_mlp *net, size_t n, size_t depth, const size_t *width, size_t n_out)
{
    return init_shape(net, NCH_MLP_INPUT_AFFINE, n, n, depth, width, n_out);
}

int nch_mlp_init_features(nch_mlp *net, size_t n, size_t n_feat, size_t depth, const size_t *width,
                          size_t n_out)
{
    return init_shape(net, NCH_MLP_INPUT_FEATURES, n, n_feat, depth, width, n_out);
}

int nch_mlp_set_normaliser(nch_mlp *net, const double *shift, const double *scale)
{
    for (size_t k = 0; k < net->n; k++)
        if (!isfinite(shift[k]) || !isfinite(scale[k])) return NCH_EINVAL;
    for (size_t k = 0; k < net->n; k++) {
        net->shift[k] = shift[k];
        net->scale[k] = scale[k];
    }
    return NCH_OK;
}

void nch_mlp_init_params(const nch_mlp *net, gsl_rng *rng, double *params)
{
    for (size_t l = 0; l <= net->depth; l++) {
        const size_t fi = fan_in(net, l), fo = fan_out(net, l);
        const double bound = 1.0 / sqrt((double)fi);
        double *W = params + net->off_W[l];
        for (size_t i = 0; i < fo * fi; i++) W[i] = (2.0 * gsl_rng_uniform(rng) - 1.0) * bound;
        if (l == net->depth) break;
        double *b = params + net->off_b[l], *s = params + net->off_s[l];
        for (size_t j = 0; j < fo; j++) b[j] = (2.0 * gsl_rng_uniform(rng) - 1.0) * bound;
        for (size_t j = 0; j < fo; j++) s[j] = 1.0;
    }
}

size_t nch_mlp_ncomp(size_t n, int order)
{
    return order <= 0 ? 1 : order == 1 ? 1 + n : 1 + n + n * (n + 1) / 2;
}

int nch_mlp_jets_order(const nch_mlp_jets *j) { return j->nh ? 2 : j->ng ? 1 : 0; }

size_t nch_mlp_jets_ncomp(const nch_mlp_jets *j) { return 1 + j->ng + j->nh; }

void nch_mlp_jets_full(size_t n, int order, nch_mlp_jets *j)
{
    *j = (nch_mlp_jets){0};
    if (order < 1) return;
    j->ng = n;
    for (size_t i = 0; i < n; i++) j->dir[i] = i;
    if (order < 2) return;
    for (size_t i = 0; i < n; i++)
        for (size_t k = i; k < n; k++, j->nh++) {
            j->pair[j->nh][0] = i;
            j->pair[j->nh][1] = k;
        }
}

long nch_mlp_jets_comp(const nch_mlp_jets *j, size_t a, long b)
{
    long pa = -1, pb = -1;
    for (size_t p = 0; p < j->ng; p++) {
        if (j->dir[p] == a) pa = (long)p;
        if (b >= 0 && j->dir[p] == (size_t)b) pb = (long)p;
    }
    if (pa < 0) return -1;
    if (b < 0) return 1 + pa;
    if (pb < 0) return -1;
    if (pa > pb) {
        const long t = pa;
        pa = pb;
        pb = t;
    }
    for (size_t q = 0; q < j->nh; q++)
        if (j->pair[q][0] == (size_t)pa && j->pair[q][1] == (size_t)pb)
            return (long)(1 + j->ng + q);
    return -1;
}

/* A pattern this net can carry: increasing directions < n, pairs of
 * positions a ≤ b < ng, at most NCH_MLP_KMAX components. */
static int jets_valid(const nch_mlp *net, const nch_mlp_jets *j)
{
    if (j->ng > net->n || 1 + j->ng + j->nh > NCH_MLP_KMAX) return 0;
    for (size_t p = 0; p < j->ng; p++)
        if (j->dir[p] >= net->n || (p > 0 && j->dir[p] <= j->dir[p - 1])) return 0;
    for (size_t q = 0; q < j->nh; q++)
        if (j->pair[q][0] > j->pair[q][1] || j->pair[q][1] >= j->ng) return 0;
    return 1;
}

size_t nch_mlp_hess_comp(size_t n, size_t i, size_t j)
{
    if (i > j) {
        size_t t = i;
        i = j;
        j = t;
    }
    /* Rows 0..i-1 of the upper triangle hold n + (n-1) + … + (n-i+1) entries. */
    return 1 + n + i * n - i * (i - 1) / 2 + (j - i);
}

/* ---------------------------------------------------------------- workspace */

/* Buffers start on 64-byte boundaries (cache lines, AVX-512 loads). */
static size_t pad8(size_t k)
{
    return (k + 7) & ~(size_t)7;
}

/* The next buffer of k doubles from *p. */
static double *carve(double **p, size_t k)
{
    double *b = *p;
    *p += pad8(k);
    return b;
}

nch_mlp_work *nch_mlp_work_alloc(const nch_mlp *net, size_t B_max, int order_max)
{
    if (order_max < 0 || order_max > 2 || B_max < 1 || net->depth < 1 ||
        net->depth > NCH_MLP_LMAX)
        return NULL;
    const size_t K = nch_mlp_ncomp(net->n, order_max);
    size_t wmax = net->n_feat;
    for (size_t l = 0; l < net->depth; l++)
        if (net->width[l] > wmax) wmax = net->width[l];
    /* cblas takes int dimensions; also keeps every product below SIZE_MAX. */
    if (B_max > (size_t)INT_MAX / K / wmax) return NULL;
    const size_t rows = B_max * K;

    size_t total = pad8(rows * net->n_feat) + 2 * pad8(rows * wmax) + pad8(STANH_ROWS * wmax);
    for (size_t l = 0; l < net->depth; l++)
        total += 2 * pad8(rows * net->width[l]) + pad8(B_max * net->width[l]);
    if (total > SIZE_MAX / sizeof(double)) return NULL;

    nch_mlp_work *w = calloc(1, sizeof *w);
    double *mem = aligned_alloc(64, total * sizeof(double));
    if (!w || !mem) {
        free(w);
        free(mem);
        return NULL;
    }
    w->n = net->n;
    w->n_feat = net->n_feat;
    w->n_out = net->n_out;
    w->depth = net->depth;
    for (size_t l = 0; l < net->depth; l++) w->width[l] = net->width[l];
    w->B_max = B_max;
    w->order_max = order_max;
    w->mem = mem;
    double *p = mem;
    w->A0 = carve(&p, rows * net->n_feat);
    w->Vbar = carve(&p, rows * wmax);
    w->Ubar = carve(&p, rows * wmax);
    w->C = carve(&p, STANH_ROWS * wmax);
    for (size_t l = 0; l < net->depth; l++) {
        w->U[l] = carve(&p, rows * net->width[l]);
        w->V[l] = carve(&p, rows * net->width[l]);
        w->T[l] = carve(&p, B_max * net->width[l]);
    }
    return w;
}

void nch_mlp_work_free(nch_mlp_work *w)
{
    if (!w) return;
    free(w->mem);
    free(w);
}

static int same_shape(const nch_mlp *net, const nch_mlp_work *w)
{
    if (w->n != net->n || w->n_feat != net->n_feat || w->n_out != net->n_out ||
        w->depth != net->depth)
        return 0;
    for (size_t l = 0; l < net->depth; l++)
        if (w->width[l] != net->width[l]) return 0;
    return 1;
}

/* ---------------------------------------------------------------- input map */

/* A0 ((B·K) × n) = jets of a = (z + shift) ⊙ scale: value, ∂a_k/∂z_i =
 * scale_k δ_ki, Hessian 0. */
static void input_forward(const nch_mlp *net, size_t B, const double *z, const nch_mlp_jets *jets,
                          double *A0)
{
    const size_t n = net->n, K = nch_mlp_jets_ncomp(jets);
    for (size_t p = 0; p < B; p++) {
        double *a = A0 + p * K * n;
        for (size_t k = 0; k < n; k++) a[k] = (z[p * n + k] + net->shift[k]) * net->scale[k];
        for (size_t c = 1; c < K; c++)
            for (size_t k = 0; k < n; k++)
                a[c * n + k] = c <= jets->ng && jets->dir[c - 1] == k ? net->scale[k] : 0.0;
    }
}

/* ---------------------------------------------------------------- STanh
 * σ(u) = (1 + s u) T, T = tanh u, S = 1 − T² (engine.md §2, §3).  One point's
 * jets of a layer of width m are K rows of m; neuron j is column j.
 *
 * Per point, the per-neuron coefficients (σ′, σ″, …) go to scratch first;
 * then each jet component is one stride-1 pass over the neurons, which the
 * compiler vectorises (the Makefile's VECTORISE_FLAGS).  Every neuron's
 * arithmetic, sums included, is in the order of the one-neuron formulas, so
 * results do not depend on the vector width or on this layout. */

/* The rows of the STanh scratch C (STANH_ROWS × m). */
typedef struct {
    double *a, *S, *d1, *d2, *ds1, *d3, *ds2; /* 1 + s u, S, σ′, σ″, ∂σ′/∂s, σ‴, ∂σ″/∂s */
    double *gv, *sb;                          /* backward accumulators */
} stanh_scratch;

static stanh_scratch stanh_rows(double *C, size_t m)
{
    return (stanh_scratch){C, C + m, C + 2 * m, C + 3 * m, C + 4 * m, C + 5 * m, C + 6 * m,
                           C + 7 * m, C + 8 * m};
}

/* The coefficients of one point up to derivative `deriv` of σ: a always;
 * deriv ≥ 1: S, σ′; ≥ 2: σ″; ≥ 3: σ‴; and, with ds (backward pass),
 * ∂σ′/∂s at deriv ≥ 2, ∂σ″/∂s at deriv ≥ 3.  t = tanh u. */
static void stanh_coefficients(size_t m, int deriv, int ds, const double *restrict s,
                               const double *restrict u, const double *restrict t,
                               const stanh_scratch *c)
{
    for (size_t j = 0; j < m; j++) c->a[j] = 1.0 + s[j] * u[j];
    if (deriv < 1) return;
    for (size_t j = 0; j < m; j++) {
        c->S[j] = 1.0 - t[j] * t[j];
        c->d1[j] = s[j] * t[j] + c->a[j] * c->S[j];
    }
    if (deriv < 2) return;
    for (size_t j = 0; j < m; j++) c->d2[j] = 2.0 * c->S[j] * (s[j] - c->a[j] * t[j]);
    if (ds)
        for (size_t j = 0; j < m; j++) c->ds1[j] = t[j] + u[j] * c->S[j];
    if (deriv < 3) return;
    for (size_t j = 0; j < m; j++) {
        const double S = c->S[j], a = c->a[j], th = t[j];
        c->d3[j] = 2.0 * S * (a * (2.0 * th * th - S) - 3.0 * s[j] * th);
        c->ds2[j] = 2.0 * S * (1.0 - u[j] * th);
    }
}

/* U → V for B points; T[p·m + j] keeps tanh for the backward pass; C is
 * scratch of STANH_ROWS × m. */
static void stanh_forward(size_t B, const nch_mlp_jets *jets, size_t m, const double *restrict s,
                          const double *restrict U, double *restrict T, double *restrict V,
                          double *restrict C)
{
    const size_t K = nch_mlp_jets_ncomp(jets), ng = jets->ng;
    const int order = nch_mlp_jets_order(jets);
    const stanh_scratch c = stanh_rows(C, m);
    const double *d1 = c.d1, *d2 = c.d2;
    for (size_t p = 0; p < B; p++) {
        const double *u = U + p * K * m;
        double *v = V + p * K * m, *t = T + p * m;
        for (size_t j = 0; j < m; j++) t[j] = tanh(u[j]);
        stanh_coefficients(m, order, 0, s, u, t, &c);
        for (size_t j = 0; j < m; j++) v[j] = c.a[j] * t[j];
        if (order == 0) continue;
        for (size_t i = 0; i < ng; i++) {
            const double *g = u + (1 + i) * m;
            double *vg = v + (1 + i) * m;
            for (size_t j = 0; j < m; j++) vg[j] = d1[j] * g[j];
        }
        for (size_t q = 0, cc = 1 + ng; q < jets->nh; q++, cc++) {
            const size_t i = jets->pair[q][0], k = jets->pair[q][1];
            const double *gi = u + (1 + i) * m, *gk = u + (1 + k) * m, *h = u + cc * m;
            double *vh = v + cc * m;
            for (size_t j = 0; j < m; j++) vh[j] = d2[j] * gi[j] * gk[j] + d1[j] * h[j];
        }
    }
}

/* Vbar → Ubar for B points; ADDS ∂L/∂s to sbar (m); C is scratch of
 * STANH_ROWS × m. */
static void stanh_backward(size_t B, const nch_mlp_jets *jets, size_t m, const double *restrict s,
                           const double *restrict U, const double *restrict T,
                           const double *restrict Vbar, double *restrict Ubar,
                           double *restrict sbar, double *restrict C)
{
    const size_t K = nch_mlp_jets_ncomp(jets), ng = jets->ng;
    const int order = nch_mlp_jets_order(jets);
    const stanh_scratch c = stanh_rows(C, m);
    const double *d1 = c.d1, *d2 = c.d2, *d3 = c.d3, *ds1 = c.ds1, *ds2 = c.ds2;
    double *gv = c.gv, *sb = c.sb;
    for (size_t p = 0; p < B; p++) {
        const double *u = U + p * K * m, *vb = Vbar + p * K * m, *t = T + p * m;
        double *ub = Ubar + p * K * m;
        stanh_coefficients(m, order + 1, 1, s, u, t, &c);
        /* ub[j] accumulates ∂L/∂u_j as it goes, sb[j] ∂L/∂s_j of this point. */
        for (size_t j = 0; j < m; j++) {
            ub[j] = d1[j] * vb[j];
            sb[j] = u[j] * t[j] * vb[j]; /* ∂σ/∂s = uT */
        }
        if (order >= 1) {
            for (size_t j = 0; j < m; j++) gv[j] = 0.0;
            for (size_t i = 0; i < ng; i++) {
                const double *g = u + (1 + i) * m, *gb = vb + (1 + i) * m;
                double *ug = ub + (1 + i) * m;
                for (size_t j = 0; j < m; j++) {
                    gv[j] += g[j] * gb[j];
                    ug[j] = d1[j] * gb[j];
                }
            }
            for (size_t j = 0; j < m; j++) {
                ub[j] += d2[j] * gv[j];
                sb[j] += ds1[j] * gv[j];
            }
        }
        for (size_t q = 0, cc = 1 + ng; q < jets->nh; q++, cc++) {
            const size_t i = jets->pair[q][0], k = jets->pair[q][1];
            const double *gi = u + (1 + i) * m, *gk = u + (1 + k) * m;
            const double *h = u + cc * m, *hb = vb + cc * m;
            double *ui = ub + (1 + i) * m, *uk = ub + (1 + k) * m, *uh = ub + cc * m;
            for (size_t j = 0; j < m; j++) {
                ub[j] += (d3[j] * gi[j] * gk[j] + d2[j] * h[j]) * hb[j];
                sb[j] += (ds2[j] * gi[j] * gk[j] + ds1[j] * h[j]) * hb[j];
                uh[j] = d1[j] * hb[j];
            }
            /* v_ik ∋ σ″ u_i u_k: on the diagonal both adds hit u_i. */
            for (size_t j = 0; j < m; j++) ui[j] += d2[j] * hb[j] * gk[j];
            for (size_t j = 0; j < m; j++) uk[j] += d2[j] * hb[j] * gi[j];
        }
        for (size_t j = 0; j < m; j++) sbar[j] += sb[j];
    }
}

/* ---------------------------------------------------------------- affine
 * Y = A Wᵀ (+ b on the value rows), W: fo × fi, for the jets of B points:
 * A is (B·K) × fi, Y is (B·K) × fo. */

/* One dgemm per jet component over the B points (rows c, c + K, …, hence
 * leading dimensions K·fi and K·fo) rather than one over all B·K rows:
 * OpenBLAS rounds a row differently depending on how many rows the call has,
 * and this way the leading components of an order-2 pass are bitwise those
 * of an order-0 or order-1 pass, for K − 1 more calls.  b may be NULL. */
static void affine_forward(size_t B, size_t K, size_t fi, size_t fo, const double *A,
                           const double *W, const double *b, double *Y)
{
    for (size_t c = 0; c < K; c++)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)fo, (int)fi, 1.0,
                    A + c * fi, (int)(K * fi), W, (int)fi, 0.0, Y + c * fo, (int)(K * fo));
    if (!b) return;
    for (size_t p = 0; p < B; p++)
        for (size_t j = 0; j < fo; j++) Y[p * K * fo + j] += b[j];
}

/* W̄ (fo × fi) += Ȳᵀ (fo × B·K) · A (B·K × fi), summing over points and
 * components; b̄ (fo) += Σ_points ȳ_value unless bbar is NULL;
 * Ā ((B·K) × fi) = Ȳ ((B·K) × fo) · W (fo × fi) unless Abar is NULL. */
static void affine_backward(size_t B, size_t K, size_t fi, size_t fo, const double *A,
                            const double *W, const double *Ybar, double *Wbar, double *bbar,
                            double *Abar)
{
    const int rows = (int)(B * K);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)fo, (int)fi, rows, 1.0, Ybar,
                (int)fo, A, (int)fi, 1.0, Wbar, (int)fi);
    if (bbar)
        for (size_t p = 0; p < B; p++)
            for (size_t j = 0; j < fo; j++) bbar[j] += Ybar[p * K * fo + j];
    if (Abar)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, (int)fi, (int)fo, 1.0, Ybar,
                    (int)fo, W, (int)fi, 0.0, Abar, (int)fi);
}

/* ---------------------------------------------------------------- network */

/* Checks a call's shape and records its batch and jets. */
static int begin(const nch_mlp *net, nch_mlp_input input, size_t B, const nch_mlp_jets *jets,
                 nch_mlp_work *w)
{
    if (net->input != input || !jets_valid(net, jets) ||
        nch_mlp_jets_order(jets) > w->order_max ||
        nch_mlp_jets_ncomp(jets) > nch_mlp_ncomp(net->n, w->order_max) || B > w->B_max ||
        !same_shape(net, w))
        return NCH_EINVAL;
    w->B = B;
    w->jets = *jets;
    return NCH_OK;
}

/* The layers, from the input-map jets in w->A0. */
static void forward_layers(const nch_mlp *net, const double *params, nch_mlp_work *w, double *out)
{
    const size_t B = w->B, K = nch_mlp_jets_ncomp(&w->jets), L = net->depth;
    const double *A = w->A0;
    for (size_t l = 0; l < L; l++) {
        const size_t m = net->width[l];
        affine_forward(B, K, fan_in(net, l), m, A, params + net->off_W[l],
                       params + net->off_b[l], w->U[l]);
        stanh_forward(B, &w->jets, m, params + net->off_s[l], w->U[l], w->T[l], w->V[l], w->C);
        A = w->V[l];
    }
    affine_forward(B, K, fan_in(net, L), net->n_out, A, params + net->off_W[L], NULL, out);
}

int nch_mlp_forward_jets(const nch_mlp *net, const double *params, size_t B, const double *z,
                         const nch_mlp_jets *jets, nch_mlp_work *w, double *out)
{
    int rc = begin(net, NCH_MLP_INPUT_AFFINE, B, jets, w);
    if (rc != NCH_OK || B == 0) return rc;
    input_forward(net, B, z, jets, w->A0);
    forward_layers(net, params, w, out);
    return NCH_OK;
}

int nch_mlp_forward(const nch_mlp *net, const double *params, size_t B, const double *z,
                    int order, nch_mlp_work *w, double *out)
{
    if (order < 0 || order > 2) return NCH_EINVAL;
    nch_mlp_jets jets;
    nch_mlp_jets_full(net->n, order, &jets);
    return nch_mlp_forward_jets(net, params, B, z, &jets, w, out);
}

int nch_mlp_forward_features(const nch_mlp *net, const double *params, size_t B, const double *A0,
                             const nch_mlp_jets *jets, nch_mlp_work *w, double *out)
{
    int rc = begin(net, NCH_MLP_INPUT_FEATURES, B, jets, w);
    if (rc != NCH_OK || B == 0) return rc;
    memcpy(w->A0, A0, B * nch_mlp_jets_ncomp(jets) * net->n_feat * sizeof *A0);
    forward_layers(net, params, w, out);
    return NCH_OK;
}

/* The backward pass; columns col0 .. col0 + ncol − 1 of the input map's
 * adjoint into A0_bar ((B·K) × ncol) unless ncol is 0. */
static void backward_layers(const nch_mlp *net, const double *params, nch_mlp_work *w,
                            const double *out_bar, double *grad, double *A0_bar, size_t col0,
                            size_t ncol)
{
    const size_t B = w->B, K = nch_mlp_jets_ncomp(&w->jets), L = net->depth;
    affine_backward(B, K, fan_in(net, L), net->n_out, w->V[L - 1], params + net->off_W[L],
                    out_bar, grad + net->off_W[L], NULL, w->Vbar);
    for (size_t l = L; l-- > 0;) {
        const size_t m = net->width[l];
        stanh_backward(B, &w->jets, m, params + net->off_s[l], w->U[l], w->T[l], w->Vbar, w->Ubar,
                       grad + net->off_s[l], w->C);
        affine_backward(B, K, fan_in(net, l), m, l == 0 ? w->A0 : w->V[l - 1],
                        params + net->off_W[l], w->Ubar, grad + net->off_W[l],
                        grad + net->off_b[l], l == 0 ? NULL : w->Vbar);
    }
    /* Ā0's columns = Ū0 · W0's columns (W0: w0 × n_feat). */
    if (ncol > 0)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(B * K), (int)ncol,
                    (int)net->width[0], 1.0, w->Ubar, (int)net->width[0], params + net->off_W[0] + col0,
                    (int)net->n_feat, 0.0, A0_bar, (int)ncol);
}

int nch_mlp_backward(const nch_mlp *net, const double *params, nch_mlp_work *w,
                     const double *out_bar, double *grad)
{
    if (net->input != NCH_MLP_INPUT_AFFINE || !same_shape(net, w)) return NCH_EINVAL;
    /* The affine map has no parameters, so its adjoint is not needed. */
    if (w->B > 0) backward_layers(net, params, w, out_bar, grad, NULL, 0, 0);
    return NCH_OK;
}

int nch_mlp_backward_features(const nch_mlp *net, const double *params, nch_mlp_work *w,
                              const double *out_bar, double *grad, double *A0_bar, size_t col0,
                              size_t ncol)
{
    if (net->input != NCH_MLP_INPUT_FEATURES || !same_shape(net, w) || col0 + ncol > net->n_feat)
        return NCH_EINVAL;
    if (w->B > 0) backward_layers(net, params, w, out_bar, grad, A0_bar, col0, ncol);
    return NCH_OK;
}
