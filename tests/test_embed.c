/* nch_embed: the guiding centre's input map (gc-mcp.md §3.3) — layout and
 * rejections, feature jets against finite differences of lower-order jets,
 * phase gradients against finite differences, orders consistent, and the
 * features path of nch_mlp: an affine embedding fed through
 * nch_mlp_forward_features reproduces the net's own normaliser bitwise, and
 * the input adjoint A0_bar against finite differences. */
#include "nch_test.h"

#include "nch_embed.h"
#include "nch_err.h"
#include "nch_mlp.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

static double unif(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

/* The full jet patterns of orders 0..2 in n directions. */
static void full_jets(size_t n, nch_mlp_jets J[3])
{
    for (int o = 0; o < 3; o++) nch_mlp_jets_full(n, o, &J[o]);
}

/* The GC's map: θ periodic ×6, φ dropped, r and u affine ×6. */
static void gc_embed(nch_embed *e, gsl_rng *r)
{
    const nch_embed_kind k[4] = {NCH_EMBED_PERIODIC, NCH_EMBED_DROP, NCH_EMBED_AFFINE,
                                 NCH_EMBED_AFFINE};
    const size_t reps[4] = {6, 0, 6, 6};
    double shift[4], scale[4];
    for (int c = 0; c < 4; c++) {
        shift[c] = unif(r, -1.3, 0.9);
        scale[c] = unif(r, 0.4, 2.3);
    }
    assert_int_equal(nch_embed_init(e, 4, k, reps, shift, scale), NCH_OK);
}

static void test_layout(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    nch_embed e;
    nch_mlp_jets J[3];
    full_jets(3, J);
    gc_embed(&e, r);
    assert_int_equal(e.n_feat, 18);
    assert_int_equal(e.n_phase, 6);
    assert_int_equal(e.n_dir, 3);
    assert_int_equal(e.dir[0], 0);
    assert_int_equal(e.dir[1], 2);
    assert_int_equal(e.dir[2], 3);
    /* Features in order: cos-features of θ, then 6 copies of r̂, then of û. */
    double phase[6], z[4] = {0.3, 1.7, 0.05, -6e-4}, A0[18];
    for (int k = 0; k < 6; k++) phase[k] = 0.4 * k;
    nch_embed_forward(&e, phase, 1, z, &J[0], A0);
    for (int k = 0; k < 6; k++) {
        assert_true(A0[k] == 0.5 * (1 + cos(z[0] + phase[k])));
        assert_true(A0[6 + k] == (z[2] + e.shift[2]) * e.scale[2]);
        assert_true(A0[12 + k] == (z[3] + e.shift[3]) * e.scale[3]);
    }
    /* Phases U[0, 2π), one draw each. */
    gsl_rng_set(r, 42);
    nch_embed_init_phases(&e, r, phase);
    gsl_rng_set(r, 42);
    for (int k = 0; k < 6; k++) {
        assert_true(phase[k] >= 0 && phase[k] < 2 * M_PI);
        assert_true(phase[k] == 2 * M_PI * gsl_rng_uniform(r));
    }

    nch_embed_kind kind;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(nch_embed_kind_parse(nch_embed_kind_name((nch_embed_kind)i), &kind),
                         NCH_OK);
        assert_int_equal(kind, i);
    }
    assert_int_equal(nch_embed_kind_parse("cosine", &kind), NCH_EINVAL);
    const nch_embed_kind k2[2] = {NCH_EMBED_AFFINE, NCH_EMBED_PERIODIC},
                         kd[2] = {NCH_EMBED_DROP, NCH_EMBED_DROP},
                         kx[2] = {NCH_EMBED_AFFINE, (nch_embed_kind)7};
    const size_t ok[2] = {1, 2}, zero[2] = {0, 2}, big[2] = {1, NCH_EMBED_RMAX + 1};
    const double sh[2] = {0.1, 0.2}, sc[2] = {1, 2}, bad[2] = {NAN, 2};
    assert_int_equal(nch_embed_init(&e, 2, k2, ok, sh, sc), NCH_OK);
    assert_int_equal(nch_embed_init(&e, 2, k2, zero, sh, sc), NCH_EINVAL);
    assert_int_equal(nch_embed_init(&e, 2, k2, big, sh, sc), NCH_EINVAL);
    assert_int_equal(nch_embed_init(&e, 2, k2, ok, bad, sc), NCH_EINVAL);
    assert_int_equal(nch_embed_init(&e, 2, k2, ok, sh, bad), NCH_EINVAL);
    assert_int_equal(nch_embed_init(&e, 2, kd, ok, sh, sc), NCH_EINVAL);
    assert_int_equal(nch_embed_init(&e, 2, kx, ok, sh, sc), NCH_EINVAL);
    assert_int_equal(nch_embed_init(&e, 0, k2, ok, sh, sc), NCH_EINVAL);
    assert_int_equal(nch_embed_init(&e, NCH_ZMAX + 1, k2, ok, sh, sc), NCH_EINVAL);
    /* A periodic component needs no finite shift/scale. */
    const nch_embed_kind kp[2] = {NCH_EMBED_PERIODIC, NCH_EMBED_DROP};
    assert_int_equal(nch_embed_init(&e, 2, kp, ok, bad, bad), NCH_OK);
    gsl_rng_free(r);
}

/* Fourth-order central difference; its error for the O(1) features here is
 * ≤ h⁴/30·max|f⁽⁵⁾| + 18ε·max|f|/(12h) ≈ 2e-14 + 1e-12 at h = 1e-3
 * (|f| ≤ 7 on this box), so 1e-10 leaves a 100× margin. */
static double fd4(double fm2, double fm1, double fp1, double fp2, double h)
{
    return (fm2 - 8.0 * fm1 + 8.0 * fp1 - fp2) / (12.0 * h);
}
static const double FD_TOL = 1e-10;

static double worst_jet, worst_phase;

/* Order-1 entries against differences of values, order-2 ones against
 * differences of order-1 entries, at random points, every feature. */
static void test_jets_fd(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31415);
    nch_embed e;
    nch_mlp_jets J[3];
    full_jets(3, J);
    gc_embed(&e, r);
    const size_t nf = e.n_feat, nd = e.n_dir, K2 = nch_mlp_ncomp(nd, 2), K1 = nch_mlp_ncomp(nd, 1);
    double phase[6], z[4], zq[4 * 4], A[15 * 18], Aq[4 * 15 * 18];
    const double h = 1e-3, off[4] = {-2, -1, 1, 2};
    nch_embed_init_phases(&e, r, phase);
    for (int pt = 0; pt < 5; pt++) {
        for (int c = 0; c < 4; c++) z[c] = unif(r, -1.2, 1.9);
        nch_embed_forward(&e, phase, 1, z, &J[2], A);
        for (size_t i = 0; i < nd; i++) {
            for (int q = 0; q < 4; q++) {
                memcpy(zq + 4 * q, z, sizeof z);
                zq[4 * q + e.dir[i]] += off[q] * h;
            }
            nch_embed_forward(&e, phase, 4, zq, &J[1], Aq);
#define FD(c, f) fd4(Aq[(0 * K1 + (c)) * nf + (f)], Aq[(1 * K1 + (c)) * nf + (f)], \
                     Aq[(2 * K1 + (c)) * nf + (f)], Aq[(3 * K1 + (c)) * nf + (f)], h)
            for (size_t f = 0; f < nf; f++) {
                double err = fabs(FD(0, f) - A[(1 + i) * nf + f]);
                worst_jet = fmax(worst_jet, err);
                assert_true(err <= FD_TOL);
                for (size_t k = 0; k < nd; k++) {
                    err = fabs(FD(1 + k, f) - A[nch_mlp_hess_comp(nd, i, k) * nf + f]);
                    worst_jet = fmax(worst_jet, err);
                    assert_true(err <= FD_TOL);
                }
            }
#undef FD
        }
        /* The dropped φ: moving it changes nothing, bitwise. */
        memcpy(zq, z, sizeof z);
        zq[1] += 0.37;
        nch_embed_forward(&e, phase, 1, zq, &J[2], Aq);
        assert_memory_equal(A, Aq, K2 * nf * sizeof *A);
        /* Lower orders give the leading components bitwise. */
        nch_embed_forward(&e, phase, 1, z, &J[1], Aq);
        assert_memory_equal(A, Aq, K1 * nf * sizeof *A);
    }
    print_message("worst absolute error, feature jets vs finite differences: %.2e\n", worst_jet);
    gsl_rng_free(r);
}

/* L = Σ c ⊙ A0 over every component of B points; ∂L/∂φ_k by
 * nch_embed_backward against fd4 in φ_k.  Each entry's φ-derivatives are ≤
 * ½ in size, so the error bound above holds times Σ|c|. */
static void test_phase_gradient(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 27182);
    enum { B = 5 };
    nch_embed e;
    nch_mlp_jets J[3];
    full_jets(3, J);
    gc_embed(&e, r);
    for (int order = 0; order <= 2; order++) {
        const size_t len = B * nch_mlp_ncomp(e.n_dir, order) * e.n_feat;
        double z[B * 4], phase[6], pq[6], c[B * 15 * 18], A[B * 15 * 18], g[6] = {0}, csum = 0;
        for (size_t i = 0; i < B * 4; i++) z[i] = unif(r, -1.2, 1.9);
        for (size_t i = 0; i < len; i++) {
            c[i] = unif(r, -1, 1);
            csum += fabs(c[i]);
        }
        nch_embed_init_phases(&e, r, phase);
        /* The backward reads the periodic features' columns only: θ's 6 first. */
        assert_true(e.col0 == 0 && e.ncol == 6);
        const size_t rows = len / e.n_feat;
        double cb[B * 15 * 6];
        for (size_t i = 0; i < rows; i++) memcpy(cb + 6 * i, c + e.n_feat * i, 6 * sizeof *c);
        nch_embed_backward(&e, phase, B, z, &J[order], cb, g);
        /* ADDS: a second call doubles the gradient, up to the rounding of
         * its len additions, ≤ len·ε·Σ|c|/2 ≈ 3e-14·Σ|c|. */
        double g2[6];
        memcpy(g2, g, sizeof g);
        nch_embed_backward(&e, phase, B, z, &J[order], cb, g2);
        for (int k = 0; k < 6; k++) assert_close(g2[k], 2 * g[k], 0, 1e-13 * csum);
        const double h = 1e-3, off[4] = {-2, -1, 1, 2};
        for (int k = 0; k < 6; k++) {
            double L[4];
            for (int q = 0; q < 4; q++) {
                memcpy(pq, phase, sizeof pq);
                pq[k] += off[q] * h;
                nch_embed_forward(&e, pq, B, z, &J[order], A);
                L[q] = 0;
                for (size_t i = 0; i < len; i++) L[q] += c[i] * A[i];
            }
            const double err = fabs(fd4(L[0], L[1], L[2], L[3], h) - g[k]) / csum;
            worst_phase = fmax(worst_phase, err);
            assert_true(err <= FD_TOL);
            assert_true(fabs(g[k]) > 1e-3 * csum / len); /* not silently zero */
        }
    }
    print_message("worst error / sum|c|, phase gradient vs finite differences: %.2e\n",
                  worst_phase);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- nch_mlp's features path */

static const size_t W[3] = {9, 7, 8};

/* An embedding of 3 affine components, one feature each, feeds a FEATURES
 * net the same numbers as the net's own normaliser: outputs and parameter
 * gradients bitwise equal, every order. */
static void test_features_match_affine(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4242);
    enum { B = 6, NO = 2 };
    const nch_embed_kind k[3] = {NCH_EMBED_AFFINE, NCH_EMBED_AFFINE, NCH_EMBED_AFFINE};
    const size_t reps[3] = {1, 1, 1};
    double shift[3], scale[3];
    for (int c = 0; c < 3; c++) {
        shift[c] = unif(r, -1.3, 0.9);
        scale[c] = unif(r, 0.4, 2.3);
    }
    nch_embed e;
    nch_mlp a, f;
    nch_mlp_jets J[3];
    full_jets(3, J);
    assert_int_equal(nch_embed_init(&e, 3, k, reps, shift, scale), NCH_OK);
    assert_int_equal(nch_mlp_init(&a, 3, 3, W, NO), NCH_OK);
    assert_int_equal(nch_mlp_set_normaliser(&a, shift, scale), NCH_OK);
    assert_int_equal(nch_mlp_init_features(&f, 3, 3, 3, W, NO), NCH_OK);
    assert_int_equal(a.n_params, f.n_params);
    double *p = malloc(a.n_params * sizeof *p), *ga = calloc(a.n_params, sizeof *ga),
           *gf = calloc(a.n_params, sizeof *gf);
    assert_true(p && ga && gf);
    nch_mlp_init_params(&a, r, p);
    for (size_t l = 0; l < a.depth; l++)
        for (size_t j = 0; j < a.width[l]; j++) p[a.off_s[l] + j] = unif(r, 0.3, 1.7);
    nch_mlp_work *wa = nch_mlp_work_alloc(&a, B, 2), *wf = nch_mlp_work_alloc(&f, B, 2);
    assert_true(wa && wf);
    double z[B * 3], A0[B * 10 * 3], A0b[B * 10 * 3], oa[B * 10 * NO], of[B * 10 * NO],
        c[B * 10 * NO];
    for (size_t i = 0; i < B * 3; i++) z[i] = unif(r, -1.2, 1.9);
    for (size_t i = 0; i < B * 10 * NO; i++) c[i] = unif(r, -1, 1);
    for (int order = 0; order <= 2; order++) {
        const size_t len = B * nch_mlp_ncomp(3, order) * NO;
        nch_embed_forward(&e, NULL, B, z, &J[order], A0);
        assert_int_equal(nch_mlp_forward(&a, p, B, z, order, wa, oa), NCH_OK);
        assert_int_equal(nch_mlp_forward_features(&f, p, B, A0, &J[order], wf, of), NCH_OK);
        assert_memory_equal(oa, of, len * sizeof *oa);
        assert_int_equal(nch_mlp_backward(&a, p, wa, c, ga), NCH_OK);
        assert_int_equal(nch_mlp_backward_features(&f, p, wf, c, gf, A0b, 0, 3), NCH_OK);
        assert_memory_equal(ga, gf, a.n_params * sizeof *ga);
    }
    /* Each path rejects the other's calls. */
    assert_int_equal(nch_mlp_forward(&f, p, B, z, 1, wf, of), NCH_EINVAL);
    assert_int_equal(nch_mlp_forward_features(&a, p, B, A0, &J[1], wa, oa), NCH_EINVAL);
    assert_int_equal(nch_mlp_backward(&f, p, wf, c, gf), NCH_EINVAL);
    assert_int_equal(nch_mlp_backward_features(&a, p, wa, c, ga, A0b, 0, 3), NCH_EINVAL);
    assert_int_equal(nch_mlp_backward_features(&f, p, wf, c, gf, A0b, 2, 2), NCH_EINVAL);
    assert_int_equal(nch_mlp_init_features(&f, 3, 0, 3, W, NO), NCH_EINVAL);
    /* A work of another feature count is rejected. */
    nch_mlp g;
    assert_int_equal(nch_mlp_init_features(&g, 3, 4, 3, W, NO), NCH_OK);
    assert_int_equal(nch_mlp_forward_features(&g, p, B, A0, &J[1], wf, of), NCH_EINVAL);
    nch_mlp_work_free(wa);
    nch_mlp_work_free(wf);
    free(p);
    free(ga);
    free(gf);
    gsl_rng_free(r);
}

/* ∂L/∂A0 of L = Σ c ⊙ out against central differences along random
 * directions of A0 (engine.md §5: best of ε = 1e-4..1e-6 within 1e-6
 * relative; the truncation ε²|L‴|/6 and rounding ε_mach|L|/ε are ≤ 1e-9 for
 * these O(1) nets at ε = 1e-5). */
static void test_features_adjoint(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 8080);
    enum { B = 4, NF = 18, NO = 2 };
    double worst = 0;
    nch_mlp_jets J[3];
    full_jets(3, J);
    for (int order = 0; order <= 2; order++) {
        nch_mlp f;
        assert_int_equal(nch_mlp_init_features(&f, 3, NF, 3, W, NO), NCH_OK);
        const size_t K = nch_mlp_ncomp(3, order), na = B * K * NF, no = B * K * NO;
        double *p = malloc(f.n_params * sizeof *p), *g = calloc(f.n_params, sizeof *g);
        double A0[B * 10 * NF], Ab[B * 10 * NF], Aq[B * 10 * NF], q[B * 10 * NF], o[B * 10 * NO],
            c[B * 10 * NO];
        assert_true(p && g);
        nch_mlp_init_params(&f, r, p);
        nch_mlp_work *w = nch_mlp_work_alloc(&f, B, order);
        assert_non_null(w);
        for (size_t i = 0; i < na; i++) A0[i] = unif(r, -1, 1);
        for (size_t i = 0; i < no; i++) c[i] = unif(r, -1, 1);
        assert_int_equal(nch_mlp_forward_features(&f, p, B, A0, &J[order], w, o), NCH_OK);
        assert_int_equal(nch_mlp_backward_features(&f, p, w, c, g, Ab, 0, NF), NCH_OK);
        /* A span of columns: those of the full adjoint, up to the rounding of
         * one w₀ = 9-term dot product in another kernel (≤ 9ε Σ|terms|). */
        double Asp[B * 10 * 5];
        assert_int_equal(nch_mlp_backward_features(&f, p, w, c, g, Asp, 7, 5), NCH_OK);
        for (size_t i = 0; i < na / NF; i++)
            for (size_t k = 0; k < 5; k++)
                assert_close(Asp[5 * i + k], Ab[NF * i + 7 + k], 1e-14, 1e-15);
        for (int dir = 0; dir < 3; dir++) {
            double an = 0, norm = 0;
            for (size_t i = 0; i < na; i++) {
                q[i] = unif(r, -1, 1);
                norm += q[i] * q[i];
            }
            for (size_t i = 0; i < na; i++) {
                q[i] /= sqrt(norm);
                an += Ab[i] * q[i];
            }
            double best = INFINITY;
            for (double eps = 1e-4; eps > 0.5e-6; eps /= 10) {
                double L[2];
                for (int s = 0; s < 2; s++) {
                    for (size_t i = 0; i < na; i++) Aq[i] = A0[i] + (s ? -eps : eps) * q[i];
                    assert_int_equal(nch_mlp_forward_features(&f, p, B, Aq, &J[order], w, o), NCH_OK);
                    L[s] = 0;
                    for (size_t i = 0; i < no; i++) L[s] += c[i] * o[i];
                }
                best = fmin(best, fabs((L[0] - L[1]) / (2 * eps) - an) / fabs(an));
            }
            worst = fmax(worst, best);
            assert_true(best <= 1e-6);
        }
        nch_mlp_work_free(w);
        free(p);
        free(g);
    }
    print_message("worst relative error, feature adjoint vs finite differences: %.2e\n", worst);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_jets_fd),
        cmocka_unit_test(test_phase_gradient),
        cmocka_unit_test(test_features_match_affine),
        cmocka_unit_test(test_features_adjoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
