/* nch_mlp: input jets against finite differences of lower-order jets,
 * parameter gradients against finite differences of a loss that touches
 * every jet component, consistency across orders and batches, seeding,
 * partial jet patterns. */
#include "nch_test.h"
#include "nch_testlearnt.h"

#include "nch_err.h"
#include "nch_mlp.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t n, depth, width[4], n_out;
} shape;

/* n = 2 and 4, one to four hidden layers, unequal widths, one or two outputs. */
static const shape shapes[] = {
    {2, 3, {35, 35, 35}, 1}, {2, 3, {35, 35, 35}, 2}, {2, 1, {7}, 1},
    {2, 2, {5, 9}, 2},       {4, 2, {12, 10}, 2},     {4, 4, {13, 6, 11, 4}, 1},
    {4, 1, {9}, 2},          {4, 3, {35, 35, 35}, 1},
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

/* Worst error/tolerance ratios seen, printed so that the margins are visible. */
static double worst_jet, worst_dir, worst_coord;

/* A net with default-initialised weights, then high-entropy s (not 1) and,
 * when asked, a random normaliser; params is malloc'ed. */
static double *make_net(const shape *sh, int normalise, gsl_rng *r, nch_mlp *net)
{
    assert_int_equal(nch_mlp_init(net, sh->n, sh->depth, sh->width, sh->n_out), NCH_OK);
    if (normalise) {
        double shift[NCH_MLP_NMAX], scale[NCH_MLP_NMAX];
        for (size_t k = 0; k < sh->n; k++) {
            shift[k] = unif(r, -1.3, 0.9);
            scale[k] = unif(r, 0.4, 2.3);
        }
        assert_int_equal(nch_mlp_set_normaliser(net, shift, scale), NCH_OK);
    }
    double *params = malloc(net->n_params * sizeof *params);
    assert_non_null(params);
    nch_mlp_init_params(net, r, params);
    for (size_t l = 0; l < net->depth; l++)
        for (size_t j = 0; j < net->width[l]; j++) params[net->off_s[l] + j] = unif(r, 0.3, 1.7);
    return params;
}

static void random_points(gsl_rng *r, size_t B, size_t n, double *z)
{
    for (size_t i = 0; i < B * n; i++) z[i] = unif(r, -1.2, 1.9);
}

/* ---------------------------------------------------------------- helpers */

static void test_hess_comp(void **state)
{
    (void)state;
    static const size_t want4[4][4] = {
        {5, 6, 7, 8}, {6, 9, 10, 11}, {7, 10, 12, 13}, {8, 11, 13, 14}};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) assert_int_equal(nch_mlp_hess_comp(4, i, j), want4[i][j]);
    assert_int_equal(nch_mlp_hess_comp(2, 0, 0), 3);
    assert_int_equal(nch_mlp_hess_comp(2, 1, 0), 4);
    assert_int_equal(nch_mlp_hess_comp(2, 1, 1), 5);
    assert_int_equal(nch_mlp_ncomp(2, 0), 1);
    assert_int_equal(nch_mlp_ncomp(2, 1), 3);
    assert_int_equal(nch_mlp_ncomp(2, 2), 6);
    assert_int_equal(nch_mlp_ncomp(4, 1), 5);
    assert_int_equal(nch_mlp_ncomp(4, 2), 15);
}

static void test_layout(void **state)
{
    (void)state;
    /* The LV structured model's MLP: 2765 parameters (lotka-volterra.md §4.3). */
    nch_mlp net;
    const size_t w[3] = {35, 35, 35};
    assert_int_equal(nch_mlp_init(&net, 2, 3, w, 1), NCH_OK);
    assert_int_equal(net.n_params, 2765);
    assert_int_equal(net.off_W[0], 0);
    assert_int_equal(net.off_b[0], 70);
    assert_int_equal(net.off_s[0], 105);
    assert_int_equal(net.off_W[1], 140);
    assert_int_equal(net.off_W[3], 2765 - 35);
    const size_t wb[3] = {60, 60, 60};
    assert_int_equal(nch_mlp_init(&net, 2, 3, wb, 2), NCH_OK);
    assert_int_equal(net.n_params, 7800); /* the baseline MLP */
    assert_int_equal(nch_mlp_init(&net, 0, 3, w, 1), NCH_EINVAL);
    assert_int_equal(nch_mlp_init(&net, NCH_MLP_NMAX + 1, 3, w, 1), NCH_EINVAL);
    assert_int_equal(nch_mlp_init(&net, 2, 0, w, 1), NCH_EINVAL);
    assert_int_equal(nch_mlp_init(&net, 2, NCH_MLP_LMAX + 1, w, 1), NCH_EINVAL);
    assert_int_equal(nch_mlp_init(&net, 2, 3, w, 0), NCH_EINVAL);
}

static void test_bad_calls(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    nch_mlp net, other;
    double *params = make_net(&shapes[3], 0, r, &net);
    double z[4 * 2] = {0.3, -0.7, 1.1, 0.2, -0.4, 0.9, 0.6, 0.5}, out[4 * 6 * 2];
    assert_null(nch_mlp_work_alloc(&net, 4, 3));
    assert_null(nch_mlp_work_alloc(&net, 0, 1));
    nch_mlp_work *w = nch_mlp_work_alloc(&net, 3, 1);
    assert_non_null(w);
    assert_int_equal(nch_mlp_forward(&net, params, 4, z, 1, w, out), NCH_EINVAL);
    assert_int_equal(nch_mlp_forward(&net, params, 3, z, 2, w, out), NCH_EINVAL);
    assert_int_equal(nch_mlp_forward(&net, params, 3, z, -1, w, out), NCH_EINVAL);
    assert_int_equal(nch_mlp_forward(&net, params, 3, z, 1, w, out), NCH_OK);
    assert_int_equal(nch_mlp_forward(&net, params, 0, z, 1, w, out), NCH_OK);
    const size_t ow[2] = {5, 8};
    assert_int_equal(nch_mlp_init(&other, 2, 2, ow, 2), NCH_OK);
    assert_int_equal(nch_mlp_forward(&other, params, 3, z, 1, w, out), NCH_EINVAL);
    const double bad[2] = {NAN, 0.0}, one[2] = {1.0, 1.0};
    assert_int_equal(nch_mlp_set_normaliser(&net, bad, one), NCH_EINVAL);
    nch_mlp_work_free(w);
    nch_mlp_work_free(NULL);
    free(params);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- (a) jets */

/* Fourth-order central difference (f(−2h) − 8f(−h) + 8f(h) − f(2h))/12h;
 * its O(h⁴) error lets h be large enough that rounding stays small. */
static double fd4(double fm2, double fm1, double fp1, double fp2, double h)
{
    return (fm2 - 8.0 * fm1 + 8.0 * fp1 - fp2) / (12.0 * h);
}

/* Each jet entry against fd4 of the next lower order at steps h and 2h
 * (nch_fd_tol, p = 4); fd4's round-off is Σ|weights| = 1.5 times one value's
 * error (net_err at the largest entry of any order) over h. */
static void check_jets_fd(const shape *sh, int normalise, gsl_rng *r)
{
    nch_mlp net;
    double *params = make_net(sh, normalise, r, &net);
    const size_t n = sh->n, no = sh->n_out, K = nch_mlp_ncomp(n, 2);
    /* Point 0 is the centre, then for each i the shifts −4h, −2h, −h, h, 2h, 4h. */
    const size_t B = 1 + 6 * n;
    const double h = 1e-3, off[6] = {-4.0, -2.0, -1.0, 1.0, 2.0, 4.0};
    nch_mlp_work *w = nch_mlp_work_alloc(&net, B, 2);
    double *z = malloc(B * n * sizeof *z), *out = malloc(B * K * no * sizeof *out);
    assert_non_null(w);
    assert_non_null(z);
    assert_non_null(out);
    for (int pt = 0; pt < 4; pt++) {
        random_points(r, 1, n, z);
        for (size_t i = 0; i < n; i++)
            for (size_t q = 0; q < 6; q++) {
                double *zq = z + (1 + 6 * i + q) * n;
                memcpy(zq, z, n * sizeof *z);
                zq[i] += off[q] * h;
            }
        assert_int_equal(nch_mlp_forward(&net, params, B, z, 2, w, out), NCH_OK);
#define JET(p, c, o) out[((p) * K + (c)) * no + (o)]
        for (size_t o = 0; o < no; o++) {
            double S = 0.0;
            for (size_t c = 0; c < K; c++) S = fmax(S, fabs(JET(0, c, o)));
            const double noise = 1.5 * net_err(&net, S) / h;
            for (size_t i = 0; i < n; i++) {
                const size_t p0 = 1 + 6 * i;
                /* ∂/∂z_i of the value (c = 0), and of each gradient component. */
                for (size_t k = 0; k <= n; k++) {
                    const size_t c = k; /* the component differentiated */
                    const double d1 = fd4(JET(p0 + 1, c, o), JET(p0 + 2, c, o), JET(p0 + 3, c, o),
                                          JET(p0 + 4, c, o), h);
                    const double d2 = fd4(JET(p0, c, o), JET(p0 + 1, c, o), JET(p0 + 4, c, o),
                                          JET(p0 + 5, c, o), 2 * h);
                    const double ex = JET(0, k == 0 ? 1 + i : nch_mlp_hess_comp(n, i, k - 1), o);
                    const double tol = nch_fd_tol(d1, d2, noise);
                    worst_jet = fmax(worst_jet, fabs(d1 - ex) / tol);
                    assert_close(ex, d1, 0, tol);
                }
            }
        }
#undef JET
    }
    nch_mlp_work_free(w);
    free(z);
    free(out);
    free(params);
}

static void test_jets_fd(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1234567);
    for (size_t s = 0; s < NSHAPES; s++)
        for (int normalise = 0; normalise < 2; normalise++) check_jets_fd(&shapes[s], normalise, r);
    print_message("worst error/tolerance, jets vs finite differences: %.2e\n", worst_jet);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- (b) gradients */

typedef struct {
    const nch_mlp *net;
    size_t B;
    int order;
    const double *z, *c; /* points, loss coefficients (B·K·n_out) */
    nch_mlp_work *w;
    double *out;
} loss_ctx;

/* L = Σ c ⊙ out over every jet component of every point and output; *err
 * (unless NULL) bounds its round-off: each out entry's (net_err at the
 * largest entry) times |c|, and the sum's len roundings of Σ|c out|. */
static double loss(const void *ctx, const double *params, double *err)
{
    const loss_ctx *x = ctx;
    assert_int_equal(nch_mlp_forward(x->net, params, x->B, x->z, x->order, x->w, x->out), NCH_OK);
    const size_t len = x->B * nch_mlp_ncomp(x->net->n, x->order) * x->net->n_out;
    double L = 0.0, S = 0.0, sc = 0.0, sco = 0.0;
    for (size_t i = 0; i < len; i++) {
        L += x->c[i] * x->out[i];
        S = fmax(S, fabs(x->out[i]));
        sc += fabs(x->c[i]);
        sco += fabs(x->c[i] * x->out[i]);
    }
    if (err) *err = net_err(x->net, S) * sc + (double)len * NCH_U * sco;
    return L;
}

/* The central difference along p against an (nch_fd_directional); returns
 * |D − an| / tolerance. */
static double fd_ratio(const loss_ctx *x, const double *params, const double *p, const double *g,
                       double an, double *tmp)
{
    double tol;
    const double D = nch_fd_directional(loss, x, x->net->n_params, params, p, g, tmp, &tol);
    assert_close(an, D, 0, tol);
    return fabs(D - an) / tol;
}

static void check_grad_fd(const shape *sh, int normalise, int order, gsl_rng *r)
{
    nch_mlp net;
    double *params = make_net(sh, normalise, r, &net);
    const size_t np = net.n_params, B = 5, K = nch_mlp_ncomp(sh->n, order);
    const size_t len = B * K * sh->n_out;
    double *z = malloc(B * sh->n * sizeof *z), *c = malloc(len * sizeof *c);
    double *out = malloc(len * sizeof *out), *grad = calloc(np, sizeof *grad);
    double *p = malloc(np * sizeof *p), *tmp = malloc(np * sizeof *tmp);
    nch_mlp_work *w = nch_mlp_work_alloc(&net, B, order);
    assert_true(z && c && out && grad && p && tmp && w);
    random_points(r, B, sh->n, z);
    for (size_t i = 0; i < len; i++) c[i] = unif(r, -1.0, 1.0);
    const loss_ctx x = {&net, B, order, z, c, w, out};

    loss(&x, params, NULL);
    assert_int_equal(nch_mlp_backward(&net, params, w, c, grad), NCH_OK);

    /* Random unit directions. */
    for (int d = 0; d < 3; d++) {
        double norm = 0.0, an = 0.0;
        for (size_t i = 0; i < np; i++) {
            p[i] = gsl_rng_uniform(r) - 0.5;
            norm += p[i] * p[i];
        }
        for (size_t i = 0; i < np; i++) {
            p[i] /= sqrt(norm);
            an += grad[i] * p[i];
        }
        worst_dir = fmax(worst_dir, fd_ratio(&x, params, p, grad, an, tmp));
    }

    /* Single coordinates of every block: W_l, b_l, s_l, W_L; each block's
     * gradient must not vanish (a qualitative check: 1e-6 of the largest
     * entry, where a block that is not differentiated gives exactly 0). */
    double gmax = 0.0;
    for (size_t i = 0; i < np; i++) gmax = fmax(gmax, fabs(grad[i]));
    for (size_t l = 0; l <= net.depth; l++) {
        const size_t nblk = l < net.depth ? 3 : 1;
        for (size_t blk = 0; blk < nblk; blk++) {
            const size_t fo = l < net.depth ? net.width[l] : net.n_out;
            const size_t fi = l == 0 ? net.n : net.width[l - 1];
            const size_t off = blk == 0 ? net.off_W[l] : blk == 1 ? net.off_b[l] : net.off_s[l];
            const size_t size = blk == 0 ? fo * fi : fo;
            double bmax = 0.0;
            for (size_t i = 0; i < size; i++) bmax = fmax(bmax, fabs(grad[off + i]));
            assert_true(bmax > 1e-6 * gmax);
            for (int t = 0; t < 3; t++) {
                const size_t i = off + gsl_rng_uniform_int(r, (unsigned long)size);
                memset(p, 0, np * sizeof *p);
                p[i] = 1.0;
                worst_coord = fmax(worst_coord, fd_ratio(&x, params, p, grad, grad[i], tmp));
            }
        }
    }

    /* Backward adds to grad and may be repeated on the same forward: the
     * second pass rounds its accumulation into grad differently (dgemm with
     * β = 1); a spread measured over the 15 kernels × 2 libm variants
     * tests/run.sh can run here: ≤ 0.014 of this tolerance (90u of |g| + gmax). */
    memcpy(tmp, grad, np * sizeof *tmp);
    loss(&x, params, NULL);
    assert_int_equal(nch_mlp_backward(&net, params, w, c, grad), NCH_OK);
    for (size_t i = 0; i < np; i++) assert_close(grad[i], 2.0 * tmp[i], 1e-14, 1e-14 * gmax);

    nch_mlp_work_free(w);
    free(z);
    free(c);
    free(out);
    free(grad);
    free(p);
    free(tmp);
    free(params);
}

static void test_grad_fd(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7654321);
    for (size_t s = 0; s < NSHAPES; s++)
        for (int order = 0; order <= 2; order++) check_grad_fd(&shapes[s], (int)(s % 2), order, r);
    print_message("worst error/tolerance, parameter gradient vs finite differences: "
                  "directions %.2e, coordinates %.2e\n",
                  worst_dir, worst_coord);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- (c), (d) consistency */

static double worst_batch;

/* max |x − y| / (2 net_err(S) + extra·S), S the largest |y| (B points, K
 * components, no outputs): two evaluations of the same jets, each within
 * net_err, plus extra roundings.  Normwise rather than elementwise: OpenBLAS
 * rounds a row differently depending on how many rows the call has (its
 * small-matrix kernels), so entries that are sums with cancellation differ
 * by a few ulps of their terms, not of themselves. */
static double jet_ratio(const nch_mlp *net, size_t B, size_t K, size_t no, const double *x,
                        const double *y, double extra)
{
    double d = 0.0, S = 0.0;
    for (size_t i = 0; i < B * K * no; i++) {
        d = fmax(d, fabs(x[i] - y[i]));
        S = fmax(S, fabs(y[i]));
    }
    return d / (2 * net_err(net, S) + extra * S);
}

static void test_orders_consistent(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    enum { B = 7 };
    for (size_t s = 0; s < NSHAPES; s++) {
        nch_mlp net;
        double *params = make_net(&shapes[s], 1, r, &net);
        const size_t n = net.n, no = net.n_out, K2 = nch_mlp_ncomp(n, 2);
        double z[B * NCH_MLP_NMAX], out2[B * NCH_MLP_KMAX * 2], outk[B * NCH_MLP_KMAX * 2];
        random_points(r, B, n, z);
        nch_mlp_work *w = nch_mlp_work_alloc(&net, B, 2);
        assert_non_null(w);
        assert_int_equal(nch_mlp_forward(&net, params, B, z, 2, w, out2), NCH_OK);
        for (int order = 0; order < 2; order++) {
            const size_t K = nch_mlp_ncomp(n, order);
            assert_int_equal(nch_mlp_forward(&net, params, B, z, order, w, outk), NCH_OK);
            for (size_t p = 0; p < B; p++)
                for (size_t c = 0; c < K; c++)
                    for (size_t o = 0; o < no; o++)
                        assert_true(outk[(p * K + c) * no + o] == out2[(p * K2 + c) * no + o]);
        }
        nch_mlp_work_free(w);
        free(params);
    }
    gsl_rng_free(r);
}

static void test_batch_independent(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31337);
    enum { B = 37 };
    for (size_t s = 0; s < NSHAPES; s++)
        for (int order = 0; order <= 2; order++) {
            nch_mlp net;
            double *params = make_net(&shapes[s], 1, r, &net);
            const size_t n = net.n, no = net.n_out, K = nch_mlp_ncomp(n, order);
            const size_t np = net.n_params, len = K * no;
            double z[B * NCH_MLP_NMAX], outB[B * NCH_MLP_KMAX * 2], out1[B * NCH_MLP_KMAX * 2];
            double c[B * NCH_MLP_KMAX * 2];
            double *gB = calloc(np, sizeof *gB), *g1 = calloc(np, sizeof *g1);
            nch_mlp_work *wB = nch_mlp_work_alloc(&net, B, order);
            nch_mlp_work *w1 = nch_mlp_work_alloc(&net, 1, order);
            assert_true(gB && g1 && wB && w1);
            random_points(r, B, n, z);
            for (size_t i = 0; i < B * len; i++) c[i] = unif(r, -1.0, 1.0);
            assert_int_equal(nch_mlp_forward(&net, params, B, z, order, wB, outB), NCH_OK);
            assert_int_equal(nch_mlp_backward(&net, params, wB, c, gB), NCH_OK);
            for (size_t p = 0; p < B; p++) {
                assert_int_equal(
                    nch_mlp_forward(&net, params, 1, z + p * n, order, w1, out1 + p * len), NCH_OK);
                assert_int_equal(nch_mlp_backward(&net, params, w1, c + p * len, g1), NCH_OK);
            }
            const double d = jet_ratio(&net, B, K, no, out1, outB, 0);
            worst_batch = fmax(worst_batch, d);
            assert_le(d, 1);
            /* The batch gradient is the sum of the per-point ones, up to
             * summation order (dgemm over B·K rows vs K): a spread measured
             * over the 15 kernels × 2 libm variants tests/run.sh can run
             * here, ≤ 0.04 of this tolerance (1e-12 |g| + 1e-14 gmax). */
            double gmax = 0.0;
            for (size_t i = 0; i < np; i++) gmax = fmax(gmax, fabs(gB[i]));
            for (size_t i = 0; i < np; i++) assert_close(g1[i], gB[i], 1e-12, 1e-14 * gmax);
            nch_mlp_work_free(wB);
            nch_mlp_work_free(w1);
            free(gB);
            free(g1);
            free(params);
        }
    print_message("worst difference/bound, B forwards of 1 vs one of B: %.2e\n", worst_batch);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- (f) jet patterns */

/* The full pattern is the documented layout; a partial pattern's components
 * are bitwise the full pass's; its parameter gradient is that of the loss
 * restricted to its components, against central differences (same criterion
 * as (b)); invalid patterns are refused. */
static void test_patterns(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99991);
    const shape *sh = &shapes[4]; /* n = 4, two outputs */
    const size_t n = sh->n, no = sh->n_out, B = 5;
    nch_mlp_jets full, part;
    nch_mlp_jets_full(n, 2, &full);
    assert_int_equal(nch_mlp_jets_ncomp(&full), nch_mlp_ncomp(n, 2));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(nch_mlp_jets_comp(&full, i, -1), 1 + i);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(nch_mlp_jets_comp(&full, i, (long)k), nch_mlp_hess_comp(n, i, k));
    }
    /* Directions 1 and 3; the pairs (1, 3) and (3, 3). */
    part = (nch_mlp_jets){.ng = 2, .dir = {1, 3}, .nh = 2, .pair = {{0, 1}, {1, 1}}};
    assert_int_equal(nch_mlp_jets_ncomp(&part), 5);
    assert_int_equal(nch_mlp_jets_order(&part), 2);
    assert_int_equal(nch_mlp_jets_comp(&part, 3, 1), 3);
    assert_int_equal(nch_mlp_jets_comp(&part, 0, -1), -1);
    assert_int_equal(nch_mlp_jets_comp(&part, 1, 1), -1);
    nch_mlp net;
    double *params = make_net(sh, 1, r, &net);
    nch_mlp_work *w = nch_mlp_work_alloc(&net, B, 2);
    double z[5 * 4], of[5 * 15 * 2], op[5 * 5 * 2];
    assert_non_null(w);
    random_points(r, B, n, z);
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &full, w, of), NCH_OK);
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &part, w, op), NCH_OK);
    const size_t map[5] = {0, 2, 4, nch_mlp_hess_comp(n, 1, 3), nch_mlp_hess_comp(n, 3, 3)};
    for (size_t p = 0; p < B; p++)
        for (size_t c = 0; c < 5; c++)
            assert_memory_equal(op + (p * 5 + c) * no, of + (p * 15 + map[c]) * no, no * sizeof *op);

    /* Gradient of L = Σ c ⊙ out over the partial pattern. */
    const size_t np = net.n_params, len = B * 5 * no;
    double c[5 * 5 * 2], *g = calloc(np, sizeof *g), *q = malloc(np * sizeof *q),
                         *tmp = malloc(np * sizeof *tmp);
    assert_true(g && q && tmp);
    for (size_t i = 0; i < len; i++) c[i] = unif(r, -1, 1);
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &part, w, op), NCH_OK);
    assert_int_equal(nch_mlp_backward(&net, params, w, c, g), NCH_OK);
    double norm = 0, an = 0, best = INFINITY;
    for (size_t i = 0; i < np; i++) {
        q[i] = gsl_rng_uniform(r) - 0.5;
        norm += q[i] * q[i];
    }
    for (size_t i = 0; i < np; i++) an += g[i] * (q[i] / sqrt(norm));
    for (double eps = 1e-4; eps > 0.5e-6; eps /= 10) {
        double L[2];
        for (int sgn = 0; sgn < 2; sgn++) {
            for (size_t i = 0; i < np; i++) tmp[i] = params[i] + (sgn ? -eps : eps) * q[i] / sqrt(norm);
            assert_int_equal(nch_mlp_forward_jets(&net, tmp, B, z, &part, w, op), NCH_OK);
            L[sgn] = 0;
            for (size_t i = 0; i < len; i++) L[sgn] += c[i] * op[i];
        }
        best = fmin(best, fabs((L[0] - L[1]) / (2 * eps) - an) / fabs(an));
    }
    assert_true(best <= 1e-6);

    /* Invalid: directions not increasing or beyond n, a pair beyond ng, a
     * pair reversed; beyond the work's order. */
    nch_mlp_jets bad = {.ng = 2, .dir = {3, 1}};
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &bad, w, op), NCH_EINVAL);
    bad = (nch_mlp_jets){.ng = 1, .dir = {4}};
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &bad, w, op), NCH_EINVAL);
    bad = (nch_mlp_jets){.ng = 1, .dir = {2}, .nh = 1, .pair = {{0, 1}}};
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &bad, w, op), NCH_EINVAL);
    bad = (nch_mlp_jets){.ng = 2, .dir = {0, 2}, .nh = 1, .pair = {{1, 0}}};
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &bad, w, op), NCH_EINVAL);
    nch_mlp_work *w1 = nch_mlp_work_alloc(&net, B, 1);
    assert_non_null(w1);
    assert_int_equal(nch_mlp_forward_jets(&net, params, B, z, &part, w1, op), NCH_EINVAL);
    nch_mlp_work_free(w1);
    nch_mlp_work_free(w);
    free(params);
    free(g);
    free(q);
    free(tmp);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- (e) seeding */

static void test_init(void **state)
{
    (void)state;
    const shape *sh = &shapes[5];
    nch_mlp net;
    assert_int_equal(nch_mlp_init(&net, sh->n, sh->depth, sh->width, sh->n_out), NCH_OK);
    const size_t np = net.n_params;
    double *a = malloc(np * sizeof *a), *b = malloc(np * sizeof *b);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *q = gsl_rng_alloc(gsl_rng_mt19937);
    assert_true(a && b && r && q);

    gsl_rng_set(r, 42);
    nch_mlp_init_params(&net, r, a);
    gsl_rng_set(r, 42);
    nch_mlp_init_params(&net, r, b);
    assert_memory_equal(a, b, np * sizeof *a);
    gsl_rng_set(r, 43);
    nch_mlp_init_params(&net, r, b);
    assert_true(memcmp(a, b, np * sizeof *a) != 0);

    /* Draw order: each Linear's weights row-major, then its biases; s = 1;
     * nothing else drawn. */
    gsl_rng_set(q, 42);
    size_t draws = 0;
    for (size_t l = 0; l <= net.depth; l++) {
        const size_t fi = l == 0 ? net.n : net.width[l - 1];
        const size_t fo = l < net.depth ? net.width[l] : net.n_out;
        const double bound = 1.0 / sqrt((double)fi);
        for (size_t i = 0; i < fo * fi; i++, draws++) {
            assert_true(a[net.off_W[l] + i] == (2.0 * gsl_rng_uniform(q) - 1.0) * bound);
            assert_true(fabs(a[net.off_W[l] + i]) <= bound);
        }
        if (l == net.depth) break;
        for (size_t j = 0; j < fo; j++, draws++) {
            assert_true(a[net.off_b[l] + j] == (2.0 * gsl_rng_uniform(q) - 1.0) * bound);
            assert_true(a[net.off_s[l] + j] == 1.0);
        }
    }
    size_t nw = 0;
    for (size_t l = 0; l < net.depth; l++) nw += net.width[l];
    assert_int_equal(draws, np - nw);
    gsl_rng_set(r, 42);
    nch_mlp_init_params(&net, r, b);
    assert_true(gsl_rng_get(r) == gsl_rng_get(q));

    gsl_rng_free(r);
    gsl_rng_free(q);
    free(a);
    free(b);
}

/* The normaliser acts as feeding (z + shift) ⊙ scale to the identity map. */
static void test_normaliser(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    nch_mlp net, id;
    double *params = make_net(&shapes[4], 1, r, &net);
    id = net;
    const double zero[4] = {0}, one[4] = {1, 1, 1, 1};
    assert_int_equal(nch_mlp_set_normaliser(&id, zero, one), NCH_OK);
    double z[4], a[4], o1[15 * 2], o2[15 * 2];
    random_points(r, 1, 4, z);
    for (size_t k = 0; k < 4; k++) a[k] = (z[k] + net.shift[k]) * net.scale[k];
    nch_mlp_work *w = nch_mlp_work_alloc(&net, 1, 2);
    assert_non_null(w);
    assert_int_equal(nch_mlp_forward(&net, params, 1, z, 2, w, o1), NCH_OK);
    assert_int_equal(nch_mlp_forward(&id, params, 1, a, 2, w, o2), NCH_OK);
    /* The chain rule through the input map, up to rounding: both nets within
     * net_err, a's 2 roundings move the jets by ≤ 2u Σ|a_k| S, the scalings
     * here add 2u S. */
    double asum = 0;
    for (size_t k = 0; k < 4; k++) asum += fabs(a[k]);
    for (size_t o = 0; o < 2; o++)
        for (size_t i = 0; i < 4; i++) {
            o2[(1 + i) * 2 + o] *= net.scale[i];
            for (size_t k = i; k < 4; k++)
                o2[nch_mlp_hess_comp(4, i, k) * 2 + o] *= net.scale[i] * net.scale[k];
        }
    assert_le(jet_ratio(&net, 1, 15, 2, o1, o2, 2 * NCH_U * (asum + 1)), 1);
    nch_mlp_work_free(w);
    free(params);
    gsl_rng_free(r);
}

/* Saturated neurons (|u| ≫ 1, T = ±1, S = 0) give finite jets and gradients. */
static void test_saturation(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 77);
    nch_mlp net;
    double *params = make_net(&shapes[1], 0, r, &net);
    enum { B = 4 };
    double z[B * 2] = {3e4, -2e4, -1e3, 5e2, 1e-300, -7e3, 40.0, -35.0}, out[B * 6 * 2];
    double c[B * 6 * 2], *grad = calloc(net.n_params, sizeof *grad);
    nch_mlp_work *w = nch_mlp_work_alloc(&net, B, 2);
    assert_true(grad && w);
    for (size_t i = 0; i < B * 6 * 2; i++) c[i] = unif(r, -1.0, 1.0);
    assert_int_equal(nch_mlp_forward(&net, params, B, z, 2, w, out), NCH_OK);
    assert_int_equal(nch_mlp_backward(&net, params, w, c, grad), NCH_OK);
    for (size_t i = 0; i < B * 6 * 2; i++) assert_true(isfinite(out[i]));
    for (size_t i = 0; i < net.n_params; i++) assert_true(isfinite(grad[i]));
    nch_mlp_work_free(w);
    free(grad);
    free(params);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hess_comp),         cmocka_unit_test(test_layout),
        cmocka_unit_test(test_bad_calls),         cmocka_unit_test(test_jets_fd),
        cmocka_unit_test(test_grad_fd),           cmocka_unit_test(test_orders_consistent),
        cmocka_unit_test(test_batch_independent), cmocka_unit_test(test_init),
        cmocka_unit_test(test_normaliser),        cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
