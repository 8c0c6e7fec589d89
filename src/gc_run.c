/* gc_run — one guiding-centre model, the reference or a learnt one,
 * simulated over a long time by one scheme from the study orbits (spec
 * gc-mcp.md §3.5); a pipeline step of its own, so that each model's runs
 * start as soon as it is trained.
 *
 *   gc_run --model gc|FILE --scheme dvi|rk4 --ic THETA,PHI,R,U [--ic ...]
 *          --h H --steps N --every K --envelope W --out PREFIX
 *
 * --model gc is the reference model (nch_gc.h); a file named gc is ./gc.
 * PREFIX.tsv           every K-th step and the last of each run:
 *                      ic step t theta phi r u R Z rel_err_H
 * PREFIX_envelope.tsv  the energy error over every step as its largest
 *                      |value| in each of W windows of equal length, two
 *                      rows per window (its first and its last time):
 *                      ic t max_abs_rel_err_H
 * PREFIX_stop.tsv      last state of each run that stopped (as PREFIX.tsv)
 * PREFIX_outcome.tsv   one row per IC: ic theta0 phi0 r0 u0 h steps_asked
 *                      steps max_abs_rel_err trapped stop (steps <
 *                      steps_asked: it stopped; stop: 0 completed, else why,
 *                      an nch_status code)
 * The energy error is (H(z_n) − H(z_0)) / H(z_0) with the reference H, also
 * along a learnt model's run (spec §3.5).  trapped is 1 when u changes sign
 * over the steps made (the orbit bounces), 0 when it keeps it (passing).
 * A learnt model runs in the reference's domain 0 < r < R0, where the
 * geometry (R, Z) and that H are defined: a run that leaves it stops there,
 * as does a DVI step that fails (Newton, a non-finite state).
 * Exit status: 0, also when runs stop (their outcome says so); 1 bad input
 * (an unreadable model, an IC outside the domain, no DVI for a bare vector
 * field); 2 usage. */
#include "nch_cli.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_gc.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_system.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_IC = 8, DIM = 4 };

typedef struct {
    const char *model, *out;
    nch_scheme_kind scheme;
    int have_scheme;
    size_t n_ic;
    double ic[MAX_IC][DIM], h;
    long steps, every, windows;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--model gc|FILE --scheme dvi|rk4 --ic THETA,PHI,R,U [--ic ...] --h H --steps N --every K "
                  "--envelope W --out PREFIX");
}

static params parse(int argc, char **argv)
{
    params p = {.steps = -1, .every = -1, .windows = -1};
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"scheme", required_argument, 0, 's'},
        {"ic", required_argument, 0, 'i'},    {"h", required_argument, 0, 'h'},
        {"steps", required_argument, 0, 'n'}, {"every", required_argument, 0, 'e'},
        {"envelope", required_argument, 0, 'w'}, {"out", required_argument, 0, 'o'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'm': p.model = optarg; break;
        case 's':
            if (nch_scheme_parse(optarg, &p.scheme) ||
                (p.scheme != NCH_SCHEME_DVI && p.scheme != NCH_SCHEME_RK4))
                nch_die(NCH_EXIT_USAGE, "--scheme: dvi or rk4 (%s)", optarg);
            p.have_scheme = 1;
            break;
        case 'i':
            if (p.n_ic == MAX_IC) nch_die(NCH_EXIT_USAGE, "--ic: more than %d points", MAX_IC);
            if (nch_cli_list("--ic", optarg, p.ic[p.n_ic], DIM) != DIM)
                nch_die(NCH_EXIT_USAGE, "--ic: expected THETA,PHI,R,U (%s)", optarg);
            p.n_ic++;
            break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'n': p.steps = nch_cli_long("--steps", optarg, 1); break;
        case 'e': p.every = nch_cli_long("--every", optarg, 1); break;
        case 'w': p.windows = nch_cli_long("--envelope", optarg, 1); break;
        case 'o': p.out = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.model || !p.have_scheme || !p.n_ic || !(p.h > 0) || p.steps < 1 || p.every < 1 || p.windows < 1 ||
        !p.out)
        usage(NULL);
    return p;
}

/* Row i of run ic: "ic step t theta phi r u R Z rel_err_H". */
static void write_row(FILE *fp, size_t ic, const double *z, size_t i, double h, double err)
{
    const double *zi = z + DIM * i;
    fprintf(fp, "%zu\t%zu", ic, i);
    nch_tsv_double(fp, (double)i * h, 0);
    for (int c = 0; c < DIM; c++) nch_tsv_double(fp, zi[c], 0);
    double R, Z;
    nch_gc_poloidal(zi, &R, &Z);
    nch_tsv_double(fp, R, 0);
    nch_tsv_double(fp, Z, 0);
    nch_tsv_double(fp, err, 0);
    fputc('\n', fp);
}

/* The envelope of |err[0..rows-1]|: at most `windows` windows of consecutive
 * rows, window j ending before row ⌊j·rows/windows⌋, two rows each. */
static void write_envelope(FILE *fp, size_t ic, const double *err, size_t rows, size_t windows, double h)
{
    if (windows > rows) windows = rows;
    for (size_t j = 0, first = 0; j < windows; j++) {
        size_t end = (j + 1) * rows / windows;
        double worst = 0;
        for (size_t i = first; i < end; i++) worst = fmax(worst, fabs(err[i]));
        fprintf(fp, "%zu", ic);
        nch_tsv_double(fp, (double)first * h, 0);
        nch_tsv_double(fp, worst, 0);
        if (end - 1 > first) {
            fprintf(fp, "\n%zu", ic);
            nch_tsv_double(fp, (double)(end - 1) * h, 0);
            nch_tsv_double(fp, worst, 0);
        }
        fputc('\n', fp);
        first = end;
    }
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    /* Any other name than gc is a file, even another system's model's. */
    nch_system_model sm;
    if (nch_system_load(&sm, nch_system_find("gc"), p.model, 1, "the guiding centre")) nch_exit(NCH_EXIT_INPUT);
    const nch_model *m = sm.model;
    if (p.scheme == NCH_SCHEME_DVI && !m->jets) /* only a learnt model's can be NULL */
        nch_die(NCH_EXIT_INPUT, "%s: a bare vector field (kind %s) has no DVI", p.model,
                nch_learnt_kind_name(sm.learnt.kind));
    for (size_t k = 0; k < p.n_ic; k++)
        if (nch_model_check_domain(&sm.ref, p.ic[k]))
            nch_die(NCH_EXIT_INPUT, "--ic: (%g, %g, %g, %g) is outside the domain 0 < r < 1", p.ic[k][0],
                    p.ic[k][1], p.ic[k][2], p.ic[k][3]);
    const char *scheme = nch_scheme_name(p.scheme);
    /* As bin/train: a progress line on a terminal unless NCH_VERBOSE=0. */
    const char *v = getenv("NCH_VERBOSE");
    int progress = isatty(STDERR_FILENO) && !(v && !strcmp(v, "0"));

    char what[64];
    snprintf(what, sizeof what, "--steps %ld", p.steps);
    double *z = nch_xalloc((size_t)p.steps + 1, DIM, sizeof(double), what);
    double *err = nch_xalloc((size_t)p.steps + 1, 1, sizeof(double), what);
    static const char columns[] = "ic step t theta phi r u R Z rel_err_H";
    nch_ofile traj, envelope, stop, outcome;
    nch_fig_open_prefixed(&traj, "--out", p.out, ".tsv", p.model, columns);
    nch_fig_open_prefixed(&envelope, "--out", p.out, "_envelope.tsv", p.model, "ic t max_abs_rel_err_H");
    nch_fig_open_prefixed(&stop, "--out", p.out, "_stop.tsv", p.model, columns);
    nch_fig_open_prefixed(&outcome, "--out", p.out, "_outcome.tsv", p.model,
                          "ic theta0 phi0 r0 u0 h steps_asked steps max_abs_rel_err trapped stop");
    nch_tsv_param(outcome.fp, "scheme", "%s", scheme);
    nch_tsv_param(outcome.fp, "trapped", "1 if u changes sign over the steps made, else 0");
    nch_tsv_param(outcome.fp, "stop", "0 completed, %d Newton failure, %d non-finite state, %d left 0 < r < 1",
                  NCH_ENOCONV, NCH_ENONFIN, NCH_EDOM);
    double t0 = seconds();
    for (size_t k = 0; k < p.n_ic; k++) {
        nch_run_report rep;
        int rc = nch_run(m, p.scheme, p.h, p.steps, p.ic[k], 1, z, &rep);
        if (rc)
            nch_error("%s: %s from u0 = %g stops at step %ld of %ld: %s", p.model, scheme, p.ic[k][3],
                      rep.fail_step, p.steps, nch_strerror(rc));
        double H0 = nch_gc_hamiltonian(z), worst = 0, u_min = z[3], u_max = z[3];
        for (size_t i = 0; i < rep.rows; i++) {
            err[i] = (nch_gc_hamiltonian(z + DIM * i) - H0) / H0;
            worst = fmax(worst, fabs(err[i]));
            u_min = fmin(u_min, z[DIM * i + 3]);
            u_max = fmax(u_max, z[DIM * i + 3]);
        }
        for (size_t i = 0; i < rep.rows; i += (size_t)p.every) write_row(traj.fp, k, z, i, p.h, err[i]);
        if ((rep.rows - 1) % (size_t)p.every) write_row(traj.fp, k, z, rep.rows - 1, p.h, err[rep.rows - 1]);
        fputs("\n\n", traj.fp);
        write_envelope(envelope.fp, k, err, rep.rows, (size_t)p.windows, p.h);
        fputs("\n\n", envelope.fp);
        if (rc) write_row(stop.fp, k, z, rep.rows - 1, p.h, err[rep.rows - 1]);
        fprintf(outcome.fp, "%zu", k);
        for (int c = 0; c < DIM; c++) nch_tsv_double(outcome.fp, p.ic[k][c], 0);
        nch_tsv_double(outcome.fp, p.h, 0);
        fprintf(outcome.fp, "\t%ld\t%zu", p.steps, rep.rows - 1);
        nch_tsv_double(outcome.fp, worst, 0);
        fprintf(outcome.fp, "\t%d\t%d\n", u_min < 0 && u_max > 0, rc);
        if (progress)
            fprintf(stderr, "%s: %s %s: IC %zu/%zu, %zu steps, elapsed %.0f s\n", nch_program(), p.model, scheme,
                    k + 1, p.n_ic, rep.rows - 1, seconds() - t0);
    }
    nch_ofile_xcommit(&traj);
    nch_ofile_xcommit(&envelope);
    nch_ofile_xcommit(&stop);
    nch_ofile_xcommit(&outcome);
    nch_system_model_free(&sm);
    free(z);
    free(err);
    return 0;
}
