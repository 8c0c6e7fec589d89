/* train — trains one model of the study (spec lotka-volterra.md §4–§6).
 *
 *   train --name NAME --kind mlp|canonical|noncanonical --d D --widths W1,W2,...
 *         --normaliser train|none --loss vf|vf_reg|dvi
 *         (--gram-weights A,R | --gram-ratio R | --gram-ratio-quantiles P1,P2)
 *         [--reg-weight W] [--h H] --schedule LR:EPOCHS,... --batch B
 *         [--clip-grad-norm C]
 *         --seed S --train FILE --test FILE -o MODEL --trace TRACE --summary SUMMARY
 *
 * Data: vector-field files for vf/vf_reg, trajectory files (snapshot
 * triplets) for dvi.  The normaliser maps the training states' bounding box
 * to [0,1]^2d.  Gram weights: given, or from a ratio r as (r/(1+r), 1/(1+r)),
 * or with r = quantile ratio of the training steps' squared increments (the
 * DVI loss, §5.1).  The seed draws the initial weights and, continued, the
 * shuffles.  --clip-grad-norm C (beyond the paper, whose protocol is the
 * default) clips every batch gradient to norm C before its Adam step
 * (nch_train.h says why).  Writes the model file, the per-epoch trace and a
 * summary (key<TAB>value: the Gram weights used, the initial test loss, the
 * best test terms, and with a clip the number of clipped steps). */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_train.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_WIDTHS = 8, MAX_STAGES = 16 };

typedef struct {
    const char *name, *kind, *normaliser, *loss, *schedule, *train, *test, *model, *trace, *summary;
    int d;
    size_t n_widths, batch;
    double widths[MAX_WIDTHS], gram[2], ratio, quantiles[2], reg_weight, h, clip;
    int gram_mode; /* 1 weights, 2 ratio, 3 quantiles */
    long seed;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--name NAME --kind mlp|canonical|noncanonical --d D --widths W1,... --normaliser "
                  "train|none --loss vf|vf_reg|dvi (--gram-weights A,R | --gram-ratio R | "
                  "--gram-ratio-quantiles P1,P2) [--reg-weight W] [--h H] --schedule LR:EPOCHS,... "
                  "--batch B [--clip-grad-norm C] --seed S --train FILE --test FILE -o MODEL --trace FILE "
                  "--summary FILE");
}

static params parse(int argc, char **argv)
{
    params p = {.d = 0, .seed = -1, .reg_weight = NAN, .h = NAN};
    static const struct option opts[] = {
        {"name", required_argument, 0, 'N'},      {"kind", required_argument, 0, 'k'},
        {"d", required_argument, 0, 'd'},         {"widths", required_argument, 0, 'w'},
        {"normaliser", required_argument, 0, 'n'}, {"loss", required_argument, 0, 'l'},
        {"gram-weights", required_argument, 0, 'g'}, {"gram-ratio", required_argument, 0, 'r'},
        {"gram-ratio-quantiles", required_argument, 0, 'q'}, {"reg-weight", required_argument, 0, 'W'},
        {"h", required_argument, 0, 'h'},         {"schedule", required_argument, 0, 's'},
        {"batch", required_argument, 0, 'b'},     {"seed", required_argument, 0, 'S'},
        {"train", required_argument, 0, 'T'},     {"test", required_argument, 0, 'E'},
        {"output", required_argument, 0, 'o'},    {"trace", required_argument, 0, 't'},
        {"summary", required_argument, 0, 'y'},   {"clip-grad-norm", required_argument, 0, 'c'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "o:", opts, NULL)) != -1;) {
        switch (c) {
        case 'N': p.name = optarg; break;
        case 'k': p.kind = optarg; break;
        case 'd': p.d = (int)nch_cli_long("--d", optarg, 1); break;
        case 'w': p.n_widths = nch_cli_positive_list("--widths", optarg, p.widths, MAX_WIDTHS); break;
        case 'n': p.normaliser = optarg; break;
        case 'l': p.loss = optarg; break;
        case 'g':
            if (nch_cli_list("--gram-weights", optarg, p.gram, 2) != 2 || p.gram[0] < 0 || p.gram[1] < 0)
                nch_die(NCH_EXIT_USAGE, "--gram-weights: expected two weights >= 0 (%s)", optarg);
            p.gram_mode = 1;
            break;
        case 'r': p.ratio = nch_cli_positive("--gram-ratio", optarg), p.gram_mode = 2; break;
        case 'q':
            if (nch_cli_positive_list("--gram-ratio-quantiles", optarg, p.quantiles, 2) != 2 ||
                !(p.quantiles[0] < p.quantiles[1] && p.quantiles[1] <= 1))
                nch_die(NCH_EXIT_USAGE, "--gram-ratio-quantiles: expected 0 < P1 < P2 <= 1 (%s)", optarg);
            p.gram_mode = 3;
            break;
        case 'W': p.reg_weight = nch_cli_double("--reg-weight", optarg); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 's': p.schedule = optarg; break;
        case 'b': p.batch = (size_t)nch_cli_long("--batch", optarg, 1); break;
        case 'c': p.clip = nch_cli_positive("--clip-grad-norm", optarg); break;
        case 'S': p.seed = nch_cli_long("--seed", optarg, 0); break;
        case 'T': p.train = optarg; break;
        case 'E': p.test = optarg; break;
        case 'o': p.model = optarg; break;
        case 't': p.trace = optarg; break;
        case 'y': p.summary = optarg; break;
        default: usage(argv[optind - 1]);
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.name || !p.kind || !p.d || !p.n_widths || !p.normaliser || !p.loss || !p.gram_mode || !p.schedule ||
        !p.batch || p.seed < 0 || !p.train || !p.test || !p.model || !p.trace || !p.summary)
        usage(NULL);
    for (size_t i = 0; i < p.n_widths; i++)
        if (p.widths[i] != floor(p.widths[i])) nch_die(NCH_EXIT_USAGE, "--widths: not an integer (%g)", p.widths[i]);
    if (strcmp(p.normaliser, "train") && strcmp(p.normaliser, "none"))
        nch_die(NCH_EXIT_USAGE, "--normaliser: expected train or none (%s)", p.normaliser);
    return p;
}

static nch_loss_config loss_config(const params *p, const nch_dataset *train)
{
    nch_loss_config cfg = {0};
    if (nch_loss_kind_parse(p->loss, &cfg.kind))
        nch_die(NCH_EXIT_USAGE, "--loss: expected vf, vf_reg or dvi (%s)", p->loss);
    if (cfg.kind != NCH_LOSS_VF && isnan(p->reg_weight))
        nch_die(NCH_EXIT_USAGE, "--reg-weight: required by the %s loss", p->loss);
    if (cfg.kind == NCH_LOSS_VF && !isnan(p->reg_weight))
        nch_die(NCH_EXIT_USAGE, "--reg-weight: the vf loss has no regulariser (use vf_reg)");
    cfg.reg_weight = cfg.kind == NCH_LOSS_VF ? 0 : p->reg_weight;
    if (cfg.kind == NCH_LOSS_DVI) {
        if (isnan(p->h)) nch_die(NCH_EXIT_USAGE, "--h: required by the dvi loss");
        if (fabs(p->h - train->dt) > 1e-9 * p->h)
            nch_die(NCH_EXIT_INPUT, "%s: time step %.17g differs from --h %.17g", p->train, train->dt, p->h);
        cfg.h = p->h;
    }
    double r = p->ratio;
    if (p->gram_mode == 3) {
        if (nch_dataset_step_ratio(train, p->quantiles[0], p->quantiles[1], &r))
            nch_die(NCH_EXIT_USAGE, "--gram-ratio-quantiles: needs trajectory data (%s)", p->train);
    }
    cfg.abs_w = p->gram_mode == 1 ? p->gram[0] : r / (1 + r);
    cfg.rel_w = p->gram_mode == 1 ? p->gram[1] : 1 / (1 + r);
    return cfg;
}

static void read_data(const params *p, const char *path, nch_dataset *ds)
{
    int rc = strcmp(p->loss, "dvi") ? nch_dataset_read_vf(path, p->d, ds) : nch_dataset_read_traj(path, p->d, ds);
    if (rc) nch_exit(NCH_EXIT_INPUT);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    params p = parse(argc, argv);
    nch_stage stages[MAX_STAGES];
    size_t n_stages = nch_parse_schedule(p.schedule, stages, MAX_STAGES);
    if (!n_stages) nch_die(NCH_EXIT_USAGE, "--schedule: expected LR:EPOCHS,... (%s)", p.schedule);
    nch_learnt_kind kind;
    if (nch_learnt_kind_parse(p.kind, &kind))
        nch_die(NCH_EXIT_USAGE, "--kind: expected mlp, canonical or noncanonical (%s)", p.kind);

    nch_dataset train, test;
    read_data(&p, p.train, &train);
    read_data(&p, p.test, &test);
    nch_loss_config loss = loss_config(&p, &train);

    double lo[2 * NCH_DMAX], hi[2 * NCH_DMAX], shift[2 * NCH_DMAX], scale[2 * NCH_DMAX];
    int normalise = !strcmp(p.normaliser, "train");
    if (normalise) {
        nch_dataset_bounds(&train, lo, hi);
        for (int c = 0; c < 2 * p.d; c++) {
            if (!(hi[c] > lo[c])) nch_die(NCH_EXIT_INPUT, "%s: coordinate %d is constant", p.train, c + 1);
            shift[c] = -lo[c];
            scale[c] = 1 / (hi[c] - lo[c]);
        }
    }
    size_t widths[MAX_WIDTHS];
    for (size_t i = 0; i < p.n_widths; i++) widths[i] = (size_t)p.widths[i];
    nch_learnt model;
    if (nch_learnt_create(&model, kind, p.d, p.n_widths, widths, normalise ? shift : NULL, normalise ? scale : NULL))
        nch_die(NCH_EXIT_USAGE, "cannot build a %s model with these widths", p.kind);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)p.seed);
    nch_learnt_init_params(&model, rng);
    gsl_rng_free(rng);

    const char *v = getenv("NCH_VERBOSE");
    nch_train_config cfg = {p.name, loss, p.batch, (unsigned long)p.seed, stages, n_stages,
                            isatty(STDERR_FILENO) && !(v && !strcmp(v, "0")), p.clip};
    nch_ofile trace;
    nch_ofile_xopen(&trace, p.trace);
    nch_tsv_provenance(trace.fp);
    fprintf(trace.fp, "# model: %s (%s, d %d, widths", p.name, p.kind, p.d);
    for (size_t i = 0; i < p.n_widths; i++) fprintf(trace.fp, " %zu", widths[i]);
    fprintf(trace.fp, ", normaliser %s)\n", p.normaliser);
    nch_tsv_param(trace.fp, "loss", "%s, Gram weights %.17g %.17g, reg weight %.17g", p.loss, loss.abs_w,
                  loss.rel_w, loss.reg_weight);
    nch_tsv_param(trace.fp, "schedule", "%s, batch %zu, seed %ld", p.schedule, p.batch, p.seed);
    if (p.clip > 0)
        nch_tsv_param(trace.fp, "clip", "gradient norm clipped to %.17g before each Adam step (beyond the paper)",
                      p.clip);
    nch_tsv_param(trace.fp, "data", "train %s (%zu samples), test %s (%zu samples)", p.train, train.n, p.test, test.n);
    nch_train_summary sum;
    int rc = nch_train(&model, &cfg, &train, &test, trace.fp, &sum);
    if (rc)
        nch_die(NCH_EXIT_FAILED_RUN, "%s: training failed at stage %zu, epoch %ld, batch %zu: %s", p.name,
                sum.fail_stage, sum.fail_epoch, sum.fail_batch, nch_strerror(rc));
    nch_ofile_xcommit(&trace);
    if (nch_learnt_save(&model, p.model)) nch_exit(NCH_EXIT_INPUT);

    nch_ofile summary;
    nch_ofile_xopen(&summary, p.summary);
    nch_tsv_number(summary.fp, "abs_weight", loss.abs_w);
    nch_tsv_number(summary.fp, "rel_weight", loss.rel_w);
    nch_tsv_number(summary.fp, "epochs", (double)sum.epochs);
    nch_tsv_number(summary.fp, "initial_test_tot", sum.initial_test);
    if (p.clip > 0) nch_tsv_number(summary.fp, "clipped_steps", (double)sum.clipped);
    for (size_t k = 0; k < nch_loss_nterms(loss.kind); k++) {
        char key[64];
        snprintf(key, sizeof key, "best_test_%s", nch_loss_term_name(loss.kind, k));
        nch_tsv_number(summary.fp, key, sum.best_terms[k]);
    }
    nch_ofile_xcommit(&summary);
    nch_learnt_free(&model);
    nch_dataset_free(&train);
    nch_dataset_free(&test);
    return 0;
}
