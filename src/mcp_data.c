/* mcp_data — the massless-charged-particle datasets (spec gc-mcp.md §2.2).
 *
 *   mcp_data --seed S --n-ic N --hmin A --hmax B --max-rounds R --h H --nt NT
 *            --split NTRAIN,NTEST,NVAL --vf-stride K --outdir DIR
 *
 * Initial conditions: Latin hypercubes (GSL mt19937 seeded with S) in the box
 * α ∈ [−π, π], ϱ² ∈ [ϱ_min², ϱ_max²] of polar coordinates about the centre
 * (0, π/2), mapped to x = ϱ cos α, y = π/2 + ϱ sin α (uniform in the
 * annulus), filtered to A ≤ H ≤ B by the rejection loop (round i draws
 * (i + 1)·N fresh points; the first N accepted, in sample order, are the
 * ICs).  With y = π/2 + v, H = 2 − cos x − cos v grows most slowly along the
 * axes (H = 1 − cos ϱ) and fastest along the diagonals
 * (H = 2 − 2 cos(ϱ/√2)), so ϱ_max = arccos(1 − B) holds every point with
 * H ≤ B and ϱ_min = √2 arccos(1 − A/2) leaves out only points with H < A —
 * the authors' box.  Needs 0 ≤ A < B < 2: the level sets H < 2 are the
 * closed orbits (the authors' branch for B > 2 is not used by the study).
 * Each IC is integrated by the reference integrator for NT steps of H; the
 * files are those of nch_datagen (vector-field points with stride K). */
#include "nch_cli.h"
#include "nch_datagen.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_mcp.h"
#include "nch_numenv.h"
#include "nch_sample.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <limits.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    long seed, n_ic, nt, vf_stride;
    int max_rounds;
    size_t split[NCH_DATAGEN_SPLITS];
    double hmin, hmax, h;
    const char *outdir;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--seed S --n-ic N --hmin A --hmax B --max-rounds R --h H --nt NT "
                       "--split NTRAIN,NTEST,NVAL --vf-stride K --outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {.seed = -1, .n_ic = -1, .max_rounds = -1, .nt = -1, .vf_stride = -1, .hmin = NAN, .hmax = NAN};
    const char *split = NULL;
    static const struct option opts[] = {
        {"seed", required_argument, 0, 's'},       {"n-ic", required_argument, 0, 'n'},
        {"hmin", required_argument, 0, 'a'},       {"hmax", required_argument, 0, 'b'},
        {"max-rounds", required_argument, 0, 'r'}, {"h", required_argument, 0, 'h'},
        {"nt", required_argument, 0, 't'},         {"split", required_argument, 0, 'S'},
        {"vf-stride", required_argument, 0, 'k'},  {"outdir", required_argument, 0, 'o'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 's': p.seed = nch_cli_long("--seed", optarg, 0); break;
        case 'n': p.n_ic = nch_cli_long("--n-ic", optarg, 1); break;
        case 'a': p.hmin = nch_cli_double("--hmin", optarg); break;
        case 'b': p.hmax = nch_cli_double("--hmax", optarg); break;
        case 'r': p.max_rounds = nch_cli_int("--max-rounds", optarg, 1, INT_MAX); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 't': p.nt = nch_cli_long("--nt", optarg, 2); break;
        case 'S': split = optarg; break;
        case 'k': p.vf_stride = nch_cli_long("--vf-stride", optarg, 1); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (p.seed < 0 || p.n_ic < 1 || isnan(p.hmin) || isnan(p.hmax) || p.max_rounds < 1 || !(p.h > 0) || p.nt < 2 ||
        !split || p.vf_stride < 1 || !p.outdir)
        usage(NULL);
    if (!(0 <= p.hmin && p.hmin < p.hmax && p.hmax < 2))
        nch_die(NCH_EXIT_USAGE, "--hmin, --hmax: need 0 <= A < B < 2 (%g, %g)", p.hmin, p.hmax);
    nch_datagen_split_sizes(split, p.n_ic, p.split);
    return p;
}

/* (α, ϱ²) → (x, y). */
static void polar_to_state(const double *a, double *z)
{
    double rho = sqrt(a[1]);
    z[0] = rho * cos(a[0]);
    z[1] = M_PI / 2 + rho * sin(a[0]);
}

static double polar_energy(const double a[2], void *ctx)
{
    (void)ctx;
    double z[2];
    polar_to_state(a, z);
    return nch_mcp_hamiltonian(z);
}

typedef struct {
    const params *p;
    const double *box;
    int rounds;
} header_ctx;

static void header(FILE *fp, const void *ctx)
{
    const header_ctx *h = ctx;
    nch_tsv_param(fp, "seed", "%ld (gsl_rng_mt19937)", h->p->seed);
    nch_tsv_param(fp, "box", "alpha in [%.17g, %.17g], rho^2 in [%.17g, %.17g] about (0, pi/2)", h->box[0],
                  h->box[1], h->box[2], h->box[3]);
    nch_tsv_param(fp, "energy_window", "%.17g <= H <= %.17g (%d rejection rounds)", h->p->hmin, h->p->hmax,
                  h->rounds);
    nch_tsv_param(fp, "vf_stride", "%ld", h->p->vf_stride);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_model mcp;
    nch_mcp_model(&mcp);

    double rmin = M_SQRT2 * acos(1 - p.hmin / 2), rmax = acos(1 - p.hmax);
    const double box[4] = {-M_PI, M_PI, rmin * rmin, rmax * rmax};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)p.seed);
    size_t n = (size_t)p.n_ic, pts = (size_t)p.nt + 1;
    double *ic = nch_xalloc(n, 2, sizeof(double), "--n-ic: initial conditions");
    int rounds;
    int rc = nch_lhs_energy_window(rng, n, box, polar_energy, NULL, p.hmin, p.hmax, p.max_rounds, ic, &rounds);
    if (rc == NCH_ENOMEM)
        nch_die(NCH_EXIT_INPUT, "--n-ic, --max-rounds: cannot allocate a round's candidates (%zu ICs)", n);
    if (rc)
        nch_die(NCH_EXIT_INPUT, "--hmin, --hmax: fewer than %zu initial conditions with %g <= H <= %g after %d rounds",
                n, p.hmin, p.hmax, p.max_rounds);
    gsl_rng_free(rng);
    for (size_t i = 0; i < n; i++) {
        double a[2] = {ic[2 * i], ic[2 * i + 1]};
        polar_to_state(a, ic + 2 * i);
    }

    double *traj = nch_xalloc(n, pts, 2 * sizeof *traj, "--n-ic, --nt: trajectories");
    size_t steps = nch_datagen_integrate(&mcp, n, ic, p.h, (size_t)p.nt, traj);
    header_ctx hc = {&p, box, rounds};
    nch_datagen_set set = {.model = &mcp, .nt = (size_t)p.nt, .h = p.h, .vf_stride = (size_t)p.vf_stride,
                           .solver_steps = steps, .header = header, .ctx = &hc};
    nch_datagen_write(&set, p.outdir, traj, p.split);
    free(ic);
    free(traj);
    return 0;
}
