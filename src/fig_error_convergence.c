/* fig_error_convergence — data of the figure `error_convergence`: the error
 * of the linear model learnt at step Δt and simulated at step δt (spec:
 * linear-bea.md), for explicit Euler and the implicit midpoint, without and
 * with Hamiltonian structure.
 *
 *   fig_error_convergence --T 5 --n 10,20,... --pub-learn 0.1
 *                         --pub-sim 0.1,0.05,0.01 --outdir DIR
 *
 * Δt and δt both run over T/n for the listed n.  Writes DIR/errors.tsv
 * (scheme structure dt_learn dt_sim err) and DIR/numbers.tsv (the largest
 * diagonal error per case, and the errors of the model learnt at pub-learn
 * simulated at each pub-sim step). */
#include "nch_bea.h"
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_numenv.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { MAX_GRID = 256, MAX_PUB = 16 };

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--T T --n N1,N2,... --pub-learn DT --pub-sim DT1,... --outdir DIR");
}

static double error_or_die(nch_bea_scheme s, int structure, double dt_learn, double dt_sim, long n_sim)
{
    double err;
    int rc = nch_bea_error(s, structure, dt_learn, dt_sim, n_sim, &err);
    if (rc || !isfinite(err))
        nch_die(NCH_EXIT_INPUT, "%s, structure %d, dt_learn %g, dt_sim %g: %s", nch_bea_scheme_name(s),
                structure, dt_learn, dt_sim, rc ? nch_strerror(rc) : "non-finite error");
    return err;
}

/* "0.05" -> "0p05", so a step can be part of a number's key. */
static void step_tag(double dt, char *buf, size_t size)
{
    snprintf(buf, size, "%g", dt);
    for (char *p = buf; *p; p++)
        if (*p == '.') *p = 'p';
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    double T = 0, grid[MAX_GRID], pub_learn = 0, pub_sim[MAX_PUB];
    size_t n_grid = 0, n_pub = 0;
    const char *outdir = NULL;
    static const struct option opts[] = {
        {"T", required_argument, 0, 'T'},         {"n", required_argument, 0, 'n'},
        {"pub-learn", required_argument, 0, 'l'}, {"pub-sim", required_argument, 0, 's'},
        {"outdir", required_argument, 0, 'o'},    {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'T': T = nch_cli_positive("--T", optarg); break;
        case 'n': n_grid = nch_cli_positive_list("--n", optarg, grid, MAX_GRID); break;
        case 'l': pub_learn = nch_cli_positive("--pub-learn", optarg); break;
        case 's': n_pub = nch_cli_positive_list("--pub-sim", optarg, pub_sim, MAX_PUB); break;
        case 'o': outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!(T > 0) || !n_grid || !(pub_learn > 0) || !n_pub || !outdir) usage(NULL);
    long steps[MAX_GRID];
    for (size_t i = 0; i < n_grid; i++) {
        steps[i] = lround(grid[i]);
        if (grid[i] != (double)steps[i]) nch_die(NCH_EXIT_USAGE, "--n: not an integer (%g)", grid[i]);
    }
    nch_cli_steps("--pub-learn", T, pub_learn);
    long pub_steps[MAX_PUB];
    for (size_t j = 0; j < n_pub; j++) pub_steps[j] = nch_cli_steps("--pub-sim", T, pub_sim[j]);

    char path[4096];
    nch_ofile errors, numbers;
    nch_fig_open(&numbers, outdir, "numbers.tsv", "numbers", "key value"); /* first: it checks outdir */
    snprintf(path, sizeof path, "%s/errors.tsv", outdir);
    nch_ofile_xopen(&errors, path);

    nch_tsv_provenance(errors.fp);
    nch_tsv_param(errors.fp, "T", "%.17g", T);
    fprintf(errors.fp, "# n (dt = T/n):");
    for (size_t i = 0; i < n_grid; i++) fprintf(errors.fp, " %ld", steps[i]);
    fputc('\n', errors.fp);
    nch_tsv_columns(errors.fp, "scheme structure dt_learn dt_sim err");
    for (int s = NCH_BEA_EULER; s <= NCH_BEA_MIDPOINT; s++) {
        for (int structure = 0; structure <= 1; structure++) {
            double diag_max = 0;
            for (size_t i = 0; i < n_grid; i++) {
                double dt_learn = T / (double)steps[i];
                for (size_t j = 0; j < n_grid; j++) {
                    double dt_sim = T / (double)steps[j];
                    double err = error_or_die(s, structure, dt_learn, dt_sim, steps[j]);
                    if (i == j && err > diag_max) diag_max = err;
                    fprintf(errors.fp, "%s\t%d", nch_bea_scheme_name(s), structure);
                    nch_tsv_double(errors.fp, dt_learn, 0);
                    nch_tsv_double(errors.fp, dt_sim, 0);
                    nch_tsv_double(errors.fp, err, 0);
                    fputc('\n', errors.fp);
                }
            }
            char key[128], learn_tag[32], sim_tag[32];
            const char *kind = structure ? "struct" : "plain";
            snprintf(key, sizeof key, "error_convergence_%s_%s_diag_max", nch_bea_scheme_name(s), kind);
            nch_tsv_number(numbers.fp, key, diag_max);
            step_tag(pub_learn, learn_tag, sizeof learn_tag);
            for (size_t j = 0; j < n_pub; j++) {
                step_tag(pub_sim[j], sim_tag, sizeof sim_tag);
                snprintf(key, sizeof key, "error_convergence_%s_%s_learn%s_sim%s", nch_bea_scheme_name(s),
                         kind, learn_tag, sim_tag);
                nch_tsv_number(numbers.fp, key,
                               error_or_die(s, structure, pub_learn, pub_sim[j], pub_steps[j]));
            }
        }
    }
    nch_ofile_xcommit(&errors);
    nch_ofile_xcommit(&numbers);
    return 0;
}
