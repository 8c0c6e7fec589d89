/* fig_scheme_learning — data of the figure `scheme_learning`: the model
 * learnt through the Euler-DVI step (scheme learning) against the
 * vector-field models (spec lotka-volterra.md §7.3, §7.4, §9 e).
 *
 *   fig_scheme_learning --scheme FILE --reg FILE --noreg FILE --val FILE
 *       --n-ic N --tf TF --rate R --n-h NH --dvi-offset A --rk4-offset B
 *       --quantiles Q1,Q2 --ic X,Y [--ic ...] --h H --dvi-steps N --every K
 *       --envelope W --exact-h HE --period-max TP --outdir DIR
 *
 * Short time: each of the first N val points is integrated up to TF with
 * the DVI (steps TF/ceil(TF/(0.1·R^(A−i))), i < NH) and RK4 (offset B); its
 * error is max_n ‖z_n − z_ref(t_n)‖₂, z_ref the reference model's exact
 * solution.  DIR/short.tsv: model scheme h median q_lo q_hi stopped (runs
 * that stopped count as infinite errors; a quantile that is infinite is
 * written as NaN and the stopped count says why).
 * Long time: DIR/long_dvi.tsv (ic t x y rel_err_H, every K-th DVI step of the
 * scheme model at H), DIR/long_envelope.tsv (ic t min max: its energy error
 * over every step, least and largest value in each of at most W windows
 * growing geometrically, for a logarithmic time axis; two blank lines after
 * each IC), DIR/long_stop.tsv (last state of stopped runs),
 * DIR/model_exact.tsv and DIR/ref_exact.tsv (one period of the scheme
 * model's and of the reference model's exact orbit from each IC).
 * DIR/numbers.tsv: medians at the step closest to H per model and scheme,
 * the DVI step with the smallest median for the scheme model (NaN if every
 * median is infinite), outcomes.  Short-time runs may leave x, y > 0 (no
 * energy is needed there); long runs stop where the reference H is undefined. */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_lv.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_traj.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { MAX_IC = 8, MAX_H = 16, N_MODELS = 3 };
static const char *const model_tags[N_MODELS] = {"scheme", "reg", "noreg"};

typedef struct {
    const char *model[N_MODELS], *val, *outdir;
    long n_ic, n_h, dvi_steps, every, windows;
    double tf, rate, offset[2], q[2], ic[MAX_IC][2], h, exact_h, period_max;
    size_t n_long;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--scheme FILE --reg FILE --noreg FILE --val FILE --n-ic N --tf TF --rate R --n-h "
                  "NH --dvi-offset A --rk4-offset B --quantiles Q1,Q2 --ic X,Y [--ic ...] --h H "
                  "--dvi-steps N --every K --envelope W --exact-h HE --period-max TP --outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {.n_ic = -1, .n_h = -1, .dvi_steps = -1, .every = -1, .windows = -1, .offset = {NAN, NAN}};
    size_t nq = 0;
    static const struct option opts[] = {
        {"scheme", required_argument, 0, 0},       {"reg", required_argument, 0, 1},
        {"noreg", required_argument, 0, 2},        {"val", required_argument, 0, 'v'},
        {"n-ic", required_argument, 0, 'n'},       {"tf", required_argument, 0, 't'},
        {"rate", required_argument, 0, 'r'},       {"n-h", required_argument, 0, 'N'},
        {"dvi-offset", required_argument, 0, 'a'}, {"rk4-offset", required_argument, 0, 'b'},
        {"quantiles", required_argument, 0, 'q'},  {"ic", required_argument, 0, 'i'},
        {"h", required_argument, 0, 'h'},          {"dvi-steps", required_argument, 0, 'd'},
        {"every", required_argument, 0, 'k'},      {"exact-h", required_argument, 0, 'e'},
        {"period-max", required_argument, 0, 'P'}, {"outdir", required_argument, 0, 'o'},
        {"envelope", required_argument, 0, 'w'},   {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 0: case 1: case 2: p.model[c] = optarg; break;
        case 'v': p.val = optarg; break;
        case 'n': p.n_ic = nch_cli_long("--n-ic", optarg, 1); break;
        case 't': p.tf = nch_cli_positive("--tf", optarg); break;
        case 'r': p.rate = nch_cli_positive("--rate", optarg); break;
        case 'N': p.n_h = nch_cli_long("--n-h", optarg, 1); break;
        case 'a': p.offset[0] = nch_cli_double("--dvi-offset", optarg); break;
        case 'b': p.offset[1] = nch_cli_double("--rk4-offset", optarg); break;
        case 'q': nq = nch_cli_positive_list("--quantiles", optarg, p.q, 2); break;
        case 'i': nch_fig_point("--ic", optarg, p.ic, &p.n_long, MAX_IC); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'd': p.dvi_steps = nch_cli_long("--dvi-steps", optarg, 1); break;
        case 'k': p.every = nch_cli_long("--every", optarg, 1); break;
        case 'w': p.windows = nch_cli_long("--envelope", optarg, 1); break;
        case 'e': p.exact_h = nch_cli_positive("--exact-h", optarg); break;
        case 'P': p.period_max = nch_cli_positive("--period-max", optarg); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.model[0] || !p.model[1] || !p.model[2] || !p.val || p.n_ic < 1 || !(p.tf > 0) || !(p.rate > 1) ||
        p.n_h < 1 || p.n_h > MAX_H || isnan(p.offset[0]) || isnan(p.offset[1]) || nq != 2 || !(p.q[0] < p.q[1] && p.q[1] < 1) ||
        !p.n_long || !(p.h > 0) || p.dvi_steps < 1 || p.every < 1 || p.windows < 1 || !(p.exact_h > 0) || !(p.period_max > 0) || !p.outdir)
        usage(NULL);
    for (size_t k = 0; k < p.n_long; k++) nch_fig_check_start("--ic", p.ic[k]);
    return p;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear-interpolation quantile of sorted values (inf allowed: then inf). */
static double quantile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n) return v[n - 1];
    if (isinf(v[i + 1])) return pos == (double)i ? v[i] : INFINITY;
    return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

static void write_q(FILE *fp, double v) { fprintf(fp, "\t%.17g", isinf(v) ? NAN : v); }

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_model ref;
    nch_lv_model(&ref);
    /* The short-time error needs no energy, so a learnt model's trajectory
     * may leave x, y > 0 there (it is only inaccurate); the long runs stop
     * where the reference energy is undefined (bounded: the restricted view). */
    nch_learnt m[N_MODELS];
    nch_model bounded;
    for (int k = 0; k < N_MODELS; k++)
        if (nch_learnt_load(&m[k], p.model[k])) nch_exit(NCH_EXIT_INPUT);
    bounded = m[0].model;
    nch_lv_energy_domain(&bounded);
    nch_dataset val;
    if (nch_dataset_read_vf(p.val, 1, &val) || nch_dataset_check_domain(&val, &ref)) nch_exit(NCH_EXIT_INPUT);
    size_t n_ic = (size_t)p.n_ic < val.n ? (size_t)p.n_ic : val.n;

    /* Step sizes of the two schemes, and the reference solutions on them. */
    long nt[2][MAX_H];
    long nt_max = 0;
    for (int s = 0; s < 2; s++)
        for (long i = 0; i < p.n_h; i++) {
            nt[s][i] = nch_cli_count("--tf, --rate, --dvi-offset, --rk4-offset",
                                     ceil(p.tf / (0.1 * pow(p.rate, p.offset[s] - (double)i))), 1);
            if (nt[s][i] > nt_max) nt_max = nt[s][i];
        }
    double *zs = nch_xalloc((size_t)nt_max + 1, 2, sizeof(double), "--tf, --rate, offsets: a trajectory");
    double *zr = nch_xalloc((size_t)nt_max + 1, 2, sizeof(double), "--tf, --rate, offsets: a reference trajectory");
    double *err = nch_xalloc(n_ic, N_MODELS * 2 * MAX_H, sizeof(double), "--n-ic: errors");
    for (size_t j = 0; j < n_ic; j++) {
        const double *z0 = val.samples + j * val.width;
        for (int s = 0; s < 2; s++)
            for (long i = 0; i < p.n_h; i++) {
                double h = p.tf / (double)nt[s][i];
                nch_run_report rep;
                if (nch_run(&ref, NCH_SCHEME_EXACT, h, nt[s][i], z0, 1, zr, &rep))
                    nch_die(NCH_EXIT_FAILED_RUN, "reference solution from val point %zu failed: %s", j, nch_strerror(rep.status));
                for (int k = 0; k < N_MODELS; k++) {
                    int rc = nch_run(&m[k].model, s ? NCH_SCHEME_RK4 : NCH_SCHEME_DVI, h, nt[s][i], z0, 1, zs, &rep);
                    double e = 0;
                    for (size_t n = 0; n < rep.rows; n++) e = fmax(e, hypot(zs[2 * n] - zr[2 * n], zs[2 * n + 1] - zr[2 * n + 1]));
                    err[((size_t)(k * 2 + s) * MAX_H + (size_t)i) * n_ic + j] = rc ? INFINITY : e;
                }
            }
    }

    nch_ofile numbers;
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");
    nch_ofile f_short;
    nch_fig_open(&f_short, p.outdir, "short.tsv", "max error over [0, tf] vs the reference model's exact solution",
                 "model scheme h median q_lo q_hi stopped");
    char key[128];
    for (int k = 0; k < N_MODELS; k++)
        for (int s = 0; s < 2; s++) {
            double best_h = NAN, best = INFINITY, at_h = NAN, dist = INFINITY;
            for (long i = 0; i < p.n_h; i++) {
                double *e = err + ((size_t)(k * 2 + s) * MAX_H + (size_t)i) * n_ic, h = p.tf / (double)nt[s][i];
                qsort(e, n_ic, sizeof *e, cmp_double);
                size_t stopped = 0;
                for (size_t j = 0; j < n_ic; j++) stopped += isinf(e[j]);
                double med = quantile(e, n_ic, 0.5);
                fprintf(f_short.fp, "%d\t%d\t%.17g", k, s, h);
                write_q(f_short.fp, med);
                write_q(f_short.fp, quantile(e, n_ic, p.q[0]));
                write_q(f_short.fp, quantile(e, n_ic, p.q[1]));
                fprintf(f_short.fp, "\t%zu\n", stopped);
                if (med < best) best = med, best_h = h;
                if (fabs(h - p.h) < dist) dist = fabs(h - p.h), at_h = med;
            }
            fputs("\n\n", f_short.fp);
            snprintf(key, sizeof key, "scheme_learning_%s_%s_median_at_h", model_tags[k], s ? "rk4" : "dvi");
            nch_tsv_number(numbers.fp, key, at_h);
            if (k == 0 && s == 0) nch_tsv_number(numbers.fp, "scheme_learning_scheme_dvi_best_h", best_h);
        }
    nch_tsv_number(numbers.fp, "scheme_learning_n_ic", (double)n_ic);

    /* Long time: the scheme model's DVI over its own exact orbit. */
    double *zl = nch_xalloc((size_t)p.dvi_steps + 1, 2, sizeof(double), "--dvi-steps");
    long n_exact = nch_cli_count("--period-max / --exact-h", p.period_max / p.exact_h, 0);
    double *ze = nch_xalloc((size_t)n_exact + 1, 2, sizeof(double), "--period-max / --exact-h");
    nch_ofile f_long;
    nch_fig_open(&f_long, p.outdir, "long_dvi.tsv", p.model[0], "ic t x y rel_err_H");
    nch_ofile f_envelope;
    nch_fig_open(&f_envelope, p.outdir, "long_envelope.tsv", p.model[0], "ic t min_rel_err_H max_rel_err_H");
    nch_ofile f_stop;
    nch_fig_open(&f_stop, p.outdir, "long_stop.tsv", p.model[0], "ic t x y rel_err_H");
    nch_ofile f_mex;
    nch_fig_open(&f_mex, p.outdir, "model_exact.tsv", p.model[0], "ic t x y rel_err_H");
    nch_ofile f_rex;
    nch_fig_open(&f_rex, p.outdir, "ref_exact.tsv", "reference model", "ic t x y rel_err_H");
    long survived = 0;
    double worst = 0;
    for (size_t k = 0; k < p.n_long; k++) {
        nch_run_report rep;
        int rc = nch_run(&bounded, NCH_SCHEME_DVI, p.h, p.dvi_steps, p.ic[k], 1, zl, &rep);
        if (rc) {
            nch_error("%s: DVI from (%g, %g) stops at step %ld: %s", p.model[0], p.ic[k][0], p.ic[k][1], rep.fail_step,
                      nch_strerror(rc));
            nch_traj_write_row(f_stop.fp, zl, rep.rows - 1, p.h, (int)k);
        } else
            survived++;
        nch_traj_write(f_long.fp, zl, rep.rows, (size_t)p.every, p.h, (int)k);
        fputs("\n\n", f_long.fp);
        nch_traj_write_envelope(f_envelope.fp, zl, rep.rows, (size_t)p.windows, NCH_TRAJ_WINDOWS_LOG, p.h, (int)k);
        fputs("\n\n", f_envelope.fp);
        worst = fmax(worst, nch_traj_max_abs_rel_err(zl, rep.rows));
        for (int e = 0; e < 2; e++) {
            rc = nch_run(e ? &ref : &bounded, NCH_SCHEME_EXACT, p.exact_h, n_exact, p.ic[k], 1, ze, &rep);
            if (rc) nch_error("%s: exact solution from (%g, %g) stops at t = %g", e ? "reference" : p.model[0],
                              p.ic[k][0], p.ic[k][1], (double)rep.rows * p.exact_h);
            size_t period = nch_period_index(ze, rep.rows, 2);
            nch_traj_write((e ? f_rex : f_mex).fp, ze, period ? period : rep.rows, 1, p.exact_h, (int)k);
            fputs("\n\n", (e ? f_rex : f_mex).fp);
        }
    }
    nch_tsv_number(numbers.fp, "scheme_learning_long_survivors", (double)survived);
    nch_tsv_number(numbers.fp, "scheme_learning_long_max_abs_rel_err", worst);
    nch_ofile *all[] = {&f_short, &f_long, &f_envelope, &f_stop, &f_mex, &f_rex, &numbers};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) nch_ofile_xcommit(all[i]);
    for (int k = 0; k < N_MODELS; k++) nch_learnt_free(&m[k]);
    nch_dataset_free(&val);
    free(zs);
    free(zr);
    free(err);
    free(zl);
    free(ze);
    return 0;
}
