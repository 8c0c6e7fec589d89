/* nch_loss_head — private to the nch_loss module (nch_loss*.c): the work
 * object, the jets of the current call and the loss heads.  Nothing outside
 * the module includes it; the public interface is nch_loss.h.
 *
 * A head is one loss's per-sample part (engine.md §4): its forward from the
 * jets of the sample's point sets and its adjoint onto those jets, side by
 * side in one file: nch_loss_vf.c (VF, and the data term of VF_REG),
 * nch_loss_reg.c (the regulariser term of VF_REG), nch_loss_dvi.c,
 * nch_loss_imex.c.  The hub
 * nch_loss.c runs the nets over each point set, sets up the norm
 * (nch_gram.h), calls the head's batch function, turns the per-sample sums
 * into terms and runs the nets backward.
 *
 * Per-sample sums of one batch, acc[0..3]: Σ n(ũ), Σ n(ũ)/(ε + n(s̃)) of the
 * data error, then for VF_REG the same for r, for DVI and IMEX acc[2] = Σ
 * log10 cond₂ of J or D_yθ. */
#ifndef NCH_LOSS_HEAD_H
#define NCH_LOSS_HEAD_H

#include "nch_gram.h"
#include "nch_loss.h"

/* Point sets: VF and VF_REG evaluate the nets at z, DVI at z1 and at z2,
 * IMEX at z1. */
struct nch_loss_work {
    nch_loss_kind kind;
    nch_learnt_kind mkind;
    int d;
    size_t n_dir;               /* the nets' jet directions */
    size_t n_params, B_max;
    size_t nsets;
    int order_max[2];           /* jet order each set was sized for */
    nch_mlp_jets jets[2];       /* each set's jet pattern in the current call */
    double *z[2];               /* each set's points, B_max × 2d */
    nch_learnt_work *lw[2];     /* each set's forward/backward workspace */
    double *out[2][2], *bar[2][2]; /* [set][net]: the nets' jets and their adjoints */
};

/* The model and the work of one evaluation. */
typedef struct {
    const nch_learnt *m;
    nch_loss_work *w;
} nch_loss_ctx;

/* The jet of point p of set s (kinds canonical and noncanonical). */
void nch_loss_get_jet(const nch_loss_ctx *x, size_t s, size_t p, nch_jet *jet);

/* Writes the adjoint of point p's jet of set s into the nets' out_bar;
 * bar in full storage, each entry of a symmetric Hessian its own variable
 * (nch_learnt_jet_adjoint sums them).  Heads' adjoints ADD into such bars. */
void nch_loss_put_bar(const nch_loss_ctx *x, size_t s, size_t p, const nch_jet *bar);

/* ---- VF (nch_loss_vf.c) ---------------------------------------------------
 * The scaler ż of a (z, ż) sample. */
void nch_loss_vf_scaler(int n, const double *sample, double *s);
/* VF and VF_REG (reg: r computed, for VF_REG with order-2 jets) on the
 * nets' jets in x->w; with want_grad the adjoints into the nets' bars. */
int nch_loss_vf_batch(const nch_loss_config *cfg, const nch_loss_ctx *x, size_t B,
                      const double *samples, const nch_gram *g, int reg, int want_grad,
                      double acc[4]);
/* The same sums for any model of the interface, no gradient. */
int nch_loss_vf_values(const nch_model *m, int reg, size_t B, const double *samples,
                       const nch_gram *g, double acc[4]);

/* ---- VF_REG's regulariser term (nch_loss_reg.c) ---------------------------
 * Forward r = nch_reg_r(jet, ż); adjoint: given r and r̄ ADDS onto bar. */
int nch_loss_reg_forward(int d, const nch_jet *jet, const double *zdot, double *r);
int nch_loss_reg_adjoint(int d, const nch_jet *jet, const double *zdot, const double *r,
                         const double *rbar, nch_jet *bar);

/* ---- DVI (nch_loss_dvi.c) ---------------------------------------------------
 * log10 cond₂ of an n×n row-major A and, for its gradient, the largest and
 * smallest singular triplets (u, v unit, A v = σ u), by LAPACKE dgesvd;
 * NCH_ESING if σ_min = 0, NCH_ENONFIN / NCH_ENOCONV if the SVD fails. */
typedef struct {
    double s1, sm, u1[NCH_ZMAX], v1[NCH_ZMAX], um[NCH_ZMAX], vm[NCH_ZMAX];
} nch_loss_svd;
int nch_loss_cond(int n, const double *A, nch_loss_svd *e);
/* Ā += wc · ∂ log10 cond₂(A)/∂A = wc (u₁v₁ᵀ/σ₁ − u_m v_mᵀ/σ_m)/ln 10. */
void nch_loss_cond_adjoint(int n, const nch_loss_svd *e, double wc, double *Abar);

/* The scaler z2 − z1 of a (z0, z1, z2) sample. */
void nch_loss_dvi_scaler(int n, const double *sample, double *s);
int nch_loss_dvi_batch(const nch_loss_config *cfg, const nch_loss_ctx *x, size_t B,
                       const double *samples, const nch_gram *g, int want_grad, double acc[4]);
int nch_loss_dvi_values(const nch_loss_config *cfg, const nch_model *m, size_t B,
                        const double *samples, const nch_gram *g, double acc[4]);

/* ---- IMEX (nch_loss_imex.c) -------------------------------------------------
 * The scaler (x1 − x0, y2 − y1) of a (z0, z1, z2) sample. */
void nch_loss_imex_scaler(int n, const double *sample, double *s);
int nch_loss_imex_batch(const nch_loss_config *cfg, const nch_loss_ctx *x, size_t B,
                        const double *samples, const nch_gram *g, int want_grad, double acc[4]);
int nch_loss_imex_values(const nch_loss_config *cfg, const nch_model *m, size_t B,
                         const double *samples, const nch_gram *g, double acc[4]);

#endif
