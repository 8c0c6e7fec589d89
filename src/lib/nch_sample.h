/* nch_sample — initial conditions for the datasets (spec lotka-volterra.md
 * §3, gc-mcp.md §2.2, §3.2).
 *
 * Latin-hypercube sampling in any dimension; the energy-bounded box and the
 * energy window's rejection loop for a 2-d state.
 * Randomness comes only from the caller's gsl_rng, so a seed fixes the
 * samples; the stream continues across calls (the rejection rounds of the
 * spec draw fresh hypercubes from the same generator). */
#ifndef NCH_SAMPLE_H
#define NCH_SAMPLE_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* Energy function of a 2-d state. */
typedef double (*nch_energy_fn)(const double z[2], void *ctx);

/* n Latin-hypercube points in the box [lo_k, hi_k] (k < dim), row-major
 * n×dim: U uniform n×dim (row-major draws), then one random permutation of
 * 1..n per column, point = lo + (perm − U)/n · (hi − lo).  For dim = 2 the
 * draws are those of the 2-d sampler the Lotka–Volterra data were made
 * with. */
int nch_lhs(gsl_rng *rng, size_t n, size_t dim, const double *lo, const double *hi, double *z);

/* The box {H ≤ hmax} seen along the two lines through the equilibrium zeq:
 * for each coordinate k, the roots of H(zeq + t e_k) = hmax below and above
 * zeq_k (Brent's method, brackets (zeq_k·1e-12, zeq_k) and
 * (zeq_k, zeq_k·1e6): coordinates are positive), widened by the relative
 * margin `pad` (lower root × (1 − pad), upper × (1 + pad)).
 * box = (lo_0, hi_0, lo_1, hi_1).  NCH_ENOCONV if a root is not bracketed. */
int nch_energy_box(nch_energy_fn H, void *ctx, const double zeq[2], double hmax, double pad,
                   double box[4]);

/* Rejection loop: for round i = 0..max_rounds-1 draw an LHS of (i+1)·n
 * points in box, keep (in order) those with hmin ≤ H ≤ hmax, and stop with
 * the first n kept.  z is n×2; *rounds is the number of rounds used.
 * NCH_ENOCONV if max_rounds rounds do not give n points, NCH_ENOMEM if a
 * round's candidates do not fit in memory. */
int nch_lhs_energy_window(gsl_rng *rng, size_t n, const double box[4], nch_energy_fn H, void *ctx,
                          double hmin, double hmax, int max_rounds, double *z, int *rounds);

#endif
