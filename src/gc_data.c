/* gc_data — the guiding-centre datasets (spec gc-mcp.md §3.2).
 *
 *   gc_data --seed S --n-ic N --theta-pi LO,HI --phi-pi LO,HI --r LO,HI
 *           --u LO,HI --h H --nt NT --split NTRAIN,NTEST,NVAL --vf-stride K
 *           --outdir DIR
 *
 * Initial conditions z = (θ, φ, r, u): one Latin hypercube of N points (GSL
 * mt19937 seeded with S) in the box θ ∈ π·[LO, HI], φ ∈ π·[LO, HI],
 * r² ∈ [LO², HI²] (r = sqrt, uniform in the annulus), u ∈ [LO, HI], in
 * this column order; no energy filter.  Each is integrated by the reference
 * integrator for NT steps of H, with θ and φ unwrapped; the files are those
 * of nch_datagen (d = 2: columns x1 x2 y1 y2 = θ φ r u; vector-field points
 * with stride K).  Every IC must lie in the model's domain 0 < r < R0. */
#include "nch_cli.h"
#include "nch_datagen.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_gc.h"
#include "nch_numenv.h"
#include "nch_sample.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { DIM = 4 };
/* Box columns: θ/π, φ/π, r, u as given on the command line. */
static const char *const box_opts[DIM] = {"--theta-pi", "--phi-pi", "--r", "--u"};

typedef struct {
    long seed, n_ic, nt, vf_stride;
    size_t split[NCH_DATAGEN_SPLITS];
    double range[DIM][2];
    double h;
    const char *outdir;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--seed S --n-ic N --theta-pi LO,HI --phi-pi LO,HI --r LO,HI --u LO,HI --h H --nt NT "
                       "--split NTRAIN,NTEST,NVAL --vf-stride K --outdir DIR");
}

static void range(int k, const char *arg, params *p)
{
    if (nch_cli_list(box_opts[k], arg, p->range[k], 2) != 2 || !(p->range[k][0] < p->range[k][1]))
        nch_die(NCH_EXIT_USAGE, "%s: expected LO,HI with LO < HI (%s)", box_opts[k], arg);
}

static params parse(int argc, char **argv)
{
    params p = {.seed = -1, .n_ic = -1, .nt = -1, .vf_stride = -1};
    const char *split = NULL;
    int have[DIM] = {0};
    static const struct option opts[] = {
        {"seed", required_argument, 0, 's'},     {"n-ic", required_argument, 0, 'n'},
        {"theta-pi", required_argument, 0, '0'}, {"phi-pi", required_argument, 0, '1'},
        {"r", required_argument, 0, '2'},        {"u", required_argument, 0, '3'},
        {"h", required_argument, 0, 'h'},        {"nt", required_argument, 0, 't'},
        {"split", required_argument, 0, 'S'},    {"vf-stride", required_argument, 0, 'k'},
        {"outdir", required_argument, 0, 'o'},   {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 's': p.seed = nch_cli_long("--seed", optarg, 0); break;
        case 'n': p.n_ic = nch_cli_long("--n-ic", optarg, 1); break;
        case '0': case '1': case '2': case '3':
            range(c - '0', optarg, &p);
            have[c - '0'] = 1;
            break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 't': p.nt = nch_cli_long("--nt", optarg, 2); break;
        case 'S': split = optarg; break;
        case 'k': p.vf_stride = nch_cli_long("--vf-stride", optarg, 1); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (p.seed < 0 || p.n_ic < 1 || !have[0] || !have[1] || !have[2] || !have[3] || !(p.h > 0) || p.nt < 2 ||
        !split || p.vf_stride < 1 || !p.outdir)
        usage(NULL);
    if (!(p.range[2][0] > 0)) nch_die(NCH_EXIT_USAGE, "--r: must be positive (%g)", p.range[2][0]);
    nch_datagen_split_sizes(split, p.n_ic, p.split);
    return p;
}

static void header(FILE *fp, const void *ctx)
{
    const params *p = ctx;
    nch_tsv_param(fp, "seed", "%ld (gsl_rng_mt19937)", p->seed);
    nch_tsv_param(fp, "box", "theta in pi*[%.17g, %.17g], phi in pi*[%.17g, %.17g], r^2 in [%.17g^2, %.17g^2], "
                  "u in [%.17g, %.17g]", p->range[0][0], p->range[0][1], p->range[1][0], p->range[1][1],
                  p->range[2][0], p->range[2][1], p->range[3][0], p->range[3][1]);
    nch_tsv_param(fp, "vf_stride", "%ld", p->vf_stride);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_gc_rule rule;
    nch_model gc;
    if (nch_gc_model(&gc, &rule)) nch_die(NCH_EXIT_INPUT, "no Gauss-Legendre table: %s", nch_strerror(NCH_ENOMEM));

    double lo[DIM], hi[DIM];
    for (int k = 0; k < DIM; k++) {
        double scale = k < 2 ? M_PI : 1, power = k == 2 ? 2 : 1;
        lo[k] = pow(p.range[k][0], power) * scale;
        hi[k] = pow(p.range[k][1], power) * scale;
        /* Finite options can still make an infinite box (1e308·π, r²). */
        if (!isfinite(lo[k]) || !isfinite(hi[k]) || !(hi[k] - lo[k] < INFINITY))
            nch_die(NCH_EXIT_USAGE, "%s: the box side is not finite (%g, %g)", box_opts[k], p.range[k][0],
                    p.range[k][1]);
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)p.seed);
    size_t n = (size_t)p.n_ic, pts = (size_t)p.nt + 1;
    double *ic = nch_xalloc(n, DIM, sizeof(double), "--n-ic: initial conditions");
    if (nch_lhs(rng, n, DIM, lo, hi, ic))
        nch_die(NCH_EXIT_INPUT, "--n-ic: cannot allocate the Latin hypercube's permutation (%zu points)", n);
    gsl_rng_free(rng);
    for (size_t i = 0; i < n; i++) {
        double *z = ic + DIM * i;
        z[2] = sqrt(z[2]);
        if (nch_model_check_domain(&gc, z))
            nch_die(NCH_EXIT_USAGE, "--r: initial condition outside the model's domain 0 < r < R0 (r = %.17g)", z[2]);
    }

    double *traj = nch_xalloc(n, pts, DIM * sizeof *traj, "--n-ic, --nt: trajectories");
    size_t steps = nch_datagen_integrate(&gc, n, ic, p.h, (size_t)p.nt, traj);
    nch_datagen_set set = {.model = &gc, .nt = (size_t)p.nt, .h = p.h, .vf_stride = (size_t)p.vf_stride,
                           .solver_steps = steps, .header = header, .ctx = &p};
    nch_datagen_write(&set, p.outdir, traj, p.split);
    free(ic);
    free(traj);
    return 0;
}
