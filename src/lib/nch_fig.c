#include "nch_fig.h"

#include "nch_cli.h"
#include "nch_lv.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>

void nch_fig_usage(const char *bad, const char *synopsis)
{
    if (bad) nch_die(NCH_EXIT_USAGE, "bad argument (%s); usage: %s %s", bad, nch_program(), synopsis);
    nch_die(NCH_EXIT_USAGE, "usage: %s %s", nch_program(), synopsis);
}

const char *nch_fig_bad_option(int c, char *const argv[])
{
    static char buf[4160];
    if (c == ':') snprintf(buf, sizeof buf, "%s: no value", argv[optind - 1]);
    else if (optopt) snprintf(buf, sizeof buf, "-%c", optopt);
    else return argv[optind - 1];
    return buf;
}

void nch_fig_point(const char *opt, const char *arg, double (*pts)[2], size_t *n, size_t max)
{
    if (*n == max) nch_die(NCH_EXIT_USAGE, "%s: more than %zu points", opt, max);
    if (nch_cli_list(opt, arg, pts[*n], 2) != 2) nch_die(NCH_EXIT_USAGE, "%s: expected X,Y (%s)", opt, arg);
    ++*n;
}

void nch_fig_check_start(const char *opt, const double *z)
{
    nch_model lv;
    nch_lv_model(&lv);
    if (nch_model_check_domain(&lv, z) != NCH_OK)
        nch_die(NCH_EXIT_INPUT, "%s: (%g, %g) is outside the domain x, y > 0", opt, z[0], z[1]);
}

void nch_fig_open_path(nch_ofile *f, const char *path, const char *content, const char *columns)
{
    nch_ofile_xopen(f, path);
    nch_tsv_provenance(f->fp);
    nch_tsv_param(f->fp, "content", "%s", content);
    nch_tsv_columns(f->fp, columns);
}

void nch_fig_open(nch_ofile *f, const char *dir, const char *name, const char *content, const char *columns)
{
    char path[4096];
    /* An empty name would put the files in the root directory. */
    if (!*dir) nch_die(NCH_EXIT_USAGE, "--outdir: empty directory name");
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        nch_die(NCH_EXIT_USAGE, "output path too long (%s/%s)", dir, name);
    nch_fig_open_path(f, path, content, columns);
}

void nch_fig_open_prefixed(nch_ofile *f, const char *opt, const char *prefix, const char *suffix,
                           const char *content, const char *columns)
{
    char path[4096];
    /* An empty prefix would write hidden files named by the suffix alone. */
    if (!*prefix) nch_die(NCH_EXIT_USAGE, "%s: empty prefix", opt);
    if (snprintf(path, sizeof path, "%s%s", prefix, suffix) >= (int)sizeof path)
        nch_die(NCH_EXIT_USAGE, "%s: path too long (%s)", opt, prefix);
    nch_fig_open_path(f, path, content, columns);
}

double nch_fig_quantile(double *v, size_t n, double q)
{
    gsl_sort(v, 1, n);
    const double pos = q * (double)(n - 1);
    const size_t i = (size_t)floor(pos);
    /* GSL would weigh an infinite neighbour by 0 or δ: NaN or the wrong inf. */
    if (pos == (double)i) return v[i];
    if (isinf(v[i + 1])) return INFINITY;
    return gsl_stats_quantile_from_sorted_data(v, 1, n, q);
}
