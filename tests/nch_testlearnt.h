/* Random learnt models for the engine tests (test_learnt, test_loss): small
 * nets of widths WIDTHS, default-initialised weights, high-entropy s (not 1)
 * and, when asked, a random normaliser; and the round-off bound of a net's
 * jets (net_err, also test_mlp's). */
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

#endif
