/* fig_dvi_failure — data of the figure `dvi_failure`: the Euler DVI at the
 * learning step on the reference model and on the unregularised learnt
 * model, and the controlled gauge experiment (spec lotka-volterra.md §7.2,
 * §7.3, §8, §9 b).
 *
 *   fig_dvi_failure --model FILE --val FILE --ic X,Y [--ic X,Y ...] --h H
 *                   --steps N --every K --show-steps S --gauge-z0 X,Y
 *                   --gauge-T T --gauge-h-ref H1,... --gauge-h-pert H1,...
 *                   --exact-h HE --period-max TP --outdir DIR
 *
 * DIR/ref_dvi.tsv    reference model, DVI, every K-th step (ic t x y rel_err_H)
 * DIR/ref_exact.tsv  one period of each reference orbit (found within TP)
 * DIR/nn_dvi.tsv     the learnt model's DVI, its first S steps (or up to
 *                    its failure) (ic t x y rel_err_H)
 * DIR/nn_fail.tsv    the last state before each failure (ic t x y)
 * DIR/gauge.tsv      one block per (gauge, h): DVI from the gauge IC over
 *                    [0, T] (up to a failure); the block order is
 *                    reference at each H of --gauge-h-ref, then perturbed
 * DIR/gauge_exact.tsv the reference orbit from the gauge IC, one period
 * DIR/numbers.tsv    steps survived and max |rel. H error| per run, and
 *                    the regulariser abs_reg of the reference gauge, the
 *                    perturbed gauge and the learnt model on the val set.
 * A run ends at a Newton failure or when the state leaves x, y > 0 (the
 * reference H is not defined there); what happened is printed to stderr. */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_loss.h"
#include "nch_lv.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_traj.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { MAX_IC = 8, MAX_H = 8 };

typedef struct {
    const char *model, *val, *outdir;
    double ic[MAX_IC][2], h, gauge_z0[2], gauge_T, h_ref[MAX_H], h_pert[MAX_H], exact_h, period_max;
    size_t n_ic, n_ref, n_pert;
    long steps, every, show;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--model FILE --val FILE --ic X,Y [--ic X,Y ...] --h H --steps N --every K "
                  "--show-steps S --gauge-z0 X,Y --gauge-T T --gauge-h-ref H1,... --gauge-h-pert "
                  "H1,... --exact-h HE --period-max TP --outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {.steps = -1, .every = -1, .show = -1};
    size_t ngz = 0;
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},      {"val", required_argument, 0, 'v'},
        {"ic", required_argument, 0, 'i'},         {"h", required_argument, 0, 'h'},
        {"steps", required_argument, 0, 'n'},      {"every", required_argument, 0, 'k'},
        {"show-steps", required_argument, 0, 's'}, {"gauge-z0", required_argument, 0, 'g'},
        {"gauge-T", required_argument, 0, 'T'},    {"gauge-h-ref", required_argument, 0, 'r'},
        {"gauge-h-pert", required_argument, 0, 'p'}, {"exact-h", required_argument, 0, 'e'},
        {"period-max", required_argument, 0, 'P'}, {"outdir", required_argument, 0, 'o'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'm': p.model = optarg; break;
        case 'v': p.val = optarg; break;
        case 'i': nch_fig_point("--ic", optarg, p.ic, &p.n_ic, MAX_IC); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'n': p.steps = nch_cli_long("--steps", optarg, 1); break;
        case 'k': p.every = nch_cli_long("--every", optarg, 1); break;
        case 's': p.show = nch_cli_long("--show-steps", optarg, 1); break;
        case 'g': ngz = nch_cli_list("--gauge-z0", optarg, p.gauge_z0, 2); break;
        case 'T': p.gauge_T = nch_cli_positive("--gauge-T", optarg); break;
        case 'r': p.n_ref = nch_cli_positive_list("--gauge-h-ref", optarg, p.h_ref, MAX_H); break;
        case 'p': p.n_pert = nch_cli_positive_list("--gauge-h-pert", optarg, p.h_pert, MAX_H); break;
        case 'e': p.exact_h = nch_cli_positive("--exact-h", optarg); break;
        case 'P': p.period_max = nch_cli_positive("--period-max", optarg); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.model || !p.val || !p.n_ic || !(p.h > 0) || p.steps < 1 || p.every < 1 || p.show < 1 || ngz != 2 ||
        !(p.gauge_T > 0) || !p.n_ref || !p.n_pert || !(p.exact_h > 0) || !(p.period_max > 0) || !p.outdir)
        usage(NULL);
    for (size_t j = 0; j < p.n_ref; j++) nch_cli_steps("--gauge-h-ref", p.gauge_T, p.h_ref[j]);
    for (size_t j = 0; j < p.n_pert; j++) nch_cli_steps("--gauge-h-pert", p.gauge_T, p.h_pert[j]);
    for (size_t k = 0; k < p.n_ic; k++) nch_fig_check_start("--ic", p.ic[k]);
    nch_fig_check_start("--gauge-z0", p.gauge_z0);
    return p;
}

/* A DVI (or other) run stored in full in a buffer of every run's size;
 * rows = states reached. */
typedef struct {
    double *z;
    size_t rows;
    nch_run_report rep;
} run;

static run simulate(const nch_model *m, nch_scheme_kind kind, double h, long n, const double *z0, const char *what,
                    double *buf)
{
    run r = {buf, 0, {0}};
    int rc = nch_run(m, kind, h, n, z0, 1, r.z, &r.rep);
    r.rows = r.rep.rows;
    if (rc)
        nch_error("%s: %s from (%g, %g), h = %g, stops at step %ld of %ld (t = %g): %s", what, nch_scheme_name(kind),
                  z0[0], z0[1], h, r.rep.fail_step, n, (double)r.rep.fail_step * h, nch_strerror(rc));
    return r;
}

static void number(FILE *fp, const char *fmt, const char *name, double value)
{
    char key[128];
    snprintf(key, sizeof key, fmt, name);
    nch_tsv_number(fp, key, value);
}

/* "0.0078125" → "0p0078125" for keys. */
static const char *tag(double h)
{
    static char buf[32];
    snprintf(buf, sizeof buf, "%g", h);
    for (char *c = buf; *c; c++)
        if (*c == '.') *c = 'p';
    return buf;
}

/* The regulariser values' loss: VF_REG, GramMSNorm, unit weights. */
static const nch_loss_config reg_cfg = {NCH_LOSS_VF_REG, 1, 1, 1, 0, NCH_NORM_GRAM, 0, 0};

/* abs_reg (unweighted Gram-whitened mean square of r) of a model on a VF set. */
static double abs_reg(const nch_model *m, const nch_dataset *val)
{
    double terms[NCH_LOSS_NTERMS_MAX];
    int rc = nch_loss_values(&reg_cfg, m, val->n, val->samples, terms);
    if (rc) nch_die(NCH_EXIT_FAILED_RUN, "%s: regulariser of model %s: %s", val->path, m->name, nch_strerror(rc));
    return terms[3];
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_model ref, pert;
    nch_lv_model(&ref);
    nch_lv_perturbed_model(&pert);
    nch_learnt nn;
    if (nch_learnt_load(&nn, p.model)) nch_exit(NCH_EXIT_INPUT);
    /* The learnt model is defined everywhere; its runs stop where the
     * reference energy stops being defined, as the reference model's do. */
    nch_lv_energy_domain(&nn.model);
    nch_dataset val;
    if (nch_dataset_read_vf(p.val, 1, &val) || nch_dataset_check_domain(&val, &ref) ||
        nch_loss_check_set(&reg_cfg, &val))
        nch_exit(NCH_EXIT_INPUT);
    /* The regulariser values first: a failure there stops the program
     * before any run is reported. */
    const double reg_ref = abs_reg(&ref, &val), reg_pert = abs_reg(&pert, &val), reg_nn = abs_reg(&nn.model, &val);

    const long n_exact = nch_cli_count("--period-max / --exact-h", p.period_max / p.exact_h, 0);
    /* One buffer for every run, allocated before any: a size that does not
     * fit fails before a run is reported. */
    long n_max = p.steps > n_exact ? p.steps : n_exact;
    for (size_t j = 0; j < p.n_ref + p.n_pert; j++) {
        long n = nch_cli_steps("--gauge-T", p.gauge_T, j < p.n_ref ? p.h_ref[j] : p.h_pert[j - p.n_ref]);
        if (n > n_max) n_max = n;
    }
    double *buf = nch_xalloc((size_t)n_max + 1, 2, sizeof(double), "--steps, --period-max / --exact-h, --gauge-T");

    nch_ofile numbers;
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");
    nch_ofile f_ref;
    nch_fig_open(&f_ref, p.outdir, "ref_dvi.tsv", "reference model, Euler DVI", "ic t x y rel_err_H");
    nch_ofile f_exact;
    nch_fig_open(&f_exact, p.outdir, "ref_exact.tsv", "reference model, one period", "ic t x y rel_err_H");
    nch_ofile f_nn;
    nch_fig_open(&f_nn, p.outdir, "nn_dvi.tsv", "learnt model, Euler DVI, first steps", "ic t x y rel_err_H");
    nch_ofile f_fail;
    nch_fig_open(&f_fail, p.outdir, "nn_fail.tsv", "learnt model, last state before a failure", "ic t x y rel_err_H");
    long survivors = 0;
    double ref_worst = 0, nn_min_steps = INFINITY;
    for (size_t k = 0; k < p.n_ic; k++) {
        char name[32];
        snprintf(name, sizeof name, "ic%zu", k);
        run r = simulate(&ref, NCH_SCHEME_DVI, p.h, p.steps, p.ic[k], "reference", buf);
        nch_traj_write(f_ref.fp, r.z, r.rows, (size_t)p.every, p.h, (int)k);
        fputs("\n\n", f_ref.fp);
        number(numbers.fp, "dvi_failure_ref_%s_steps", name, (double)r.rows - 1);
        double e_ref = nch_traj_max_abs_rel_err(r.z, r.rows);
        ref_worst = fmax(ref_worst, e_ref);
        number(numbers.fp, "dvi_failure_ref_%s_max_abs_rel_err", name, e_ref);

        run e = simulate(&ref, NCH_SCHEME_EXACT, p.exact_h, n_exact, p.ic[k], "reference", buf);
        size_t period = nch_period_index(e.z, e.rows, 2);
        nch_traj_write(f_exact.fp, e.z, period ? period : e.rows, 1, p.exact_h, (int)k);
        fputs("\n\n", f_exact.fp);

        run n = simulate(&nn.model, NCH_SCHEME_DVI, p.h, p.steps, p.ic[k], p.model, buf);
        size_t shown = n.rows < (size_t)p.show + 1 ? n.rows : (size_t)p.show + 1;
        nch_traj_write(f_nn.fp, n.z, shown, 1, p.h, (int)k);
        fputs("\n\n", f_nn.fp);
        if (n.rep.status) nch_traj_write_row(f_fail.fp, n.z, n.rows - 1, p.h, (int)k);
        else survivors++;
        number(numbers.fp, "dvi_failure_nn_%s_steps", name, (double)n.rows - 1);
        nn_min_steps = fmin(nn_min_steps, (double)n.rows - 1);
        number(numbers.fp, "dvi_failure_nn_%s_max_abs_rel_err", name, nch_traj_max_abs_rel_err(n.z, n.rows));
    }
    nch_tsv_number(numbers.fp, "dvi_failure_nn_survivors", (double)survivors);
    nch_tsv_number(numbers.fp, "dvi_failure_nn_min_steps", nn_min_steps);
    nch_tsv_number(numbers.fp, "dvi_failure_ref_max_abs_rel_err", ref_worst);
    nch_tsv_number(numbers.fp, "dvi_failure_ics", (double)p.n_ic);

    /* The controlled experiment: one model, two gauges. */
    nch_ofile f_gauge;
    nch_fig_open(&f_gauge, p.outdir, "gauge.tsv", "Euler DVI from the gauge IC: reference gauge, then perturbed",
                 "t x y rel_err_H");
    for (size_t g = 0; g < 2; g++) {
        const double *hs = g ? p.h_pert : p.h_ref;
        for (size_t j = 0; j < (g ? p.n_pert : p.n_ref); j++) {
            long n = nch_cli_steps(g ? "--gauge-h-pert" : "--gauge-h-ref", p.gauge_T, hs[j]);
            run r = simulate(g ? &pert : &ref, NCH_SCHEME_DVI, hs[j], n, p.gauge_z0,
                             g ? "perturbed gauge" : "reference gauge", buf);
            fprintf(f_gauge.fp, "# %s gauge, h = %.17g, %s\n", g ? "perturbed" : "reference", hs[j],
                    r.rep.status ? "failed" : "ran");
            nch_traj_write(f_gauge.fp, r.z, r.rows, 1, hs[j], -1);
            fputs("\n\n", f_gauge.fp);
            char key[96];
            snprintf(key, sizeof key, "dvi_failure_gauge_%s_h%s_steps", g ? "pert" : "ref", tag(hs[j]));
            nch_tsv_number(numbers.fp, key, (double)r.rows - 1);
            snprintf(key, sizeof key, "dvi_failure_gauge_%s_h%s_max_abs_rel_err", g ? "pert" : "ref", tag(hs[j]));
            nch_tsv_number(numbers.fp, key, nch_traj_max_abs_rel_err(r.z, r.rows));
        }
    }
    nch_ofile f_gexact;
    nch_fig_open(&f_gexact, p.outdir, "gauge_exact.tsv", "reference orbit from the gauge IC, one period", "t x y rel_err_H");
    run e = simulate(&ref, NCH_SCHEME_EXACT, p.exact_h, n_exact, p.gauge_z0, "reference", buf);
    size_t period = nch_period_index(e.z, e.rows, 2);
    nch_traj_write(f_gexact.fp, e.z, period ? period : e.rows, 1, p.exact_h, -1);
    free(buf);

    nch_tsv_number(numbers.fp, "dvi_failure_abs_reg_ref", reg_ref);
    nch_tsv_number(numbers.fp, "dvi_failure_abs_reg_pert", reg_pert);
    nch_tsv_number(numbers.fp, "dvi_failure_abs_reg_nn", reg_nn);

    nch_ofile *all[] = {&f_ref, &f_exact, &f_nn, &f_fail, &f_gauge, &f_gexact, &numbers};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) nch_ofile_xcommit(all[i]);
    nch_learnt_free(&nn);
    nch_dataset_free(&val);
    return 0;
}
