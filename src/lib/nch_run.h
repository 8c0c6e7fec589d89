/* nch_run — a whole trajectory of any model with any scheme, the one loop
 * behind bin/simulate and the figure programs.
 *
 * Steps 0..n of size h from z0; the states of steps 0, every, 2·every, …
 * (≤ n) are kept as rows of out (2d columns), so out must hold
 * n/every + 1 rows.  The "exact" scheme is the reference integrator
 * (nch_ode, rk8pd) on the grid of the kept rows only, of spacing h·every:
 * the solver lands on each of those points and chooses its own steps in
 * between, so every changes its results (h alone does not set its steps),
 * and a failure is found, and reported, at a kept step (a multiple of
 * every).  A failing step ends the run: the rows before it are kept and the
 * report says where and why.  A z0 in the model's domain is always row 0
 * (rows ≥ 1, so rows − 1 is the last state reached), even when the DVI
 * cannot start there (fail_step 1); a z0 outside gives rows 0. */
#ifndef NCH_RUN_H
#define NCH_RUN_H

#include "nch_model.h"
#include "nch_scheme.h"

#include <stddef.h>

typedef enum {
    NCH_SCHEME_EULER,
    NCH_SCHEME_RK4,
    NCH_SCHEME_MIDPOINT,
    NCH_SCHEME_DVI,
    NCH_SCHEME_EXACT
} nch_scheme_kind;

/* "euler", "rk4", "midpoint", "dvi", "exact"; NCH_EINVAL for another name. */
int nch_scheme_parse(const char *name, nch_scheme_kind *kind);
const char *nch_scheme_name(nch_scheme_kind kind);

typedef struct {
    int status;       /* NCH_OK, or why the run stopped */
    long fail_step;   /* index of the step that failed (−1 if none) */
    size_t rows;      /* rows written to out */
    nch_dvi_report dvi; /* the failing DVI step's Newton report */
} nch_run_report;

int nch_run(const nch_model *m, nch_scheme_kind kind, double h, long n, const double *z0,
            long every, double *out, nch_run_report *rep);

/* The authors' "one period" index (spec §7): with d_i = ‖z_i − z_0‖², the
 * first m ≥ 0 with d_{2+m} < d_2 gives m + 3; 0 if the orbit never comes
 * back within the rows. */
size_t nch_period_index(const double *z, size_t rows, size_t dim);

#endif
