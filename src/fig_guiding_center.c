/* fig_guiding_center — data of the figure `guiding_center`: the four study
 * orbits of the tokamak guiding centre (barely passing, barely trapped, well
 * trapped, deeply trapped) by the Euler DVI and RK4 at the learning step for
 * the reference model and each learnt one (bin/gc_run, one step per model
 * and scheme), over the exact one-period orbit of the reference (spec
 * gc-mcp.md §3.5).
 *
 *   fig_guiding_center --run TAG=FILE [--run ...] --exact-h HE
 *                      --exact-steps NE --exact-every KE --outdir DIR
 *
 * Each FILE is a gc_run *_outcome.tsv; all must be from the same ICs, step
 * and number of steps (the first one's).  TAG (lower_snake_case) names the
 * run in the keys.
 * DIR/exact.tsv    one period of the reference model's exact solution from
 *                  each IC (rk8pd on the grid HE, at most NE steps, cut at
 *                  the first return in (R, Z), nch_period_index), every
 *                  KE-th step and the closing one:
 *                  ic step t theta phi r u R Z
 * DIR/classes.tsv  one row per run and IC: run ic steps stop
 *                  max_abs_rel_err trapped exact_trapped kept (run: the
 *                  index of --run; kept: 1 if the run completed and is
 *                  trapped exactly when the exact orbit is)
 * DIR/numbers.tsv  per run the orbits completed, the largest |relative
 *                  energy error| over the steps made, the orbits whose
 *                  class is kept; per IC the exact period; the number of
 *                  exact orbits that are trapped.
 * Exit status: 0; 1 bad input (an unreadable or malformed outcome file,
 * runs that disagree); 2 usage; 3 an exact orbit that fails or does not
 * close within NE steps. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_gc.h"
#include "nch_numenv.h"
#include "nch_ode.h"
#include "nch_run.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_RUNS = 16, MAX_IC = 8, DIM = 4, OUTCOME_COLS = 11, TAG_MAX = 40 };

typedef struct {
    size_t n_run;
    char tag[MAX_RUNS][TAG_MAX + 1];
    const char *file[MAX_RUNS], *outdir;
    double exact_h;
    long exact_steps, exact_every;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--run TAG=FILE [--run ...] --exact-h HE --exact-steps NE --exact-every KE --outdir DIR");
}

/* TAG=FILE, TAG of [a-z0-9_] (it becomes part of a key). */
static void add_run(params *p, const char *arg)
{
    if (p->n_run == MAX_RUNS) nch_die(NCH_EXIT_USAGE, "--run: more than %d runs", MAX_RUNS);
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!n || n > TAG_MAX || strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_") != n || !eq[1])
        nch_die(NCH_EXIT_USAGE, "--run: expected TAG=FILE, TAG of at most %d characters a-z, 0-9, _ (%s)", TAG_MAX,
                arg);
    memcpy(p->tag[p->n_run], arg, n);
    p->tag[p->n_run][n] = 0;
    /* A tag names its keys in numbers.tsv: twice would give a key twice. */
    for (size_t j = 0; j < p->n_run; j++)
        if (!strcmp(p->tag[j], p->tag[p->n_run]))
            nch_die(NCH_EXIT_USAGE, "--run: tag %s given twice (%s)", p->tag[j], arg);
    p->file[p->n_run++] = eq + 1;
}

static params parse(int argc, char **argv)
{
    params p = {.exact_steps = -1, .exact_every = -1};
    static const struct option opts[] = {
        {"run", required_argument, 0, 'r'},         {"exact-h", required_argument, 0, 'h'},
        {"exact-steps", required_argument, 0, 'n'}, {"exact-every", required_argument, 0, 'e'},
        {"outdir", required_argument, 0, 'o'},      {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'r': add_run(&p, optarg); break;
        case 'h': p.exact_h = nch_cli_positive("--exact-h", optarg); break;
        case 'n': p.exact_steps = nch_cli_long("--exact-steps", optarg, 2); break;
        case 'e': p.exact_every = nch_cli_long("--exact-every", optarg, 1); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.n_run || !(p.exact_h > 0) || p.exact_steps < 2 || p.exact_every < 1 || !p.outdir) usage(NULL);
    return p;
}

/* One run's outcomes from gc_run, with the file line of each row. */
typedef struct {
    size_t n_ic, line[MAX_IC];
    double ic[MAX_IC][DIM], h, max_err[MAX_IC];
    long steps_asked, steps[MAX_IC];
    int trapped[MAX_IC], stop[MAX_IC];
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
        /* Checked before the counts are converted: beyond a long the cast is undefined. */
        if (r[0] != (double)k || !(r[5] > 0) || !(r[6] >= 1 && r[6] < 0x1p63) || r[6] != floor(r[6]) ||
            !(r[7] >= 0 && r[7] <= r[6]) || r[7] != floor(r[7]) || !(r[8] >= 0) || (r[9] != 0 && r[9] != 1) ||
            !(r[10] >= 0 && r[10] < 100) || r[10] != floor(r[10]) || (r[10] == 0) != (r[7] == r[6]))
            nch_die(NCH_EXIT_INPUT, "%s:%zu: not a gc_run outcome row (ic %g, steps %g of %g, error %g)", path,
                    lines[k], r[0], r[7], r[6], r[8]);
        memcpy(o->ic[k], r + 1, sizeof o->ic[k]);
        o->h = r[5];
        o->steps_asked = (long)r[6];
        o->steps[k] = (long)r[7];
        o->max_err[k] = r[8];
        o->trapped[k] = (int)r[9];
        o->stop[k] = (int)r[10];
        o->line[k] = lines[k];
        if (k && (r[5] != rows[5] || r[6] != rows[6]))
            nch_die(NCH_EXIT_INPUT, "%s:%zu: step or steps differ from the first row's", path, lines[k]);
    }
    free(rows);
    free(lines);
}

/* Every run must answer the question of the first. */
static void check_same_runs(const outcome *a, const char *path_a, const outcome *b, const char *path_b)
{
    if (b->n_ic != a->n_ic)
        nch_die(NCH_EXIT_INPUT, "%s: %zu ICs, %s has %zu", path_b, b->n_ic, path_a, a->n_ic);
    for (size_t k = 0; k < a->n_ic; k++)
        if (memcmp(a->ic[k], b->ic[k], sizeof a->ic[k]) || a->h != b->h || a->steps_asked != b->steps_asked)
            nch_die(NCH_EXIT_INPUT, "%s:%zu: other IC, step or number of steps than %s:%zu", path_b, b->line[k],
                    path_a, a->line[k]);
}

/* Row i of the exact orbit of IC ic: "ic step t theta phi r u R Z". */
static void write_exact_row(FILE *fp, size_t ic, const double *z, size_t i, double h)
{
    const double *zi = z + DIM * i;
    fprintf(fp, "%zu\t%zu", ic, i);
    nch_tsv_double(fp, (double)i * h, 0);
    for (int c = 0; c < DIM; c++) nch_tsv_double(fp, zi[c], 0);
    double R, Z;
    nch_gc_poloidal(zi, &R, &Z);
    nch_tsv_double(fp, R, 0);
    nch_tsv_double(fp, Z, 0);
    fputc('\n', fp);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    outcome *o = nch_xalloc(p.n_run, 1, sizeof *o, "--run");
    for (size_t j = 0; j < p.n_run; j++) {
        read_outcome(p.file[j], &o[j]);
        if (j) check_same_runs(&o[0], p.file[0], &o[j], p.file[j]);
    }
    nch_gc_rule rule;
    nch_model gc;
    if (nch_gc_model(&gc, &rule)) nch_die(NCH_EXIT_INPUT, "cannot set up the reference model: %s",
                                          nch_strerror(NCH_ENOMEM));
    for (size_t k = 0; k < o[0].n_ic; k++)
        if (nch_model_check_domain(&gc, o[0].ic[k]))
            nch_die(NCH_EXIT_INPUT,
                    "%s:%zu: IC outside the domain (0 < r < 1, finite angles and u): theta0 %g, phi0 %g, r0 %g, "
                    "u0 %g",
                    p.file[0], o[0].line[k], o[0].ic[k][0], o[0].ic[k][1], o[0].ic[k][2], o[0].ic[k][3]);

    char key[128];
    nch_ofile f_exact, f_classes, numbers;
    nch_fig_open(&f_exact, p.outdir, "exact.tsv", "reference guiding centre, one exact period per IC",
                 "ic step t theta phi r u R Z");
    nch_tsv_param(f_exact.fp, "solver", "rk8pd, rtol %g, atol %g, output every %.17g", NCH_ODE_RTOL,
                  NCH_ODE_ATOL, p.exact_h);
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");

    /* The exact orbits: every fine step for the period and the class, every
     * KE-th in the file. */
    size_t rows_max = (size_t)p.exact_steps + 1;
    double *z = nch_xalloc(rows_max, DIM, sizeof(double), "--exact-steps");
    double *rz = nch_xalloc(rows_max, 2, sizeof(double), "--exact-steps");
    int exact_trapped[MAX_IC], n_trapped = 0;
    for (size_t k = 0; k < o[0].n_ic; k++) {
        nch_run_report rep;
        if (nch_run(&gc, NCH_SCHEME_EXACT, p.exact_h, p.exact_steps, o[0].ic[k], 1, z, &rep))
            nch_die(NCH_EXIT_FAILED_RUN, "the exact orbit from u0 = %g failed at step %ld: %s", o[0].ic[k][3],
                    rep.fail_step, nch_strerror(rep.status));
        for (size_t i = 0; i < rep.rows; i++) nch_gc_poloidal(z + DIM * i, &rz[2 * i], &rz[2 * i + 1]);
        size_t period_rows = nch_period_index(rz, rep.rows, 2);
        if (!period_rows)
            nch_die(NCH_EXIT_FAILED_RUN, "the exact orbit from u0 = %g does not close within %ld steps of %g",
                    o[0].ic[k][3], p.exact_steps, p.exact_h);
        double u_min = z[3], u_max = z[3];
        for (size_t i = 0; i < period_rows; i++) {
            u_min = fmin(u_min, z[DIM * i + 3]);
            u_max = fmax(u_max, z[DIM * i + 3]);
            if (i % (size_t)p.exact_every == 0 || i == period_rows - 1)
                write_exact_row(f_exact.fp, k, z, i, p.exact_h);
        }
        fputs("\n\n", f_exact.fp);
        exact_trapped[k] = u_min < 0 && u_max > 0;
        snprintf(key, sizeof key, "guiding_center_ic%zu_period", k);
        nch_tsv_number(numbers.fp, key, (double)(period_rows - 1) * p.exact_h);
        n_trapped += exact_trapped[k];
    }
    nch_tsv_number(numbers.fp, "guiding_center_exact_trapped", n_trapped);

    nch_fig_open(&f_classes, p.outdir, "classes.tsv", "trapped or passing, each run against the exact orbit",
                 "run ic steps stop max_abs_rel_err trapped exact_trapped kept");
    for (size_t j = 0; j < p.n_run; j++) nch_tsv_param(f_classes.fp, "run", "%zu %s %s", j, p.tag[j], p.file[j]);
    for (size_t j = 0; j < p.n_run; j++) {
        long completed = 0, kept = 0;
        double worst = 0;
        for (size_t k = 0; k < o[j].n_ic; k++) {
            int done = o[j].steps[k] == o[j].steps_asked, same = done && o[j].trapped[k] == exact_trapped[k];
            completed += done;
            kept += same;
            worst = fmax(worst, o[j].max_err[k]);
            fprintf(f_classes.fp, "%zu\t%zu\t%ld\t%d", j, k, o[j].steps[k], o[j].stop[k]);
            nch_tsv_double(f_classes.fp, o[j].max_err[k], 0);
            fprintf(f_classes.fp, "\t%d\t%d\t%d\n", o[j].trapped[k], exact_trapped[k], same);
        }
        snprintf(key, sizeof key, "guiding_center_%s_completed", p.tag[j]);
        nch_tsv_number(numbers.fp, key, (double)completed);
        snprintf(key, sizeof key, "guiding_center_%s_max_abs_rel_err", p.tag[j]);
        nch_tsv_number(numbers.fp, key, worst);
        snprintf(key, sizeof key, "guiding_center_%s_class_kept", p.tag[j]);
        nch_tsv_number(numbers.fp, key, (double)kept);
    }
    nch_ofile_xcommit(&f_exact);
    nch_ofile_xcommit(&f_classes);
    nch_ofile_xcommit(&numbers);
    free(o);
    free(z);
    free(rz);
    return 0;
}
