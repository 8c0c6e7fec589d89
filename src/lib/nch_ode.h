/* nch_ode — the "quasi-exact" reference integrator (spec lotka-volterra.md
 * §2.3): GSL's adaptive Prince–Dormand rk8pd through gsl_odeiv2_driver, the
 * GSL substitute for the authors' DOP853.  The step control is per
 * component, eps_abs + eps_rel |z_i|, like SciPy's atol + rtol |z_i|.
 *
 * The state is reported on the grid t_i = t0 + i h, i = 0..n (the solver
 * chooses its own steps and lands on each t_i exactly): out is (n + 1) × dim,
 * row-major, out[0] = z0.  Systems are autonomous, as every model here.
 * A solve stops at the first grid point whose state is not finite or outside
 * the domain, or when GSL cannot continue; the report says how far it got. */
#ifndef NCH_ODE_H
#define NCH_ODE_H

#include "nch_model.h"

#include <stddef.h>

/* The authors' tolerances (rtol, atol) of the reference solver. */
#define NCH_ODE_RTOL 1e-10
#define NCH_ODE_ATOL 1e-12

/* An arbitrary right-hand side ż = rhs(z) of dimension dim.  A non-OK status
 * from rhs rejects the trial step (GSL retries with a smaller one), so a
 * stage that strays outside the domain is harmless; in_domain (NULL: every
 * finite z) is checked at the grid points. */
typedef struct {
    size_t dim;
    int (*rhs)(void *ctx, const double *z, double *f);
    int (*in_domain)(void *ctx, const double *z);
    void *ctx;
} nch_ode_system;

typedef struct {
    size_t rows;  /* rows of out holding valid states (n + 1 on success) */
    double t;     /* time the solver reached */
    size_t steps; /* accepted solver steps: each has a local error estimate
                     of at most 1.1 (atol + rtol |z_i|) per component */
} nch_ode_report;

/* NCH_OK; NCH_EINVAL for bad arguments (dim, tolerances ≤ 0, h zero or not
 * finite); NCH_ENONFIN / NCH_EDOM when a grid state is not finite / outside
 * the domain (z0 included); otherwise, when GSL stops, the status of the last
 * failed rhs call, or NCH_ENOCONV.  rep may be NULL. */
int nch_ode_solve(const nch_ode_system *sys, double rtol, double atol, double t0, double h,
                  size_t n, const double *z0, double *out, nch_ode_report *rep);

/* The same for a model: rhs = nch_model_field, domain = the model's. */
int nch_ode_solve_model(const nch_model *m, double rtol, double atol, double t0, double h,
                        size_t n, const double *z0, double *out, nch_ode_report *rep);

#endif
