/* nch_datagen — what the dataset programs share (CONVENTIONS.md "Dataset
 * files"; lotka-volterra.md §3.3–3.5, gc-mcp.md §1.8): the reference
 * integration of the initial conditions, and one split's trajectory and
 * vector-field files.
 *
 * Trajectories are n × (nt + 1) × 2d, row-major: nt + 1 states from t = 0 on
 * the grid t_j = j h.  The vector-field points of a split: its trajectories
 * are cut into NCH_DATAGEN_VF_GROUPS near-equal consecutive groups (the first
 * groups take the extra trajectory); group g takes the time indices g,
 * g + s, g + 2s, … up to nt − 2 + g of each of its trajectories (stride s),
 * group after group, trajectory-major, each point with the model's exact
 * field.  Lotka–Volterra uses s = 1 (lotka-volterra.md §3.5), MCP and GC
 * s = 3 (gc-mcp.md §1.8).  Like nch_fig, every function dies with a one-line
 * message on failure, as a program's main wants. */
#ifndef NCH_DATAGEN_H
#define NCH_DATAGEN_H

#include "nch_model.h"

#include <stddef.h>
#include <stdio.h>

enum { NCH_DATAGEN_VF_GROUPS = 3, NCH_DATAGEN_SPLITS = 3 };

/* "train", "test", "val": the splits, consecutive in trajectory order. */
extern const char *const nch_datagen_split_names[NCH_DATAGEN_SPLITS];

/* The split sizes of --split NTRAIN,NTEST,NVAL, which must be positive
 * integers adding up to n_ic; dies (status 2) otherwise. */
void nch_datagen_split_sizes(const char *arg, long n_ic, size_t sizes[NCH_DATAGEN_SPLITS]);

/* Integrates each of the n initial conditions ic (n × 2d) for nt steps of h
 * with nch_ode at NCH_ODE_RTOL, NCH_ODE_ATOL into traj; returns the largest
 * number of solver steps one trajectory took.  Dies (status 3) naming the
 * first trajectory that fails. */
size_t nch_datagen_integrate(const nch_model *m, size_t n, const double *ic, double h, size_t nt,
                             double *traj);

typedef struct {
    const nch_model *model; /* d, and the exact field of the VF points */
    size_t nt;              /* steps per trajectory, ≥ 2 */
    double h;               /* time step */
    size_t vf_stride;       /* s above, ≥ 1 */
    size_t solver_steps;    /* nch_datagen_integrate's result, for the header */
    /* The program's own "# key: value" lines, written after the provenance. */
    void (*header)(FILE *fp, const void *ctx);
    const void *ctx;
} nch_datagen_set;

/* For each split, OUTDIR/traj-SPLIT.tsv ("# traj step t x y", d > 1:
 * x1..xd y1..yd) and OUTDIR/vf-SPLIT.tsv ("# t x y dxdt dydt", d > 1:
 * dx1dt..dyddt), written atomically, from the trajectories traj (split after
 * split, sizes[k] each).  Each file starts with the provenance, the caller's
 * lines, "# trajectories: …" (split sizes, steps), "# solver: …" (tolerances,
 * the most steps of one trajectory), "# split: SPLIT (N trajectories)" and
 * the component-wise min and max of its states ("# snapshot_bounds: min … max …", over every state) or
 * points ("# vf_bounds: …", then "# points: N"). */
void nch_datagen_write(const nch_datagen_set *set, const char *outdir, const double *traj,
                       const size_t sizes[NCH_DATAGEN_SPLITS]);

#endif
