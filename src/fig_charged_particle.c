/* fig_charged_particle — data of the figure `charged_particle`: the massless
 * charged particle's learnt models, their errors on the validation set and
 * their Euler-DVI runs over the exact orbits (spec gc-mcp.md §2.5,
 * viz_results and viz_results_dvi).
 *
 *   fig_charged_particle --vf-reg FILE --vf-no-reg FILE --scheme FILE
 *       --val-vf FILE --val-traj FILE --h H --ic-ranks R1,R2,... --ref-steps N
 *       --steps N --exact-h HE --exact-T T --every K --outdir DIR
 *
 * Error maps, per point, ‖err M^{-1/2}‖₂ with M the Gram matrix of the whole
 * validation set (GramMSNorm's whitening, nch_gram.h, ε_g = 1e-8):
 * DIR/errors_vf_reg.tsv, errors_vf_no_reg.tsv  (x y err) the vector-field
 *     error f̂(z) − ż at each point of --val-vf, M from the exact ż;
 * DIR/errors_scheme.tsv  (x y err) the scheme model's Newton correction J⁻¹R
 *     of the Euler-DVI residual (spec §1.6 c) at each triple (z0, z1, z2) of
 *     --val-traj, plotted at z1, M from (z2 − z1)/Δt, Δt the file's step.
 * DVI runs from the ICs: the points of --val-vf sorted by the exact H, ranks
 * R1, R2, ... (0-based); the reference model for --ref-steps, the three
 * learnt models for --steps Euler-DVI steps of size H:
 * DIR/dvi_ref.tsv, dvi_vf_reg.tsv, dvi_vf_no_reg.tsv, dvi_scheme.tsv
 *     (ic t x y rel_err_H, one block per IC, every step; rel_err_H =
 *     (H(z_n) − H(z_0))/H(z_0) with the exact H);
 * DIR/dvi_stop.tsv  (model ic t x y rel_err_H) the last state of each run
 *     that stopped (model 0 ref, 1 vf_reg, 2 vf_no_reg, 3 scheme);
 * DIR/exact.tsv  (ic t x y rel_err_H) the reference model's exact orbit
 *     (rk8pd) from each IC up to T, every K-th point of the grid of HE;
 * DIR/numbers.tsv  the maps' medians and maxima, the colour scale, the ICs'
 *     energies, and per model and IC the steps made and the largest
 *     |relative energy error| (and its largest over the ICs, and the
 *     number of ICs whose run made every step).
 * A DVI run that fails (Newton, a non-finite state) stops there: its rows
 * are kept, the stop is said on stderr and in the numbers.
 *
 * Exit status 0 (also when runs stop), 1 for bad input (an unreadable or
 * malformed file, a model without θ and H or not of d = 1, a rank beyond
 * the file, an IC where H = 0, degenerate validation data), 2 for a usage
 * error, 3 when a model fails on the validation data (a singular Jacobian,
 * a non-finite error). */
#include "nch_cli.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_fig.h"
#include "nch_gram.h"
#include "nch_learnt.h"
#include "nch_mcp.h"
#include "nch_numenv.h"
#include "nch_run.h"
#include "nch_scheme.h"
#include "nch_tsv.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { D = 1, N = 2 * D, MAX_IC = 4, N_LEARNT = 3, N_RUN = 4 };

typedef struct {
    const char *model[N_LEARNT], *val_vf, *val_traj, *outdir;
    double h, exact_h, exact_T;
    size_t rank[MAX_IC], n_ic;
    long ref_steps, steps, every;
} params;

/* The learnt models in the order of their options and file names; the DVI
 * runs put the reference model in front (model index 0 of dvi_stop.tsv). */
static const char *const learnt_tag[N_LEARNT] = {"vf_reg", "vf_no_reg", "scheme"};
static const char *const run_tag[N_RUN] = {"ref", "vf_reg", "vf_no_reg", "scheme"};

static void usage(const char *bad)
{
    nch_fig_usage(bad, "--vf-reg FILE --vf-no-reg FILE --scheme FILE --val-vf FILE --val-traj FILE --h H "
                  "--ic-ranks R1,R2,... --ref-steps N --steps N --exact-h HE --exact-T T --every K --outdir DIR");
}

static size_t parse_ranks(const char *arg, size_t *rank)
{
    double v[MAX_IC];
    size_t n = nch_cli_list("--ic-ranks", arg, v, MAX_IC);
    for (size_t k = 0; k < n; k++) {
        /* (2^53: beyond it a double is not every integer, and far beyond any file) */
        if (!(v[k] >= 0 && v[k] <= 0x1p53) || v[k] != floor(v[k]))
            nch_die(NCH_EXIT_USAGE, "--ic-ranks: not a non-negative integer (%s)", arg);
        rank[k] = (size_t)v[k];
    }
    return n;
}

static params parse(int argc, char **argv)
{
    params p = {.ref_steps = -1, .steps = -1, .every = -1};
    static const struct option opts[] = {
        {"vf-reg", required_argument, 0, 'r'},    {"vf-no-reg", required_argument, 0, 'n'},
        {"scheme", required_argument, 0, 's'},    {"val-vf", required_argument, 0, 'v'},
        {"val-traj", required_argument, 0, 't'},  {"h", required_argument, 0, 'h'},
        {"ic-ranks", required_argument, 0, 'i'},  {"ref-steps", required_argument, 0, 'R'},
        {"steps", required_argument, 0, 'N'},     {"exact-h", required_argument, 0, 'e'},
        {"exact-T", required_argument, 0, 'T'},   {"every", required_argument, 0, 'k'},
        {"outdir", required_argument, 0, 'o'},    {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        switch (c) {
        case 'r': p.model[0] = optarg; break;
        case 'n': p.model[1] = optarg; break;
        case 's': p.model[2] = optarg; break;
        case 'v': p.val_vf = optarg; break;
        case 't': p.val_traj = optarg; break;
        case 'h': p.h = nch_cli_positive("--h", optarg); break;
        case 'i': p.n_ic = parse_ranks(optarg, p.rank); break;
        case 'R': p.ref_steps = nch_cli_long("--ref-steps", optarg, 1); break;
        case 'N': p.steps = nch_cli_long("--steps", optarg, 1); break;
        case 'e': p.exact_h = nch_cli_positive("--exact-h", optarg); break;
        case 'T': p.exact_T = nch_cli_positive("--exact-T", optarg); break;
        case 'k': p.every = nch_cli_long("--every", optarg, 1); break;
        case 'o': p.outdir = optarg; break;
        default: usage(nch_fig_bad_option(c, argv));
        }
    }
    if (optind != argc) usage(argv[optind]);
    if (!p.model[0] || !p.model[1] || !p.model[2] || !p.val_vf || !p.val_traj || !(p.h > 0) || !p.n_ic ||
        p.ref_steps < 1 || p.steps < 1 || !(p.exact_h > 0) || !(p.exact_T > 0) || p.every < 1 || !p.outdir)
        usage(NULL);
    return p;
}

/* Loads a learnt model that the DVI can run: θ and H (not a bare field), d = 1. */
static void load_model(nch_learnt *m, const char *path)
{
    if (nch_learnt_load(m, path)) nch_exit(NCH_EXIT_INPUT);
    if (m->d != D) nch_die(NCH_EXIT_INPUT, "%s: a model of d = %d, the charged particle has d = %d", path, m->d, D);
    if (!m->model.jets)
        nch_die(NCH_EXIT_INPUT, "%s: a bare vector field (kind %s) has no theta and H for the DVI", path,
                nch_learnt_kind_name(m->kind));
}

/* The Gram scaler of a row that starts with it. */
static void leading_scaler(int n, const double *row, double *s) { memcpy(s, row, (size_t)n * sizeof *s); }

/* M^{-1/2} of the n scalers (rows of `width` doubles starting with them):
 * the whitening of GramMSNorm over the whole set, as one batch. */
static void whitening(nch_gram *g, size_t n, const double *scalers, size_t width, const char *path, const char *what)
{
    int rc = nch_gram_init(g, NCH_NORM_GRAM, NCH_GRAM_EPS_DEFAULT, N, n, scalers, width, leading_scaler);
    if (rc == NCH_EDEGEN) nch_die(NCH_EXIT_INPUT, "%s: degenerate data: the Gram matrix of the %s is singular", path, what);
    if (rc) nch_die(NCH_EXIT_INPUT, "%s: the Gram matrix of the %s: %s", path, what, nch_strerror(rc));
}

/* ‖u M^{-1/2}‖₂ (nch_gram_apply gives the mean square over the N components). */
static double whitened_norm(const nch_gram *g, const double *u)
{
    double ut[N];
    return sqrt(N * nch_gram_apply(g, u, ut));
}

/* The file line of triple i (its first state), for messages. */
static size_t triple_line(const nch_dataset *ds, size_t i)
{
    size_t state = 0;
    for (size_t t = 0; t < ds->n_traj; state += ds->traj_len[t++]) {
        size_t triples = ds->traj_len[t] - 2;
        if (i < triples) return ds->lines[state + i];
        i -= triples;
    }
    return 0;
}

/* One error map: opens DIR/errors_TAG.tsv as *f (the caller commits it
 * with the other outputs, so that an interrupted run leaves none), writes
 * the points (the first two values of the rows of `width` doubles at pts),
 * its median and maximum into numbers, and widens range to its least and
 * largest value; err (n values) is sorted on return. */
static void write_map(nch_ofile *f, const char *outdir, const char *tag, const char *content, const double *pts,
                      size_t width, double *err, size_t n, FILE *numbers, double range[2])
{
    char name[64], key[128];
    snprintf(name, sizeof name, "errors_%s.tsv", tag);
    nch_fig_open(f, outdir, name, content, "x y err");
    for (size_t i = 0; i < n; i++) {
        nch_tsv_double(f->fp, pts[i * width], 1);
        nch_tsv_double(f->fp, pts[i * width + 1], 0);
        nch_tsv_double(f->fp, err[i], 0);
        fputc('\n', f->fp);
    }
    double median = nch_fig_quantile(err, n, 0.5);
    snprintf(key, sizeof key, "charged_particle_err_%s_median", tag);
    nch_tsv_number(numbers, key, median);
    snprintf(key, sizeof key, "charged_particle_err_%s_max", tag);
    nch_tsv_number(numbers, key, err[n - 1]);
    range[0] = fmin(range[0], err[0]);
    range[1] = fmax(range[1], err[n - 1]);
}

/* The VF error f̂(z) − ż of a model at every point of the VF set, whitened by
 * the Gram matrix of the exact ż. */
static void vf_errors(const nch_learnt *m, const char *path, const nch_dataset *vf, const nch_gram *g, double *err)
{
    for (size_t i = 0; i < vf->n; i++) {
        const double *s = vf->samples + i * vf->width;
        double f[N];
        int rc = nch_model_field(&m->model, 1, s, f);
        for (int c = 0; c < N; c++) f[c] -= s[N + c];
        if (!rc) err[i] = whitened_norm(g, f);
        if (rc || !isfinite(err[i]))
            nch_die(NCH_EXIT_FAILED_RUN, "%s: %s:%zu: vector field error: %s", path, vf->path, vf->lines[i],
                    nch_strerror(rc ? rc : NCH_ENONFIN));
    }
}

/* The scheme model's Newton correction J⁻¹R of the Euler-DVI residual at
 * every triple (z0, z1, z2), with x_{k−1} = x0, z_k = z1 and J, R at z2 (the
 * scheme-learning loss's δ, spec §1.6 c), whitened by g. */
static void scheme_errors(const nch_learnt *m, const char *path, const nch_dataset *tr, const nch_gram *g,
                          double *err)
{
    const nch_model *mm = &m->model;
    for (size_t i = 0; i < tr->n; i++) {
        const double *z0 = tr->samples + i * tr->width, *z1 = z0 + N, *z2 = z1 + N;
        nch_jet j1, j2;
        double c[D], R[N], J[N * N];
        int rc = mm->jets(mm, 1, z1, 1, &j1);
        if (!rc) rc = mm->jets(mm, 1, z2, 2, &j2);
        if (!rc) {
            nch_dvi_d2ld(D, tr->dt, z0, z1, &j1, c);
            nch_dvi_residual(D, tr->dt, c, z1, z2, &j2, R, J);
            rc = nch_solve_small(N, J, N, 0, R);
        }
        if (!rc) err[i] = whitened_norm(g, R);
        if (rc || !isfinite(err[i]))
            nch_die(NCH_EXIT_FAILED_RUN, "%s: %s:%zu: Newton correction: %s", path, tr->path, triple_line(tr, i),
                    nch_strerror(rc ? rc : NCH_ENONFIN));
    }
}

/* Row i of a run: "ic t x y rel_err_H", rel_err_H against H0 = H(z_0). */
static void write_row(FILE *fp, const double *z, size_t i, double dt, size_t ic, double H0)
{
    fprintf(fp, "%zu", ic);
    nch_tsv_double(fp, (double)i * dt, 0);
    nch_tsv_double(fp, z[N * i], 0);
    nch_tsv_double(fp, z[N * i + 1], 0);
    nch_tsv_double(fp, (nch_mcp_hamiltonian(z + N * i) - H0) / H0, 0);
    fputc('\n', fp);
}

int main(int argc, char **argv)
{
    nch_set_program(argv[0]);
    nch_numenv_pin(argv);
    params p = parse(argc, argv);
    const long n_exact = nch_cli_steps("--exact-T", p.exact_T, p.exact_h);

    nch_learnt m[N_LEARNT];
    for (int j = 0; j < N_LEARNT; j++) load_model(&m[j], p.model[j]);
    nch_dataset vf, tr;
    if (nch_dataset_read_vf(p.val_vf, D, &vf) || nch_dataset_read_traj(p.val_traj, D, &tr)) nch_exit(NCH_EXIT_INPUT);

    /* The ICs: the VF points ranked by the exact H, ties by file order, so
     * that the choice does not depend on a sort's stability (a count per
     * point: quadratic, a fraction of a second for the 15000 points of the
     * whole dataset). */
    size_t *order = nch_xalloc(vf.n, 1, sizeof *order, p.val_vf);
    double *H = nch_xalloc(vf.n, 1, sizeof *H, p.val_vf);
    for (size_t i = 0; i < vf.n; i++) H[i] = nch_mcp_hamiltonian(vf.samples + i * vf.width);
    for (size_t i = 0; i < vf.n; i++) {
        size_t r = 0;
        for (size_t j = 0; j < vf.n; j++) r += H[j] < H[i] || (H[j] == H[i] && j < i);
        order[r] = i;
    }
    double ic[MAX_IC][N], H0[MAX_IC];
    for (size_t k = 0; k < p.n_ic; k++) {
        if (p.rank[k] >= vf.n)
            nch_die(NCH_EXIT_INPUT, "--ic-ranks: rank %zu beyond the %zu points of %s", p.rank[k], vf.n, p.val_vf);
        size_t i = order[p.rank[k]];
        memcpy(ic[k], vf.samples + i * vf.width, sizeof ic[k]);
        H0[k] = H[i];
        /* the relative energy error of the runs divides by it */
        if (H0[k] == 0)
            nch_die(NCH_EXIT_INPUT, "%s:%zu: the IC of rank %zu has H = 0 (%g, %g)", p.val_vf, vf.lines[i], p.rank[k],
                    ic[k][0], ic[k][1]);
    }
    free(order);
    free(H);

    /* Sizes from the options, allocated before anything is computed. */
    const long n_dvi = p.ref_steps > p.steps ? p.ref_steps : p.steps;
    double *buf = nch_xalloc((size_t)n_dvi + 1, N, sizeof(double), "--ref-steps, --steps");
    double *orbit = nch_xalloc((size_t)(n_exact / p.every) + 1, N, sizeof(double), "--exact-T / --exact-h / --every");
    double *err = nch_xalloc(vf.n > tr.n ? vf.n : tr.n, 1, sizeof(double), "the validation sets");
    /* The scheme panel's scalers (z2 − z1)/Δt: a velocity scale for a
     * displacement error, a factor Δt off the VF panels' — the authors'
     * unit mix (spec §2.5, §5 item 12), kept so that the figure compares
     * with theirs. */
    double *scalers = nch_xalloc(tr.n, N, sizeof(double), p.val_traj);
    for (size_t i = 0; i < tr.n; i++)
        for (int c = 0; c < N; c++)
            scalers[i * N + c] = (tr.samples[i * tr.width + 2 * N + c] - tr.samples[i * tr.width + N + c]) / tr.dt;
    nch_gram g_vf, g_tr;
    whitening(&g_vf, vf.n, vf.samples + N, vf.width, p.val_vf, "targets");
    whitening(&g_tr, tr.n, scalers, N, p.val_traj, "steps (z2 - z1)/dt");
    free(scalers);

    nch_ofile numbers;
    nch_fig_open(&numbers, p.outdir, "numbers.tsv", "numbers", "key value");
    double range[2] = {INFINITY, -INFINITY};
    nch_ofile maps[3];
    for (int j = 0; j < 2; j++) {
        vf_errors(&m[j], p.model[j], &vf, &g_vf, err);
        char content[4200];
        snprintf(content, sizeof content, "%s: whitened vector-field error at the points of %s", p.model[j], p.val_vf);
        write_map(&maps[j], p.outdir, learnt_tag[j], content, vf.samples, vf.width, err, vf.n, numbers.fp, range);
    }
    scheme_errors(&m[2], p.model[2], &tr, &g_tr, err);
    char content[4200];
    snprintf(content, sizeof content, "%s: whitened Newton correction of the Euler DVI at the middle states of %s",
             p.model[2], p.val_traj);
    write_map(&maps[2], p.outdir, learnt_tag[2], content, tr.samples + N, tr.width, err, tr.n, numbers.fp, range);
    nch_tsv_number(numbers.fp, "charged_particle_err_min", range[0]);
    nch_tsv_number(numbers.fp, "charged_particle_err_max", range[1]);
    char key[128];
    for (size_t k = 0; k < p.n_ic; k++) {
        snprintf(key, sizeof key, "charged_particle_ic%zu_energy", k);
        nch_tsv_number(numbers.fp, key, H0[k]);
    }

    nch_ofile exact;
    nch_fig_open(&exact, p.outdir, "exact.tsv", "reference model, exact orbits (rk8pd)", "ic t x y rel_err_H");
    nch_model ref;
    nch_mcp_model(&ref);
    for (size_t k = 0; k < p.n_ic; k++) {
        nch_run_report rep;
        if (nch_run(&ref, NCH_SCHEME_EXACT, p.exact_h, n_exact, ic[k], p.every, orbit, &rep))
            nch_error("reference model: exact orbit from (%g, %g) stops at t = %g: %s", ic[k][0], ic[k][1],
                      (double)rep.fail_step * p.exact_h, nch_strerror(rep.status));
        for (size_t i = 0; i < rep.rows; i++) write_row(exact.fp, orbit, i, p.exact_h * (double)p.every, k, H0[k]);
        fputs("\n\n", exact.fp);
    }

    /* The DVI of every model starts Newton from the explicit-Euler step of
     * the model's own field (nch_dvi_step); the authors used an RK4 step of
     * the learnt field for the two VF models (spec §1.2, §2.5).  The
     * predictor is only where Newton starts: where both converge to the
     * same root the runs agree, but whether Newton converges within its 10
     * updates, and so where a run stops, may differ. */
    nch_ofile stop;
    nch_fig_open(&stop, p.outdir, "dvi_stop.tsv", "last state of each DVI run that stopped", "model ic t x y rel_err_H");
    nch_tsv_param(stop.fp, "model", "0 ref, 1 vf_reg, 2 vf_no_reg, 3 scheme");
    nch_ofile dvi[N_RUN];
    for (int j = 0; j < N_RUN; j++) {
        const nch_model *mm = j ? &m[j - 1].model : &ref;
        const char *what = j ? p.model[j - 1] : "reference model";
        const long n = j ? p.steps : p.ref_steps;
        char name[64];
        snprintf(name, sizeof name, "dvi_%s.tsv", run_tag[j]);
        nch_ofile *f = &dvi[j];
        nch_fig_open(f, p.outdir, name, what, "ic t x y rel_err_H");
        nch_tsv_param(f->fp, "scheme", "Euler DVI, h = %.17g, %ld steps", p.h, n);
        double worst = 0;
        size_t completed = 0;
        for (size_t k = 0; k < p.n_ic; k++) {
            nch_run_report rep;
            int rc = nch_run(mm, NCH_SCHEME_DVI, p.h, n, ic[k], 1, buf, &rep);
            if (rc)
                nch_error("%s: DVI from (%g, %g), h = %g, stops at step %ld of %ld (t = %g): %s", what, ic[k][0],
                          ic[k][1], p.h, rep.fail_step, n, (double)rep.fail_step * p.h, nch_strerror(rc));
            double e = 0;
            for (size_t i = 0; i < rep.rows; i++) {
                write_row(f->fp, buf, i, p.h, k, H0[k]);
                e = fmax(e, fabs(nch_mcp_hamiltonian(buf + N * i) - H0[k]) / fabs(H0[k]));
            }
            fputs("\n\n", f->fp);
            if (rc) {
                fprintf(stop.fp, "%d\t", j);
                write_row(stop.fp, buf, rep.rows - 1, p.h, k, H0[k]);
            }
            worst = fmax(worst, e);
            completed += !rc;
            snprintf(key, sizeof key, "charged_particle_%s_ic%zu_steps", run_tag[j], k);
            nch_tsv_number(numbers.fp, key, (double)rep.rows - 1);
            snprintf(key, sizeof key, "charged_particle_%s_ic%zu_max_abs_rel_err", run_tag[j], k);
            nch_tsv_number(numbers.fp, key, e);
        }
        snprintf(key, sizeof key, "charged_particle_%s_max_abs_rel_err", run_tag[j]);
        nch_tsv_number(numbers.fp, key, worst);
        snprintf(key, sizeof key, "charged_particle_%s_completed", run_tag[j]);
        nch_tsv_number(numbers.fp, key, (double)completed);
    }
    for (int j = 0; j < 3; j++) nch_ofile_xcommit(&maps[j]);
    for (int j = 0; j < N_RUN; j++) nch_ofile_xcommit(&dvi[j]);
    nch_ofile_xcommit(&exact);
    nch_ofile_xcommit(&stop);
    nch_ofile_xcommit(&numbers);
    for (int j = 0; j < N_LEARNT; j++) nch_learnt_free(&m[j]);
    nch_dataset_free(&vf);
    nch_dataset_free(&tr);
    free(buf);
    free(orbit);
    free(err);
    return 0;
}
