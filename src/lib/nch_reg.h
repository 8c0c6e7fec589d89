/* nch_reg — the regulariser vector r of a Lagrangian model (spec
 * lotka-volterra.md §5.2, general d as in engine.md §4).
 *
 * With v = ẋ of a given field value ż = (ẋ, ẏ) (data or the model's own):
 *   (P ż)_j = Σ_k [Σ_i v_i ∂²θ_i/∂y_j∂z_k − ∂²H/∂y_j∂z_k] ż_k
 *   (Q ż)_j = Σ_k [Σ_i v_i ∂²θ_i/∂x_j∂z_k − ∂²H/∂x_j∂z_k] ż_k
 *   r_x = D_yθ⁻ᵀ (P ż),   r_y = D_yθ⁻¹ (−(D_xθ + D_xθᵀ) r_x + Q ż).
 * With the model's own field f, r_x = −ẍ and D_yθ r_y = D_xθ ẍ + θ̈ along the
 * flow, and the Euler DVI is of order 2 w.r.t. the flow of f − (h/2) r
 * (§2.6).  r is gauge dependent. */
#ifndef NCH_REG_H
#define NCH_REG_H

#include "nch_model.h"

/* r (length 2d) from the order-2 jet at a point and a field value zdot
 * there.  NCH_ESING if D_yθ is singular, NCH_ENONFIN if r is not finite. */
int nch_reg_r(int d, const nch_jet *jet, const double *zdot, double *r);

/* r at one point z with the model's own field ż = f(z). */
int nch_reg_model_r(const nch_model *m, const double *z, double *r);

/* The first-order modified field of the Euler DVI at step h:
 * f_h(z) = f(z) − (h/2) r(z), r with the model's own field. */
int nch_reg_modified_field(const nch_model *m, double h, const double *z, double *fh);

#endif
