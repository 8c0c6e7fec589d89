/* evaluate — the tracked terms of the regularised vector-field loss of any
 * model on a vector-field dataset file, the whole file as one batch
 * (spec lotka-volterra.md §5.2 check protocol).
 *
 *   evaluate --model lv|lv-perturbed|FILE --data FILE [--abs-weight A --rel-weight R]
 *
 * Prints key<TAB>value lines: abs_dz rel_dz abs_reg rel_reg for a model with
 * θ and H (analytic or learnt), abs_dz rel_dz for a bare vector field (mlp).
 * The weights (default 1 and 1) only scale the total, which is not printed;
 * they are accepted so a reader can reproduce a training's settings.  A
 * file whose targets are degenerate (their Gram matrix singular, nch_loss.h)
 * is refused with status 1; a model that fails on the data, status 3. */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_loss.h"
#include "nch_lv.h"
#include "nch_numenv.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--model lv|lv-perturbed|FILE --data FILE [--abs-weight A --rel-weight R]");
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    const char *model_name = NULL, *data = NULL;
    double abs_w = 1, rel_w = 1;
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"data", required_argument, 0, 'd'},
                                         {"abs-weight", required_argument, 0, 'a'},
                                         {"rel-weight", required_argument, 0, 'r'},
                                         {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'm': model_name = optarg; break;
        case 'd': data = optarg; break;
        case 'a': abs_w = nch_cli_double("--abs-weight", optarg); break;
        case 'r': rel_w = nch_cli_double("--rel-weight", optarg); break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!model_name || !data) usage(NULL);
    if (abs_w < 0 || rel_w < 0) nch_die(NCH_EXIT_USAGE, "--abs-weight, --rel-weight: must be >= 0");

    nch_model analytic;
    nch_learnt learnt = {0};
    const nch_model *m = &analytic;
    if (!strcmp(model_name, "lv")) nch_lv_model(&analytic);
    else if (!strcmp(model_name, "lv-perturbed")) nch_lv_perturbed_model(&analytic);
    else if (nch_learnt_load(&learnt, model_name)) nch_exit(NCH_EXIT_INPUT);
    else m = &learnt.model;

    nch_dataset ds;
    if (nch_dataset_read_vf(data, m->d, &ds)) nch_exit(NCH_EXIT_INPUT);
    nch_loss_config cfg = {m->jets ? NCH_LOSS_VF_REG : NCH_LOSS_VF, abs_w, rel_w, 0, 0, NCH_NORM_GRAM, 0, 0};
    double terms[NCH_LOSS_NTERMS_MAX];
    if (nch_dataset_check_domain(&ds, m) || nch_loss_check_set(&cfg, &ds)) nch_exit(NCH_EXIT_INPUT);
    int rc = nch_loss_values(&cfg, m, ds.n, ds.samples, terms);
    if (rc) nch_die(NCH_EXIT_FAILED_RUN, "%s on %s: %s", model_name, data, nch_strerror(rc));
    for (size_t k = 1; k < nch_loss_nterms(cfg.kind); k++) {
        const char *name = nch_loss_term_name(cfg.kind, k);
        printf("%s\t%.17g\n", !strcmp(name, "abs") ? "abs_dz" : !strcmp(name, "rel") ? "rel_dz" : name, terms[k]);
    }
    nch_dataset_free(&ds);
    nch_learnt_free(&learnt);
    return 0;
}
