/* nch_traj — the figure programs' common handling of stored Lotka–Volterra
 * trajectories (d = 1, rows of (x, y)): relative energy errors with the
 * reference Hamiltonian (spec §7: (H(z_n) − H(z_0))/H(z_n)), TSV rows, and
 * the envelope of the error of a run too long to draw step by step. */
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

/* How nch_traj_write_envelope cuts a run into windows: of equal length (for
 * a linear time axis) or growing geometrically (for a logarithmic one). */
typedef enum { NCH_TRAJ_WINDOWS_LINEAR, NCH_TRAJ_WINDOWS_LOG } nch_traj_windows;

/* The envelope of the relative energy error: rows 0..rows-1 cut into at most
 * n_windows (>= 1) windows of consecutive rows, window j = 1, 2, ... ending
 * before row ⌊j·rows/n_windows⌋ (LINEAR) or ⌊rows^(j/n_windows)⌋ (LOG), or
 * one row further where that would leave it empty, the last one at rows.
 * Each window writes two rows "[ic] t min max": the times t = i·dt of its
 * first and of its last row, each with the least and the largest error over
 * the window, so a band through the rows covers every step of the run.
 * ic < 0 leaves the ic column out. */
void nch_traj_write_envelope(FILE *fp, const double *z, size_t rows, size_t n_windows, nch_traj_windows kind,
                             double dt, int ic);

#endif
