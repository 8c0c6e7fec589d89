/* fig_architectures — data of the figure `architectures`: the plain MLP
 * vector field, the canonical Hamiltonian net and the learnt (θ, H) model,
 * each integrated by the reference integrator from z0 and compared with the
 * reference Lotka–Volterra orbit (spec lotka-volterra.md §7.1, §9 a).
 *
 *   fig_architectures --mlp FILE --canonical FILE --noncanonical FILE
 *                     --z0 X,Y --h H --T T --every K --outdir DIR
 *
 * DIR/NAME.tsv (NAME = reference, mlp, canonical, noncanonical): t x y
 * rel_err_H every K-th output step (relative error with the reference H);
 * DIR/NAME_period.tsv: the first period (authors' period index) of each.
 * DIR/numbers.tsv: per model the largest |rel. H error| and the gap
 * min ‖z(t) − z0‖ over t ∈ [P/2, 3P/2], P the reference period: how far the
 * orbit misses its start after one turn.  A model whose solution stops (not
 * finite) is reported with the time it reached, and its data end there. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_lv.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_traj.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { N_MODELS = 4 };
static const char *const names[N_MODELS] = {"reference", "mlp", "canonical", "noncanonical"};

typedef struct {
    const char *files[N_MODELS];
    double z0[2], h, T;
    long every;
    const char *outdir;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--mlp FILE --canonical FILE --noncanonical FILE --z0 X,Y --h H --T T --every K "
                  "--outdir DIR");
}

static params parse(int argc, char **argv)
{
    params p = {.every = -1};
    size_t nz = 0;
    static const struct option opts[] = {
        {"mlp", required_argument, 0, 1},  {"canonical", required_argument, 0, 2},
        {"noncanonical", required_argument, 0, 3}, {"z0", required_argument, 0, 'z'},
        {"h", required_argument, 0, 'h'},  {"T", required_argument, 0, 'T'},
        {"every", required_argument, 0, 'k'}, {"outdir", required_argument, 0, 'o'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 1: case 2: case 3: p.files[c] = optarg; break;
        case 'z': nz = nch_cli_list("--z0", optarg, p.z0, 2); break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'T': p.T = nch_cli_positive("--T", optarg); break;
        case 'k': p.every = nch_cli_long("--every", optarg, 1); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.files[1] || !p.files[2] || !p.files[3] || nz != 2 || !(p.h > 0) || !(p.T > 0) || p.every < 1 || !p.outdir)
        usage(NULL);
    nch_cli_steps("--T", p.T, p.h);
    nch_fig_check_start("--z0", p.z0);
    return p;
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    long n = nch_cli_steps("--T", p.T, p.h);
    nch_model reference;
    nch_learnt learnt[N_MODELS] = {{0}};
    const nch_model *model[N_MODELS] = {&reference};
    nch_lv_model(&reference);
    for (int k = 1; k < N_MODELS; k++) {
        if (nch_learnt_load(&learnt[k], p.files[k])) nch_exit(NCH_EXIT_INPUT);
        model[k] = &learnt[k].model;
    }
    double *z[N_MODELS];
    size_t rows[N_MODELS], period[N_MODELS];
    /* Every trajectory before any run, so that a size that does not fit
     * fails before a run is reported. */
    for (int k = 0; k < N_MODELS; k++) z[k] = nch_xalloc((size_t)n + 1, 2, sizeof(double), "--T / --h");
    /* The reference (k = 0) first: a failure there is fatal, before any
     * learnt model's stop is reported. */
    for (int k = 0; k < N_MODELS; k++) {
        nch_run_report rep;
        int rc = nch_run(model[k], NCH_SCHEME_EXACT, p.h, n, p.z0, 1, z[k], &rep);
        if (rc && k == 0)
            nch_die(NCH_EXIT_FAILED_RUN, "--z0: the reference solution stops at t = %g (%s)", (double)rep.rows * p.h,
                    nch_strerror(rc));
        if (rc)
            nch_error("%s (%s): solution stops at t = %g (%s); its data end there", names[k], p.files[k],
                      (double)rep.rows * p.h, nch_strerror(rc));
        if (!rep.rows) nch_die(NCH_EXIT_FAILED_RUN, "%s: no solution at all", names[k]);
        rows[k] = rep.rows;
        period[k] = nch_period_index(z[k], rows[k], 2);
        if (k == 0 && !period[0])
            nch_die(NCH_EXIT_FAILED_RUN, "--T: the reference orbit does not close before T = %g", p.T);
    }
    double P = (double)(period[0] - 1) * p.h;

    nch_ofile numbers;
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");
    for (int k = 0; k < N_MODELS; k++) {
        char file[64], key[96];
        snprintf(file, sizeof file, "%s.tsv", names[k]);
        nch_ofile f;
        nch_fig_open(&f, p.outdir, file, k ? p.files[k] : "lv (reference)", "t x y rel_err_H");
        nch_traj_write(f.fp, z[k], rows[k], (size_t)p.every, p.h, -1);
        nch_ofile_xcommit(&f);
        /* One period; a model whose orbit never comes back gets its first
         * reference period's worth of states. */
        size_t one = period[k] ? period[k] : (period[0] < rows[k] ? period[0] : rows[k]);
        snprintf(file, sizeof file, "%s_period.tsv", names[k]);
        nch_fig_open(&f, p.outdir, file, k ? p.files[k] : "lv (reference)", "t x y rel_err_H");
        nch_traj_write(f.fp, z[k], one, 1, p.h, -1);
        nch_ofile_xcommit(&f);
        double emax = 0, gap = INFINITY;
        for (size_t i = 0; i < rows[k]; i++) {
            emax = fmax(emax, fabs(nch_traj_rel_err(z[k], i)));
            double t = (double)i * p.h;
            if (t >= P / 2 && t <= 1.5 * P) gap = fmin(gap, hypot(z[k][2 * i] - p.z0[0], z[k][2 * i + 1] - p.z0[1]));
        }
        snprintf(key, sizeof key, "architectures_%s_max_abs_rel_err", names[k]);
        nch_tsv_number(numbers.fp, key, emax);
        snprintf(key, sizeof key, "architectures_%s_period_gap", names[k]);
        nch_tsv_number(numbers.fp, key, gap);
        snprintf(key, sizeof key, "architectures_%s_t_end", names[k]);
        nch_tsv_number(numbers.fp, key, (double)(rows[k] - 1) * p.h);
        free(z[k]);
        nch_learnt_free(&learnt[k]);
    }
    nch_tsv_number(numbers.fp, "architectures_reference_period", P);
    nch_ofile_xcommit(&numbers);
    return 0;
}
