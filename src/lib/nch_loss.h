/* nch_loss — the study's training losses and their parameter gradients
 * (spec lotka-volterra.md §5, gc-mcp.md §1.5–1.6, adjoints engine.md §4).
 *
 * N(u; s) is the norm of nch_gram.h chosen by the configuration: GramMSNorm
 * (errors u_i, scalers s_i, one batch, whitening W from the batch's
 * scalers, ε_g = gram_eps) or ScaledMSNorm (no whitening), weights abs_w
 * and rel_w.  A batch that the norm cannot measure — for GramMSNorm a
 * numerically singular Gram matrix of the scalers (all-zero or collinear
 * targets, fewer than 2d samples), for ScaledMSNorm all scalers zero — is
 * degenerate data (nch_gram.h): every loss call returns NCH_EDEGEN for it.
 *
 * The losses, for a model (nch_learnt) with parameters p:
 *   VF      (z, ż):        N(f(z) − ż; ż), f the model's field (any kind);
 *   VF_REG  (z, ż):        N(ż − f(z); ż) + reg_weight·N(r; ż) with the SAME W,
 *                          r the regulariser vector of nch_reg.h at z with the
 *                          data ż (computed and tracked even at weight 0, except
 *                          by a gradient call at weight 0: there r cannot move
 *                          the gradient, so it is skipped, its terms are NaN and
 *                          the nets run at order 1, half the cost);
 *   DVI     (z0, z1, z2):  N(δ; z2 − z1) + reg_weight·(1/B) Σ log10 cond₂(J),
 *                          R, J = ∂R/∂z2 the Euler-DVI residual and Jacobian of
 *                          nch_scheme.h at z2 with x_{k−1} = x0, z_k = z1 (data),
 *                          δ = J⁻¹R, cond₂ from the SVD of J (LAPACKE dgesvd);
 *   IMEX    (z0, z1, z2):  N(Δ^ex − Δ^sch; Δ^ex) + reg_weight·(1/B) Σ log10
 *                          cond₂(D_yθ(z1)), the linearised scheme of gc-mcp.md
 *                          §1.6 d (nch_loss_imex.c): Δ^ex = (x1 − x0, y2 − y1),
 *                          Δ^sch from order-1 jets at z1 only.
 * VF_REG, DVI and IMEX need θ and H: kinds canonical and noncanonical.
 *
 * Module layout: this hub (nch_loss.c) runs the nets and the norm; each
 * loss head, its forward and adjoint side by side, has a file of its own
 * (nch_loss_vf.c, nch_loss_reg.c for VF_REG's regulariser, nch_loss_dvi.c,
 * nch_loss_imex.c), joined by the private nch_loss_head.h.
 *
 * Gradients: each net runs one batched forward per point set (VF: z at
 * order 1, 0 for mlp; VF_REG: z at order 2, 1 at weight 0; DVI: z1 at order
 * 1 and z2 at order 2; IMEX: z1 at order 1), the per-sample heads (field
 * with its two solves, r, R/J/solve/cond, the IMEX increments, the norm)
 * are differentiated by hand onto the jets, and each forward gets one
 * backward pass of the nets.  All scratch is in the work object; nothing is
 * allocated per call. */
#ifndef NCH_LOSS_H
#define NCH_LOSS_H

#include "nch_dataset.h"
#include "nch_gram.h"
#include "nch_learnt.h"

#include <stddef.h>

typedef enum { NCH_LOSS_VF, NCH_LOSS_VF_REG, NCH_LOSS_DVI, NCH_LOSS_IMEX } nch_loss_kind;

/* "vf", "vf_reg", "dvi", "imex" ("?" for anything else); parse: NCH_EINVAL if unknown. */
const char *nch_loss_kind_name(nch_loss_kind k);
int nch_loss_kind_parse(const char *s, nch_loss_kind *k);

typedef struct {
    nch_loss_kind kind;
    double abs_w, rel_w;   /* the norm's weights */
    double reg_weight;     /* VF_REG: weight of the regulariser term (0 allowed);
                              DVI, IMEX: weight of mean log10 cond2(J or D_yθ) */
    double h;              /* DVI, IMEX step */
    nch_norm_kind norm;    /* GramMSNorm (0, the default) or ScaledMSNorm */
    double gram_eps;       /* GramMSNorm's ε_g ≥ 0; 0 selects NCH_GRAM_EPS_DEFAULT,
                              so that a zero-initialised configuration keeps
                              the authors' default 1e-8 */
    int minimal_jets;      /* DVI: the nets carry only the jet entries the head
                              reads (order 1 at z1 in x only, no ∂²/∂x∂x at z2):
                              the same loss and gradient up to rounding for
                              fewer components (GC: 11 instead of 14 per
                              point); 0 keeps the full jets and with them the
                              bits of the models trained before */
} nch_loss_config;

/* Tracked terms, in this order: VF: tot abs rel; VF_REG: tot abs_dz rel_dz
 * abs_reg rel_reg (the last two NaN = not computed, see above); DVI and
 * IMEX: tot abs rel reg.  "abs"/"rel" are the unweighted means of the spec,
 * "reg" the unweighted mean log10 cond2; tot the weighted loss.  At most
 * NCH_LOSS_NTERMS_MAX terms. */
#define NCH_LOSS_NTERMS_MAX 5
size_t nch_loss_nterms(nch_loss_kind k);
const char *nch_loss_term_name(nch_loss_kind k, size_t i); /* NULL if out of range */

/* 1 if gradient calls of cfg skip r (VF_REG at weight 0), so that their
 * abs_reg and rel_reg terms are NaN. */
int nch_loss_grad_skips_reg(const nch_loss_config *cfg);

/* A sample is one row of doubles: VF and VF_REG: (z, ż) → 4d values;
 * DVI and IMEX: (z0, z1, z2) → 6d values. */
size_t nch_loss_sample_width(nch_loss_kind k, int d);

/* 1 if the loss kind applies to the model's kind (VF: all; others: not mlp). */
int nch_loss_supports(nch_loss_kind k, nch_learnt_kind mk);

/* The degenerate-data check of one batch of B samples under cfg's norm
 * (nch_gram.h), the one every loss call runs: *ratio = λ_min/λ_max of the
 * scalers' Gram matrix M (0 for M = 0, NaN if M is not finite), for the
 * message; returns the norm's status: NCH_OK, NCH_EDEGEN, NCH_ENONFIN,
 * NCH_ENOCONV, or NCH_EINVAL for a bad kind or norm, d or B = 0. */
int nch_loss_gram_ratio(const nch_loss_config *cfg, int d, size_t B, const double *samples,
                        double *ratio);

/* The one message for a degenerate batch: "PATH: batch B (N samples WHERE):
 * degenerate data: " then, for GramMSNorm, "the Gram matrix of the SCALERS
 * is singular (smallest/largest eigenvalue RATIO, limit ρ)", for
 * ScaledMSNorm "the SCALERS are all zero"; SCALERS: targets (VF, VF_REG),
 * steps z2 - z1 (DVI), increments (x1 - x0, y2 - y1) (IMEX). */
void nch_loss_gram_error(const nch_loss_config *cfg, int d, const char *path, size_t batch,
                         size_t B, const char *where, double ratio);

/* The check of a whole dataset as one batch (what bin/evaluate and the
 * figures' regulariser values use): NCH_OK, or NCH_EDEGEN after the message
 * above naming ds->path. */
int nch_loss_check_set(const nch_loss_config *cfg, const nch_dataset *ds);

typedef struct nch_loss_work nch_loss_work;

/* Workspace for loss kind k on models of m's architecture, batches of up to
 * B_max samples; NULL for an unsupported pair, B_max = 0 or no memory. */
nch_loss_work *nch_loss_work_alloc(const nch_learnt *m, nch_loss_kind k, size_t B_max);
void nch_loss_work_free(nch_loss_work *w);

/* Loss of the model with parameters `params` (n_params, may differ from
 * m->params: the trainer and finite differences pass their own) on B
 * samples (B × width row-major): terms[nch_loss_nterms] filled; if grad is
 * not NULL it is OVERWRITTEN with ∂tot/∂params.  NCH_EDEGEN for a degenerate
 * batch (above), NCH_ENONFIN if a computed term or the gradient is not
 * finite, NCH_ESING for a singular D_yθ or J,
 * NCH_ENOCONV if an SVD fails, NCH_EINVAL for a kind the model cannot do,
 * a work object of another kind or architecture, B = 0 or B > B_max, a
 * zero or non-finite DVI/IMEX step, a bad norm or a negative or non-finite
 * gram_eps.  On failure terms and grad are unspecified. */
int nch_loss_eval(const nch_loss_config *cfg, const nch_learnt *m, const double *params,
                  size_t B, const double *samples, double *terms, double *grad,
                  nch_loss_work *w);

/* The same terms for ANY model of the interface (analytic or learnt) at its
 * own parameters, B samples as one batch, no gradient: the field by
 * nch_model_field, θ and H through m->jets (order 2 at z for VF_REG; order 1
 * at z1 and 2 at z2 for DVI; order 1 at z1 for IMEX).  For a learnt model it equals nch_loss_eval up
 * to rounding.  Allocates nothing.  NCH_EINVAL for B = 0, a bad d or DVI
 * step, or VF_REG/DVI/IMEX on a model without jets; otherwise as nch_loss_eval
 * and the model's own statuses. */
int nch_loss_values(const nch_loss_config *cfg, const nch_model *m, size_t B,
                    const double *samples, double *terms);

#endif
