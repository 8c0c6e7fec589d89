/* nch_learnt: the kinds and their parameter counts, jets through the model
 * interface against finite differences (orders 1 and 2) and against the
 * nets' outputs, the fields of each kind, seeding, the file format (bit-exact
 * round trip, corrupted files rejected) and a DVI run on a learnt model. */
#include "nch_test.h"
#include "nch_testlearnt.h"

#include "nch_err.h"
#include "nch_learnt.h"
#include "nch_model.h"
#include "nch_reg.h"
#include "nch_scheme.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void random_points(gsl_rng *r, size_t B, int d, double *z)
{
    for (size_t i = 0; i < B * 2 * (size_t)d; i++) z[i] = unif(r, -1.2, 1.9);
}

/* ---------------------------------------------------------------- kinds */

static void test_kinds_and_sizes(void **state)
{
    (void)state;
    nch_learnt_kind k;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(nch_learnt_kind_parse(nch_learnt_kind_name((nch_learnt_kind)i), &k),
                         NCH_OK);
        assert_int_equal(k, i);
    }
    assert_string_equal(nch_learnt_kind_name(NCH_LEARNT_NONCANONICAL), "noncanonical");
    assert_int_equal(nch_learnt_kind_parse("hnn", &k), NCH_EINVAL);

    /* Parameter counts of the study's models (lotka-volterra.md §4.3, §4.4). */
    static const struct {
        nch_learnt_kind kind;
        size_t depth, w, n_params;
    } cases[] = {
        {NCH_LEARNT_NONCANONICAL, 3, 35, 5530}, {NCH_LEARNT_MLP, 3, 60, 7800},
        {NCH_LEARNT_NONCANONICAL, 2, 30, 2220}, {NCH_LEARNT_CANONICAL, 2, 40, 1880},
        {NCH_LEARNT_MLP, 2, 40, 1920},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const size_t w[3] = {cases[c].w, cases[c].w, cases[c].w};
        nch_learnt m;
        assert_int_equal(nch_learnt_create(&m, cases[c].kind, 1, cases[c].depth, w, NULL, NULL),
                         NCH_OK);
        assert_int_equal(m.n_params, cases[c].n_params);
        assert_int_equal(m.off[0], 0);
        if (m.n_nets == 2) {
            assert_int_equal(m.off[1], m.net[0].n_params);
            assert_int_equal(m.net[0].n_out, 1);
            for (size_t l = 0; l < cases[c].depth; l++)
                assert_int_equal(m.net[0].width[l], m.net[1].width[l]);
        }
        assert_ptr_equal(m.model.params, &m);
        assert_int_equal(m.model.d, 1);
        assert_null(m.model.in_domain);
        assert_string_equal(m.model.name, nch_learnt_kind_name(cases[c].kind));
        assert_true((m.model.jets == NULL) == (cases[c].kind == NCH_LEARNT_MLP));
        assert_true((m.model.field == NULL) == (cases[c].kind == NCH_LEARNT_NONCANONICAL));
        for (size_t i = 0; i < m.n_params; i++) assert_true(m.params[i] == 0.0);
        nch_learnt_free(&m);
    }
    /* θ has d outputs for d = 2; the mlp field 2d. */
    nch_learnt m;
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_NONCANONICAL, 2, 2, WIDTHS, NULL, NULL),
                     NCH_OK);
    assert_int_equal(m.net[0].n_out, 2);
    assert_int_equal(m.net[0].n, 4);
    nch_learnt_free(&m);
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_MLP, 2, 2, WIDTHS, NULL, NULL), NCH_OK);
    assert_int_equal(m.net[0].n_out, 4);
    nch_learnt_free(&m);

    /* The guiding centre's models (gc-mcp.md §3.3): 18 features from θ
     * (6 phases), r and u (6 copies each); NeuralSympGC 6 + 5856 + 5808,
     * NeuralBaseGC 6 + 11760. */
    const nch_embed_kind ek[4] = {NCH_EMBED_PERIODIC, NCH_EMBED_DROP, NCH_EMBED_AFFINE,
                                  NCH_EMBED_AFFINE};
    const size_t reps[4] = {6, 0, 6, 6}, w48[3] = {48, 48, 48}, w70[3] = {70, 70, 70};
    const double sh[4] = {0, 0, -0.03, 9e-4}, sc[4] = {1, 1, 40, 600};
    nch_embed e;
    assert_int_equal(nch_embed_init(&e, 4, ek, reps, sh, sc), NCH_OK);
    assert_int_equal(e.n_feat, 18);
    assert_int_equal(e.n_phase, 6);
    assert_int_equal(e.n_dir, 3);
    assert_int_equal(nch_learnt_create_embedded(&m, NCH_LEARNT_NONCANONICAL, 2, 3, w48, &e),
                     NCH_OK);
    assert_int_equal(m.n_params, 11670);
    assert_int_equal(m.n_phase, 6);
    assert_int_equal(m.off[0], 6);
    assert_int_equal(m.off[1], 6 + 5856);
    assert_int_equal(m.n_dir, 3);
    assert_int_equal(m.net[0].n_feat, 18);
    assert_int_equal(m.net[0].n, 3);
    assert_true(m.embedded && !m.normalised && !m.out_scaled);
    nch_learnt_free(&m);
    assert_int_equal(nch_learnt_create_embedded(&m, NCH_LEARNT_MLP, 2, 3, w70, &e), NCH_OK);
    assert_int_equal(m.n_params, 11766);
    assert_int_equal(m.net[0].n_out, 4);
    nch_learnt_free(&m);
}

static void test_create_rejects(void **state)
{
    (void)state;
    nch_learnt m;
    const double sh[4] = {0.1, 0.2, 0.3, 0.4}, sc[4] = {1, 2, 3, 4}, bad[4] = {1, NAN, 3, 4};
    const size_t zero[2] = {7, 0};
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_MLP, 0, 2, WIDTHS, NULL, NULL), NCH_EINVAL);
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_MLP, NCH_DMAX + 1, 2, WIDTHS, NULL, NULL),
                     NCH_EINVAL);
    assert_int_equal(nch_learnt_create(&m, (nch_learnt_kind)3, 1, 2, WIDTHS, NULL, NULL),
                     NCH_EINVAL);
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_CANONICAL, 1, 0, WIDTHS, NULL, NULL),
                     NCH_EINVAL);
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_CANONICAL, 1, 2, zero, NULL, NULL),
                     NCH_EINVAL);
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_CANONICAL, 1, 2, WIDTHS, sh, NULL),
                     NCH_EINVAL);
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_CANONICAL, 1, 2, WIDTHS, NULL, sc),
                     NCH_EINVAL);
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_CANONICAL, 2, 2, WIDTHS, sh, bad),
                     NCH_EINVAL);
    nch_learnt_free(&m); /* safe after a failed create */
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_NONCANONICAL, 2, 2, WIDTHS, sh, sc), NCH_OK);
    assert_int_equal(m.normalised, 1);
    for (size_t j = 0; j < 2; j++)
        for (size_t i = 0; i < 4; i++) {
            assert_true(m.net[j].shift[i] == sh[i]);
            assert_true(m.net[j].scale[i] == sc[i]);
        }
    nch_learnt_free(&m);
    nch_learnt_free(&m);

    /* An embedding of 2 components for a d = 2 model; a non-finite output map. */
    const nch_embed_kind ek[2] = {NCH_EMBED_PERIODIC, NCH_EMBED_AFFINE};
    const size_t reps[2] = {2, 1};
    nch_embed e;
    assert_int_equal(nch_embed_init(&e, 2, ek, reps, sh, sc), NCH_OK);
    assert_int_equal(nch_learnt_create_embedded(&m, NCH_LEARNT_MLP, 2, 2, WIDTHS, &e), NCH_EINVAL);
    assert_int_equal(nch_learnt_create_embedded(&m, NCH_LEARNT_MLP, 1, 2, WIDTHS, &e), NCH_OK);
    assert_int_equal(nch_learnt_set_output(&m, bad, sc), NCH_EINVAL);
    assert_int_equal(m.out_scaled, 0);
    assert_int_equal(nch_learnt_set_output(&m, sc, sh), NCH_OK);
    assert_int_equal(m.out_scaled, 1);
    nch_learnt_free(&m);
}

/* ---------------------------------------------------------------- jets */

static double worst_jet_fd;

/* Fourth-order central difference, as in test_mlp. */
static double fd4(double fm2, double fm1, double fp1, double fp2, double h)
{
    return (fm2 - 8.0 * fm1 + 8.0 * fp1 - fp2) / (12.0 * h);
}

/* Round-off bound of one jet entry of m when its entries are ≤ S: its nets'
 * (nch_testlearnt.h's net_err; nch_learnt adds no rounding to them). */
static double learnt_err(const nch_learnt *m, double S)
{
    double e = 0;
    for (size_t j = 0; j < m->n_nets; j++) e = fmax(e, net_err(&m->net[j], S));
    return e;
}

/* The largest |entry| of a jet of order `order` (its entries above are not set). */
static double jet_size(int d, int order, const nch_jet *j)
{
    const int n = 2 * d;
    double S = fabs(j->H);
    for (int k = 0; k < d; k++) S = fmax(S, fabs(j->theta[k]));
    for (int a = 0; a < n && order >= 1; a++) {
        S = fmax(S, fabs(j->dH[a]));
        for (int k = 0; k < d; k++) S = fmax(S, fabs(j->dtheta[k][a]));
        for (int b = 0; b < n && order >= 2; b++) {
            S = fmax(S, fabs(j->d2H[a][b]));
            for (int k = 0; k < d; k++) S = fmax(S, fabs(j->d2theta[k][a][b]));
        }
    }
    return S;
}

/* Order-1 entries against fd4 of order-0 values, order-2 entries against fd4
 * of order-1 ones, at steps h and 2h (nch_fd_tol, p = 4; fd4's round-off is
 * 1.5 × learnt_err / h), all through m->model.jets (the perturbed points in
 * one batch call, the centre alone). */
static void check_jets_fd(const nch_learnt *m, const double *z)
{
    const int d = m->d, n = 2 * d;
    const double h = 1e-3, off[6] = {-4, -2, -1, 1, 2, 4};
    nch_jet j0, jq[6];
    assert_int_equal(m->model.jets(&m->model, 1, z, 2, &j0), NCH_OK);
    const double noise = 1.5 * learnt_err(m, jet_size(d, 2, &j0)) / h;
    for (int i = 0; i < n; i++) {
        double zq[6 * NCH_ZMAX];
        for (int q = 0; q < 6; q++) {
            memcpy(zq + q * n, z, (size_t)n * sizeof *z);
            zq[q * n + i] += off[q] * h;
        }
        assert_int_equal(m->model.jets(&m->model, 6, zq, 1, jq), NCH_OK);
#define CHECK_FD(exact, v)                                                           \
    do {                                                                             \
        const double d1 = fd4(jq[1].v, jq[2].v, jq[3].v, jq[4].v, h);                \
        const double d2 = fd4(jq[0].v, jq[1].v, jq[4].v, jq[5].v, 2 * h);            \
        const double tol = nch_fd_tol(d1, d2, noise);                                \
        worst_jet_fd = fmax(worst_jet_fd, fabs(d1 - (exact)) / tol);                 \
        assert_close(exact, d1, 0, tol);                                             \
    } while (0)
        CHECK_FD(j0.dH[i], H);
        for (int k = 0; k < d; k++) CHECK_FD(j0.dtheta[k][i], theta[k]);
        for (int a = 0; a < n; a++) {
            CHECK_FD(j0.d2H[a][i], dH[a]);
            for (int k = 0; k < d; k++) CHECK_FD(j0.d2theta[k][a][i], dtheta[k][a]);
        }
#undef CHECK_FD
    }
    /* Symmetric Hessians, exactly. */
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            assert_true(j0.d2H[a][b] == j0.d2H[b][a]);
            for (int k = 0; k < d; k++) assert_true(j0.d2theta[k][a][b] == j0.d2theta[k][b][a]);
        }
}

static void test_jets_fd(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2718281);
    for (int kind = NCH_LEARNT_CANONICAL; kind <= NCH_LEARNT_NONCANONICAL; kind++)
        for (int d = 1; d <= 2; d++)
            for (int normalise = 0; normalise < 2; normalise++) {
                nch_learnt m;
                make_model(&m, (nch_learnt_kind)kind, d, normalise, r);
                for (int pt = 0; pt < 3; pt++) {
                    double z[NCH_ZMAX];
                    random_points(r, 1, d, z);
                    check_jets_fd(&m, z);
                }
                nch_learnt_free(&m);
            }
    /* GC-shaped models: the φ entries vanish exactly (and their differences). */
    for (int kind = NCH_LEARNT_CANONICAL; kind <= NCH_LEARNT_NONCANONICAL; kind++)
        for (int out_map = 0; out_map < 2; out_map++) {
            nch_learnt m;
            make_embedded(&m, (nch_learnt_kind)kind, out_map, r);
            for (int pt = 0; pt < 3; pt++) {
                double z[NCH_ZMAX];
                random_points(r, 1, 2, z);
                check_jets_fd(&m, z);
                nch_jet j;
                assert_int_equal(m.model.jets(&m.model, 1, z, 2, &j), NCH_OK);
                for (int a = 0; a < 4; a++) {
                    assert_true(j.dH[1] == 0 && j.d2H[1][a] == 0 && j.d2H[a][1] == 0);
                    assert_true(j.dtheta[0][1] == 0 && j.d2theta[1][a][1] == 0);
                }
            }
            nch_learnt_free(&m);
        }
    print_message("worst error/tolerance, interface jets vs finite differences: %.2e\n",
                  worst_jet_fd);
    gsl_rng_free(r);
}

/* The largest |a − b| over every entry of order ≤ 2 of two jets. */
static double jet_diff(int d, const nch_jet *a, const nch_jet *b)
{
    const int n = 2 * d;
    double x = fabs(a->H - b->H);
    for (int k = 0; k < d; k++) x = fmax(x, fabs(a->theta[k] - b->theta[k]));
    for (int i = 0; i < n; i++) {
        x = fmax(x, fabs(a->dH[i] - b->dH[i]));
        for (int k = 0; k < d; k++) x = fmax(x, fabs(a->dtheta[k][i] - b->dtheta[k][i]));
        for (int j = 0; j < n; j++) {
            x = fmax(x, fabs(a->d2H[i][j] - b->d2H[i][j]));
            for (int k = 0; k < d; k++)
                x = fmax(x, fabs(a->d2theta[k][i][j] - b->d2theta[k][i][j]));
        }
    }
    return x;
}

/* The interface's jets are the nets' outputs (θ = y for canonical); a batch
 * larger than the chunk gives each point's single-call jets, up to the
 * rounding of the two evaluations (2 learnt_err at the batch's largest entry:
 * nch_mlp.h rounds a point differently with the batch size); a lower order
 * gives the leading entries bitwise and leaves the others untouched. */
static void test_jets_are_the_nets(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 161803);
    enum { B = 2 * NCH_LEARNT_CHUNK + 13 };
    double worst = 0;
    for (int kind = NCH_LEARNT_CANONICAL; kind <= NCH_LEARNT_NONCANONICAL; kind++)
        for (int d = 1; d <= 2; d++) {
            nch_learnt m;
            make_model(&m, (nch_learnt_kind)kind, d, 1, r);
            const size_t n = 2 * (size_t)d, hn = m.n_nets - 1;
            double *z = malloc(B * n * sizeof *z);
            nch_jet *jb = malloc(B * sizeof *jb);
            nch_mlp_work *w = nch_mlp_work_alloc(&m.net[0], 1, 2);
            nch_mlp_work *wh = nch_mlp_work_alloc(&m.net[hn], 1, 2);
            assert_true(z && jb && w && wh);
            random_points(r, B, d, z);
            assert_int_equal(m.model.jets(&m.model, B, z, 2, jb), NCH_OK);
            double S = 0;
            for (size_t p = 0; p < B; p++) S = fmax(S, jet_size(d, 2, &jb[p]));
            for (size_t p = 0; p < B; p++) {
                const double *zp = z + p * n;
                double out[NCH_MLP_KMAX * NCH_DMAX], outh[NCH_MLP_KMAX];
                nch_jet j1;
                assert_int_equal(m.model.jets(&m.model, 1, zp, 2, &j1), NCH_OK);
                worst = fmax(worst, jet_diff(d, &jb[p], &j1) / (2 * learnt_err(&m, S)));
                assert_le(jet_diff(d, &jb[p], &j1), 2 * learnt_err(&m, S));

                assert_int_equal(
                    nch_mlp_forward(&m.net[hn], m.params + m.off[hn], 1, zp, 2, wh, outh), NCH_OK);
                assert_true(outh[0] == j1.H);
                for (size_t a = 0; a < n; a++) {
                    assert_true(outh[1 + a] == j1.dH[a]);
                    for (size_t b = 0; b < n; b++)
                        assert_true(outh[nch_mlp_hess_comp(n, a, b)] == j1.d2H[a][b]);
                }
                if (hn) assert_int_equal(nch_mlp_forward(&m.net[0], m.params, 1, zp, 2, w, out),
                                         NCH_OK);
                for (size_t k = 0; k < (size_t)d; k++) {
                    assert_true(j1.theta[k] == (hn ? out[k] : zp[d + k]));
                    for (size_t a = 0; a < n; a++) {
                        assert_true(j1.dtheta[k][a] == (hn ? out[(1 + a) * d + k] : a == d + k));
                        for (size_t b = 0; b < n; b++)
                            assert_true(j1.d2theta[k][a][b] ==
                                        (hn ? out[nch_mlp_hess_comp(n, a, b) * d + k] : 0.0));
                    }
                }

                nch_jet j0;
                memset(&j0, 0, sizeof j0);
                j0.dH[0] = 42;
                j0.dtheta[0][0] = 44;
                j0.d2theta[0][0][0] = 43;
                j0.d2H[0][1] = 45;
                assert_int_equal(m.model.jets(&m.model, 1, zp, 0, &j0), NCH_OK);
                assert_true(j0.H == j1.H && j0.theta[d - 1] == j1.theta[d - 1]);
                assert_true(j0.dH[0] == 42 && j0.dtheta[0][0] == 44);
                assert_int_equal(m.model.jets(&m.model, 1, zp, 1, &j0), NCH_OK);
                for (size_t a = 0; a < n; a++) {
                    assert_true(j0.dH[a] == j1.dH[a]);
                    for (size_t k = 0; k < (size_t)d; k++)
                        assert_true(j0.dtheta[k][a] == j1.dtheta[k][a]);
                }
                assert_true(j0.d2theta[0][0][0] == 43 && j0.d2H[0][1] == 45);
            }
            assert_int_equal(m.model.jets(&m.model, 1, z, 3, jb), NCH_EINVAL);
            assert_int_equal(m.model.jets(&m.model, 0, z, 2, jb), NCH_OK);
            nch_mlp_work_free(w);
            nch_mlp_work_free(wh);
            free(z);
            free(jb);
            nch_learnt_free(&m);
        }
    print_message("worst difference/bound, jets of a batch of %d vs single calls: %.2e\n", B,
                  worst);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- fields */

/* mlp: the net's output; canonical: (∇_yH, −∇_xH) from the jets;
 * noncanonical: no field of its own, nch_model_field from the jets.  The
 * batch call and the single-point one round differently (batch size, buffer
 * alignment in some kernels): by ≤ 2 learnt_err at the batch's largest jet
 * entry, which the noncanonical field's solves amplify by ≤
 * κ(1 + 3|f|)(1 + 2κ‖Dθ‖), κ = ‖D_yθ⁻¹‖_∞ (first-order perturbation of
 * ẋ = D_yθ⁻ᵀ∇_yH, ẏ = D_yθ⁻¹(−∇_xH + (D_xθᵀ − D_xθ)ẋ)). */
static void test_fields(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1414213);
    enum { B = NCH_LEARNT_CHUNK + 9 };
    for (int kind = 0; kind < 3; kind++)
        for (int d = 1; d <= 2; d++) {
            nch_learnt m;
            make_model(&m, (nch_learnt_kind)kind, d, kind == 1, r);
            const size_t n = 2 * (size_t)d;
            double z[B * NCH_ZMAX], f[B * NCH_ZMAX], g[NCH_ZMAX], out[NCH_ZMAX], S = 0;
            nch_jet jet[B];
            random_points(r, B, d, z);
            assert_int_equal(nch_model_field(&m.model, B, z, f), NCH_OK);
            if (kind == NCH_LEARNT_MLP)
                for (size_t i = 0; i < B * n; i++) S = fmax(S, fabs(f[i]));
            else {
                assert_int_equal(m.model.jets(&m.model, B, z, 1, jet), NCH_OK);
                for (size_t p = 0; p < B; p++) S = fmax(S, jet_size(d, 1, &jet[p]));
            }
            const double eps = 2 * learnt_err(&m, S);
            nch_mlp_work *w = nch_mlp_work_alloc(&m.net[0], 1, 0);
            assert_non_null(w);
            for (size_t p = 0; p < B; p++) {
                const double *zp = z + p * n, *fp = f + p * n;
                if (kind == NCH_LEARNT_MLP) {
                    assert_int_equal(nch_mlp_forward(&m.net[0], m.params, 1, zp, 0, w, out),
                                     NCH_OK);
                    for (size_t c = 0; c < n; c++) assert_close(fp[c], out[c], 0, eps);
                    continue;
                }
                nch_jet j1;
                assert_int_equal(m.model.jets(&m.model, 1, zp, 1, &j1), NCH_OK);
                assert_int_equal(nch_field_from_jet(d, &j1, g), NCH_OK);
                double tol = eps;
                if (kind == NCH_LEARNT_CANONICAL)
                    for (size_t j = 0; j < (size_t)d; j++) {
                        assert_close(fp[j], j1.dH[d + j], 0, eps);
                        assert_close(fp[d + j], -j1.dH[j], 0, eps);
                    }
                else {
                    /* κ from the 1×1 or 2×2 inverse of D_yθ. */
                    const double a = j1.dtheta[0][d], b = d == 2 ? j1.dtheta[0][3] : 0,
                                 c = d == 2 ? j1.dtheta[1][2] : 0, e = d == 2 ? j1.dtheta[1][3] : 1;
                    const double kappa =
                        fmax(fabs(e) + fabs(b), fabs(c) + fabs(a)) / fabs(a * e - b * c);
                    double fmaxv = 0, dtheta = 0;
                    for (size_t i = 0; i < n; i++) fmaxv = fmax(fmaxv, fabs(g[i]));
                    for (int k = 0; k < d; k++) {
                        double row = 0;
                        for (size_t i = 0; i < n; i++) row += fabs(j1.dtheta[k][i]);
                        dtheta = fmax(dtheta, row);
                    }
                    tol = kappa * eps * (1 + 3 * fmaxv) * (1 + 2 * kappa * dtheta);
                }
                for (size_t c = 0; c < n; c++) assert_close(fp[c], g[c], 0, tol);
            }
            nch_mlp_work_free(w);
            nch_learnt_free(&m);
        }
    gsl_rng_free(r);
}

/* The output map and the embedding against the raw nets (nch_learnt_forward):
 * mlp ż_c = out_c·scale_c + shift_c, H = h·scale + shift with derivatives
 * times scale, θ unscaled; direction i of the nets is state component
 * (0, 2, 3)[i].  Bitwise: the same expressions. */
static void test_output_map(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1732050);
    enum { B = 7 };
    static const int comp[3] = {0, 2, 3};
    for (int kind = 0; kind < 3; kind++) {
        nch_learnt m;
        make_embedded(&m, (nch_learnt_kind)kind, 1, r);
        const int order = kind == NCH_LEARNT_MLP ? 0 : 2;
        const size_t K = nch_mlp_ncomp(3, order), hn = m.n_nets - 1;
        double z[B * 4], out0[B * 15 * 4], out1[B * 15];
        double *const out[2] = {out0, out1};
        random_points(r, B, 2, z);
        nch_learnt_work *w = nch_learnt_work_alloc(&m, B, order);
        nch_mlp_jets jets;
        nch_learnt_jets_order(&m, order, &jets);
        assert_non_null(w);
        assert_int_equal(nch_learnt_forward(&m, m.params, B, z, &jets, w, out), NCH_OK);
        if (kind == NCH_LEARNT_MLP) {
            double f[B * 4];
            assert_int_equal(nch_model_field(&m.model, B, z, f), NCH_OK);
            for (size_t i = 0; i < B * 4; i++)
                assert_true(f[i] == out0[i] * m.out_scale[i % 4] + m.out_shift[i % 4]);
        } else {
            nch_jet j[B];
            assert_int_equal(m.model.jets(&m.model, B, z, 2, j), NCH_OK);
            const double sc = m.out_scale[0];
            for (size_t p = 0; p < B; p++) {
                const double *h = out[hn] + p * K, *th = out0 + p * K * 2;
                assert_true(j[p].H == h[0] * sc + m.out_shift[0]);
                for (int a = 0; a < 3; a++) {
                    assert_true(j[p].dH[comp[a]] == h[1 + a] * sc);
                    for (int b = 0; b < 3; b++)
                        assert_true(j[p].d2H[comp[a]][comp[b]] ==
                                    h[nch_mlp_hess_comp(3, (size_t)a, (size_t)b)] * sc);
                    if (hn)
                        for (int k = 0; k < 2; k++)
                            assert_true(j[p].dtheta[k][comp[a]] == th[(1 + a) * 2 + k]);
                }
                if (hn) assert_true(j[p].theta[1] == th[1]);
            }
        }
        nch_learnt_work_free(w);
        nch_learnt_free(&m);
    }
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- seeding */

static void test_seeding(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    const size_t w[3] = {35, 35, 35};
    nch_learnt a, b, c;
    assert_int_equal(nch_learnt_create(&a, NCH_LEARNT_NONCANONICAL, 1, 3, w, NULL, NULL), NCH_OK);
    assert_int_equal(nch_learnt_create(&b, NCH_LEARNT_NONCANONICAL, 1, 3, w, NULL, NULL), NCH_OK);
    assert_int_equal(nch_learnt_create(&c, NCH_LEARNT_NONCANONICAL, 1, 3, w, NULL, NULL), NCH_OK);
    gsl_rng_set(r, 42);
    nch_learnt_init_params(&a, r);
    gsl_rng_set(r, 42);
    nch_learnt_init_params(&b, r);
    gsl_rng_set(r, 43);
    nch_learnt_init_params(&c, r);
    assert_memory_equal(a.params, b.params, a.n_params * sizeof *a.params);
    assert_true(memcmp(a.params, c.params, a.n_params * sizeof *a.params) != 0);
    /* θ first, then H, from one stream: net by net as nch_mlp_init_params. */
    double *q = malloc(a.n_params * sizeof *q);
    assert_non_null(q);
    gsl_rng_set(r, 42);
    nch_mlp_init_params(&a.net[0], r, q);
    nch_mlp_init_params(&a.net[1], r, q + a.off[1]);
    assert_memory_equal(a.params, q, a.n_params * sizeof *q);
    free(q);
    nch_learnt_free(&a);
    nch_learnt_free(&b);
    nch_learnt_free(&c);

    /* Embedded: the phases first, 2π·U[0, 1) each, then θ, then H (§1.7). */
    make_embedded(&a, NCH_LEARNT_NONCANONICAL, 0, r);
    gsl_rng_set(r, 42);
    nch_learnt_init_params(&a, r);
    q = malloc(a.n_params * sizeof *q);
    assert_non_null(q);
    gsl_rng_set(r, 42);
    for (size_t k = 0; k < a.n_phase; k++) {
        q[k] = 2 * M_PI * gsl_rng_uniform(r);
        assert_true(a.params[k] >= 0 && a.params[k] < 2 * M_PI);
    }
    nch_mlp_init_params(&a.net[0], r, q + a.off[0]);
    nch_mlp_init_params(&a.net[1], r, q + a.off[1]);
    assert_memory_equal(a.params, q, a.n_params * sizeof *q);
    free(q);
    nch_learnt_free(&a);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- files */

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* The whole file as a malloc'ed string. */
static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, fp), (size_t)len);
    s[len] = '\0';
    fclose(fp);
    return s;
}

static void test_save_load(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 57721);
    char path[256];
    nch_temp_path(path, sizeof path, "ncham_test_learnt");
    /* normalise: 0 none, 1 normaliser, 2 and 3 embedding (d = 2) without and
     * with an output map. */
    for (int kind = 0; kind < 3; kind++)
        for (int d = 1; d <= 2; d++)
            for (int normalise = 0; normalise < 4; normalise++) {
                if (normalise >= 2 && d == 1) continue;
                nch_learnt m, l;
                if (normalise < 2) make_model(&m, (nch_learnt_kind)kind, d, normalise, r);
                else make_embedded(&m, (nch_learnt_kind)kind, normalise == 3, r);
                /* Values that need all 17 digits, and a negative zero. */
                m.params[0] = -0.0;
                m.params[1] = 0.1 + 0.2;
                m.params[2] = -1.0 / 3.0e-300;
                assert_int_equal(nch_learnt_save(&m, path), NCH_OK);
                assert_int_equal(nch_learnt_load(&l, path), NCH_OK);
                assert_int_equal(l.kind, m.kind);
                assert_int_equal(l.d, m.d);
                assert_int_equal(l.n_params, m.n_params);
                assert_int_equal(l.normalised, normalise == 1);
                assert_int_equal(l.embedded, normalise >= 2);
                assert_int_equal(l.out_scaled, normalise == 3);
                assert_memory_equal(l.out_scale, m.out_scale, sizeof m.out_scale);
                assert_memory_equal(l.out_shift, m.out_shift, sizeof m.out_shift);
                assert_memory_equal(&l.embed, &m.embed, sizeof m.embed);
                assert_memory_equal(l.params, m.params, m.n_params * sizeof *m.params);
                for (size_t j = 0; j < m.n_nets; j++) {
                    assert_int_equal(l.off[j], m.off[j]);
                    assert_memory_equal(&l.net[j], &m.net[j], sizeof m.net[j]);
                }
                assert_ptr_equal(l.model.params, &l);
                const size_t n = 2 * (size_t)d;
                double z[5 * NCH_ZMAX], f1[5 * NCH_ZMAX], f2[5 * NCH_ZMAX];
                random_points(r, 5, d, z);
                if (kind != NCH_LEARNT_MLP) {
                    nch_jet a[5], b[5];
                    memset(a, 0, sizeof a);
                    memset(b, 0, sizeof b);
                    assert_int_equal(m.model.jets(&m.model, 5, z, 2, a), NCH_OK);
                    assert_int_equal(l.model.jets(&l.model, 5, z, 2, b), NCH_OK);
                    assert_memory_equal(a, b, sizeof a);
                }
                assert_int_equal(nch_model_field(&m.model, 5, z, f1), NCH_OK);
                assert_int_equal(nch_model_field(&l.model, 5, z, f2), NCH_OK);
                assert_memory_equal(f1, f2, 5 * n * sizeof *f1);
                /* Saving the loaded model reproduces the file byte for byte. */
                char *t1 = read_text(path);
                assert_int_equal(nch_learnt_save(&l, path), NCH_OK);
                char *t2 = read_text(path);
                assert_string_equal(t1, t2);
                if (kind == NCH_LEARNT_NONCANONICAL && d == 1 && normalise) {
                    assert_true(strncmp(t1, "ncham-model 2\nkind noncanonical\nd 1\nwidths 7 6\n"
                                            "input normaliser shift ",
                                        70) == 0);
                    assert_non_null(strstr(t1, "\noutput none\nparams 176\n"));
                    assert_non_null(strstr(t1, "\nparams 176\n"));
                    assert_non_null(strstr(t1, "\n-0\n0.30000000000000004\n"));
                    assert_int_equal(strcmp(t1 + strlen(t1) - 5, "\nend\n"), 0);
                }
                if (kind == NCH_LEARNT_MLP && normalise == 3) {
                    assert_non_null(strstr(t1, "\ninput embed periodic 3 drop affine 2 "));
                    assert_non_null(strstr(t1, "\noutput scale "));
                }
                free(t1);
                free(t2);
                nch_learnt_free(&m);
                nch_learnt_free(&l);
            }
    /* A non-finite parameter is refused and nothing is written. */
    nch_learnt m;
    make_model(&m, NCH_LEARNT_CANONICAL, 1, 0, r);
    m.params[3] = NAN;
    remove(path);
    assert_int_equal(nch_learnt_save(&m, path), NCH_ENONFIN);
    assert_int_equal(access(path, F_OK), -1);
    nch_learnt_free(&m);
    gsl_rng_free(r);
}

/* A valid small file, then variants with one defect each. */
static void test_load_rejects(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 8);
    char path[256];
    nch_temp_path(path, sizeof path, "ncham_test_learnt");
    nch_learnt m, l;
    const size_t w1[1] = {2};
    assert_int_equal(nch_learnt_create(&m, NCH_LEARNT_CANONICAL, 1, 1, w1, NULL, NULL), NCH_OK);
    assert_int_equal(m.n_params, 2 * 2 + 2 + 2 + 2); /* W0, b0, s0, W1 */
    nch_learnt_free(&m);

#define HEAD(kind, count) \
    "ncham-model 1\nkind " kind "\nd 1\nwidths 2\nnormaliser none\nparams " count "\n"
#define BODY "0.5\n-0.25\n1e-3\n2\n0.1\n-0.2\n1\n1\n0.3\n-0.7\n"
    write_text(path, HEAD("canonical", "10") BODY "end\n");
    assert_int_equal(nch_learnt_load(&l, path), NCH_OK);
    assert_true(l.params[2] == 1e-3 && l.params[9] == -0.7 && l.normalised == 0);
    nch_learnt_free(&l);
    write_text(path, "ncham-model 1\nkind canonical\nd 1\nwidths 2\n"
                     "normaliser shift 1 2 scale 0.5 0.25\nparams 10\n" BODY "end\n\n");
    assert_int_equal(nch_learnt_load(&l, path), NCH_OK);
    assert_true(l.normalised && l.net[0].shift[1] == 2 && l.net[0].scale[1] == 0.25);
    nch_learnt_free(&l);
    /* Version 2: the same model, the input and output lines. */
#define HEAD2(kind, in, out, count) \
    "ncham-model 2\nkind " kind "\nd 1\nwidths 2\ninput " in "\noutput " out "\nparams " count "\n"
    write_text(path, HEAD2("canonical", "normaliser shift 1 2 scale 0.5 0.25", "scale 2 shift -1",
                           "10") BODY "end\n");
    assert_int_equal(nch_learnt_load(&l, path), NCH_OK);
    assert_true(l.normalised && l.net[0].shift[1] == 2 && l.net[0].scale[1] == 0.25);
    assert_true(l.out_scaled && l.out_scale[0] == 2 && l.out_shift[0] == -1 && !l.embedded);
    nch_learnt_free(&l);
    /* An embedded mlp: 2 phases, 3 features; W0 2×3, b0, s0, W1 2×2: 16. */
#define EMB "embed periodic 2 affine 1 0.5 2"
#define BODY16 BODY "0.7\n0.8\n0.9\n1.1\n1.2\n1.3\n"
    write_text(path, HEAD2("mlp", EMB, "scale 1 2 shift 3 4", "16") BODY16 "end\n");
    assert_int_equal(nch_learnt_load(&l, path), NCH_OK);
    assert_true(l.embedded && l.n_phase == 2 && l.n_dir == 2 && l.net[0].n_feat == 3);
    assert_true(l.embed.shift[1] == 0.5 && l.embed.scale[1] == 2 && l.out_shift[1] == 4);
    assert_true(l.params[0] == 0.5 && l.params[15] == 1.3);
    nch_learnt_free(&l);

    static const char *const bad[] = {
        "",                                                             /* empty */
        "ncham-modle 1\nkind canonical\nd 1\nwidths 2\nnormaliser none\nparams 10\n" BODY "end\n",
        "ncham-model 3\nkind canonical\nd 1\nwidths 2\ninput none\noutput none\nparams 10\n" BODY
        "end\n",
        "ncham-model 0\nkind canonical\nd 1\nwidths 2\nnormaliser none\nparams 10\n" BODY "end\n",
        /* version 1 has no input/output lines, version 2 requires them */
        "ncham-model 1\nkind canonical\nd 1\nwidths 2\ninput none\nparams 10\n" BODY "end\n",
        "ncham-model 2\nkind canonical\nd 1\nwidths 2\nnormaliser none\nparams 10\n" BODY "end\n",
        "ncham-model 2\nkind canonical\nd 1\nwidths 2\ninput none\nparams 10\n" BODY "end\n",
        HEAD2("canonical", "embed periodic 2", "none", "10") BODY "end\n",  /* one component */
        HEAD2("mlp", "embed periodic 0 affine 1 0.5 2", "none", "14") BODY "end\n",
        HEAD2("mlp", "embed drop drop", "none", "16") BODY16 "end\n",
        HEAD2("mlp", "embed circle 2 affine 1 0.5 2", "none", "16") BODY16 "end\n",
        HEAD2("mlp", "embed periodic 2 affine 1 0.5", "none", "16") BODY16 "end\n",
        HEAD2("mlp", "embed periodic 2 affine 1 0.5 inf", "none", "16") BODY16 "end\n",
        HEAD2("mlp", EMB " drop", "none", "16") BODY16 "end\n",
        HEAD2("mlp", EMB, "scale 1 2 shift 3", "16") BODY16 "end\n",
        HEAD2("mlp", EMB, "scale 1 shift 3 4", "16") BODY16 "end\n",
        HEAD2("mlp", EMB, "scale 1 2 3 4", "16") BODY16 "end\n",
        HEAD2("mlp", EMB, "scale 1 nan shift 3 4", "16") BODY16 "end\n",
        HEAD2("mlp", EMB, "off", "16") BODY16 "end\n",
        HEAD2("canonical", "none", "scale 1 2 shift 3 4", "10") BODY "end\n",
        HEAD2("canonical", "normaliser shift 1 2 scale 1", "none", "10") BODY "end\n",
        HEAD2("canonical", "normaliser 1 2 scale 1 1", "none", "10") BODY "end\n",
        HEAD("hnn", "10") BODY "end\n",                                 /* unknown kind */
        HEAD("canonical", "11") BODY "0\nend\n",                        /* wrong count */
        HEAD("canonical", "9") "0.5\n-0.25\n1e-3\n2\n0.1\n-0.2\n1\n1\n0.3\nend\n",
        HEAD("canonical", "10") BODY,                                   /* no end */
        HEAD("canonical", "10") "0.5\n-0.25\n1e-3\n",                   /* truncated */
        HEAD("canonical", "10") "0.5\n-0.25\nnan\n2\n0.1\n-0.2\n1\n1\n0.3\n-0.7\nend\n",
        HEAD("canonical", "10") "0.5\n-0.25\ninf\n2\n0.1\n-0.2\n1\n1\n0.3\n-0.7\nend\n",
        HEAD("canonical", "10") "0.5\n-0.25\n1e-3x\n2\n0.1\n-0.2\n1\n1\n0.3\n-0.7\nend\n",
        HEAD("canonical", "10") "0.5\n-0.25\n\n2\n0.1\n-0.2\n1\n1\n0.3\n-0.7\nend\n",
        HEAD("canonical", "10") "0.5 1\n-0.25\n1\n2\n0.1\n-0.2\n1\n1\n0.3\n-0.7\nend\n",
        HEAD("canonical", "10") BODY "end\n0.5\n",                      /* after end */
        HEAD("canonical", "10") BODY "ende\n",
        "ncham-model 1\nkind canonical\nd 3\nwidths 2\nnormaliser none\nparams 10\n" BODY "end\n",
        "ncham-model 1\nkind canonical\nd 1\nwidths 0\nnormaliser none\nparams 10\n" BODY "end\n",
        "ncham-model 1\nkind canonical\nd 1\nwidths\nnormaliser none\nparams 10\n" BODY "end\n",
        "ncham-model 1\nkind canonical\nd 1\nwidths 2\nnormaliser shift 1 2 scale 1\nparams 10\n"
        BODY "end\n",
        "ncham-model 1\nkind canonical\nd 1\nwidths 2\nnormaliser shift 1 nan scale 1 1\n"
        "params 10\n" BODY "end\n",
        "ncham-model 1\nkind canonical\nd 1\nnormaliser none\nparams 10\n" BODY "end\n",
        "ncham-model 1\nkind canonical\nd 1\nwidths 2\nnormaliser none\nparams -10\n" BODY "end\n",
    };
#undef HEAD
#undef HEAD2
#undef EMB
#undef BODY16
#undef BODY
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text(path, bad[i]);
        memset(&l, 0xa5, sizeof l);
        const int rc = nch_learnt_load(&l, path);
        if (rc != NCH_EINVAL) print_error("bad file %zu loaded with status %d\n", i, rc);
        assert_int_equal(rc, NCH_EINVAL);
        assert_null(l.params); /* nothing left allocated */
    }
    remove(path);
    assert_int_equal(nch_learnt_load(&l, path), NCH_EIO);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- DVI */

/* |det D_yθ| at z. */
static double det_dytheta(const nch_learnt *m, const double *z)
{
    nch_jet j;
    assert_int_equal(m->model.jets(&m->model, 1, z, 1, &j), NCH_OK);
    return fabs(m->d == 1 ? j.dtheta[0][1]
                          : j.dtheta[0][2] * j.dtheta[1][3] - j.dtheta[0][3] * j.dtheta[1][2]);
}

/* The Euler DVI runs on a noncanonical learnt model: each step solves its
 * residual (recomputed here from the interface) and, at a small step, follows
 * the model's field.  The start is the most regular of 64 random points
 * (largest |det D_yθ|): near a singular D_yθ the field and its O(h)
 * correction r are arbitrarily large. */
static void test_dvi_runs(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31);
    for (int d = 1; d <= 2; d++) {
        nch_learnt m;
        make_model(&m, NCH_LEARNT_NONCANONICAL, d, 1, r);
        const int n = 2 * d;
        const double h = 1e-4;
        double z0[NCH_ZMAX], f[NCH_ZMAX], best = -1;
        for (int i = 0; i < 64; i++) {
            double z[NCH_ZMAX];
            random_points(r, 1, d, z);
            const double det = det_dytheta(&m, z);
            if (det > best) {
                best = det;
                memcpy(z0, z, sizeof z);
            }
        }
        nch_dvi_state st;
        nch_dvi_report rep;
        assert_int_equal(nch_dvi_init(&st, &m.model, h, z0), NCH_OK);
        for (int step = 0; step < 20; step++) {
            double xprev[NCH_DMAX], zk[NCH_ZMAX];
            memcpy(xprev, st.x_prev, sizeof xprev);
            memcpy(zk, st.z, sizeof zk);
            assert_int_equal(nch_model_field(&m.model, 1, zk, f), NCH_OK);
            assert_int_equal(nch_dvi_step(&st, &rep), NCH_OK);
            assert_true(rep.updates >= 1 && rep.updates <= 10);
            nch_jet jk, jp;
            double c[NCH_DMAX], R[NCH_ZMAX], J[NCH_ZMAX * NCH_ZMAX], rk[NCH_ZMAX];
            assert_int_equal(m.model.jets(&m.model, 1, zk, 1, &jk), NCH_OK);
            assert_int_equal(m.model.jets(&m.model, 1, st.z, 2, &jp), NCH_OK);
            nch_dvi_d2ld(d, h, xprev, zk, &jk, c);
            nch_dvi_residual(d, h, c, zk, st.z, &jp, R, J);
            assert_int_equal(nch_reg_model_r(&m.model, zk, rk), NCH_OK);
            double rmax = 0, zmax = 0, dmax = 0;
            for (int i = 0; i < n; i++) {
                rmax = fmax(rmax, fabs(rk[i]));
                zmax = fmax(zmax, fmax(fabs(zk[i]), fabs(st.z[i])));
            }
            for (int i = 0; i < d; i++)
                dmax = fmax(dmax, fmax(fabs(zk[i] - xprev[i]), fabs(st.z[i] - zk[i])));
            /* One step: (z_{k+1} − z_k)/h = f − (h/2) r + O(h²) (the modified
             * field, test_scheme): h‖r‖ covers the leading term twice over;
             * rounding z_{k+1} and the difference adds ≤ 2u|z|/h. */
            for (int i = 0; i < n; i++)
                assert_close((st.z[i] - zk[i]) / h, f[i], 0, h * rmax + 2 * NCH_U * zmax / h);
            /* The residual left: ‖J‖ times the last update (< 1e-10; the error
             * after it is quadratically smaller at a regular root), plus R's
             * rounding: its terms (θ/h, H_y, θ_y Δ/h, …; Σ|coefficients| ≤
             * (2 + 2d·max|Δ|)/h + 1) are jet entries ≤ S, each within
             * learnt_err(S), summed with ≤ 4u of them. */
            const double S = fmax(jet_size(d, 1, &jk), jet_size(d, 2, &jp));
            const double coef = (2 + 2 * d * dmax) / h + 1;
            for (int i = 0; i < n; i++) {
                double Jrow = 0;
                for (int k = 0; k < n; k++) Jrow += fabs(J[i * n + k]);
                assert_le(fabs(R[i]), Jrow * 1e-10 + (learnt_err(&m, S) + 4 * NCH_U * S) * coef);
            }
        }
        assert_int_equal(st.k, 20);
        nch_learnt_free(&m);
    }
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_sizes), cmocka_unit_test(test_create_rejects),
        cmocka_unit_test(test_jets_fd),         cmocka_unit_test(test_jets_are_the_nets),
        cmocka_unit_test(test_fields),          cmocka_unit_test(test_output_map),
        cmocka_unit_test(test_seeding),
        cmocka_unit_test(test_save_load),       cmocka_unit_test(test_load_rejects),
        cmocka_unit_test(test_dvi_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
