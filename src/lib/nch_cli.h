/* nch_cli — command-line values for the programs.  Each parser either
 * returns a valid value or dies with "program: --opt: what (value)" and exit
 * status 2 (usage error), so a bad argument never reaches the numerics. */
#ifndef NCH_CLI_H
#define NCH_CLI_H

#include <stddef.h>

/* A finite double. */
double nch_cli_double(const char *opt, const char *arg);
/* A finite double > 0. */
double nch_cli_positive(const char *opt, const char *arg);
/* An integer ≥ min. */
long nch_cli_long(const char *opt, const char *arg, long min);
/* An integer in [min, max]. */
int nch_cli_int(const char *opt, const char *arg, int min, int max);
/* A comma-separated list of finite doubles; returns its length (≥ 1), dies
 * if it has more than max entries. */
size_t nch_cli_list(const char *opt, const char *arg, double *out, size_t max);
/* A comma-separated list of positive finite doubles; returns its length
 * (≥ 1), dies if it has more than max entries. */
size_t nch_cli_positive_list(const char *opt, const char *arg, double *out, size_t max);
/* x (a count of steps computed from options) rounded to the nearest
 * integer, dying (status 2, naming opt) unless that is a long ≥ min: lround
 * and a cast to long are undefined beyond a long. */
long nch_cli_count(const char *opt, double x, long min);
/* The integer n = T/dt, dying unless dt divides T (to 1e-9 relative) and n
 * is a long. */
long nch_cli_steps(const char *opt, double T, double dt);

#endif
