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
 * with the box, the split sizes and the normaliser bounds in the headers. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_lv.h"
#include "nch_ode.h"
#include "nch_sample.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <limits.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { N_SPLIT = 3, VF_GROUPS = 3 };
static const char *const split_names[N_SPLIT] = {"train", "test", "val"};

typedef struct {
    long seed, n_ic, nt, split[N_SPLIT];
    int max_rounds;
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
    double split[N_SPLIT];
    size_t n_split = 0;
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
        case 'S': n_split = nch_cli_positive_list("--split", optarg, split, N_SPLIT); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (p.seed < 0 || p.n_ic < 1 || isnan(p.hmin) || isnan(p.hmax) || isnan(p.box_pad) || p.max_rounds < 1 ||
        !(p.h > 0) || p.nt < 2 || n_split != N_SPLIT || !p.outdir)
        usage(NULL);
    if (!(p.hmin < p.hmax)) nch_die(NCH_EXIT_USAGE, "--hmin, --hmax: empty energy window (%g, %g)", p.hmin, p.hmax);
    if (p.box_pad < 0 || p.box_pad >= 1) nch_die(NCH_EXIT_USAGE, "--box-pad: must be in [0, 1) (%g)", p.box_pad);
    long total = 0;
    for (int s = 0; s < N_SPLIT; s++) {
        p.split[s] = lround(split[s]);
        if ((double)p.split[s] != split[s]) nch_die(NCH_EXIT_USAGE, "--split: not an integer (%g)", split[s]);
        total += p.split[s];
    }
    if (total != p.n_ic) nch_die(NCH_EXIT_USAGE, "--split: sizes add up to %ld, not --n-ic %ld", total, p.n_ic);
    return p;
}

static double lv_energy(const double z[2], void *ctx)
{
    (void)ctx;
    return nch_lv_hamiltonian(z);
}

static void header(FILE *fp, const params *p, const double box[4], int rounds, const char *split, long ntraj)
{
    nch_tsv_provenance(fp);
    nch_tsv_param(fp, "seed", "%ld (gsl_rng_mt19937)", p->seed);
    nch_tsv_param(fp, "box", "x in [%.17g, %.17g], y in [%.17g, %.17g]", box[0], box[1], box[2], box[3]);
    nch_tsv_param(fp, "energy_window", "%.17g <= H <= %.17g (%d rejection rounds)", p->hmin, p->hmax, rounds);
    nch_tsv_param(fp, "trajectories", "%ld ICs: train %ld, test %ld, val %ld; %ld steps of h = %.17g", p->n_ic,
                  p->split[0], p->split[1], p->split[2], p->nt, p->h);
    nch_tsv_param(fp, "split", "%s (%ld trajectories)", split, ntraj);
}

/* Min and max over rows of a 2-column array, printed as normaliser bounds. */
static void bounds(FILE *fp, const char *name, const double *z, size_t rows)
{
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (size_t i = 0; i < rows; i++)
        for (int c = 0; c < 2; c++) {
            lo[c] = fmin(lo[c], z[2 * i + c]);
            hi[c] = fmax(hi[c], z[2 * i + c]);
        }
    nch_tsv_param(fp, name, "min %.17g %.17g max %.17g %.17g", lo[0], lo[1], hi[0], hi[1]);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
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
    for (size_t i = 0; i < n; i++) {
        nch_ode_report rep;
        rc = nch_ode_solve_model(&lv, NCH_ODE_RTOL, NCH_ODE_ATOL, 0, p.h, (size_t)p.nt, ic + 2 * i,
                                traj + 2 * pts * i, &rep);
        if (rc)
            nch_die(NCH_EXIT_FAILED_RUN, "trajectory %zu from (%.17g, %.17g) failed at t = %g: %s", i, ic[2 * i],
                    ic[2 * i + 1], rep.t, nch_strerror(rc));
    }

    size_t first = 0;
    for (int s = 0; s < N_SPLIT; s++) {
        size_t ntraj = (size_t)p.split[s];
        const double *zs = traj + 2 * pts * first;
        char path[4096];
        nch_ofile ft, fv;
        snprintf(path, sizeof path, "%s/traj-%s.tsv", p.outdir, split_names[s]);
        nch_ofile_xopen(&ft, path);
        header(ft.fp, &p, box, rounds, split_names[s], (long)ntraj);
        bounds(ft.fp, "snapshot_bounds", zs, ntraj * pts);
        nch_tsv_columns(ft.fp, "traj step t x y");
        for (size_t i = 0; i < ntraj; i++)
            for (size_t j = 0; j < pts; j++) {
                fprintf(ft.fp, "%zu\t%zu", i, j);
                nch_tsv_double(ft.fp, (double)j * p.h, 0);
                nch_tsv_double(ft.fp, zs[2 * (pts * i + j)], 0);
                nch_tsv_double(ft.fp, zs[2 * (pts * i + j) + 1], 0);
                fputc('\n', ft.fp);
            }

        /* Vector-field points: group g of the near-equal thirds of the split
         * takes the time indices g..g + nt − 2 of each of its trajectories. */
        size_t per = pts - (VF_GROUPS - 1), nvf = ntraj * per;
        double *vz = nch_xalloc(nvf, 2, sizeof(double), "vector-field points"), *vt = nch_xalloc(nvf, 1, sizeof(double), "times");
        size_t k = 0, start = 0;
        for (size_t g = 0; g < VF_GROUPS; g++) {
            size_t size = ntraj / VF_GROUPS + (g < ntraj % VF_GROUPS);
            for (size_t i = start; i < start + size; i++)
                for (size_t j = g; j < g + per; j++, k++) {
                    vz[2 * k] = zs[2 * (pts * i + j)];
                    vz[2 * k + 1] = zs[2 * (pts * i + j) + 1];
                    vt[k] = (double)j * p.h;
                }
            start += size;
        }
        double *f = nch_xalloc(nvf, 2, sizeof(double), "field values");
        if (nch_model_field(&lv, nvf, vz, f)) nch_die(NCH_EXIT_FAILED_RUN, "field evaluation failed");
        snprintf(path, sizeof path, "%s/vf-%s.tsv", p.outdir, split_names[s]);
        nch_ofile_xopen(&fv, path);
        header(fv.fp, &p, box, rounds, split_names[s], (long)ntraj);
        bounds(fv.fp, "vf_bounds", vz, nvf);
        nch_tsv_param(fv.fp, "points", "%zu", nvf);
        nch_tsv_columns(fv.fp, "t x y dxdt dydt");
        for (size_t i = 0; i < nvf; i++) {
            nch_tsv_double(fv.fp, vt[i], 1);
            for (int c = 0; c < 2; c++) nch_tsv_double(fv.fp, vz[2 * i + c], 0);
            for (int c = 0; c < 2; c++) nch_tsv_double(fv.fp, f[2 * i + c], 0);
            fputc('\n', fv.fp);
        }
        nch_ofile_xcommit(&ft);
        nch_ofile_xcommit(&fv);
        free(vz);
        free(vt);
        free(f);
        first += ntraj;
    }
    free(ic);
    free(traj);
    return 0;
}
