/* fig_scheme_comparison — data of the figure `scheme_comparison`: the
 * reference Lotka–Volterra model integrated by RK4 and by the Euler DVI with
 * the same step over a long time (spec lotka-volterra.md §7.1).
 *
 *   fig_scheme_comparison --z0 X,Y --h H --steps N --every K --envelope W
 *                         --exact-h HE --period-max TP --report-t T1,T2,...
 *                         --outdir DIR
 *
 * DIR/exact.tsv       one period of the reference solution (t x y), cut at
 *                     the first return within TP
 * DIR/dvi_period.tsv  the DVI's first period, every step (t x y)
 * DIR/rk4.tsv, DIR/dvi.tsv  every K-th step (t x y rel_err_H)
 * DIR/dvi_envelope.tsv  the DVI's energy error over every step, as the
 *                     least and largest value in each of W windows of equal
 *                     length (t min max, nch_traj_write_envelope)
 * DIR/numbers.tsv     max |rel. H error| of each scheme, RK4's error at the
 *                     report times, the DVI's error bounds. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_lv.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_traj.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { MAX_REPORT = 16 };

typedef struct {
    double z0[2], h, exact_h, period_max, report_t[MAX_REPORT];
    long steps, every, windows;
    size_t n_report;
    const char *outdir;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--z0 X,Y --h H --steps N --every K --envelope W --exact-h HE --period-max TP "
                  "--report-t T1,... --outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {.steps = -1, .every = -1, .windows = -1};
    size_t nz = 0;
    static const struct option opts[] = {
        {"z0", required_argument, 0, 'z'},      {"h", required_argument, 0, 'h'},
        {"steps", required_argument, 0, 'n'},   {"every", required_argument, 0, 'k'},
        {"exact-h", required_argument, 0, 'e'}, {"report-t", required_argument, 0, 'r'},
        {"period-max", required_argument, 0, 'p'}, {"outdir", required_argument, 0, 'o'},
        {"envelope", required_argument, 0, 'w'},   {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'z': nz = nch_cli_list("--z0", optarg, p.z0, 2); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'n': p.steps = nch_cli_long("--steps", optarg, 1); break;
        case 'k': p.every = nch_cli_long("--every", optarg, 1); break;
        case 'w': p.windows = nch_cli_long("--envelope", optarg, 1); break;
        case 'e': p.exact_h = nch_cli_positive("--exact-h", optarg); break;
        case 'r': p.n_report = nch_cli_positive_list("--report-t", optarg, p.report_t, MAX_REPORT); break;
        case 'p': p.period_max = nch_cli_positive("--period-max", optarg); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (nz != 2 || !(p.h > 0) || p.steps < 1 || p.every < 1 || p.windows < 1 || !(p.exact_h > 0) || !(p.period_max > 0) ||
        !p.n_report || !p.outdir)
        usage(NULL);
    nch_fig_check_start("--z0", p.z0);
    for (size_t i = 0; i < p.n_report; i++) {
        if (nch_cli_steps("--report-t", p.report_t[i], p.h) > p.steps) nch_die(NCH_EXIT_USAGE, "--report-t: %g is after the end of the run", p.report_t[i]);
    }
    return p;
}

/* A run of n steps, the options it comes from named by opts. */
static double *run_or_die(const nch_model *m, nch_scheme_kind kind, double h, long n, const double *z0,
                          long every, const char *opts)
{
    double *z = nch_xalloc((size_t)(n / every) + 1, 2, sizeof(double), opts);
    nch_run_report rep;
    if (nch_run(m, kind, h, n, z0, every, z, &rep))
        nch_die(NCH_EXIT_FAILED_RUN, "%s on the reference model failed at step %ld: %s", nch_scheme_name(kind),
                rep.fail_step, nch_strerror(rep.status));
    return z;
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_model lv;
    nch_lv_model(&lv);

    /* One period of the exact orbit and of the DVI: integrate up to a bound
     * on the period and cut at the first return. */
    long n_exact = nch_cli_count("--period-max / --exact-h", p.period_max / p.exact_h, 0),
         n_dvi_period = nch_cli_count("--period-max / --h", p.period_max / p.h, 0);
    double *exact = run_or_die(&lv, NCH_SCHEME_EXACT, p.exact_h, n_exact, p.z0, 1, "--period-max / --exact-h");
    double *dvi_period = run_or_die(&lv, NCH_SCHEME_DVI, p.h, n_dvi_period, p.z0, 1, "--period-max / --h");
    size_t exact_rows = nch_period_index(exact, (size_t)n_exact + 1, 2);
    size_t dvi_period_rows = nch_period_index(dvi_period, (size_t)n_dvi_period + 1, 2);
    if (!exact_rows || !dvi_period_rows)
        nch_die(NCH_EXIT_FAILED_RUN, "the orbit from (%g, %g) does not close within t = %g", p.z0[0], p.z0[1],
                p.period_max);

    /* Every step is kept for the numbers (maxima over the whole run); the
     * files keep every K-th. */
    double *rk4 = run_or_die(&lv, NCH_SCHEME_RK4, p.h, p.steps, p.z0, 1, "--steps");
    double *dvi = run_or_die(&lv, NCH_SCHEME_DVI, p.h, p.steps, p.z0, 1, "--steps");
    size_t rows = (size_t)p.steps + 1, stride = (size_t)p.every;

    nch_ofile f_exact, f_dvi_period, f_rk4, f_dvi, f_envelope, f_numbers;
    nch_fig_open(&f_exact, p.outdir, "exact.tsv", "reference LV, exact solution, one period", "t x y rel_err_H");
    nch_traj_write(f_exact.fp, exact, exact_rows, 1, p.exact_h, -1);
    nch_fig_open(&f_dvi_period, p.outdir, "dvi_period.tsv", "reference LV, Euler DVI, one period", "t x y rel_err_H");
    nch_traj_write(f_dvi_period.fp, dvi_period, dvi_period_rows, 1, p.h, -1);
    nch_fig_open(&f_rk4, p.outdir, "rk4.tsv", "reference LV, RK4", "t x y rel_err_H");
    nch_traj_write(f_rk4.fp, rk4, rows, stride, p.h, -1);
    nch_fig_open(&f_dvi, p.outdir, "dvi.tsv", "reference LV, Euler DVI", "t x y rel_err_H");
    nch_traj_write(f_dvi.fp, dvi, rows, stride, p.h, -1);
    nch_fig_open(&f_envelope, p.outdir, "dvi_envelope.tsv", "reference LV, Euler DVI, energy error envelope",
                 "t min_rel_err_H max_rel_err_H");
    nch_traj_write_envelope(f_envelope.fp, dvi, rows, (size_t)p.windows, NCH_TRAJ_WINDOWS_LINEAR, p.h, -1);

    double rk4_max = 0, dvi_min = 0, dvi_max = 0;
    for (size_t i = 0; i < rows; i++) {
        double e = nch_traj_rel_err(rk4, i), d = nch_traj_rel_err(dvi, i);
        rk4_max = fmax(rk4_max, fabs(e));
        dvi_min = fmin(dvi_min, d);
        dvi_max = fmax(dvi_max, d);
    }
    nch_fig_open(&f_numbers, p.outdir, "numbers.tsv", "numbers", "key value");
    nch_tsv_number(f_numbers.fp, "scheme_comparison_rk4_max_abs_rel_err", rk4_max);
    nch_tsv_number(f_numbers.fp, "scheme_comparison_dvi_max_abs_rel_err", fmax(-dvi_min, dvi_max));
    nch_tsv_number(f_numbers.fp, "scheme_comparison_dvi_min_rel_err", dvi_min);
    nch_tsv_number(f_numbers.fp, "scheme_comparison_dvi_max_rel_err", dvi_max);
    for (size_t i = 0; i < p.n_report; i++) {
        char key[96];
        snprintf(key, sizeof key, "scheme_comparison_rk4_rel_err_t%g", p.report_t[i]);
        nch_tsv_number(f_numbers.fp, key, nch_traj_rel_err(rk4, (size_t)lround(p.report_t[i] / p.h)));
    }
    nch_ofile_xcommit(&f_exact);
    nch_ofile_xcommit(&f_dvi_period);
    nch_ofile_xcommit(&f_rk4);
    nch_ofile_xcommit(&f_dvi);
    nch_ofile_xcommit(&f_envelope);
    nch_ofile_xcommit(&f_numbers);
    free(exact);
    free(dvi_period);
    free(rk4);
    free(dvi);
    return 0;
}
