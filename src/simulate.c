/* simulate — one trajectory of any model of one of the study's three
 * systems with any scheme.
 *
 *   simulate [--system lv|mcp|gc] --model NAME|FILE --scheme euler|rk4|midpoint|dvi|exact
 *            --h H --steps N --z0 Z1,...,Z2d [--every K] [-o FILE]
 *
 * --system (default lv) picks the reference system: lv Lotka–Volterra
 * (nch_lv.h, d = 1, models lv and lv-perturbed), mcp the massless charged
 * particle (nch_mcp.h, d = 1, model mcp), gc the tokamak guiding centre
 * (nch_gc.h, d = 2, model gc).  Any other --model is a learnt model's FILE
 * (nch_learnt.h) of the system's d; a reference model's name of another
 * system is a usage error (a file of that name is ./NAME).
 * Writes TSV "# t" then the 2d state columns (lv, mcp: x y; gc: theta phi r
 * u) then "H rel_err_H", one row per kept step (0, K, 2K, …): H the system's
 * reference Hamiltonian, also along a learnt model, and rel_err_H its
 * relative error as the study defines it: (H − H₀)/H for lv (spec §7),
 * (H − H₀)/H₀ for mcp and gc (spec gc-mcp.md §2.5, §3.5; not finite for an
 * mcp orbit started at the minimum H₀ = 0).  Every model runs in the domain
 * of its system's reference model, where that H is defined (a learnt model
 * too, whose nets are defined everywhere): lv x, y > 0
 * (nch_system.h), mcp everywhere, gc 0 < r < 1 with finite angles
 * and u (as gc_run).  The exact scheme integrates on the grid of the kept
 * rows, h·K (nch_run): --every changes its steps.
 * Exit status 0 on success, 1 for bad input (z0 outside the domain, a model
 * file, one of another d, more steps than memory holds), 2 for usage errors
 * (an unknown system, scheme or model name, a --z0 of the wrong length), 3
 * when the run fails (DVI Newton failure, non-finite state, a state leaving
 * the domain): the failure is reported on stderr with its step, and the rows
 * before it are written. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_system.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(const char *bad)
{
    nch_fig_usage(bad, "[--system lv|mcp|gc] --model lv|lv-perturbed|mcp|gc|FILE --scheme "
                  "euler|rk4|midpoint|dvi|exact --h H --steps N --z0 Z1,...,Z2d [--every K] [-o FILE]");
}

static void write_rows(FILE *fp, const nch_system *sys, double h, long every, const double *z, size_t rows)
{
    int dim = 2 * sys->d;
    double H0 = sys->H(z);
    for (size_t i = 0; i < rows; i++) {
        const double *zi = z + (size_t)dim * i;
        double H = sys->H(zi);
        nch_tsv_double(fp, (double)(i * (size_t)every) * h, 1);
        for (int c = 0; c < dim; c++) nch_tsv_double(fp, zi[c], 0);
        nch_tsv_double(fp, H, 0);
        nch_tsv_double(fp, (H - H0) / (sys->rel_to_H0 ? H0 : H), 0);
        fputc('\n', fp);
    }
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    const char *model_name = NULL, *scheme_name = NULL, *output = NULL, *z0_arg = NULL;
    const nch_system *sys = nch_system_find("lv");
    double h = 0, z0[NCH_ZMAX];
    long steps = -1, every = 1;
    size_t nz = 0;
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"scheme", required_argument, 0, 's'},
        {"h", required_argument, 0, 'h'},     {"steps", required_argument, 0, 'n'},
        {"z0", required_argument, 0, 'z'},    {"every", required_argument, 0, 'k'},
        {"output", required_argument, 0, 'o'}, {"system", required_argument, 0, 'y'}, {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1;) {
        switch (c) {
        case 'm': model_name = optarg; break;
        case 's': scheme_name = optarg; break;
        case 'h': h = nch_cli_positive("--h", optarg); break;
        case 'n': steps = nch_cli_long("--steps", optarg, 1); break;
        case 'z': nz = nch_cli_list("--z0", z0_arg = optarg, z0, NCH_ZMAX); break;
        case 'k': every = nch_cli_long("--every", optarg, 1); break;
        case 'o': output = optarg; break;
        case 'y':
            if (!(sys = nch_system_find(optarg)))
                nch_die(NCH_EXIT_USAGE, "--system: unknown system (%s; lv, mcp or gc)", optarg);
            break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!model_name || !scheme_name || !(h > 0) || steps < 1 || !nz) usage(NULL);

    if (nch_system_foreign(sys, model_name))
        nch_die(NCH_EXIT_USAGE, "--model %s: not a model of --system %s (%s or a model file)", model_name,
                sys->name, sys->models);
    nch_system_model sm;
    if (nch_system_load(&sm, sys, model_name, 1, NULL)) nch_exit(NCH_EXIT_INPUT);
    const nch_model *mp = sm.model;
    nch_scheme_kind kind;
    if (nch_scheme_parse(scheme_name, &kind))
        nch_die(NCH_EXIT_USAGE, "--scheme: unknown scheme (%s)", scheme_name);
    if (nz != (size_t)(2 * mp->d))
        nch_die(NCH_EXIT_USAGE, "--z0: model %s needs %d coordinates (%zu given)", model_name, 2 * mp->d, nz);
    if (nch_model_check_domain(mp, z0))
        nch_die(NCH_EXIT_INPUT, "--z0: outside the domain %s of model %s (%s)", sys->domain, model_name,
                z0_arg);

    char what[64];
    snprintf(what, sizeof what, "--steps %ld", steps);
    double *z = nch_xalloc((size_t)(steps / every) + 1, (size_t)(2 * mp->d), sizeof(double), what);
    nch_run_report rep;
    int rc = nch_run(mp, kind, h, steps, z0, every, z, &rep);
    if (rc == NCH_EINVAL && kind == NCH_SCHEME_DVI && !mp->jets)
        nch_die(NCH_EXIT_USAGE, "--scheme dvi: model %s is a bare vector field (no θ, H)", model_name);

    nch_ofile out = {.fp = stdout, .dir = -1};
    if (output) nch_ofile_xopen(&out, output);
    nch_tsv_provenance(out.fp);
    if (strcmp(sys->name, "lv")) nch_tsv_param(out.fp, "system", "%s", sys->name); /* lv: the files as before */
    nch_tsv_param(out.fp, "model", "%s", model_name);
    nch_tsv_param(out.fp, "scheme", "%s", scheme_name);
    nch_tsv_param(out.fp, "h", "%.17g", h);
    nch_tsv_param(out.fp, "steps", "%ld", steps);
    nch_tsv_param(out.fp, "every", "%ld", every);
    if (rc) nch_tsv_param(out.fp, "failed", "step %ld (%s)", rep.fail_step, nch_strerror(rc));
    fprintf(out.fp, "# t %s H rel_err_H\n", sys->columns);
    write_rows(out.fp, sys, h, every, z, rep.rows);
    if (output) nch_ofile_xcommit(&out);
    else if (fflush(stdout) != 0) nch_die(NCH_EXIT_INPUT, "cannot write to standard output");
    free(z);
    nch_system_model_free(&sm);
    if (rc) {
        if (kind == NCH_SCHEME_DVI)
            nch_error("%s failed at step %ld (t = %.17g): %s after %d Newton updates, |delta| %.3g, |R| %.3g",
                      scheme_name, rep.fail_step, (double)rep.fail_step * h, nch_strerror(rc), rep.dvi.updates,
                      rep.dvi.delta_norm, rep.dvi.residual_norm);
        else
            nch_error("%s failed at step %ld (t = %.17g): %s", scheme_name, rep.fail_step,
                      (double)rep.fail_step * h, nch_strerror(rc));
        return NCH_EXIT_FAILED_RUN;
    }
    return 0;
}
