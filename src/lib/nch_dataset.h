/* nch_dataset — reading the dataset files of CONVENTIONS.md into training
 * samples.  Any file in the format is accepted, not only the pipeline's; a
 * malformed one is rejected with "path:line: what (value)".
 *
 * Vector-field file: "# t x y dxdt dydt" (d > 1: t, x1..xd, y1..yd, then the
 * 2d derivatives) → samples (z, ż), 4d values each.
 * Trajectory file: "# traj step t x y" (d > 1: x1..xd y1..yd), trajectories
 * in order, steps 0..n consecutive, a uniform time step → snapshot triplets
 * (z_j, z_{j+1}, z_{j+2}) of each trajectory, 6d values each (at least one:
 * a file without a trajectory of three states is refused), plus the
 * states themselves (for normaliser bounds and the DVI loss weights).
 * A file whose column line names the other kind is refused (for d = 1 both
 * have five columns). */
#ifndef NCH_DATASET_H
#define NCH_DATASET_H

#include "nch_model.h"

#include <stddef.h>

typedef struct {
    const char *path; /* the file read (the caller's string), for messages */
    int d;
    size_t n;         /* samples */
    size_t width;     /* doubles per sample: 4d (VF) or 6d (triplets) */
    double *samples;  /* n × width, owned */
    size_t *lines;    /* the file line of each sample (VF) or state (trajectories), owned */
    /* trajectory files only: */
    size_t n_states;  /* all rows */
    double *states;   /* n_states × 2d, owned */
    size_t *traj_len; /* states per trajectory, owned */
    size_t n_traj;
    double dt;        /* the uniform time step */
} nch_dataset;

/* NCH_OK; NCH_EIO, NCH_EINVAL, NCH_ENOMEM, each with a message naming the
 * file.  path must outlive ds (it is kept for later messages). */
int nch_dataset_read_vf(const char *path, int d, nch_dataset *ds);
int nch_dataset_read_traj(const char *path, int d, nch_dataset *ds);
void nch_dataset_free(nch_dataset *ds);

/* NCH_OK if every state of ds (the points of a VF set, all states of a
 * trajectory set) lies in m's domain; otherwise NCH_EDOM with the message
 * "path:line: state outside the domain of model NAME (x, y)". */
int nch_dataset_check_domain(const nch_dataset *ds, const nch_model *m);

/* Component-wise min and max of the states z: for a VF set the points, for a
 * trajectory set all states (= all members of all triplets). */
void nch_dataset_bounds(const nch_dataset *ds, double *lo, double *hi);

/* Component-wise min and max of the velocities: for a VF set the stored ż,
 * for a trajectory set the finite differences (z_{j+1} − z_j)/dt of every
 * step of every trajectory (spec gc-mcp.md §1.8; the GC models' output
 * scales, §3.3).  NCH_EINVAL for a trajectory set without a step. */
int nch_dataset_velocity_bounds(const nch_dataset *ds, double *lo, double *hi);

/* The DVI loss's ratio r = quantile(q, p_lo) / quantile(q, p_hi) of the
 * per-step mean squared increments q = mean_c (z_{j+1,c} − z_{j,c})² over
 * every step of every trajectory (linear interpolation between order
 * statistics, as numpy's default).  Trajectory sets only (NCH_EINVAL
 * otherwise, or for quantiles outside 0 <= p_lo < p_hi <= 1).  NCH_EDEGEN,
 * with a message naming the file and the quantiles, when the ratio is not
 * defined: the upper quantile is zero (0/0 when the trajectories are mostly
 * at rest) or a quantile is not finite. */
int nch_dataset_step_ratio(const nch_dataset *ds, double p_lo, double p_hi, double *ratio);

#endif
