/* nch_gc — the tokamak guiding centre of the study (spec gc-mcp.md §3.1) as
 * an nch_model.
 *
 * d = 2, z = (θ, φ, r, u): x = (θ, φ) the poloidal and toroidal angles (rad,
 * unwrapped), y = (r, u) the minor radius and the parallel velocity.  Units
 * R0 = B0 = 1, unit mass and charge; safety factor q = 2, magnetic moment
 * μ = 2.25e-6 (the authors' values, the only ones the study uses):
 *   ρ = r cos θ / R0,  R = R0 (1 + ρ),  s = sqrt(1 + r²/(q R0)²),
 *   |B| = B0 s / (1 + ρ),  H = u²/2 + μ |B|,
 *   ϑ_θ = B0 r² I1(ρ),  ϑ_φ = −B0 r²/(2q) + u R0 (1 + ρ),
 *   I_k(ρ) = ∫_0^1 (t / (1 + ρ t))^k dt,  I1' = −I2,  I2' = −2 I3.
 * I1, I2, I3 (the latter two only for the jet orders that need them) come
 * from the 20-point Gauss–Legendre rule on [0, 1] of GSL's
 * gsl_integration_glfixed, as the authors compute I1 and I2; every other
 * entry is the closed form of the spec (∂_rϑ_θ = B0 r/(1 + ρ) and its
 * derivatives included).  The rule is exact to round-off for |ρ| ≤ 0.8
 * (Bernstein-ellipse bound, pole of the integrand at t = −1/ρ); the study's
 * states have |ρ| ≤ r ≈ 0.1.  The field is the closed form of §3.1, which
 * needs no quadrature (∂_θϑ_θ cancels out of it).
 * Domain: 0 < r < R0 with finite angles and u: D_yθ has determinant
 * B0 R0 r, singular on the axis r = 0, and r < R0 keeps R > 0 for every θ
 * (the chart of the toroidal coordinates); jets and in_domain return
 * NCH_EDOM outside, the field is evaluated anywhere it is finite.
 * The model is 2π-periodic in θ and independent of φ, so p_φ = ϑ_φ is a
 * second invariant besides H. */
#ifndef NCH_GC_H
#define NCH_GC_H

#include "nch_model.h"

#define NCH_GC_GL_POINTS 20

/* The quadrature rule on [0, 1]: nodes and weights. */
typedef struct {
    double node[NCH_GC_GL_POINTS], weight[NCH_GC_GL_POINTS];
} nch_gc_rule;

/* Fill *rule from GSL's table and *m with the model ("gc"), whose params
 * point to *rule: the rule must outlive the model.  NCH_ENOMEM if GSL cannot
 * allocate its table. */
int nch_gc_model(nch_model *m, nch_gc_rule *rule);

/* The state's position in the poloidal plane: the major radius
 * R = R0 + r cos θ and the height Z = r sin θ (spec §3.1), where the study
 * draws its orbits. */
void nch_gc_poloidal(const double *z, double *R, double *Z);
/* The reference Hamiltonian H(z) (no quadrature), used for every energy
 * error, also along learnt models' trajectories (spec §3.5). */
double nch_gc_hamiltonian(const double *z);

#endif
