/* nch_scheme — fixed-step integrators on any nch_model (spec
 * lotka-volterra.md §2), one step per call so that callers can stream the
 * states, keep every k-th one and stop at the first failure.
 *
 * States are z = (x, y) ∈ R^{2d} in the layout of nch_model.h; h is the step
 * in the model's time unit.  Nothing here allocates.  A step that fails
 * leaves its output (or the DVI state) unchanged and returns a status:
 * NCH_EINVAL for d outside 1..NCH_DMAX, the model's own (NCH_EINVAL,
 * NCH_ESING, NCH_EDOM, …), NCH_ENONFIN for a non-finite state, NCH_EDOM for
 * a new state outside the model's domain, NCH_ENOCONV for an implicit solve
 * that did not converge. */
#ifndef NCH_SCHEME_H
#define NCH_SCHEME_H

#include "nch_model.h"

/* One step z → zout (zout may alias z).
 * Euler: z + h f(z).  RK4: the classical four-stage scheme (§2.2).
 * Midpoint: z' = z + h f((z + z')/2), solved by fixed-point iteration from
 * the Euler predictor until the increment is ≤ 1e-14 ‖z'‖∞ (at most 100
 * iterations, else NCH_ENOCONV).  The iteration contracts when
 * h·Lip(f)/2 < 1, which holds at every step size the study uses; it needs
 * no Jacobian, so it also works for field-only models. */
int nch_step_euler(const nch_model *m, double h, const double *z, double *zout);
int nch_step_rk4(const nch_model *m, double h, const double *z, double *zout);
int nch_step_midpoint(const nch_model *m, double h, const double *z, double *zout);

/* ---- Euler degenerate variational integrator (§2.4) ----------------------
 * Discrete Lagrangian L_d(x0, x1, y1) = θ(z1)·(x1 − x0)/h − H(z1) (no factor
 * h).  Step k solves R(z') = 0 for z' = z_{k+1}:
 *   R_x = c − θ(z')/h,  c = D_xθ(z_k)ᵀ (x_k − x_{k−1})/h + θ(z_k)/h − ∇_xH(z_k)
 *   R_y = D_yθ(z')ᵀ Δ − ∇_yH(z'),  Δ = (x' − x_k)/h
 * by Newton with the exact Jacobian (order-2 jets at z'), starting from the
 * explicit-Euler predictor z_k + h f(z_k), at least one and at most 10
 * updates δ = J⁻¹R, converged when ‖δ‖₂ < 1e-10 and
 * sqrt(Σ_c δ_c² / (1e-6 + (z'_c − z_k,c)²)) < 1e-8.  The start is the
 * authors' backstep x_{−1} = x_0 − h ẋ(z_0).  Unlike the authors' code, a
 * step that does not converge, meets a singular Jacobian or a non-finite
 * iterate fails with a status instead of continuing. */

typedef struct {
    const nch_model *model; /* a Lagrangian model (jets set) */
    double h;
    long k;                 /* index of the current state z_k */
    double x_prev[NCH_DMAX]; /* x_{k−1} */
    double z[NCH_ZMAX];     /* z_k */
} nch_dvi_state;

/* How the last step went, filled whether it succeeded or not. */
typedef struct {
    int status;
    long step;            /* index k + 1 of the state the step computed */
    int updates;          /* Newton updates made */
    double delta_norm;    /* ‖δ‖₂ of the last update (NaN before any) */
    double rel_err;       /* the relative criterion after the last update */
    double residual_norm; /* ‖R‖₂ at the iterate the last update started from */
} nch_dvi_report;

/* Starts at z0 (k = 0, x_{−1} from the backstep).  NCH_EINVAL for a model
 * without jets, a bad d or a zero or non-finite h; NCH_EDOM if z0 is outside
 * the domain; the model's status if its field fails at z0. */
int nch_dvi_init(nch_dvi_state *st, const nch_model *m, double h, const double *z0);

/* Advances st by one step (z_k → z_{k+1}, x_{k−1} ← x_k).  On failure st is
 * unchanged.  rep may be NULL. */
int nch_dvi_step(nch_dvi_state *st, nch_dvi_report *rep);

/* The pieces of a step, shared with the scheme-learning loss.
 * c = D_2L_d(x_{k−1}, x_k, y_k) from the order-1 jet at z = z_k (length d). */
void nch_dvi_d2ld(int d, double h, const double *x_prev, const double *z, const nch_jet *jz,
                  double *c);
/* R(z') (length 2d) and, unless J is NULL, J = ∂R/∂z' (2d×2d row-major),
 * from c, x = x_k and the order-2 jet at z'. */
void nch_dvi_residual(int d, double h, const double *c, const double *x, const double *zp,
                      const nch_jet *jp, double *R, double *J);

#endif
