/* nch_fig — what the figure programs share beyond the library proper: the
 * one-line usage error, state arguments, and output files that start with
 * the provenance header.  Every function dies (status 1 or 2, one line) on
 * failure, as a program's main wants. */
#ifndef NCH_FIG_H
#define NCH_FIG_H

#include "nch_err.h"

#include <stddef.h>

/* Dies with "bad argument (BAD); usage: PROGRAM SYNOPSIS" (BAD NULL: only the
 * usage), status 2. */
_Noreturn void nch_fig_usage(const char *bad, const char *synopsis);

/* What to quote for getopt_long's error return c ('?' or ':'; the optstring
 * must start with ':' and opterr be 0): the option as typed, "--opt: no
 * value" for a missing argument, "-x" for an unknown short option.  Not
 * argv[optind − 1], which inside a cluster such as "-xo" is the argument
 * before it. */
const char *nch_fig_bad_option(int c, char *const argv[]);

/* Appends the point "X,Y" of --opt to pts (n of at most max stored). */
void nch_fig_point(const char *opt, const char *arg, double (*pts)[2], size_t *n, size_t max);

/* Dies (status 1) unless the start z of --opt lies in the reference system's
 * domain x, y > 0, where the energy columns are defined (nch_lv.h). */
void nch_fig_check_start(const char *opt, const double *z);

/* Sorts v[0..n-1] ascending (gsl_sort; +inf last) and returns its quantile
 * q ∈ [0, 1] with GSL's linear interpolation, except that an interpolation
 * reaching an infinite value is infinite (a run that stopped counts as an
 * infinite error: half of them stopped, the median is infinite).  n ≥ 1. */
double nch_fig_quantile(double *v, size_t n, double q);

/* Opens PATH for atomic writing with the provenance header, a "# content:"
 * line and the column line; dies (status 2) if PATH is too long. */
void nch_fig_open_path(nch_ofile *f, const char *path, const char *content, const char *columns);

/* nch_fig_open_path of DIR/NAME, DIR the program's --outdir; dies (status
 * 2) if DIR is empty (the files would land in the root directory). */
void nch_fig_open(nch_ofile *f, const char *dir, const char *name, const char *content, const char *columns);

/* nch_fig_open_path of PREFIX followed by SUFFIX, one of the files of an
 * option "OPT PREFIX" (PREFIX.tsv, PREFIX_stop.tsv, ...: the prefix may end
 * in a partial file name, so no "/" is put between); dies (status 2) with
 * "OPT: path too long (PREFIX)" if the two do not fit a path, or if PREFIX
 * is empty. */
void nch_fig_open_prefixed(nch_ofile *f, const char *opt, const char *prefix, const char *suffix,
                           const char *content, const char *columns);

#endif
