/* nch_mcp — the massless charged particle of the study (spec gc-mcp.md §2.1)
 * as an nch_model.
 *
 * d = 1, z = (x, y), constants a0 = e0 = 1 (the authors' and the only values
 * the study uses); dimensionless units:
 *   θ = −a0 y (1 + 2x² + (2/3) y²),  H = e0 (2 − cos x − sin y),
 *   ∂_yθ = −B with B = a0 (1 + 2x² + 2y²) ≥ 1, the out-of-plane field,
 *   field (E×B drift, closed form) ẋ = e0 cos y / B, ẏ = e0 sin x / B.
 * The domain is all of R²: B ≥ 1 never vanishes, so D_yθ is invertible
 * everywhere (in_domain is NULL; non-finite states are rejected by the
 * integrators themselves).  H has its minimum 0 at (0, π/2); the level sets
 * H < 2 are closed orbits around it. */
#ifndef NCH_MCP_H
#define NCH_MCP_H

#include "nch_model.h"

/* Fill *m with the reference model ("mcp"); it needs no params and owns no
 * memory. */
void nch_mcp_model(nch_model *m);

/* The reference Hamiltonian H(z). */
double nch_mcp_hamiltonian(const double *z);

#endif
