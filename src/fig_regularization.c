/* fig_regularization — data of the figure `regularization`: the learnt
 * (θ, H) models trained with and without the regulariser, simulated over a
 * long time by the Euler DVI and RK4 at the learning step from the same ICs,
 * and a seed study of the DVI outcome (spec lotka-volterra.md §7.3, §7.5,
 * §9 c; the seed study goes beyond the paper).
 *
 *   fig_regularization --reg FILE --noreg FILE --reg-summary FILE
 *                      --noreg-summary FILE [--seed-reg FILE ...]
 *                      [--seed-noreg FILE ...] --ic X,Y [--ic ...] --h H
 *                      --dvi-steps N --rk4-steps M --every K --outdir DIR
 *
 * DIR/{reg,noreg}_{dvi,rk4}.tsv  every K-th step (ic t x y rel_err_H)
 * DIR/{reg,noreg}_{dvi,rk4}_stop.tsv  last state of each run that stopped
 * DIR/seeds.tsv                  model seed_index ic steps max_abs_rel_err
 *                                (model 0: without, 1: with regularisation)
 * DIR/numbers.tsv                outcomes, best test terms of the trainings
 *                                (from their summaries) and seed-study statistics.
 * A run stops at a Newton failure or when it leaves x, y > 0. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_lv.h"
#include "nch_run.h"
#include "nch_traj.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_IC = 8, MAX_SEEDS = 16 };

typedef struct {
    const char *model[2], *summary[2], *seed_model[2][MAX_SEEDS], *outdir;
    size_t n_seed[2], n_ic;
    double ic[MAX_IC][2], h;
    long dvi_steps, rk4_steps, every;
} params;

static const char *const tags[2] = {"noreg", "reg"};

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--reg FILE --noreg FILE --reg-summary FILE --noreg-summary FILE [--seed-reg FILE "
                  "...] [--seed-noreg FILE ...] --ic X,Y [--ic ...] --h H --dvi-steps N --rk4-steps "
                  "M --every K --outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {.dvi_steps = -1, .rk4_steps = -1, .every = -1};
    static const struct option opts[] = {
        {"noreg", required_argument, 0, 'n'},      {"reg", required_argument, 0, 'r'},
        {"noreg-summary", required_argument, 0, 's'}, {"reg-summary", required_argument, 0, 'S'},
        {"seed-noreg", required_argument, 0, 'N'}, {"seed-reg", required_argument, 0, 'R'},
        {"ic", required_argument, 0, 'i'},         {"h", required_argument, 0, 'h'},
        {"dvi-steps", required_argument, 0, 'd'},  {"rk4-steps", required_argument, 0, 'k'},
        {"every", required_argument, 0, 'e'},      {"outdir", required_argument, 0, 'o'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (c) {
        case 'n': p.model[0] = optarg; break;
        case 'r': p.model[1] = optarg; break;
        case 's': p.summary[0] = optarg; break;
        case 'S': p.summary[1] = optarg; break;
        case 'N': case 'R': {
            int g = c == 'R';
            if (p.n_seed[g] == MAX_SEEDS) nch_die(NCH_EXIT_USAGE, "--seed-%s: more than %d", tags[g], MAX_SEEDS);
            p.seed_model[g][p.n_seed[g]++] = optarg;
            break;
        }
        case 'i': nch_fig_point("--ic", optarg, p.ic, &p.n_ic, MAX_IC); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'd': p.dvi_steps = nch_cli_long("--dvi-steps", optarg, 1); break;
        case 'k': p.rk4_steps = nch_cli_long("--rk4-steps", optarg, 1); break;
        case 'e': p.every = nch_cli_long("--every", optarg, 1); break;
        case 'o': p.outdir = optarg; break;
        default: usage(argv[optind - 1]);
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.model[0] || !p.model[1] || !p.summary[0] || !p.summary[1] || !p.n_ic || !(p.h > 0) || p.dvi_steps < 1 || p.rk4_steps < 1 || p.every < 1 ||
        !p.outdir)
        usage(NULL);
    return p;
}

/* Loads a learnt model whose runs stop where the reference H is undefined. */
static void load(nch_learnt *m, const char *path)
{
    nch_model ref;
    nch_lv_model(&ref);
    if (nch_learnt_load(m, path)) nch_exit(NCH_EXIT_INPUT);
    m->model.in_domain = ref.in_domain;
}

/* A run of n steps: rows reached, stored in z (n + 1 rows). */
static size_t simulate(const nch_model *m, nch_scheme_kind kind, double h, long n, const double *z0, double *z,
                       const char *what, int *stopped)
{
    nch_run_report rep;
    int rc = nch_run(m, kind, h, n, z0, 1, z, &rep);
    if (rc)
        nch_error("%s: %s from (%g, %g) stops at step %ld of %ld: %s", what, nch_scheme_name(kind), z0[0], z0[1],
                  rep.fail_step, n, nch_strerror(rc));
    *stopped = rc != NCH_OK;
    return rep.rows;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    params p = parse(argc, argv);
    long nmax = p.dvi_steps > p.rk4_steps ? p.dvi_steps : p.rk4_steps;
    double *z = nch_xcalloc((size_t)nmax + 1, 2 * sizeof *z, "a trajectory");
    char name[64], key[128];
    nch_ofile numbers;
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");

    for (int g = 0; g < 2; g++) {
        nch_learnt m;
        load(&m, p.model[g]);
        for (int s = 0; s < 2; s++) {
            nch_scheme_kind kind = s ? NCH_SCHEME_RK4 : NCH_SCHEME_DVI;
            long n = s ? p.rk4_steps : p.dvi_steps;
            snprintf(name, sizeof name, "%s_%s.tsv", tags[g], nch_scheme_name(kind));
            nch_ofile f;
            nch_fig_open(&f, p.outdir, name, p.model[g], "ic t x y rel_err_H");
            snprintf(name, sizeof name, "%s_%s_stop.tsv", tags[g], nch_scheme_name(kind));
            nch_ofile f_stop;
            nch_fig_open(&f_stop, p.outdir, name, p.model[g], "ic t x y rel_err_H");
            long survived = 0;
            double worst = 0;
            for (size_t k = 0; k < p.n_ic; k++) {
                int stopped;
                size_t rows = simulate(&m.model, kind, p.h, n, p.ic[k], z, p.model[g], &stopped);
                nch_traj_write(f.fp, z, rows, (size_t)p.every, p.h, (int)k);
                fputs("\n\n", f.fp);
                if (stopped) nch_traj_write_row(f_stop.fp, z, rows - 1, p.h, (int)k);
                survived += !stopped;
                worst = fmax(worst, nch_traj_max_abs_rel_err(z, rows));
                snprintf(key, sizeof key, "regularization_%s_%s_ic%zu_steps", tags[g], nch_scheme_name(kind), k);
                nch_tsv_number(numbers.fp, key, (double)rows - 1);
            }
            nch_ofile_xcommit(&f);
            nch_ofile_xcommit(&f_stop);
            snprintf(key, sizeof key, "regularization_%s_%s_survivors", tags[g], nch_scheme_name(kind));
            nch_tsv_number(numbers.fp, key, (double)survived);
            snprintf(key, sizeof key, "regularization_%s_%s_max_abs_rel_err", tags[g], nch_scheme_name(kind));
            nch_tsv_number(numbers.fp, key, worst);
        }
        nch_learnt_free(&m);
        static const char *const terms[] = {"best_test_abs_dz", "best_test_abs_reg"};
        for (int t = 0; t < 2; t++) {
            double v;
            if (nch_tsv_lookup(p.summary[g], terms[t], &v)) nch_exit(NCH_EXIT_INPUT);
            snprintf(key, sizeof key, "regularization_%s_%s", tags[g], terms[t]);
            nch_tsv_number(numbers.fp, key, v);
        }
    }

    /* Seed study: the DVI outcome of every seed × IC. */
    nch_ofile f_seeds;
    nch_fig_open(&f_seeds, p.outdir, "seeds.tsv", "seed study, Euler DVI", "model seed ic steps max_abs_rel_err");
    for (int g = 0; g < 2; g++) {
        size_t runs = p.n_seed[g] * p.n_ic, survived = 0, n_err = 0;
        double *errs = nch_xcalloc(runs ? runs : 1, sizeof *errs, "errors");
        for (size_t s = 0; s < p.n_seed[g]; s++) {
            nch_learnt m;
            load(&m, p.seed_model[g][s]);
            for (size_t k = 0; k < p.n_ic; k++) {
                int stopped;
                size_t rows = simulate(&m.model, NCH_SCHEME_DVI, p.h, p.dvi_steps, p.ic[k], z, p.seed_model[g][s], &stopped);
                double e = nch_traj_max_abs_rel_err(z, rows);
                fprintf(f_seeds.fp, "%d\t%zu\t%zu\t%zu\t%.17g\n", g, s, k, rows - 1, e);
                if (!stopped) {
                    survived++;
                    errs[n_err++] = e;
                }
            }
            nch_learnt_free(&m);
        }
        qsort(errs, n_err, sizeof *errs, cmp_double);
        snprintf(key, sizeof key, "regularization_seeds_%s_runs", tags[g]);
        nch_tsv_number(numbers.fp, key, (double)runs);
        snprintf(key, sizeof key, "regularization_seeds_%s_survivors", tags[g]);
        nch_tsv_number(numbers.fp, key, (double)survived);
        /* Statistics over the runs that completed (NaN when none did). */
        double median = NAN, worst = NAN;
        if (n_err) {
            median = n_err % 2 ? errs[n_err / 2] : 0.5 * (errs[n_err / 2 - 1] + errs[n_err / 2]);
            worst = errs[n_err - 1];
        }
        snprintf(key, sizeof key, "regularization_seeds_%s_median_max_abs_rel_err", tags[g]);
        nch_tsv_number(numbers.fp, key, median);
        snprintf(key, sizeof key, "regularization_seeds_%s_worst_max_abs_rel_err", tags[g]);
        nch_tsv_number(numbers.fp, key, worst);
        free(errs);
    }
    nch_ofile_xcommit(&f_seeds);
    nch_ofile_xcommit(&numbers);
    free(z);
    return 0;
}
