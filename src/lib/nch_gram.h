/* nch_gram — the mean-square norms of the training losses (spec gc-mcp.md
 * §1.5, lotka-volterra.md §5.1, adjoint engine.md §4).
 *
 * For one batch of B errors u_i ∈ Rⁿ with scalers s_i ∈ Rⁿ (row vectors),
 * n(v) = (1/n) Σ_c v_c²:
 *   ScaledMSNorm  abs = (1/B) Σ n(u_i),  rel = (1/B) Σ n(u_i)/(1e-8 + n(s_i));
 *   GramMSNorm    the same on ũ_i = u_i W and s̃_i = s_i W, where
 *                 M = (1/B) Σ s_i s_iᵀ = U diag(S) Vᵀ (SVD, LAPACKE dgesvd) and
 *                 W = U diag(1/(√S + ε_g)) Vᵀ, ε_g = gram_eps;
 *   loss = abs_w·abs + rel_w·rel.
 * W depends on the scalers only: a constant for the gradient.  Both norms go
 * through the same calls; ScaledMSNorm is W = I without the products.
 *
 * Degenerate data (issue 11): a batch whose M is numerically singular —
 * smallest eigenvalue at most nch_gram_limit(n, B) times the largest, as for
 * all-zero or collinear scalers, or fewer than n samples — has no GramMSNorm:
 * its whitening would be set by rounding and ε_g, not by the data, so
 * nch_gram_init refuses it (NCH_EDEGEN).  ScaledMSNorm inverts nothing and
 * takes collinear scalers; it refuses only a batch whose scalers are all
 * zero, where every relative term is measured against its 1e-8 alone.
 * n ≤ NCH_ZMAX; nothing here allocates. */
#ifndef NCH_GRAM_H
#define NCH_GRAM_H

#include "nch_model.h"

#include <stddef.h>

typedef enum { NCH_NORM_GRAM, NCH_NORM_SCALED } nch_norm_kind;

/* The authors' default ε_g (GramMSNorm(gram_eps = 1e-8)). */
#define NCH_GRAM_EPS_DEFAULT 1e-8

/* "gram", "scaled" ("?" otherwise); parse: NCH_EINVAL if unknown. */
const char *nch_norm_kind_name(nch_norm_kind k);
int nch_norm_kind_parse(const char *s, nch_norm_kind *k);

/* A sample's scaler s (n values) from its row of doubles. */
typedef void (*nch_gram_scaler)(int n, const double *sample, double *s);

/* The norm of one batch: its whitening, fixed by the batch's scalers. */
typedef struct {
    int n;
    int whiten;                        /* 0: ScaledMSNorm */
    double W[NCH_ZMAX * NCH_ZMAX];     /* n×n row-major (GramMSNorm) */
} nch_gram;

/* The limit ρ of the Gram check for B scalers of dimension n: a computed
 * λ_min ≤ ρ λ_max cannot be told from 0 in float64.  ρ = n (B + 2) u,
 * u = 2^-53 (derivation in nch_gram.c): 1.1e-13 for n = 2, B = 500. */
double nch_gram_limit(int n, size_t B);

/* The Gram check of B samples as GramMSNorm runs it: *ratio = λ_min/λ_max
 * of M (0 for M = 0, NaN if M is not finite); NCH_OK, NCH_EDEGEN when the
 * ratio is at most nch_gram_limit(n, B), NCH_ENONFIN if M is not finite,
 * NCH_ENOCONV if the SVD fails, NCH_EINVAL for a bad n or B = 0. */
int nch_gram_ratio(int n, size_t B, const double *samples, size_t width, nch_gram_scaler scaler,
                   double *ratio);

/* Sets up the norm for B samples (rows of `width` doubles from `samples`,
 * scaler(n, row, s) giving each s_i).  NCH_EDEGEN for degenerate data
 * (above), NCH_ENONFIN if M or a scaler is not finite, NCH_ENOCONV if the
 * SVD fails, NCH_EINVAL for a bad kind or n. */
int nch_gram_init(nch_gram *g, nch_norm_kind kind, double gram_eps, int n, size_t B,
                  const double *samples, size_t width, nch_gram_scaler scaler);

/* ũ = u W into ut; returns n(ũ). */
double nch_gram_apply(const nch_gram *g, const double *u, double *ut);

/* The per-sample weight of either sum, ∂loss/∂n(ũ_i) = (abs_w + rel_w/(1e-8
 * + n(s̃_i)))/B, from ns = n(s̃_i). */
double nch_gram_coef(double abs_w, double rel_w, double ns, size_t B);

/* The relative term of one sample, n(ũ)/(1e-8 + n(s̃)). */
double nch_gram_rel(double nu, double ns);

/* ū = coef · ∂n(uW)/∂u = coef · (2/n) W ũ, from ut = ũ. */
void nch_gram_adjoint(const nch_gram *g, const double *ut, double coef, double *ubar);

#endif
