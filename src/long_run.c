/* long_run — one learnt model simulated over a long time by one scheme from
 * several ICs, a pipeline step of its own so that each model's runs start as
 * soon as it is trained (spec lotka-volterra.md §7.3, §7.5).
 *
 *   long_run --model FILE --scheme dvi|rk4 --ic X,Y [--ic ...] --h H
 *            --steps N --every K --out PREFIX
 *
 * PREFIX.tsv          every K-th step and the last (ic t x y rel_err_H)
 * PREFIX_stop.tsv     last state of each run that stopped
 * PREFIX_outcome.tsv  one row per IC: ic x0 y0 h steps_asked steps
 *                     max_abs_rel_err stop (steps < steps_asked: it stopped;
 *                     stop: 0 completed, else why, as an nch_status code:
 *                     NCH_ENOCONV Newton failure, NCH_EDOM left x, y > 0,
 *                     NCH_ENONFIN non-finite state)
 * A run stops at a Newton failure or when it leaves x, y > 0, where the
 * reference H of the energy error is undefined. */
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
#include <stdio.h>
#include <stdlib.h>

enum { MAX_IC = 8 };

typedef struct {
    const char *model, *out;
    nch_scheme_kind scheme;
    int have_scheme;
    size_t n_ic;
    double ic[MAX_IC][2], h;
    long steps, every;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--model FILE --scheme dvi|rk4 --ic X,Y [--ic ...] --h H --steps N --every K --out PREFIX");
}

static params parse(int argc, char **argv)
{
    params p = {.steps = -1, .every = -1};
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"scheme", required_argument, 0, 's'},
        {"ic", required_argument, 0, 'i'},    {"h", required_argument, 0, 'h'},
        {"steps", required_argument, 0, 'n'}, {"every", required_argument, 0, 'e'},
        {"out", required_argument, 0, 'o'},   {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'm': p.model = optarg; break;
        case 's':
            if (nch_scheme_parse(optarg, &p.scheme) ||
                (p.scheme != NCH_SCHEME_DVI && p.scheme != NCH_SCHEME_RK4))
                nch_die(NCH_EXIT_USAGE, "--scheme: dvi or rk4 (%s)", optarg);
            p.have_scheme = 1;
            break;
        case 'i': nch_fig_point("--ic", optarg, p.ic, &p.n_ic, MAX_IC); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'n': p.steps = nch_cli_long("--steps", optarg, 1); break;
        case 'e': p.every = nch_cli_long("--every", optarg, 1); break;
        case 'o': p.out = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.model || !p.have_scheme || !p.n_ic || !(p.h > 0) || p.steps < 1 || p.every < 1 || !p.out)
        usage(NULL);
    return p;
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_learnt m;
    if (nch_learnt_load(&m, p.model)) nch_exit(NCH_EXIT_INPUT);
    /* The runs are of Lotka-Volterra (X,Y starts, its energy): a model of
     * another d would read past the start points. */
    if (m.d != 1) nch_die(NCH_EXIT_INPUT, "%s: a model of d = %d, Lotka-Volterra has d = 1", p.model, m.d);
    nch_lv_energy_domain(&m.model);
    const char *scheme = nch_scheme_name(p.scheme);
    for (size_t k = 0; k < p.n_ic; k++) nch_fig_check_start("--ic", p.ic[k]);

    char what[64];
    snprintf(what, sizeof what, "--steps %ld", p.steps);
    double *z = nch_xalloc((size_t)p.steps + 1, 2, sizeof(double), what);
    nch_ofile traj, stop, outcome;
    nch_fig_open_prefixed(&traj, "--out", p.out, ".tsv", p.model, "ic t x y rel_err_H");
    nch_fig_open_prefixed(&stop, "--out", p.out, "_stop.tsv", p.model, "ic t x y rel_err_H");
    nch_fig_open_prefixed(&outcome, "--out", p.out, "_outcome.tsv", p.model,
                          "ic x0 y0 h steps_asked steps max_abs_rel_err stop");
    nch_tsv_param(outcome.fp, "scheme", "%s", scheme);
    nch_tsv_param(outcome.fp, "stop", "0 completed, %d Newton failure, %d non-finite state, %d left x, y > 0",
                  NCH_ENOCONV, NCH_ENONFIN, NCH_EDOM);
    for (size_t k = 0; k < p.n_ic; k++) {
        nch_run_report rep;
        int rc = nch_run(&m.model, p.scheme, p.h, p.steps, p.ic[k], 1, z, &rep);
        if (rc)
            nch_error("%s: %s from (%g, %g) stops at step %ld of %ld: %s", p.model, scheme, p.ic[k][0],
                      p.ic[k][1], rep.fail_step, p.steps, nch_strerror(rc));
        nch_traj_write(traj.fp, z, rep.rows, (size_t)p.every, p.h, (int)k);
        fputs("\n\n", traj.fp);
        if (rc) nch_traj_write_row(stop.fp, z, rep.rows - 1, p.h, (int)k);
        fprintf(outcome.fp, "%zu", k);
        nch_tsv_double(outcome.fp, p.ic[k][0], 0);
        nch_tsv_double(outcome.fp, p.ic[k][1], 0);
        nch_tsv_double(outcome.fp, p.h, 0);
        fprintf(outcome.fp, "\t%ld\t%zu", p.steps, rep.rows - 1);
        nch_tsv_double(outcome.fp, nch_traj_max_abs_rel_err(z, rep.rows), 0);
        fprintf(outcome.fp, "\t%d\n", rc);
    }
    nch_ofile_xcommit(&traj);
    nch_ofile_xcommit(&stop);
    nch_ofile_xcommit(&outcome);
    nch_learnt_free(&m);
    free(z);
    return 0;
}
