#include "nch_traj.h"

#include "nch_lv.h"
#include "nch_tsv.h"

#include <math.h>

double nch_traj_rel_err(const double *z, size_t i)
{
    double H = nch_lv_hamiltonian(z + 2 * i);
    return (H - nch_lv_hamiltonian(z)) / H;
}

double nch_traj_max_abs_rel_err(const double *z, size_t rows)
{
    double m = 0;
    for (size_t i = 0; i < rows; i++) m = fmax(m, fabs(nch_traj_rel_err(z, i)));
    return m;
}

void nch_traj_write_row(FILE *fp, const double *z, size_t i, double dt, int ic)
{
    if (ic >= 0) fprintf(fp, "%d\t", ic);
    nch_tsv_double(fp, (double)i * dt, 1);
    nch_tsv_double(fp, z[2 * i], 0);
    nch_tsv_double(fp, z[2 * i + 1], 0);
    nch_tsv_double(fp, nch_traj_rel_err(z, i), 0);
    fputc('\n', fp);
}

void nch_traj_write(FILE *fp, const double *z, size_t rows, size_t stride, double dt, int ic)
{
    for (size_t i = 0; i < rows; i += stride) nch_traj_write_row(fp, z, i, dt, ic);
    if (rows && (rows - 1) % stride) nch_traj_write_row(fp, z, rows - 1, dt, ic);
}

/* The row before which window j of n ends (before the one-row minimum). */
static size_t window_end(size_t j, size_t n, size_t rows, nch_traj_windows kind)
{
    if (j >= n) return rows;
    if (kind == NCH_TRAJ_WINDOWS_LOG) return (size_t)floor(pow((double)rows, (double)j / (double)n));
    return j * rows / n;
}

static void envelope_row(FILE *fp, double t, double lo, double hi, int ic)
{
    if (ic >= 0) fprintf(fp, "%d\t", ic);
    nch_tsv_double(fp, t, 1);
    nch_tsv_double(fp, lo, 0);
    nch_tsv_double(fp, hi, 0);
    fputc('\n', fp);
}

void nch_traj_write_envelope(FILE *fp, const double *z, size_t rows, size_t n_windows, nch_traj_windows kind,
                             double dt, int ic)
{
    size_t start = 0;
    for (size_t j = 1; start < rows; j++) {
        size_t end = window_end(j, n_windows, rows, kind);
        if (end <= start) end = start + 1;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = start; i < end; i++) {
            double e = nch_traj_rel_err(z, i);
            lo = fmin(lo, e);
            hi = fmax(hi, e);
        }
        envelope_row(fp, (double)start * dt, lo, hi, ic);
        envelope_row(fp, (double)(end - 1) * dt, lo, hi, ic);
        start = end;
    }
}
