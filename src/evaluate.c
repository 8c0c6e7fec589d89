/* evaluate — the tracked terms of the regularised vector-field loss of any
 * model on a vector-field dataset file, the whole file as one batch
 * (spec lotka-volterra.md §5.2 check protocol).
 *
 *   evaluate [--system lv|mcp|gc] --model lv|lv-perturbed|mcp|gc|FILE --data FILE
 *            [--abs-weight A --rel-weight R] [--gram-eps E]
 *
 * --system (default lv) picks the reference system and with it d and the
 * analytic models: lv Lotka–Volterra (d = 1, lv and lv-perturbed), mcp the
 * massless charged particle (d = 1, mcp), gc the guiding centre (d = 2, gc);
 * any other --model is a learnt model's FILE, whose d must be the system's
 * (status 1 otherwise), and the data must have that d's 4d columns (the
 * dataset reader's file:line error otherwise, status 1).  A reference
 * model's name of another system is a usage error.
 *
 * Prints key<TAB>value lines: abs_dz rel_dz abs_reg rel_reg for a model with
 * θ and H (analytic or learnt), abs_dz rel_dz for a bare vector field (mlp).
 * The weights (default 1 and 1) only scale the total, which is not printed;
 * they are accepted so a reader can reproduce a training's settings, as is
 * --gram-eps (default 0: the authors' ε_g = 1e-8; the GC study's VF models
 * trained with 1e-12, gc_models.conf).  A
 * file whose targets are degenerate (their Gram matrix singular, nch_loss.h)
 * is refused with status 1; a model that fails on the data, status 3. */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_loss.h"
#include "nch_numenv.h"
#include "nch_system.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(const char *bad)
{
    nch_fig_usage(bad, "[--system lv|mcp|gc] --model lv|lv-perturbed|mcp|gc|FILE --data FILE [--abs-weight A "
                  "--rel-weight R] [--gram-eps E]");
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    const char *model_name = NULL, *data = NULL, *sys_name = "lv";
    double abs_w = 1, rel_w = 1, gram_eps = 0;
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"data", required_argument, 0, 'd'},
                                         {"abs-weight", required_argument, 0, 'a'},
                                         {"rel-weight", required_argument, 0, 'r'},
                                         {"system", required_argument, 0, 'y'},
                                         {"gram-eps", required_argument, 0, 'g'},
                                         {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'm': model_name = optarg; break;
        case 'd': data = optarg; break;
        case 'a': abs_w = nch_cli_double("--abs-weight", optarg); break;
        case 'r': rel_w = nch_cli_double("--rel-weight", optarg); break;
        case 'y': sys_name = optarg; break;
        case 'g': gram_eps = nch_cli_double("--gram-eps", optarg); break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!model_name || !data) usage(NULL);
    if (abs_w < 0 || rel_w < 0) nch_die(NCH_EXIT_USAGE, "--abs-weight, --rel-weight: must be >= 0");
    if (gram_eps < 0) nch_die(NCH_EXIT_USAGE, "--gram-eps: must be >= 0 (%g)", gram_eps);
    const nch_system *sys = nch_system_find(sys_name);
    if (!sys) nch_die(NCH_EXIT_USAGE, "--system: unknown system (%s; lv, mcp or gc)", sys_name);

    /* As bin/simulate, without its domain restriction (no H here). */
    if (nch_system_foreign(sys, model_name))
        nch_die(NCH_EXIT_USAGE, "--model %s: not a model of --system %s", model_name, sys->name);
    nch_system_model sm;
    if (nch_system_load(&sm, sys, model_name, 0, NULL)) nch_exit(NCH_EXIT_INPUT);
    const nch_model *m = sm.model;

    nch_dataset ds;
    if (nch_dataset_read_vf(data, m->d, &ds)) nch_exit(NCH_EXIT_INPUT);
    nch_loss_config cfg = {m->jets ? NCH_LOSS_VF_REG : NCH_LOSS_VF, abs_w, rel_w, 0, 0, NCH_NORM_GRAM, gram_eps, 0};
    double terms[NCH_LOSS_NTERMS_MAX];
    if (nch_dataset_check_domain(&ds, m) || nch_loss_check_set(&cfg, &ds)) nch_exit(NCH_EXIT_INPUT);
    int rc = nch_loss_values(&cfg, m, ds.n, ds.samples, terms);
    if (rc) nch_die(NCH_EXIT_FAILED_RUN, "%s on %s: %s", model_name, data, nch_strerror(rc));
    for (size_t k = 1; k < nch_loss_nterms(cfg.kind); k++) {
        const char *name = nch_loss_term_name(cfg.kind, k);
        printf("%s\t%.17g\n", !strcmp(name, "abs") ? "abs_dz" : !strcmp(name, "rel") ? "rel_dz" : name, terms[k]);
    }
    nch_dataset_free(&ds);
    nch_system_model_free(&sm);
    return 0;
}
