/* fig_regularization — numbers of the figure `regularization`: the learnt
 * (θ, H) models trained with and without the regulariser, simulated over a
 * long time by the Euler DVI and RK4 at the learning step from the same ICs
 * (bin/long_run, one step per model and scheme), and a seed study of the DVI
 * outcome (spec lotka-volterra.md §7.3, §7.5, §9 c; the seed study goes
 * beyond the paper).
 *
 *   fig_regularization --reg-dvi FILE --reg-rk4 FILE --noreg-dvi FILE
 *                      --noreg-rk4 FILE --reg-summary FILE --noreg-summary FILE
 *                      [--seed-reg FILE ...] [--seed-noreg FILE ...] --outdir DIR
 *
 * The run files and the --seed-* files are long_run's *_outcome.tsv; all must
 * be from the same ICs, step and number of steps.
 * DIR/seeds.tsv    model seed_index ic steps max_abs_rel_err
 *                  (model 0: without, 1: with regularisation)
 * DIR/numbers.tsv  outcomes, best test terms of the trainings (from their
 *                  summaries) and seed-study statistics. */
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_numenv.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { MAX_IC = 8, MAX_SEEDS = 16, OUTCOME_COLS = 8 };

typedef struct {
    const char *run[2][2], *summary[2], *seed[2][MAX_SEEDS], *outdir; /* run[model][dvi, rk4] */
    size_t n_seed[2];
} params;

static const char *const tags[2] = {"noreg", "reg"}, *const schemes[2] = {"dvi", "rk4"};

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--reg-dvi FILE --reg-rk4 FILE --noreg-dvi FILE --noreg-rk4 FILE --reg-summary FILE "
                  "--noreg-summary FILE [--seed-reg FILE ...] [--seed-noreg FILE ...] --outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {0};
    static const struct option opts[] = {
        {"noreg-dvi", required_argument, 0, 'a'},     {"noreg-rk4", required_argument, 0, 'b'},
        {"reg-dvi", required_argument, 0, 'c'},       {"reg-rk4", required_argument, 0, 'd'},
        {"noreg-summary", required_argument, 0, 's'}, {"reg-summary", required_argument, 0, 'S'},
        {"seed-noreg", required_argument, 0, 'N'},    {"seed-reg", required_argument, 0, 'R'},
        {"outdir", required_argument, 0, 'o'},        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'a': case 'b': case 'c': case 'd': p.run[(c - 'a') / 2][(c - 'a') % 2] = optarg; break;
        case 's': p.summary[0] = optarg; break;
        case 'S': p.summary[1] = optarg; break;
        case 'N': case 'R': {
            int g = c == 'R';
            if (p.n_seed[g] == MAX_SEEDS) nch_die(NCH_EXIT_USAGE, "--seed-%s: more than %d", tags[g], MAX_SEEDS);
            p.seed[g][p.n_seed[g]++] = optarg;
            break;
        }
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.run[0][0] || !p.run[0][1] || !p.run[1][0] || !p.run[1][1] || !p.summary[0] || !p.summary[1] ||
        !p.outdir)
        usage(NULL);
    return p;
}

/* One model's runs from long_run: per IC, the steps made and the largest
 * |relative energy error|; `stopped` if fewer steps than asked. */
typedef struct {
    size_t n_ic;
    double ic[MAX_IC][2], h;
    long steps_asked, steps[MAX_IC];
    double max_err[MAX_IC];
} outcome;

static void read_outcome(const char *path, outcome *o)
{
    double *rows;
    size_t n, *lines;
    if (nch_tsv_read(path, OUTCOME_COLS, &rows, &n, &lines)) nch_exit(NCH_EXIT_INPUT);
    if (n == 0 || n > MAX_IC) nch_die(NCH_EXIT_INPUT, "%s: %zu runs, want 1 to %d", path, n, MAX_IC);
    o->n_ic = n;
    for (size_t k = 0; k < n; k++) {
        const double *r = rows + k * OUTCOME_COLS;
        /* Checked before the steps are converted: beyond a long the cast is undefined. */
        if (r[0] != (double)k || !(r[3] > 0) || !(r[4] >= 1 && r[4] < 0x1p63) || r[5] < 0 || r[5] > r[4] ||
            r[4] != floor(r[4]) || r[5] != floor(r[5]) || !(r[6] >= 0) || r[7] != floor(r[7]) || r[7] < 0 ||
            (r[7] == 0) != (r[5] == r[4]))
            nch_die(NCH_EXIT_INPUT, "%s:%zu: not a long_run outcome row (ic %g, steps %g of %g, error %g)", path,
                    lines[k], r[0], r[5], r[4], r[6]);
        o->ic[k][0] = r[1];
        o->ic[k][1] = r[2];
        o->h = r[3];
        o->steps_asked = (long)r[4];
        o->steps[k] = (long)r[5];
        o->max_err[k] = r[6];
        if (k && (r[3] != rows[3] || r[4] != rows[4]))
            nch_die(NCH_EXIT_INPUT, "%s:%zu: step or steps differ from the first row's", path, lines[k]);
    }
    free(rows);
    free(lines);
}

/* Every run must answer the same question as the first. */
static void check_same_runs(const outcome *a, const char *path_a, const outcome *b, const char *path_b,
                            int same_steps)
{
    int same = a->n_ic == b->n_ic && a->h == b->h && (!same_steps || a->steps_asked == b->steps_asked);
    for (size_t k = 0; same && k < a->n_ic; k++) same = a->ic[k][0] == b->ic[k][0] && a->ic[k][1] == b->ic[k][1];
    if (!same) nch_die(NCH_EXIT_INPUT, "%s: other ICs, step or number of steps than %s", path_b, path_a);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    char key[128];
    nch_ofile numbers;
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");

    outcome first;
    read_outcome(p.run[0][0], &first);
    for (int g = 0; g < 2; g++) {
        for (int s = 0; s < 2; s++) {
            outcome o;
            read_outcome(p.run[g][s], &o);
            check_same_runs(&first, p.run[0][0], &o, p.run[g][s], s == 0);
            long survived = 0;
            double worst = 0;
            for (size_t k = 0; k < o.n_ic; k++) {
                survived += o.steps[k] == o.steps_asked;
                worst = fmax(worst, o.max_err[k]);
                snprintf(key, sizeof key, "regularization_%s_%s_ic%zu_steps", tags[g], schemes[s], k);
                nch_tsv_number(numbers.fp, key, (double)o.steps[k]);
            }
            snprintf(key, sizeof key, "regularization_%s_%s_survivors", tags[g], schemes[s]);
            nch_tsv_number(numbers.fp, key, (double)survived);
            snprintf(key, sizeof key, "regularization_%s_%s_max_abs_rel_err", tags[g], schemes[s]);
            nch_tsv_number(numbers.fp, key, worst);
        }
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
        size_t runs = p.n_seed[g] * first.n_ic, survived = 0, n_err = 0;
        double *errs = nch_xalloc(runs, 1, sizeof(double), "--seed-*: errors");
        for (size_t s = 0; s < p.n_seed[g]; s++) {
            outcome o;
            read_outcome(p.seed[g][s], &o);
            check_same_runs(&first, p.run[0][0], &o, p.seed[g][s], 1);
            for (size_t k = 0; k < o.n_ic; k++) {
                fprintf(f_seeds.fp, "%d\t%zu\t%zu\t%ld\t%.17g\n", g, s, k, o.steps[k], o.max_err[k]);
                if (o.steps[k] == o.steps_asked) {
                    survived++;
                    errs[n_err++] = o.max_err[k];
                }
            }
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
    return 0;
}
