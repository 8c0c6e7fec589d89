/* train — trains one model of the study (spec lotka-volterra.md §4–§6,
 * gc-mcp.md §1.4–1.7, §2.3–2.4, §3.3–3.4).
 *
 *   train --name NAME --kind mlp|canonical|noncanonical --d D --widths W1,W2,...
 *         (--normaliser train|none | --input-map C1,...,C2d) [--output-scale none|velocity]
 *         --loss vf|vf_reg|dvi|imex
 *         (--gram-weights A,R | --gram-ratio R | --gram-ratio-quantiles P1,P2)
 *         [--norm gram|scaled] [--gram-eps E] [--reg-weight W] [--h H] [--minimal-jets]
 *         [--init MODEL] --schedule LR:EPOCHS,... --batch B
 *         [--clip-grad-norm C] --seed S --train FILE --test FILE -o MODEL --trace TRACE --summary SUMMARY
 *
 * Data: vector-field files for vf/vf_reg, trajectory files (snapshot
 * triplets) for dvi and imex, of any d (data/lv, data/mcp, data/gc).  The
 * normaliser maps the training states' bounding box to [0,1]^2d.  An input
 * map instead gives each state component one of drop, periodic:R (R
 * learnable phases, the GC's θ) or norm:R (the min/max normaliser repeated R
 * times), nch_embed.h.  --output-scale velocity takes the bounds of the
 * training velocities (ż of VF data, finite differences of trajectories):
 * mlp models de-normalise their output componentwise, the others scale H by
 * ‖max ż‖₂ − ‖min ż‖₂ and shift it by ‖min ż‖₂ (§3.3; the value is
 * reported on stderr, in the trace and the summary).  Gram weights: given,
 * or from a ratio r as (r/(1+r), 1/(1+r)), or with r = quantile ratio of
 * the training steps' squared increments (the DVI loss, §5.1); the norm is
 * GramMSNorm with gram_eps (default 1e-8) or ScaledMSNorm.  --minimal-jets:
 * the DVI loss's nets carry only the derivatives its head reads (the same
 * loss, a fifth less work for the GC; off by default, which keeps the bits
 * of the LV scheme model trained before it existed).  The seed draws
 * the initial weights and, continued, the shuffles; --init starts from a
 * saved model instead (its architecture, maps and weights; the GC scheme
 * model's DVI phase after its IMEX phases, a fresh shuffle stream).  Writes
 * the model file, the per-epoch trace and a summary (key<TAB>value: the Gram
 * weights used, the best test terms, the test terms before training and
 * each stage's best test loss: the seed studies read them; with a clip, the
 * number of clipped steps).  --clip-grad-norm C (beyond the paper, whose
 * protocol is the default) clips every batch gradient to norm C before its
 * Adam step (nch_train.h says why). */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_numenv.h"
#include "nch_train.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_WIDTHS = 8, MAX_STAGES = NCH_TRAIN_STAGES_MAX };

typedef struct {
    const char *name, *kind, *normaliser, *input_map, *output_scale, *loss, *norm, *init,
        *schedule, *train, *test, *model, *trace, *summary;
    int d;
    size_t n_widths, batch;
    double widths[MAX_WIDTHS], gram[2], ratio, quantiles[2], reg_weight, h, gram_eps, clip;
    int gram_mode; /* 1 weights, 2 ratio, 3 quantiles */
    int minimal_jets;
    long seed;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--name NAME --kind mlp|canonical|noncanonical --d D --widths W1,... (--normaliser "
                  "train|none | --input-map C1,...) [--output-scale none|velocity] --loss "
                  "vf|vf_reg|dvi|imex (--gram-weights A,R | --gram-ratio R | --gram-ratio-quantiles "
                  "P1,P2) [--norm gram|scaled] [--gram-eps E] [--reg-weight W] [--h H] [--minimal-jets] "
                  "[--init MODEL] "
                  "--schedule LR:EPOCHS,... --batch B [--clip-grad-norm C] --seed S --train FILE --test FILE -o MODEL "
                  "--trace FILE --summary FILE");
}

static params parse(int argc, char **argv)
{
    params p = {.d = 0, .seed = -1, .reg_weight = NAN, .h = NAN, .gram_eps = NAN};
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
        {"summary", required_argument, 0, 'y'},   {"input-map", required_argument, 0, 'i'},
        {"output-scale", required_argument, 0, 'O'}, {"norm", required_argument, 0, 'm'},
        {"gram-eps", required_argument, 0, 'e'},  {"init", required_argument, 0, 'I'},
        {"minimal-jets", no_argument, 0, 'J'},    {"clip-grad-norm", required_argument, 0, 'c'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1;) {
        switch (c) {
        case 'N': p.name = optarg; break;
        case 'k': p.kind = optarg; break;
        case 'd': p.d = nch_cli_int("--d", optarg, 1, NCH_DMAX); break;
        case 'w': p.n_widths = nch_cli_positive_list("--widths", optarg, p.widths, MAX_WIDTHS); break;
        case 'n': p.normaliser = optarg; break;
        case 'i': p.input_map = optarg; break;
        case 'O': p.output_scale = optarg; break;
        case 'l': p.loss = optarg; break;
        case 'm': p.norm = optarg; break;
        case 'e':
            p.gram_eps = nch_cli_double("--gram-eps", optarg);
            if (!(p.gram_eps > 0)) nch_die(NCH_EXIT_USAGE, "--gram-eps: expected a value > 0 (%s)", optarg);
            break;
        case 'I': p.init = optarg; break;
        case 'J': p.minimal_jets = 1; break;
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
        case 'W':
            p.reg_weight = nch_cli_double("--reg-weight", optarg);
            if (p.reg_weight < 0) nch_die(NCH_EXIT_USAGE, "--reg-weight: must be >= 0 (%s)", optarg);
            break;
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
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    /* The architecture comes from the options or, with --init, from the file. */
    const int arch = p.kind || p.n_widths || p.normaliser || p.input_map || p.output_scale;
    if (p.normaliser && p.input_map)
        nch_die(NCH_EXIT_USAGE, "--input-map: replaces --normaliser (give one of them)");
    if (p.init && arch)
        nch_die(NCH_EXIT_USAGE, "--init: the model file sets the architecture (drop --kind, --widths, "
                "--normaliser, --input-map, --output-scale)");
    if (!p.name || !p.d || !p.loss || !p.gram_mode || !p.schedule || !p.batch || p.seed < 0 || !p.train ||
        !p.test || !p.model || !p.trace || !p.summary ||
        (!p.init && (!p.kind || !p.n_widths || !p.normaliser == !p.input_map)))
        usage(NULL);
    for (size_t i = 0; i < p.n_widths; i++)
        if (p.widths[i] != floor(p.widths[i]) || p.widths[i] > NCH_LEARNT_WIDTH_MAX)
            nch_die(NCH_EXIT_USAGE, "--widths: not an integer in 1..%d (%g)", NCH_LEARNT_WIDTH_MAX, p.widths[i]);
    if (p.normaliser && strcmp(p.normaliser, "train") && strcmp(p.normaliser, "none"))
        nch_die(NCH_EXIT_USAGE, "--normaliser: expected train or none (%s)", p.normaliser);
    if (p.output_scale && strcmp(p.output_scale, "none") && strcmp(p.output_scale, "velocity"))
        nch_die(NCH_EXIT_USAGE, "--output-scale: expected none or velocity (%s)", p.output_scale);
    return p;
}

static nch_loss_config loss_config(const params *p, const nch_dataset *train)
{
    nch_loss_config cfg = {0};
    nch_loss_kind_parse(p->loss, &cfg.kind); /* checked by main */
    if (cfg.kind != NCH_LOSS_VF && isnan(p->reg_weight))
        nch_die(NCH_EXIT_USAGE, "--reg-weight: required by the %s loss", p->loss);
    if (cfg.kind == NCH_LOSS_VF && !isnan(p->reg_weight))
        nch_die(NCH_EXIT_USAGE, "--reg-weight: the vf loss has no regulariser (use vf_reg)");
    cfg.reg_weight = cfg.kind == NCH_LOSS_VF ? 0 : p->reg_weight;
    if (p->norm && nch_norm_kind_parse(p->norm, &cfg.norm))
        nch_die(NCH_EXIT_USAGE, "--norm: expected gram or scaled (%s)", p->norm);
    if (!isnan(p->gram_eps) && cfg.norm != NCH_NORM_GRAM)
        nch_die(NCH_EXIT_USAGE, "--gram-eps: only the gram norm whitens");
    cfg.gram_eps = isnan(p->gram_eps) ? NCH_GRAM_EPS_DEFAULT : p->gram_eps;
    if (p->minimal_jets && cfg.kind != NCH_LOSS_DVI)
        nch_die(NCH_EXIT_USAGE, "--minimal-jets: only the dvi loss has jets to spare");
    cfg.minimal_jets = p->minimal_jets;
    if (cfg.kind == NCH_LOSS_DVI || cfg.kind == NCH_LOSS_IMEX) {
        if (isnan(p->h)) nch_die(NCH_EXIT_USAGE, "--h: required by the %s loss", p->loss);
        if (fabs(p->h - train->dt) > 1e-9 * p->h)
            nch_die(NCH_EXIT_INPUT, "%s: time step %.17g differs from --h %.17g", p->train, train->dt, p->h);
        cfg.h = p->h;
    }
    double r = p->ratio;
    if (p->gram_mode == 3) {
        int rc = nch_dataset_step_ratio(train, p->quantiles[0], p->quantiles[1], &r);
        if (rc == NCH_EINVAL)
            nch_die(NCH_EXIT_USAGE, "--gram-ratio-quantiles: needs trajectory data (%s)", p->train);
        if (rc) nch_exit(NCH_EXIT_INPUT); /* reported with the file and quantiles */
    }
    cfg.abs_w = p->gram_mode == 1 ? p->gram[0] : r / (1 + r);
    cfg.rel_w = p->gram_mode == 1 ? p->gram[1] : 1 / (1 + r);
    return cfg;
}

/* VF data for the vector-field losses, trajectories for the scheme losses. */
static void read_data(const params *p, nch_loss_kind k, const char *path, nch_dataset *ds)
{
    const int vf = k == NCH_LOSS_VF || k == NCH_LOSS_VF_REG;
    int rc = vf ? nch_dataset_read_vf(path, p->d, ds) : nch_dataset_read_traj(path, p->d, ds);
    if (rc) nch_exit(NCH_EXIT_INPUT);
}

/* The min/max normaliser of state component c (0-based) from the training
 * bounds lo, hi: x -> (x + shift) scale maps [lo, hi] to [0, 1]. */
static void train_box(const params *p, int c, const double *lo, const double *hi, double *shift, double *scale)
{
    if (!(hi[c] > lo[c])) nch_die(NCH_EXIT_INPUT, "%s: coordinate %d is constant", p->train, c + 1);
    if (!isfinite(hi[c] - lo[c]))
        nch_die(NCH_EXIT_INPUT, "%s: coordinate %d spans more than a double (%g to %g)", p->train, c + 1, lo[c], hi[c]);
    *shift = -lo[c];
    *scale = 1 / (hi[c] - lo[c]);
}

/* --input-map: one entry per state component (drop, periodic:R, norm:R),
 * the norm ones from the training bounds lo, hi. */
static void input_map(const params *p, const double *lo, const double *hi, nch_embed *e)
{
    const int n = 2 * p->d;
    nch_embed_kind kind[2 * NCH_DMAX];
    size_t reps[2 * NCH_DMAX] = {0};
    double shift[2 * NCH_DMAX] = {0}, scale[2 * NCH_DMAX] = {0};
    char *list = strdup(p->input_map), *save = NULL;
    if (!list) nch_die(NCH_EXIT_INPUT, "out of memory");
    int c = 0;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save), c++) {
        char *colon = strchr(tok, ':'), *end = NULL;
        if (c == n) nch_die(NCH_EXIT_USAGE, "--input-map: more than 2d = %d entries (%s)", n, p->input_map);
        if (colon) *colon = '\0';
        if (!strcmp(tok, "drop") && !colon) {
            kind[c] = NCH_EMBED_DROP;
            continue;
        }
        const long r = colon ? strtol(colon + 1, &end, 10) : 0;
        if (!colon || end == colon + 1 || *end || r < 1 || r > NCH_EMBED_RMAX ||
            (strcmp(tok, "periodic") && strcmp(tok, "norm")))
            nch_die(NCH_EXIT_USAGE, "--input-map: entry %d: expected drop, periodic:R or norm:R with 1 <= R <= %d "
                    "(%s)", c + 1, NCH_EMBED_RMAX, p->input_map);
        reps[c] = (size_t)r;
        kind[c] = strcmp(tok, "norm") ? NCH_EMBED_PERIODIC : NCH_EMBED_AFFINE;
        if (kind[c] == NCH_EMBED_AFFINE) train_box(p, c, lo, hi, &shift[c], &scale[c]);
    }
    free(list);
    if (c != n) nch_die(NCH_EXIT_USAGE, "--input-map: expected 2d = %d entries (%s)", n, p->input_map);
    if (nch_embed_init(e, (size_t)n, kind, reps, shift, scale))
        nch_die(NCH_EXIT_USAGE, "--input-map: every component dropped (%s)", p->input_map);
}

/* The model: from --init, or built and seeded from the options (kind
 * parsed).  The note on the H scale (§3.3: log the value used) goes to
 * note, for stderr once the training has succeeded: a failure stays one
 * line. */
static void build_model(const params *p, nch_learnt_kind kind, const nch_dataset *train, nch_learnt *model,
                        char *note, size_t note_size)
{
    if (p->init) {
        if (nch_learnt_load(model, p->init)) nch_exit(NCH_EXIT_INPUT);
        if (model->d != p->d)
            nch_die(NCH_EXIT_INPUT, "%s: a d = %d model, not --d %d", p->init, model->d, p->d);
        return;
    }
    double lo[2 * NCH_DMAX], hi[2 * NCH_DMAX], shift[2 * NCH_DMAX], scale[2 * NCH_DMAX];
    nch_dataset_bounds(train, lo, hi);
    const int normalise = p->normaliser && !strcmp(p->normaliser, "train");
    if (normalise)
        for (int c = 0; c < 2 * p->d; c++) train_box(p, c, lo, hi, &shift[c], &scale[c]);
    size_t widths[MAX_WIDTHS];
    for (size_t i = 0; i < p->n_widths; i++) widths[i] = (size_t)p->widths[i];
    int rc;
    if (p->input_map) {
        nch_embed e;
        input_map(p, lo, hi, &e);
        rc = nch_learnt_create_embedded(model, kind, p->d, p->n_widths, widths, &e);
    } else {
        rc = nch_learnt_create(model, kind, p->d, p->n_widths, widths, normalise ? shift : NULL,
                               normalise ? scale : NULL);
    }
    if (rc) nch_die(NCH_EXIT_INPUT, "--widths: cannot allocate a %s model of these widths", p->kind);
    if (p->output_scale && !strcmp(p->output_scale, "velocity")) {
        double vlo[2 * NCH_DMAX], vhi[2 * NCH_DMAX], osc[2 * NCH_DMAX], osh[2 * NCH_DMAX];
        if (nch_dataset_velocity_bounds(train, vlo, vhi))
            nch_die(NCH_EXIT_INPUT, "%s: no velocities for --output-scale", p->train);
        if (kind == NCH_LEARNT_MLP) {
            for (int c = 0; c < 2 * p->d; c++) {
                osc[c] = vhi[c] - vlo[c];
                osh[c] = vlo[c];
            }
        } else {
            /* The authors' H scale: the difference of the Euclidean norms of
             * the componentwise min and max velocity vectors, as is. */
            double nmin = 0, nmax = 0;
            for (int c = 0; c < 2 * p->d; c++) {
                nmin += vlo[c] * vlo[c];
                nmax += vhi[c] * vhi[c];
            }
            osh[0] = sqrt(nmin);
            osc[0] = sqrt(nmax) - osh[0];
            snprintf(note, note_size, "%s: H scale n_max - n_min = %.17g (n_max %.17g, n_min %.17g)", p->name,
                     osc[0], sqrt(nmax), osh[0]);
        }
        if (nch_learnt_set_output(model, osc, osh))
            nch_die(NCH_EXIT_INPUT, "%s: non-finite velocity bounds", p->train);
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)p->seed);
    nch_learnt_init_params(model, rng);
    gsl_rng_free(rng);
}

/* The model line of the trace: its architecture and maps (one header field,
 * escaped like every other: the name and the paths come from the user). */
static void trace_model(FILE *fp, const params *p, const nch_learnt *m)
{
    char widths[NCH_MLP_LMAX * 12] = "";
    for (size_t i = 0; i < m->net[0].depth; i++)
        snprintf(widths + strlen(widths), sizeof widths - strlen(widths), " %zu", m->net[0].width[i]);
    nch_tsv_param(fp, "model", "%s (%s, d %d, widths%s%s%s%s%s)", p->name, nch_learnt_kind_name(m->kind), p->d,
                  widths, p->init ? ", from " : "", p->init ? p->init : "",
                  m->embedded ? ", input map " : p->normaliser ? ", normaliser " : "",
                  m->embedded ? (p->input_map ? p->input_map : "of the file") : p->normaliser ? p->normaliser : "");
    if (m->out_scaled && m->kind != NCH_LEARNT_MLP)
        nch_tsv_param(fp, "output", "H scale %.17g, shift %.17g", m->out_scale[0], m->out_shift[0]);
    else if (m->out_scaled)
        nch_tsv_param(fp, "output", "componentwise de-normalisation from the velocity bounds");
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_stage stages[MAX_STAGES];
    size_t n_stages = nch_parse_schedule(p.schedule, stages, MAX_STAGES);
    if (!n_stages) nch_die(NCH_EXIT_USAGE, "--schedule: expected LR:EPOCHS,... (%s)", p.schedule);
    nch_learnt_kind kind;
    if (p.kind && nch_learnt_kind_parse(p.kind, &kind))
        nch_die(NCH_EXIT_USAGE, "--kind: expected mlp, canonical or noncanonical (%s)", p.kind);
    nch_loss_kind lk;
    if (nch_loss_kind_parse(p.loss, &lk))
        nch_die(NCH_EXIT_USAGE, "--loss: expected vf, vf_reg, dvi or imex (%s)", p.loss);

    nch_dataset train, test;
    read_data(&p, lk, p.train, &train);
    read_data(&p, lk, p.test, &test);
    nch_loss_config loss = loss_config(&p, &train);
    nch_learnt model;
    char note[512] = "";
    build_model(&p, kind, &train, &model, note, sizeof note);
    if (!nch_loss_supports(loss.kind, model.kind))
        nch_die(NCH_EXIT_USAGE, "--loss: %s needs theta and H, not a %s model", p.loss,
                nch_learnt_kind_name(model.kind));

    const char *v = getenv("NCH_VERBOSE");
    nch_train_config cfg = {p.name, loss, p.batch, (unsigned long)p.seed, stages, n_stages,
                            isatty(STDERR_FILENO) && !(v && !strcmp(v, "0")), p.clip};
    nch_ofile trace;
    nch_ofile_xopen(&trace, p.trace);
    nch_tsv_provenance(trace.fp);
    trace_model(trace.fp, &p, &model);
    char norm[80] = "";
    if (loss.norm != NCH_NORM_GRAM) snprintf(norm, sizeof norm, ", norm %s", nch_norm_kind_name(loss.norm));
    else if (loss.gram_eps != NCH_GRAM_EPS_DEFAULT) snprintf(norm, sizeof norm, ", gram_eps %.17g", loss.gram_eps);
    if (loss.minimal_jets) strcat(norm, ", minimal jets");
    nch_tsv_param(trace.fp, "loss", "%s, Gram weights %.17g %.17g, reg weight %.17g%s", p.loss, loss.abs_w,
                  loss.rel_w, loss.reg_weight, norm);
    nch_tsv_param(trace.fp, "schedule", "%s, batch %zu, seed %ld", p.schedule, p.batch, p.seed);
    if (p.clip > 0)
        nch_tsv_param(trace.fp, "clip", "gradient norm clipped to %.17g before each Adam step (beyond the paper)",
                      p.clip);
    nch_tsv_param(trace.fp, "data", "train %s (%zu samples), test %s (%zu samples)", p.train, train.n, p.test, test.n);
    nch_train_summary sum;
    int rc = nch_train(&model, &cfg, &train, &test, trace.fp, &sum);
    const char *set = sum.fail_test ? p.test : p.train;
    if (rc == NCH_EDEGEN) {
        char where[96];
        snprintf(where, sizeof where, ", stage %zu, epoch %ld", sum.fail_stage, sum.fail_epoch);
        nch_loss_gram_error(&loss, p.d, set, sum.fail_batch, sum.fail_batch_size, where, sum.fail_gram_ratio);
        nch_exit(NCH_EXIT_INPUT);
    }
    if (rc == NCH_ENOMEM)
        nch_die(NCH_EXIT_INPUT, "--widths, --batch: cannot allocate the training's work space (%zu parameters, batch %zu)",
                model.n_params, p.batch);
    if (rc)
        nch_die(NCH_EXIT_FAILED_RUN, "%s: training failed at stage %zu, epoch %ld, batch %zu of %s: %s", p.name,
                sum.fail_stage, sum.fail_epoch, sum.fail_batch, set, nch_strerror(rc));
    nch_ofile_xcommit(&trace);
    if (nch_learnt_save(&model, p.model)) nch_exit(NCH_EXIT_INPUT);

    nch_ofile summary;
    nch_ofile_xopen(&summary, p.summary);
    nch_tsv_number(summary.fp, "abs_weight", loss.abs_w);
    nch_tsv_number(summary.fp, "rel_weight", loss.rel_w);
    if (model.out_scaled && model.kind != NCH_LEARNT_MLP) {
        nch_tsv_number(summary.fp, "h_scale", model.out_scale[0]);
        nch_tsv_number(summary.fp, "h_shift", model.out_shift[0]);
    }
    nch_tsv_number(summary.fp, "epochs", (double)sum.epochs);
    char key[64];
    if (p.clip > 0) nch_tsv_number(summary.fp, "clipped_steps", (double)sum.clipped);
    for (size_t k = 0; k < nch_loss_nterms(loss.kind); k++) {
        snprintf(key, sizeof key, "best_test_%s", nch_loss_term_name(loss.kind, k));
        nch_tsv_number(summary.fp, key, sum.best_terms[k]);
    }
    for (size_t k = 0; k < nch_loss_nterms(loss.kind); k++) {
        snprintf(key, sizeof key, "initial_test_%s", nch_loss_term_name(loss.kind, k));
        nch_tsv_number(summary.fp, key, sum.initial_terms[k]);
    }
    for (size_t s = 0; s < n_stages; s++) {
        snprintf(key, sizeof key, "stage%zu_best_test_tot", s + 1);
        nch_tsv_number(summary.fp, key, sum.stage_best[s]);
    }
    nch_ofile_xcommit(&summary);
    if (*note) nch_error("%s", note); /* a note, one escaped stderr line like a message */
    nch_learnt_free(&model);
    nch_dataset_free(&train);
    nch_dataset_free(&test);
    return 0;
}
