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
