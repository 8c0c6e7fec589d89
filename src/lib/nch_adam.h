/* nch_adam — the Adam optimiser with PyTorch's semantics (torch.optim.Adam,
 * no weight decay, no amsgrad): for step t = 1, 2, …
 *   m ← m + (1 − β₁)(g − m),   v ← β₂ v + (1 − β₂) g²,
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
 * The moment arrays m, v (n each) are the caller's; the struct only points at
 * them.  Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (fields may be changed).
 * Every entry of the parameter array is updated: fixed values (such as a
 * normaliser) are kept outside it, not skipped here.
 *
 * Gradient-norm clipping (beyond the paper, whose trainer has none): a
 * gradient whose Euclidean norm exceeds c is scaled to norm c, as
 * torch.nn.utils.clip_grad_norm_.  Before an Adam step it bounds what one
 * batch can add to v (v_i ≤ c² for ever), so that a single gradient spike
 * cannot shrink every later step by √v̂ for the hundreds of steps that
 * β₂ = 0.999 remembers it. */
#ifndef NCH_ADAM_H
#define NCH_ADAM_H

#include <stddef.h>

typedef struct {
    size_t n;
    double lr, beta1, beta2, eps;
    unsigned long t; /* steps taken since the last reset */
    double *m, *v;   /* first and second moments, n each, caller-owned */
} nch_adam;

/* Sets the defaults and the learning rate, points at m and v and resets. */
void nch_adam_init(nch_adam *opt, size_t n, double *m, double *v, double lr);

/* A fresh optimiser (as PyTorch's new Adam per training stage): t = 0,
 * m = v = 0, learning rate lr. */
void nch_adam_reset(nch_adam *opt, double lr);

/* One step on params (n) with gradient grad (n). */
void nch_adam_step(nch_adam *opt, double *params, const double *grad);

/* Scales g (n) by c/‖g‖₂ if ‖g‖₂ > c > 0 and returns 1; otherwise leaves
 * it bitwise untouched and returns 0.  norm (may be NULL) receives ‖g‖₂
 * before clipping.  The test and the scaling do not overflow for any finite
 * g (only *norm is +∞ when ‖g‖₂ exceeds DBL_MAX). */
int nch_adam_clip_norm(double *g, size_t n, double c, double *norm);

#endif
