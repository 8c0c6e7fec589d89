/* fig_scheme_learning — data of the figure `scheme_learning` and of the seed
 * study of the main models: the model learnt through the Euler-DVI step
 * (scheme learning) against the vector-field models (spec lotka-volterra.md
 * §7.3, §7.4, §9 e; the seed study goes beyond the paper).
 *
 *   fig_scheme_learning --family F --short FILE --main FILE
 *       --seed-summary FILE --seed-outcome FILE --seed-short FILE [...]
 *       [--family F ...] --collapse-ratio C --good-loss L
 *       --scheme FILE --ic X,Y [--ic ...] --h H --dvi-steps N --every K
 *       --envelope W --exact-h HE --period-max TP --outdir DIR
 *
 * Short time: each family's main model's bin/short_error study (--short, in
 * --family order: model index 0, 1, …) goes to DIR/short.tsv as "model
 * scheme h median q_lo q_hi stopped" blocks; numbers: the medians at the
 * step closest to H, the DVI step with the smallest median.
 * Seed study, per family F and seed of its --main file (the seeds and the
 * main one, src/scripts/select_main.sh), given in that order after the
 * family's --family: the training (--seed-summary, bin/train's: the test loss
 * before training, stage 1's best, the best, its regulariser term), the long
 * DVI runs from the four ICs (--seed-outcome, bin/long_run's) and the
 * short-time medians at H (--seed-short, bin/short_error --at H).  Stage 1 "collapsed" when its best test
 * loss stays above C times the initial one.  DIR/seeds.tsv: family seed main
 * initial_test stage1_best collapsed best_test best_reg completed newton
 * domain max_err short_dvi short_rk4 (family: --family index; max_err over
 * the completed runs, NaN if none); numbers per family: seeds, collapsed,
 * good (best test loss <= L), the ranges of the test loss before training and
 * of the best one, DVI runs and
 * completed, the short-time medians' smallest, median and largest value, and
 * how often the family has the smallest short-time median at H of the
 * families trained from the same seed (the same initial weights).
 * Long time: the --scheme model's DVI at H: DIR/long_dvi.tsv (ic t x y
 * rel_err_H, every K-th step), DIR/long_envelope.tsv (ic t min max: its energy
 * error's least and largest value in each of at most W windows growing
 * geometrically, for a logarithmic time axis), DIR/long_stop.tsv (last state
 * of stopped runs), DIR/model_exact.tsv and DIR/ref_exact.tsv (one period of
 * the model's and of the reference model's exact orbit from each IC); the
 * runs stop where the reference H is undefined. */
#include "nch_cli.h"
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

enum { MAX_IC = 8, MAX_FAMILIES = 4, MAX_SEEDS = 16, SHORT_COLS = 7, OUTCOME_COLS = 8, MAIN_COLS = 3 };

/* A family's files: its main model's short-time study, the choice of its
 * main model, and per seed the summary, DVI outcome and short-time study. */
typedef struct {
    const char *name, *shortf, *main, *summary[MAX_SEEDS], *outcome[MAX_SEEDS], *shorts[MAX_SEEDS];
    size_t n_summary, n_outcome, n_shorts;
} family;

typedef struct {
    family fam[MAX_FAMILIES];
    const char *scheme, *outdir;
    size_t n_family, n_long;
    long dvi_steps, every, windows;
    double collapse, good, ic[MAX_IC][2], h, exact_h, period_max;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--family F --short FILE --main FILE --seed-summary FILE --seed-outcome FILE "
                  "--seed-short FILE [...] [--family F ...] --collapse-ratio C --good-loss L --scheme FILE "
                  "--ic X,Y [--ic ...] --h H --dvi-steps N --every K --envelope W --exact-h HE --period-max TP "
                  "--outdir DIR");
}

/* The family an option belongs to: the latest --family, which must exist. */
static family *of_family(family *f, const char *opt, const char *v)
{
    if (!f) nch_die(NCH_EXIT_USAGE, "%s: before any --family (%s)", opt, v);
    return f;
}

/* Appends v to list (n of at most MAX_SEEDS) of the current family. */
static void add_seed_file(const char *opt, const char *v, const char **list, size_t *n)
{
    if (*n == MAX_SEEDS) nch_die(NCH_EXIT_USAGE, "%s: more than %d (%s)", opt, MAX_SEEDS, v);
    list[(*n)++] = v;
}

static params parse(int argc, char **argv)
{
    params p = {.dvi_steps = -1, .every = -1, .windows = -1, .collapse = NAN, .good = NAN};
    static const struct option opts[] = {
        {"family", required_argument, 0, 'f'},     {"short", required_argument, 0, 'S'},
        {"main", required_argument, 0, 'M'},       {"seed-summary", required_argument, 0, 's'},
        {"seed-outcome", required_argument, 0, 'O'}, {"seed-short", required_argument, 0, 'T'},
        {"collapse-ratio", required_argument, 0, 'c'}, {"good-loss", required_argument, 0, 'g'},
        {"scheme", required_argument, 0, 'm'},     {"ic", required_argument, 0, 'i'},
        {"h", required_argument, 0, 'h'},          {"dvi-steps", required_argument, 0, 'd'},
        {"every", required_argument, 0, 'k'},      {"exact-h", required_argument, 0, 'e'},
        {"period-max", required_argument, 0, 'P'}, {"outdir", required_argument, 0, 'o'},
        {"envelope", required_argument, 0, 'w'},   {0, 0, 0, 0}};
    opterr = 0;
    family *f = NULL;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'f':
            if (p.n_family == MAX_FAMILIES) nch_die(NCH_EXIT_USAGE, "--family: more than %d (%s)", MAX_FAMILIES, optarg);
            f = &p.fam[p.n_family++];
            f->name = optarg;
            break;
        case 'S': of_family(f, "--short", optarg)->shortf = optarg; break;
        case 'M': of_family(f, "--main", optarg)->main = optarg; break;
        case 's': add_seed_file("--seed-summary", optarg, of_family(f, "--seed-summary", optarg)->summary, &f->n_summary); break;
        case 'O': add_seed_file("--seed-outcome", optarg, of_family(f, "--seed-outcome", optarg)->outcome, &f->n_outcome); break;
        case 'T': add_seed_file("--seed-short", optarg, of_family(f, "--seed-short", optarg)->shorts, &f->n_shorts); break;
        case 'c': p.collapse = nch_cli_positive("--collapse-ratio", optarg); break;
        case 'g': p.good = nch_cli_positive("--good-loss", optarg); break;
        case 'm': p.scheme = optarg; break;
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
    for (size_t k = 0; k < p.n_family; k++) {
        const family *g = &p.fam[k];
        if (!g->shortf || !g->main || !g->n_summary || g->n_outcome != g->n_summary || g->n_shorts != g->n_summary)
            nch_die(NCH_EXIT_USAGE, "--family %s: needs --short, --main and one --seed-summary, --seed-outcome and "
                    "--seed-short per seed", g->name);
    }
    if (!p.n_family || !(p.collapse > 0) || !(p.good > 0) ||
        !p.scheme || !p.n_long || !(p.h > 0) || p.dvi_steps < 1 || p.every < 1 || p.windows < 1 ||
        !(p.exact_h > 0) || !(p.period_max > 0) || !p.outdir)
        usage(NULL);
    for (size_t k = 0; k < p.n_long; k++) nch_fig_check_start("--ic", p.ic[k]);
    return p;
}

/* A table file of `cols` numeric columns (nch_tsv_read), dying on failure. */
static double *read_table(const char *path, int cols, size_t *n, size_t **lines)
{
    double *rows;
    if (nch_tsv_read(path, cols, &rows, n, lines)) nch_exit(NCH_EXIT_INPUT);
    return rows;
}

static double lookup(const char *path, const char *key)
{
    double v;
    if (nch_tsv_lookup(path, key, &v)) nch_exit(NCH_EXIT_INPUT);
    return v;
}

/* The median at the step closest to h of scheme s in a short_error table. */
static double median_at(const char *path, const double *rows, size_t n, int s, double h)
{
    double best = NAN, dist = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (rows[i * SHORT_COLS] == s && fabs(rows[i * SHORT_COLS + 1] - h) < dist)
            dist = fabs(rows[i * SHORT_COLS + 1] - h), best = rows[i * SHORT_COLS + 2];
    if (isinf(dist)) nch_die(NCH_EXIT_INPUT, "%s: no row of scheme %d", path, s);
    return best;
}

static double *read_short(const char *path, size_t *n)
{
    size_t *lines;
    double *rows = read_table(path, SHORT_COLS, n, &lines);
    for (size_t i = 0; i < *n; i++) {
        const double *r = rows + i * SHORT_COLS;
        if ((r[0] != 0 && r[0] != 1) || !(r[1] > 0) || !(r[5] >= 0 && r[5] <= r[6]) || !(r[6] >= 1))
            nch_die(NCH_EXIT_INPUT, "%s:%zu: not a short_error row (scheme %g, h %g, stopped %g of %g)", path, lines[i],
                    r[0], r[1], r[5], r[6]);
    }
    free(lines);
    return rows;
}

/* One family's seeds: their numbers, rows of seeds.tsv and short medians. */
typedef struct {
    size_t n;
    double seed[MAX_SEEDS], short_med[MAX_SEEDS][2];
} family_seeds;

static void seed_study(const params *p, size_t f, FILE *table, FILE *numbers, family_seeds *fs)
{
    char key[160];
    const family *F = &p->fam[f];
    const char *main_tsv = F->main;
    size_t n, *lines;
    double *mains = read_table(main_tsv, MAIN_COLS, &n, &lines);
    if (n != F->n_summary)
        nch_die(NCH_EXIT_INPUT, "%s: %zu seeds, but %zu given after --family %s", main_tsv, n, F->n_summary, F->name);
    fs->n = n;
    size_t collapsed = 0, good = 0, runs = 0, completed = 0;
    double best_lo = INFINITY, best_hi = -INFINITY, init_lo = INFINITY, init_hi = -INFINITY, main_seed = NAN;
    for (size_t k = 0; k < n; k++) {
        const double seed = mains[k * MAIN_COLS], is_main = mains[k * MAIN_COLS + 2];
        if (seed != floor(seed) || seed < 0 || seed > 0x1p53 || (is_main != 0 && is_main != 1))
            nch_die(NCH_EXIT_INPUT, "%s:%zu: not a seed row (%g %g)", main_tsv, lines[k], seed, is_main);
        if (is_main) main_seed = seed;
        fs->seed[k] = seed;
        const char *path = F->summary[k];
        const double init = lookup(path, "initial_test_tot"), s1 = lookup(path, "stage1_best_test_tot"),
                     best = lookup(path, "best_test_tot");
        /* The regulariser term the family's loss tracks: DVI log10 cond J, else r. */
        double v, reg = nch_tsv_lookup(path, "best_test_reg", &v) == NCH_OK ? v : lookup(path, "best_test_abs_reg");
        const int is_collapsed = s1 > p->collapse * init;
        collapsed += is_collapsed;
        good += best <= p->good;
        best_lo = fmin(best_lo, best);
        best_hi = fmax(best_hi, best);
        init_lo = fmin(init_lo, init);
        init_hi = fmax(init_hi, init);

        path = F->outcome[k];
        size_t n_run, *run_lines;
        double *o = read_table(path, OUTCOME_COLS, &n_run, &run_lines);
        long done = 0, newton = 0, domain = 0;
        double max_err = NAN;
        for (size_t r = 0; r < n_run; r++) {
            const double *row = o + r * OUTCOME_COLS;
            if (row[7] == 0) {
                done++;
                max_err = isnan(max_err) ? row[6] : fmax(max_err, row[6]);
            } else if (row[7] == NCH_EDOM) domain++;
            else newton++; /* a Newton failure (or a non-finite iterate) */
        }
        runs += n_run;
        completed += (size_t)done;
        free(o);
        free(run_lines);

        path = F->shorts[k];
        size_t n_short;
        double *sh = read_short(path, &n_short);
        for (int s = 0; s < 2; s++) fs->short_med[k][s] = median_at(path, sh, n_short, s, p->h);
        free(sh);

        fprintf(table, "%zu\t%.0f\t%.0f", f, seed, is_main);
        const double cols[] = {init, s1, is_collapsed, best, reg, (double)done, (double)newton, (double)domain,
                               max_err, fs->short_med[k][0], fs->short_med[k][1]};
        for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) nch_tsv_double(table, cols[c], 0);
        fputc('\n', table);
    }
    free(mains);
    free(lines);
    if (isnan(main_seed)) nch_die(NCH_EXIT_INPUT, "%s: no main seed", main_tsv);

    const struct { const char *name; double v; } nums[] = {
        {"n", (double)n}, {"main_seed", main_seed}, {"collapsed", (double)collapsed}, {"good", (double)good},
        {"initial_min", init_lo}, {"initial_max", init_hi}, {"best_min", best_lo}, {"best_max", best_hi}, {"dvi_runs", (double)runs}, {"dvi_completed", (double)completed}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        snprintf(key, sizeof key, "scheme_learning_seeds_%s_%s", F->name, nums[i].name);
        nch_tsv_number(numbers, key, nums[i].v);
    }
    for (int s = 0; s < 2; s++) {
        double v[MAX_SEEDS];
        for (size_t k = 0; k < n; k++) v[k] = fs->short_med[k][s];
        const struct { const char *name; double q; } qs[] = {{"min", 0}, {"median", 0.5}, {"max", 1}};
        for (size_t i = 0; i < 3; i++) {
            const double x = nch_fig_quantile(v, n, qs[i].q);
            snprintf(key, sizeof key, "scheme_learning_seeds_%s_%s_at_h_%s", F->name, s ? "rk4" : "dvi", qs[i].name);
            nch_tsv_number(numbers, key, isinf(x) ? NAN : x);
        }
    }
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_model ref;
    nch_lv_model(&ref);
    nch_learnt sch;
    if (nch_learnt_load(&sch, p.scheme)) nch_exit(NCH_EXIT_INPUT);
    nch_model bounded = sch.model;
    nch_lv_energy_domain(&bounded);

    nch_ofile numbers;
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");
    char key[160];

    /* Short time: the main models' studies, concatenated for the figure. */
    nch_ofile f_short;
    nch_fig_open(&f_short, p.outdir, "short.tsv", "max error over [0, tf] vs the reference model's exact solution",
                 "model scheme h median q_lo q_hi stopped");
    double n_ic = NAN;
    for (size_t f = 0; f < p.n_family; f++) {
        size_t n;
        double *rows = read_short(p.fam[f].shortf, &n);
        for (int s = 0; s < 2; s++) {
            double best = INFINITY, best_h = NAN;
            for (size_t i = 0; i < n; i++) {
                const double *r = rows + i * SHORT_COLS;
                if (r[0] != s) continue;
                fprintf(f_short.fp, "%zu\t%d", f, s);
                for (int c = 1; c < 6; c++) nch_tsv_double(f_short.fp, r[c], 0);
                fputc('\n', f_short.fp);
                if (r[2] < best) best = r[2], best_h = r[1];
                if (isnan(n_ic)) n_ic = r[6];
                else if (r[6] != n_ic)
                    nch_die(NCH_EXIT_INPUT, "%s: %g runs per step, not %g as in %s", p.fam[f].shortf, r[6], n_ic, p.fam[0].shortf);
            }
            fputs("\n\n", f_short.fp);
            snprintf(key, sizeof key, "scheme_learning_%s_%s_median_at_h", p.fam[f].name, s ? "rk4" : "dvi");
            nch_tsv_number(numbers.fp, key, median_at(p.fam[f].shortf, rows, n, s, p.h));
            snprintf(key, sizeof key, "scheme_learning_%s_%s_best_h", p.fam[f].name, s ? "rk4" : "dvi");
            nch_tsv_number(numbers.fp, key, best_h);
        }
        free(rows);
    }
    nch_tsv_number(numbers.fp, "scheme_learning_n_ic", n_ic);

    /* The seed study, and which family is the most accurate at H per seed. */
    nch_ofile f_seeds;
    nch_fig_open(&f_seeds, p.outdir, "seeds.tsv", "seed study of the main models' families",
                 "family seed main initial_test stage1_best collapsed best_test best_reg completed newton domain "
                 "max_err short_dvi short_rk4");
    family_seeds fs[MAX_FAMILIES];
    for (size_t f = 0; f < p.n_family; f++) seed_study(&p, f, f_seeds.fp, numbers.fp, &fs[f]);
    for (int s = 0; s < 2; s++) {
        size_t wins[MAX_FAMILIES] = {0};
        for (size_t k = 0; k < fs[0].n; k++) {
            size_t arg = 0;
            for (size_t f = 0; f < p.n_family; f++) {
                if (fs[f].n != fs[0].n || fs[f].seed[k] != fs[0].seed[k])
                    nch_die(NCH_EXIT_INPUT, "--family %s: other seeds than --family %s", p.fam[f].name, p.fam[0].name);
                if (fs[f].short_med[k][s] < fs[arg].short_med[k][s]) arg = f;
            }
            wins[arg]++;
        }
        for (size_t f = 0; f < p.n_family; f++) {
            snprintf(key, sizeof key, "scheme_learning_seeds_%s_%s_most_accurate", p.fam[f].name, s ? "rk4" : "dvi");
            nch_tsv_number(numbers.fp, key, (double)wins[f]);
        }
    }

    /* Long time: the scheme model's DVI over its own exact orbit. */
    double *zl = nch_xalloc((size_t)p.dvi_steps + 1, 2, sizeof(double), "--dvi-steps");
    long n_exact = nch_cli_count("--period-max / --exact-h", p.period_max / p.exact_h, 0);
    double *ze = nch_xalloc((size_t)n_exact + 1, 2, sizeof(double), "--period-max / --exact-h");
    nch_ofile f_long;
    nch_fig_open(&f_long, p.outdir, "long_dvi.tsv", p.scheme, "ic t x y rel_err_H");
    nch_ofile f_envelope;
    nch_fig_open(&f_envelope, p.outdir, "long_envelope.tsv", p.scheme, "ic t min_rel_err_H max_rel_err_H");
    nch_ofile f_stop;
    nch_fig_open(&f_stop, p.outdir, "long_stop.tsv", p.scheme, "ic t x y rel_err_H");
    nch_ofile f_mex;
    nch_fig_open(&f_mex, p.outdir, "model_exact.tsv", p.scheme, "ic t x y rel_err_H");
    nch_ofile f_rex;
    nch_fig_open(&f_rex, p.outdir, "ref_exact.tsv", "reference model", "ic t x y rel_err_H");
    long survived = 0;
    double worst = 0;
    for (size_t k = 0; k < p.n_long; k++) {
        nch_run_report rep;
        int rc = nch_run(&bounded, NCH_SCHEME_DVI, p.h, p.dvi_steps, p.ic[k], 1, zl, &rep);
        if (rc) {
            nch_error("%s: DVI from (%g, %g) stops at step %ld: %s", p.scheme, p.ic[k][0], p.ic[k][1], rep.fail_step,
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
            if (rc) nch_error("%s: exact solution from (%g, %g) stops at t = %g", e ? "reference" : p.scheme,
                              p.ic[k][0], p.ic[k][1], (double)rep.rows * p.exact_h);
            size_t period = nch_period_index(ze, rep.rows, 2);
            nch_traj_write((e ? f_rex : f_mex).fp, ze, period ? period : rep.rows, 1, p.exact_h, (int)k);
            fputs("\n\n", (e ? f_rex : f_mex).fp);
        }
    }
    nch_tsv_number(numbers.fp, "scheme_learning_long_survivors", (double)survived);
    nch_tsv_number(numbers.fp, "scheme_learning_long_max_abs_rel_err", worst);
    nch_ofile *all[] = {&f_short, &f_seeds, &f_long, &f_envelope, &f_stop, &f_mex, &f_rex, &numbers};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) nch_ofile_xcommit(all[i]);
    nch_learnt_free(&sch);
    free(zl);
    free(ze);
    return 0;
}
