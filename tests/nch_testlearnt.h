/* Random learnt models for the engine tests (test_learnt, test_loss): small
 * nets of widths WIDTHS, default-initialised weights, high-entropy s (not 1)
 * and, when asked, a random normaliser; or guiding-centre-shaped ones (d = 2,
 * an embedding with phases, an output map); and the round-off bound of a
 * net's jets (net_err, also test_mlp's). */
#ifndef NCH_TESTLEARNT_H
#define NCH_TESTLEARNT_H

#include "nch_test.h"

#include "nch_err.h"
#include "nch_learnt.h"

#include <gsl/gsl_rng.h>

static const size_t WIDTHS[2] = {7, 6};

static inline double unif(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

/* Round-off bound of one jet entry (order ≤ 2) of net when every entry is
 * ≤ S in size: per layer a dot product of length fan_in and ≤ 20 roundings
 * of the STanh jet (the product rule to order 2), each ≤ 4u of terms ≤ S. */
static inline double net_err(const nch_mlp *net, double S)
{
    double ops = (double)net->n;
    for (size_t l = 0; l < net->depth; l++) ops += (double)net->width[l] + 20;
    return 4 * NCH_U * ops * S;
}

static inline void make_model(nch_learnt *m, nch_learnt_kind kind, int d, int normalise, gsl_rng *r)
{
    double shift[NCH_ZMAX], scale[NCH_ZMAX];
    for (int k = 0; k < 2 * d; k++) {
        shift[k] = unif(r, -1.3, 0.9);
        scale[k] = unif(r, 0.4, 2.3);
    }
    assert_int_equal(nch_learnt_create(m, kind, d, 2, WIDTHS, normalise ? shift : NULL,
                                       normalise ? scale : NULL),
                     NCH_OK);
    nch_learnt_init_params(m, r);
    for (size_t j = 0; j < m->n_nets; j++)
        for (size_t l = 0; l < m->net[j].depth; l++)
            for (size_t i = 0; i < m->net[j].width[l]; i++)
                m->params[m->off[j] + m->net[j].off_s[l] + i] = unif(r, 0.3, 1.7);
}

/* d = 2 with the GC's embedding in small: θ periodic ×3, φ dropped, r and u
 * affine ×2 with random normalisers; random phases (init), and with out_map
 * a random output map (H scale and shift, or the mlp's 4 of each). */
static inline void make_embedded(nch_learnt *m, nch_learnt_kind kind, int out_map, gsl_rng *r)
{
    const nch_embed_kind ek[4] = {NCH_EMBED_PERIODIC, NCH_EMBED_DROP, NCH_EMBED_AFFINE,
                                  NCH_EMBED_AFFINE};
    const size_t reps[4] = {3, 0, 2, 2};
    double shift[4], scale[4], osc[4], osh[4];
    for (int k = 0; k < 4; k++) {
        shift[k] = unif(r, -1.3, 0.9);
        scale[k] = unif(r, 0.4, 2.3);
        osc[k] = unif(r, 0.4, 1.9) * (k % 2 ? -1 : 1);
        osh[k] = unif(r, -0.7, 0.8);
    }
    nch_embed e;
    assert_int_equal(nch_embed_init(&e, 4, ek, reps, shift, scale), NCH_OK);
    assert_int_equal(nch_learnt_create_embedded(m, kind, 2, 2, WIDTHS, &e), NCH_OK);
    if (out_map) assert_int_equal(nch_learnt_set_output(m, osc, osh), NCH_OK);
    nch_learnt_init_params(m, r);
    for (size_t j = 0; j < m->n_nets; j++)
        for (size_t l = 0; l < m->net[j].depth; l++)
            for (size_t i = 0; i < m->net[j].width[l]; i++)
                m->params[m->off[j] + m->net[j].off_s[l] + i] = unif(r, 0.3, 1.7);
}

#endif
