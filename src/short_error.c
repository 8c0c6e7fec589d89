/* short_error — one learnt model's short-time error against the reference
 * Lotka–Volterra flow, by the Euler DVI and RK4 (spec lotka-volterra.md
 * §7.4, §9 e): a pipeline step per model, for the figure scheme_learning
 * and the seed studies.
 *
 *   short_error --model FILE --val FILE --n-ic N --tf TF --rate R --n-h NH
 *               --dvi-offset A --rk4-offset B --quantiles Q1,Q2 [--at H] -o FILE
 *
 * Each of the first N points of the vector-field file is integrated up to TF
 * with the DVI at the steps TF/ceil(TF/(0.1·R^(A−i))), i < NH, and RK4 at
 * offset B; the run's error is max_n ‖z_n − z_ref(t_n)‖₂, z_ref the
 * reference model's exact solution on the same grid, and a run that stops
 * (Newton failure) counts as an infinite error.  --at H keeps only the step
 * closest to H of each scheme (the seed studies' question).  The runs may
 * leave x, y > 0: no energy is needed here.
 * FILE: "scheme h median q_lo q_hi stopped runs" (scheme 0 DVI, 1 RK4;
 * quantiles Q1, Q2 of the errors of the runs from the N points; an infinite
 * quantile is written as NaN, the stopped count says why), one block per
 * scheme. */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_learnt.h"
#include "nch_lv.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { MAX_H = 16 };

typedef struct {
    const char *model, *val, *out;
    long n_ic, n_h;
    double tf, rate, offset[2], q[2], at;
} params;

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--model FILE --val FILE --n-ic N --tf TF --rate R --n-h NH --dvi-offset A "
                       "--rk4-offset B --quantiles Q1,Q2 [--at H] -o FILE");
}

static params parse(int argc, char **argv)
{
    params p = {.n_ic = -1, .n_h = -1, .offset = {NAN, NAN}, .at = NAN};
    size_t nq = 0;
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},      {"val", required_argument, 0, 'v'},
        {"n-ic", required_argument, 0, 'n'},       {"tf", required_argument, 0, 't'},
        {"rate", required_argument, 0, 'r'},       {"n-h", required_argument, 0, 'N'},
        {"dvi-offset", required_argument, 0, 'a'}, {"rk4-offset", required_argument, 0, 'b'},
        {"quantiles", required_argument, 0, 'q'},  {"at", required_argument, 0, 'h'},
        {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1;) {
        switch (c) {
        case 'm': p.model = optarg; break;
        case 'v': p.val = optarg; break;
        case 'n': p.n_ic = nch_cli_long("--n-ic", optarg, 1); break;
        case 't': p.tf = nch_cli_positive("--tf", optarg); break;
        case 'r': p.rate = nch_cli_positive("--rate", optarg); break;
        case 'N': p.n_h = nch_cli_long("--n-h", optarg, 1); break;
        case 'a': p.offset[0] = nch_cli_double("--dvi-offset", optarg); break;
        case 'b': p.offset[1] = nch_cli_double("--rk4-offset", optarg); break;
        case 'q': nq = nch_cli_positive_list("--quantiles", optarg, p.q, 2); break;
        case 'h': p.at = nch_cli_positive("--at", optarg); break;
        case 'o': p.out = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.model || !p.val || !p.out || p.n_ic < 1 || !(p.tf > 0) || !(p.rate > 1) || p.n_h < 1 ||
        p.n_h > MAX_H || isnan(p.offset[0]) || isnan(p.offset[1]) || nq != 2 || !(p.q[0] < p.q[1] && p.q[1] < 1))
        usage(NULL);
    return p;
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    nch_model ref;
    nch_lv_model(&ref);
    nch_learnt m;
    if (nch_learnt_load(&m, p.model)) nch_exit(NCH_EXIT_INPUT);
    nch_dataset val;
    if (nch_dataset_read_vf(p.val, 1, &val) || nch_dataset_check_domain(&val, &ref)) nch_exit(NCH_EXIT_INPUT);
    const size_t n_ic = (size_t)p.n_ic < val.n ? (size_t)p.n_ic : val.n;

    /* The steps of each scheme: all NH, or with --at the one closest to H. */
    long nt[2][MAX_H], n_steps[2] = {0, 0}, nt_max = 0;
    for (int s = 0; s < 2; s++) {
        double dist = INFINITY;
        for (long i = 0; i < p.n_h; i++) {
            long n = nch_cli_count("--tf, --rate, --dvi-offset, --rk4-offset",
                                   ceil(p.tf / (0.1 * pow(p.rate, p.offset[s] - (double)i))), 1);
            if (isnan(p.at)) nt[s][n_steps[s]++] = n;
            else if (fabs(p.tf / (double)n - p.at) < dist) dist = fabs(p.tf / (double)n - p.at), nt[s][0] = n, n_steps[s] = 1;
        }
        for (long i = 0; i < n_steps[s]; i++) nt_max = nt[s][i] > nt_max ? nt[s][i] : nt_max;
    }
    double *zs = nch_xalloc((size_t)nt_max + 1, 2, sizeof(double), "--tf, --rate, offsets: a trajectory");
    double *zr = nch_xalloc((size_t)nt_max + 1, 2, sizeof(double), "--tf, --rate, offsets: a reference trajectory");
    double *err = nch_xalloc(n_ic, 2 * MAX_H, sizeof(double), "--n-ic: errors");
    for (size_t j = 0; j < n_ic; j++) {
        const double *z0 = val.samples + j * val.width;
        for (int s = 0; s < 2; s++)
            for (long i = 0; i < n_steps[s]; i++) {
                const double h = p.tf / (double)nt[s][i];
                nch_run_report rep;
                if (nch_run(&ref, NCH_SCHEME_EXACT, h, nt[s][i], z0, 1, zr, &rep))
                    nch_die(NCH_EXIT_FAILED_RUN, "%s: reference solution from val point %zu failed: %s", p.val, j,
                            nch_strerror(rep.status));
                int rc = nch_run(&m.model, s ? NCH_SCHEME_RK4 : NCH_SCHEME_DVI, h, nt[s][i], z0, 1, zs, &rep);
                double e = 0;
                for (size_t n = 0; n < rep.rows; n++) e = fmax(e, hypot(zs[2 * n] - zr[2 * n], zs[2 * n + 1] - zr[2 * n + 1]));
                err[((size_t)s * MAX_H + (size_t)i) * n_ic + j] = rc ? INFINITY : e;
            }
    }

    nch_ofile out;
    nch_fig_open_path(&out, p.out, "max error over [0, tf] vs the reference model's exact solution",
                      "scheme h median q_lo q_hi stopped runs");
    for (int s = 0; s < 2; s++) {
        for (long i = 0; i < n_steps[s]; i++) {
            double *e = err + ((size_t)s * MAX_H + (size_t)i) * n_ic;
            size_t stopped = 0;
            for (size_t j = 0; j < n_ic; j++) stopped += isinf(e[j]);
            fprintf(out.fp, "%d", s);
            nch_tsv_double(out.fp, p.tf / (double)nt[s][i], 0);
            const double qs[3] = {0.5, p.q[0], p.q[1]};
            for (int k = 0; k < 3; k++) {
                const double v = nch_fig_quantile(e, n_ic, qs[k]);
                nch_tsv_double(out.fp, isinf(v) ? NAN : v, 0);
            }
            fprintf(out.fp, "\t%zu\t%zu\n", stopped, n_ic);
        }
        fputs("\n\n", out.fp);
    }
    nch_ofile_xcommit(&out);
    nch_learnt_free(&m);
    nch_dataset_free(&val);
    free(zs);
    free(zr);
    free(err);
    return 0;
}
