/* simulate — one trajectory of any model with any scheme.
 *
 *   simulate --model lv|lv-perturbed|FILE --scheme euler|rk4|midpoint|dvi|exact
 *            --h H --steps N --z0 X,Y [--every K] [-o FILE]
 *
 * Writes TSV "# t x y H rel_err_H" (d > 1: x1 … xd y1 … yd), one row per
 * kept step (0, K, 2K, …), FILE a learnt model (nch_learnt.h), H the
 * reference Lotka–Volterra Hamiltonian and
 * rel_err_H = (H − H₀)/H (spec §7).  Every model runs in the domain where
 * that H is defined, x, y > 0 (a learnt model too: nch_lv_energy_domain).
 * Exit status 0 on success, 1 for bad input (z0 outside the domain, a model
 * file, more steps than memory holds), 2 for usage errors, 3 when the run
 * fails (DVI Newton failure, non-finite state, a state leaving the domain):
 * the failure is reported on stderr with its step, and the rows before it
 * are written. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_lv.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--model lv|lv-perturbed|FILE --scheme euler|rk4|midpoint|dvi|exact --h H --steps "
                  "N --z0 X,Y [--every K] [-o FILE]");
}

/* The analytic models by name, anything else a learnt model's file. */
static const nch_model *load_model(const char *name, nch_model *analytic, nch_learnt *learnt)
{
    if (strcmp(name, "lv") == 0) nch_lv_model(analytic);
    else if (strcmp(name, "lv-perturbed") == 0) nch_lv_perturbed_model(analytic);
    else if (nch_learnt_load(learnt, name)) nch_exit(NCH_EXIT_INPUT);
    else {
        nch_lv_energy_domain(&learnt->model);
        return &learnt->model;
    }
    return analytic;
}

static void write_rows(FILE *fp, const nch_model *m, double h, long every, const double *z, size_t rows)
{
    int dim = 2 * m->d;
    double H0 = nch_lv_hamiltonian(z);
    for (size_t i = 0; i < rows; i++) {
        const double *zi = z + (size_t)dim * i;
        double H = nch_lv_hamiltonian(zi);
        nch_tsv_double(fp, (double)(i * (size_t)every) * h, 1);
        for (int c = 0; c < dim; c++) nch_tsv_double(fp, zi[c], 0);
        nch_tsv_double(fp, H, 0);
        nch_tsv_double(fp, (H - H0) / H, 0);
        fputc('\n', fp);
    }
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    const char *model_name = NULL, *scheme_name = NULL, *output = NULL, *z0_arg = NULL;
    double h = 0, z0[NCH_ZMAX];
    long steps = -1, every = 1;
    size_t nz = 0;
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"scheme", required_argument, 0, 's'},
        {"h", required_argument, 0, 'h'},     {"steps", required_argument, 0, 'n'},
        {"z0", required_argument, 0, 'z'},    {"every", required_argument, 0, 'k'},
        {"output", required_argument, 0, 'o'}, {0, 0, 0, 0}};
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
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!model_name || !scheme_name || !(h > 0) || steps < 1 || !nz) usage(NULL);

    nch_model analytic;
    nch_learnt learnt = {0};
    nch_scheme_kind kind;
    const nch_model *mp = load_model(model_name, &analytic, &learnt);
    if (nch_scheme_parse(scheme_name, &kind))
        nch_die(NCH_EXIT_USAGE, "--scheme: unknown scheme (%s)", scheme_name);
    if (nz != (size_t)(2 * mp->d))
        nch_die(NCH_EXIT_USAGE, "--z0: model %s needs %d coordinates (%zu given)", model_name, 2 * mp->d, nz);
    if (nch_model_check_domain(mp, z0))
        nch_die(NCH_EXIT_INPUT, "--z0: outside the domain x, y > 0 of model %s (%s)", model_name, z0_arg);

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
    nch_tsv_param(out.fp, "model", "%s", model_name);
    nch_tsv_param(out.fp, "scheme", "%s", scheme_name);
    nch_tsv_param(out.fp, "h", "%.17g", h);
    nch_tsv_param(out.fp, "steps", "%ld", steps);
    nch_tsv_param(out.fp, "every", "%ld", every);
    if (rc) nch_tsv_param(out.fp, "failed", "step %ld (%s)", rep.fail_step, nch_strerror(rc));
    fputs(mp->d == 1 ? "# t x y H rel_err_H\n" : "# t", out.fp);
    if (mp->d > 1) {
        for (int c = 0; c < 2 * mp->d; c++) fprintf(out.fp, " %c%d", c < mp->d ? 'x' : 'y', c % mp->d + 1);
        fputs(" H rel_err_H\n", out.fp);
    }
    write_rows(out.fp, mp, h, every, z, rep.rows);
    if (output) nch_ofile_xcommit(&out);
    else if (fflush(stdout) != 0) nch_die(NCH_EXIT_INPUT, "cannot write to standard output");
    free(z);
    nch_learnt_free(&learnt);
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
