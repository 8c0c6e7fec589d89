#include "nch_cli.h"

#include "nch_err.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double parse(const char *opt, const char *arg, const char **end)
{
    char *e;
    errno = 0;
    double v = strtod(arg, &e);
    if (e == arg || errno == ERANGE || !isfinite(v))
        nch_die(NCH_EXIT_USAGE, "%s: not a finite number (%s)", opt, arg);
    *end = e;
    return v;
}

double nch_cli_double(const char *opt, const char *arg)
{
    const char *end;
    double v = parse(opt, arg, &end);
    if (*end) nch_die(NCH_EXIT_USAGE, "%s: not a number (%s)", opt, arg);
    return v;
}

double nch_cli_positive(const char *opt, const char *arg)
{
    double v = nch_cli_double(opt, arg);
    if (!(v > 0)) nch_die(NCH_EXIT_USAGE, "%s: must be positive (%s)", opt, arg);
    return v;
}

long nch_cli_long(const char *opt, const char *arg, long min)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || errno == ERANGE)
        nch_die(NCH_EXIT_USAGE, "%s: not an integer (%s)", opt, arg);
    if (v < min) nch_die(NCH_EXIT_USAGE, "%s: must be at least %ld (%s)", opt, min, arg);
    return v;
}

int nch_cli_int(const char *opt, const char *arg, int min, int max)
{
    long v = nch_cli_long(opt, arg, min);
    if (v > max) nch_die(NCH_EXIT_USAGE, "%s: must be at most %d (%s)", opt, max, arg);
    return (int)v;
}

static size_t list(const char *opt, const char *arg, double *out, size_t max, int positive)
{
    size_t n = 0;
    const char *p = arg;
    for (;;) {
        const char *end;
        double v = parse(opt, p, &end);
        if (*end && *end != ',') nch_die(NCH_EXIT_USAGE, "%s: not a comma-separated list (%s)", opt, arg);
        if (positive && !(v > 0))
            nch_die(NCH_EXIT_USAGE, "%s: entries must be positive (%.*s)", opt, (int)(end - p), p);
        if (n == max) nch_die(NCH_EXIT_USAGE, "%s: more than %zu entries (%s)", opt, max, arg);
        out[n++] = v;
        if (!*end) return n;
        p = end + 1;
    }
}

size_t nch_cli_list(const char *opt, const char *arg, double *out, size_t max)
{
    return list(opt, arg, out, max, 0);
}

size_t nch_cli_positive_list(const char *opt, const char *arg, double *out, size_t max)
{
    return list(opt, arg, out, max, 1);
}

long nch_cli_count(const char *opt, double x, long min)
{
    if (!(x >= (double)min - 0.5 && x < 0x1p63))
        nch_die(NCH_EXIT_USAGE, "%s: they make %g steps, not a count >= %ld", opt, x, min);
    return lround(x);
}

long nch_cli_steps(const char *opt, double T, double dt)
{
    double n = T / dt;
    /* lround of a value beyond a long is unspecified: refuse it first. */
    if (!(n < 0x1p63)) nch_die(NCH_EXIT_USAGE, "%s: T = %g / step %.17g: too many steps", opt, T, dt);
    long k = lround(n);
    if (k < 1 || fabs(n - (double)k) > 1e-9 * n)
        nch_die(NCH_EXIT_USAGE, "%s: step %.17g does not divide T = %g", opt, dt, T);
    return k;
}
