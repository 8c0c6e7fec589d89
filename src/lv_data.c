/* lv_data — the Lotka–Volterra datasets (spec lotka-volterra.md §3).
 *
 *   lv_data --seed S --n-ic N --hmin A --hmax B --box-pad P --max-rounds R
 *           --h H --nt NT --split NTRAIN,NTEST,NVAL --outdir DIR
 *
 * Initial conditions: Latin hypercubes (GSL mt19937 seeded with S) in the box
 * {H ≤ B} seen along the lines through the equilibrium, filtered to
 * A ≤ H ≤ B by the rejection loop of §3.2.  Each is integrated by the
 * reference integrator for NT steps of H.  Writes, for each split:
 *   DIR/traj-SPLIT.tsv  # traj step t x y   (snapshot triplets are formed
 *                       from consecutive rows by the readers)
 *   DIR/vf-SPLIT.tsv    # t x y dxdt dydt  (4 points per trajectory, the
 *                       three offset groups of §3.5, exact field)
 * with the box, the split sizes, the solver and the normaliser bounds in the
 * headers (nch_datagen). */
#include "nch_cli.h"
#include "nch_datagen.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_lv.h"
#include "nch_numenv.h"
#include "nch_sample.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <limits.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    long seed, n_ic, nt;
    int max_rounds;
    size_t split[NCH_DATAGEN_SPLITS];
    double hmin, hmax, box_pad, h;
    const char *outdir;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--seed S --n-ic N --hmin A --hmax B --box-pad P --max-rounds R --h H --nt NT "
                  "--split NTRAIN,NTEST,NVAL --outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {.seed = -1, .n_ic = -1, .max_rounds = -1, .nt = -1, .hmin = NAN, .hmax = NAN, .box_pad = NAN};
    const char *split = NULL;
    static const struct option opts[] = {
        {"seed", required_argument, 0, 's'},    {"n-ic", required_argument, 0, 'n'},
        {"hmin", required_argument, 0, 'a'},    {"hmax", required_argument, 0, 'b'},
        {"box-pad", required_argument, 0, 'p'}, {"max-rounds", required_argument, 0, 'r'},
        {"h", required_argument, 0, 'h'},       {"nt", required_argument, 0, 't'},
        {"split", required_argument, 0, 'S'},   {"outdir", required_argument, 0, 'o'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 's': p.seed = nch_cli_long("--seed", optarg, 0); break;
        case 'n': p.n_ic = nch_cli_long("--n-ic", optarg, 1); break;
        case 'a': p.hmin = nch_cli_double("--hmin", optarg); break;
        case 'b': p.hmax = nch_cli_double("--hmax", optarg); break;
        case 'p': p.box_pad = nch_cli_double("--box-pad", optarg); break;
        case 'r': p.max_rounds = nch_cli_int("--max-rounds", optarg, 1, INT_MAX); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 't': p.nt = nch_cli_long("--nt", optarg, 2); break;
        case 'S': split = optarg; break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (p.seed < 0 || p.n_ic < 1 || isnan(p.hmin) || isnan(p.hmax) || isnan(p.box_pad) || p.max_rounds < 1 ||
        !(p.h > 0) || p.nt < 2 || !split || !p.outdir)
        usage(NULL);
    if (!(p.hmin < p.hmax)) nch_die(NCH_EXIT_USAGE, "--hmin, --hmax: empty energy window (%g, %g)", p.hmin, p.hmax);
    if (p.box_pad < 0 || p.box_pad >= 1) nch_die(NCH_EXIT_USAGE, "--box-pad: must be in [0, 1) (%g)", p.box_pad);
    nch_datagen_split_sizes(split, p.n_ic, p.split);
    return p;
}

static double lv_energy(const double z[2], void *ctx)
{
    (void)ctx;
    return nch_lv_hamiltonian(z);
}

typedef struct {
    const params *p;
    const double *box;
    int rounds;
} header_ctx;

static void header(FILE *fp, const void *ctx)
{
    const header_ctx *h = ctx;
    const params *p = h->p;
    nch_tsv_param(fp, "seed", "%ld (gsl_rng_mt19937)", p->seed);
    nch_tsv_param(fp, "box", "x in [%.17g, %.17g], y in [%.17g, %.17g]", h->box[0], h->box[1], h->box[2],
                  h->box[3]);
    nch_tsv_param(fp, "energy_window", "%.17g <= H <= %.17g (%d rejection rounds)", p->hmin, p->hmax, h->rounds);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_model lv;
    nch_lv_model(&lv);

    double box[4];
    const double zeq[2] = {2, 1}; /* (c/d, a/b) */
    if (nch_energy_box(lv_energy, NULL, zeq, p.hmax, p.box_pad, box))
        nch_die(NCH_EXIT_INPUT, "--hmax: no energy box for H <= %g around the equilibrium", p.hmax);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)p.seed);
    size_t n = (size_t)p.n_ic, pts = (size_t)p.nt + 1;
    double *ic = nch_xalloc(n, 2, sizeof(double), "--n-ic: initial conditions");
    int rounds;
    int rc = nch_lhs_energy_window(rng, n, box, lv_energy, NULL, p.hmin, p.hmax, p.max_rounds, ic, &rounds);
    if (rc == NCH_ENOMEM)
        nch_die(NCH_EXIT_INPUT, "--n-ic, --max-rounds: cannot allocate a round's candidates (%zu ICs)", n);
    if (rc)
        nch_die(NCH_EXIT_INPUT, "--hmin, --hmax: fewer than %zu initial conditions with %g <= H <= %g after %d rounds",
                n, p.hmin, p.hmax, p.max_rounds);
    gsl_rng_free(rng);

    double *traj = nch_xalloc(n, pts, 2 * sizeof *traj, "--n-ic, --nt: trajectories");
    size_t steps = nch_datagen_integrate(&lv, n, ic, p.h, (size_t)p.nt, traj);
    /* The vector-field points take every time index of their group
     * (lotka-volterra.md §3.5): stride 1. */
    header_ctx hc = {&p, box, rounds};
    nch_datagen_set set = {.model = &lv, .nt = (size_t)p.nt, .h = p.h, .vf_stride = 1,
                           .solver_steps = steps, .header = header, .ctx = &hc};
    nch_datagen_write(&set, p.outdir, traj, p.split);
    free(ic);
    free(traj);
    return 0;
}
