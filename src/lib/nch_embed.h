/* nch_embed — an input embedding of the state for the nets of a learnt model:
 * the guiding centre's preprocessing (spec gc-mcp.md §1.4, §3.3; jets
 * engine.md §2), with its z-jets and the gradient of its learnable phases.
 *
 * Each state component z_c (c < n_in = 2d) is, in order,
 *   NCH_EMBED_DROP      not seen by the nets (the GC's φ: toroidal symmetry);
 *   NCH_EMBED_AFFINE    R features a = (z_c + shift_c)·scale_c, all equal
 *                       (the GC's min/max normaliser of r and u, "repeated 6
 *                       times": it only reparametrises the first layer, and
 *                       is kept for faithful initialisation statistics);
 *   NCH_EMBED_PERIODIC  R features a_k = ½(1 + cos(z_c + φ_k)), k < R, with
 *                       learnable phases φ_k (the PeriodicLayer: cos(θ + φ),
 *                       not the docstring's cos(2πθ + φ), spec §1.4).
 * Features are listed component by component: for the GC (θ periodic 6, φ
 * dropped, r and u affine 6 each) that is [cos-features(θ)×6, r̂×6, û×6],
 * n_feat = 18.
 *
 * Jet directions: only the kept components, in order (n_dir; GC: θ, r, u,
 * n_dir = 3).  A net never depends on a dropped component, so its
 * derivatives there vanish identically; carrying them would cost K = 15
 * instead of 10 jet components at order 2 (5 instead of 4 at order 1), and
 * every layer's forward and backward work is proportional to K, so the GC's
 * nets run in 3 directions and nch_learnt fills the φ entries with zeros.
 *
 * Feature jets, per point, in nch_mlp's layout for a jet pattern in the
 * n_dir directions ((B·K) × n_feat, K = nch_mlp_jets_ncomp, direction i ↔
 * component dir[i]):
 *   affine    value (z + shift)·scale, ∂/∂z_c = scale, Hessian 0;
 *   periodic  value ½(1 + cos ψ), ∂/∂z_c = −½ sin ψ, ∂²/∂z_c² = −½ cos ψ,
 *             ψ = z_c + φ_k; with ∂/∂φ_k of each: −½ sin ψ, −½ cos ψ, ½ sin ψ.
 * Phases: n_phase = Σ R over the periodic components, in feature order, in
 * the caller's parameter array. */
#ifndef NCH_EMBED_H
#define NCH_EMBED_H

#include "nch_mlp.h"
#include "nch_model.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

typedef enum { NCH_EMBED_DROP, NCH_EMBED_AFFINE, NCH_EMBED_PERIODIC } nch_embed_kind;

#define NCH_EMBED_RMAX 64 /* features per component */

typedef struct {
    size_t n_in;                     /* state components */
    nch_embed_kind kind[NCH_ZMAX];
    size_t reps[NCH_ZMAX];           /* features of each component (0 if dropped) */
    double shift[NCH_ZMAX], scale[NCH_ZMAX]; /* affine components */
    size_t n_dir, dir[NCH_ZMAX];     /* jet directions: the kept components */
    size_t n_feat, n_phase;
    size_t col0, ncol;               /* the features from the first periodic one to
                                        the last: the only ones whose adjoint the
                                        phases' gradient reads (ncol = 0: none) */
} nch_embed;

/* "drop", "affine", "periodic" ("?" otherwise); parse: NCH_EINVAL if unknown. */
const char *nch_embed_kind_name(nch_embed_kind k);
int nch_embed_kind_parse(const char *s, nch_embed_kind *k);

/* Sets up the embedding of n_in ≤ NCH_ZMAX components (shift, scale read for
 * affine ones only).  NCH_EINVAL for a bad kind, reps outside 1..
 * NCH_EMBED_RMAX for a kept component, a non-finite shift or scale, or no
 * component kept. */
int nch_embed_init(nch_embed *e, size_t n_in, const nch_embed_kind *kind, const size_t *reps,
                   const double *shift, const double *scale);

/* The phases' initialisation, U[0, 2π) each (2π·gsl_rng_uniform), in order. */
void nch_embed_init_phases(const nch_embed *e, gsl_rng *rng, double *phase);

/* The features' jets of the pattern at B points z (B × n_in) into A0
 * ((B·K) × n_feat). */
void nch_embed_forward(const nch_embed *e, const double *phase, size_t B, const double *z,
                       const nch_mlp_jets *jets, double *A0);

/* Given A0_bar = ∂L/∂A0 for the same call, only its columns col0 .. col0 +
 * ncol − 1 ((B·K) × ncol), ADDS ∂L/∂φ to phase_bar (n_phase). */
void nch_embed_backward(const nch_embed *e, const double *phase, size_t B, const double *z,
                        const nch_mlp_jets *jets, const double *A0_bar, double *phase_bar);

#endif
