/* nch_traj — the figure programs' common handling of stored Lotka–Volterra
 * trajectories (d = 1, rows of (x, y)): relative energy errors with the
 * reference Hamiltonian (spec §7: (H(z_n) − H(z_0))/H(z_n)) and TSV rows. */
#ifndef NCH_TRAJ_H
#define NCH_TRAJ_H

#include <stddef.h>
#include <stdio.h>

/* (H(z_i) − H(z_0)) / H(z_i) for row i of z. */
double nch_traj_rel_err(const double *z, size_t i);

/* Largest |relative energy error| over rows 0..rows-1. */
double nch_traj_max_abs_rel_err(const double *z, size_t rows);

/* Row i as "[ic] t x y rel_err_H", t = i·dt; ic < 0 leaves the ic column out. */
void nch_traj_write_row(FILE *fp, const double *z, size_t i, double dt, int ic);

/* nch_traj_write_row for every stride-th row and the last one. */
void nch_traj_write(FILE *fp, const double *z, size_t rows, size_t stride, double dt, int ic);

#endif
