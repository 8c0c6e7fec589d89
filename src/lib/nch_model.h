/* nch_model — the one interface every model of the study implements.
 *
 * State z = (x, y) with x, y ∈ R^d, stored as z = (x_1..x_d, y_1..y_d);
 * d is a runtime value (1: Lotka–Volterra, MCP; 2: guiding centre), d ≤ NCH_DMAX.
 * A model is either a degenerate Lagrangian L(x, y, ẋ) = θ(x, y)·ẋ − H(x, y)
 * — it then provides θ, H and their z-derivatives up to order 2 (`jets`) —
 * or a bare vector field (`jets` = NULL, `field` set), as the plain MLP.
 * The vector field, the DVI and the losses only ever call through this
 * interface, so analytic and learnt models are interchangeable.
 * Derivative layout: dtheta[k][j] = ∂θ_k/∂z_j (so D_xθ = columns 0..d-1,
 * D_yθ = columns d..2d-1, as Jacobians: row = component), Hessians in full
 * symmetric storage. Time is not an argument: every model here is autonomous. */
#ifndef NCH_MODEL_H
#define NCH_MODEL_H

#include <stddef.h>

#define NCH_DMAX 2
#define NCH_ZMAX (2 * NCH_DMAX)

typedef struct {
    double theta[NCH_DMAX];
    double dtheta[NCH_DMAX][NCH_ZMAX];
    double d2theta[NCH_DMAX][NCH_ZMAX][NCH_ZMAX];
    double H;
    double dH[NCH_ZMAX];
    double d2H[NCH_ZMAX][NCH_ZMAX];
} nch_jet;

typedef struct nch_model nch_model;
struct nch_model {
    const char *name;
    int d;
    /* θ, H and derivatives up to `order` (0, 1 or 2) at n points z (n × 2d,
     * row-major) into out[0..n-1]; entries above `order` are left untouched.
     * NULL for a field-only model. */
    int (*jets)(const nch_model *m, size_t n, const double *z, int order, nch_jet *out);
    /* Vector field ż at n points (n × 2d); NULL: derived from the jets by the
     * two d×d solves (nch_field_from_jet). */
    int (*field)(const nch_model *m, size_t n, const double *z, double *f);
    /* NCH_OK if z lies in the model's domain, NCH_EDOM otherwise; NULL: R^2d. */
    int (*in_domain)(const nch_model *m, const double *z);
    void *params; /* the model's own data, owned by its creator */
};

/* ż = f(z) at n points: m->field if set, otherwise from order-1 jets.
 * NCH_ESING if D_yθ is singular at a point, NCH_EINVAL for a model with
 * neither jets nor field. */
int nch_model_field(const nch_model *m, size_t n, const double *z, double *f);

/* The field of a Lagrangian model from its order-1 jet at one point:
 * D_yθᵀ ẋ = ∇_yH, then D_yθ ẏ = (D_xθᵀ − D_xθ) ẋ − ∇_xH. */
int nch_field_from_jet(int d, const nch_jet *jet, double *f);

/* NCH_OK if z is in the model's domain (always when in_domain is NULL). */
int nch_model_check_domain(const nch_model *m, const double *z);

/* Solves A u = b (trans = 0) or Aᵀ u = b (trans = 1) in place for the n×n
 * row-major A with leading dimension lda, n ≤ NCH_ZMAX (so D_yθ of a jet is
 * A = &jet->dtheta[0][d], lda = NCH_ZMAX).  Closed form for n ≤ 2, LAPACKE
 * dgesv otherwise; allocates nothing.  NCH_ESING if A is singular,
 * NCH_ENONFIN if the solution is not finite. */
int nch_solve_small(int n, const double *A, int lda, int trans, double *b);

#endif
