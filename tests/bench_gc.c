/* Benchmark of the guiding centre's training runs (gc-mcp.md §3.3–3.4):
 * one epoch of loss + parameter gradient over the paper-size training set,
 * side by side with the authors' PyTorch code on this machine (one thread):
 * vf_reg 2.0 s, vf_no_reg 2.15 s, baseline 0.27 s, IMEX 2.4 s, DVI-Newton
 * 6.2 s per epoch; the goal is at most 1/5 of each.
 *
 * Data as bin/gc_data makes it (§3.2): 480 training trajectories from the
 * Latin hypercube of the study's box, 60 steps of Δt = 1898.73 by the
 * reference integrator; 9600 vector-field points (20 per trajectory, the
 * exact field) in batches of 500 (19 × 500 + 100) and the 28,320 snapshot
 * triplets (56 × 500 + 320).  Models: NeuralSympGC (θ and H nets
 * 18→48→48→48, 11,670 parameters) and NeuralBaseGC (18→70→70→70→4,
 * 11,766), the input map of §3.3, H scale and the baseline's
 * de-normalisation from the data's velocities, seed 42.  Each epoch also
 * evaluates the test split (90 trajectories: 1800 points, 5310 triplets)
 * without gradient, reported apart.  The DVI-Newton run with minimal jets
 * (nch_loss.h), and with full jets for comparison.  Times: best of REPEATS runs of the
 * thread's CPU time (CLOCK_THREAD_CPUTIME_ID): the machine is shared, and
 * with one BLAS thread (OPENBLAS_NUM_THREADS=1, which the Makefile exports)
 * that is what the wall clock shows on an idle machine; the best wall time
 * is printed beside it.  An argument runs only the cases whose name
 * contains it (bench_gc Newton, for a profile). */
#include "nch_datagen.h"
#include "nch_err.h"
#include "nch_gc.h"
#include "nch_learnt.h"
#include "nch_loss.h"
#include "nch_sample.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BATCH = 500, NT = 60, NTRAIN = 480, NTEST = 90, VF_PER_TRAJ = 20, REPEATS = 5 };
static const double DT = 1898.73;

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void) { return clock_s(CLOCK_MONOTONIC); }

static void check(int rc, const char *what)
{
    if (rc != NCH_OK) {
        fprintf(stderr, "bench_gc: %s: %s\n", what, nch_strerror(rc));
        exit(NCH_EXIT_FAILED_RUN);
    }
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) check(NCH_ENOMEM, "malloc");
    return p;
}

/* One split's samples. */
typedef struct {
    size_t n_vf, n_tri;
    double *vf, *tri; /* n × 8 (z, ż), n × 12 (z0, z1, z2) */
} split;

/* ntraj trajectories from ic: the VF points at time indices g, g + 3, ...
 * (group g of the split's thirds, §1.8) and every consecutive triplet. */
static void make_split(const nch_model *gc, size_t ntraj, const double *ic, split *s)
{
    double *traj = xmalloc(ntraj * (NT + 1) * 4 * sizeof *traj);
    nch_datagen_integrate(gc, ntraj, ic, DT, NT, traj);
    s->n_vf = ntraj * VF_PER_TRAJ;
    s->n_tri = ntraj * (NT - 1);
    s->vf = xmalloc(s->n_vf * 8 * sizeof *s->vf);
    s->tri = xmalloc(s->n_tri * 12 * sizeof *s->tri);
    for (size_t t = 0, v = 0, k = 0; t < ntraj; t++) {
        const double *z = traj + t * (NT + 1) * 4;
        const size_t g = 3 * t / ntraj;
        for (size_t j = g; j <= NT - 2 + g; j += 3, v++) {
            memcpy(s->vf + 8 * v, z + 4 * j, 4 * sizeof *z);
            check(nch_model_field(gc, 1, z + 4 * j, s->vf + 8 * v + 4), "GC field");
        }
        for (size_t j = 0; j + 2 <= NT; j++, k++) memcpy(s->tri + 12 * k, z + 4 * j, 12 * sizeof *z);
    }
    free(traj);
}

/* Best of REPEATS of one pass over n samples in batches: loss and gradient
 * (grad) or value only (grad NULL); CPU time, and the best wall time into
 * *wall. */
static double time_pass(const nch_loss_config *cfg, const nch_learnt *m, const double *samples,
                        size_t n, double *grad, nch_loss_work *w, double *tot, double *wall)
{
    const size_t width = nch_loss_sample_width(cfg->kind, m->d);
    double best = 1e30, terms[NCH_LOSS_NTERMS_MAX];
    *wall = 1e30;
    for (int rep = 0; rep < REPEATS; rep++) {
        const double t0 = clock_s(CLOCK_THREAD_CPUTIME_ID), w0 = now();
        *tot = 0;
        for (size_t b = 0; b < n; b += BATCH) {
            const size_t B = n - b < BATCH ? n - b : BATCH;
            check(nch_loss_eval(cfg, m, m->params, B, samples + b * width, terms, grad, w), "loss");
            *tot += terms[0] * (double)B / (double)n;
        }
        best = fmin(best, clock_s(CLOCK_THREAD_CPUTIME_ID) - t0);
        *wall = fmin(*wall, now() - w0);
    }
    return best;
}

typedef struct {
    const char *name;
    nch_learnt_kind kind;
    size_t width;
    int traj;   /* snapshot data (velocities by finite differences) */
    nch_loss_config cfg;
    double torch; /* s/epoch of the authors' code, 0: none given */
} bench_case;

/* Component-wise min and max of the velocities: ż of VF points or (z1 − z0)/Δt. */
static void velocity_bounds(const split *s, int traj, double *lo, double *hi)
{
    for (int c = 0; c < 4; c++) lo[c] = INFINITY, hi[c] = -INFINITY;
    const size_t n = traj ? s->n_tri : s->n_vf;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 4; c++) {
            const double v = traj ? (s->tri[12 * i + 4 + c] - s->tri[12 * i + c]) / DT
                                  : s->vf[8 * i + 4 + c];
            lo[c] = fmin(lo[c], v);
            hi[c] = fmax(hi[c], v);
        }
}

/* An argument selects the runs whose name contains it (for profiling). */
int main(int argc, char **argv)
{
    nch_gc_rule rule;
    nch_model gc;
    check(nch_gc_model(&gc, &rule), "GC model");
    /* The box of gc_data (θ, φ in units of π, r² uniform, u). */
    const double lo[4] = {-0.1 * M_PI, 0, 0.03 * 0.03, -9e-4},
                 hi[4] = {0.1 * M_PI, 2 * M_PI, 0.055 * 0.055, -3e-4};
    const size_t n = NTRAIN + NTEST;
    double *ic = xmalloc(n * 4 * sizeof *ic);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 242210);
    check(nch_lhs(r, n, 4, lo, hi, ic), "Latin hypercube");
    for (size_t i = 0; i < n; i++) ic[4 * i + 2] = sqrt(ic[4 * i + 2]);
    split train, test;
    const double t_data = now();
    make_split(&gc, NTRAIN, ic, &train);
    make_split(&gc, NTEST, ic + 4 * NTRAIN, &test);
    printf("GC data: %zu + %zu VF points, %zu + %zu triplets (%.1f s to integrate)\n", train.n_vf,
           test.n_vf, train.n_tri, test.n_tri, now() - t_data);

    const nch_loss_config gram12 = {NCH_LOSS_VF_REG, 1, 1, 1.0, 0, NCH_NORM_GRAM, 1e-12, 0};
    const bench_case cases[] = {
        {"vf_reg (lambda 1)", NCH_LEARNT_NONCANONICAL, 48, 0, gram12, 2.0},
        {"vf_no_reg (lambda 0)", NCH_LEARNT_NONCANONICAL, 48, 0,
         {NCH_LOSS_VF_REG, 1, 1, 0, 0, NCH_NORM_GRAM, 1e-12, 0}, 2.15},
        {"baseline", NCH_LEARNT_MLP, 70, 0, {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 1e-12, 0}, 0.27},
        {"vf_no_gram", NCH_LEARNT_NONCANONICAL, 48, 0,
         {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_SCALED, 0, 0}, 0},
        {"dvi: IMEX", NCH_LEARNT_NONCANONICAL, 48, 1,
         {NCH_LOSS_IMEX, 1, 1, 1e-8, DT, NCH_NORM_GRAM, 1e-8, 0}, 2.4},
        {"dvi: DVI-Newton", NCH_LEARNT_NONCANONICAL, 48, 1,
         {NCH_LOSS_DVI, 1, 1, 1e-8, DT, NCH_NORM_GRAM, 1e-8, 1}, 6.2},
        {"dvi: DVI, full jets", NCH_LEARNT_NONCANONICAL, 48, 1,
         {NCH_LOSS_DVI, 1, 1, 1e-8, DT, NCH_NORM_GRAM, 1e-8, 0}, 6.2},
    };
    printf("%-22s %10s %8s %8s %7s %12s %8s %12s\n", "run (one epoch)", "loss+grad", "(wall)",
           "PyTorch", "ratio", "goal 1/5", "test", "mean tot");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const bench_case *bc = &cases[c];
        if (argc > 1 && !strstr(bc->name, argv[1])) continue;
        const double *trs = bc->traj ? train.tri : train.vf, *tes = bc->traj ? test.tri : test.vf;
        const size_t ntr = bc->traj ? train.n_tri : train.n_vf, nte = bc->traj ? test.n_tri : test.n_vf;
        /* Input map from the training states' bounds (§3.3). */
        double zlo[4] = {INFINITY, INFINITY, INFINITY, INFINITY}, zhi[4] = {-INFINITY, -INFINITY,
                                                                              -INFINITY, -INFINITY};
        const size_t width = bc->traj ? 12 : 8, per = bc->traj ? 3 : 1;
        for (size_t i = 0; i < ntr; i++)
            for (size_t k = 0; k < per; k++)
                for (int q = 0; q < 4; q++) {
                    zlo[q] = fmin(zlo[q], trs[width * i + 4 * k + q]);
                    zhi[q] = fmax(zhi[q], trs[width * i + 4 * k + q]);
                }
        const nch_embed_kind ek[4] = {NCH_EMBED_PERIODIC, NCH_EMBED_DROP, NCH_EMBED_AFFINE,
                                      NCH_EMBED_AFFINE};
        const size_t reps[4] = {6, 0, 6, 6}, widths[3] = {bc->width, bc->width, bc->width};
        double shift[4], scale[4], vlo[4], vhi[4], osc[4], osh[4];
        for (int q = 0; q < 4; q++) {
            shift[q] = -zlo[q];
            scale[q] = 1 / (zhi[q] - zlo[q]);
        }
        velocity_bounds(&train, bc->traj, vlo, vhi);
        double nmin = 0, nmax = 0;
        for (int q = 0; q < 4; q++) {
            osc[q] = vhi[q] - vlo[q];
            osh[q] = vlo[q];
            nmin += vlo[q] * vlo[q];
            nmax += vhi[q] * vhi[q];
        }
        if (bc->kind != NCH_LEARNT_MLP) {
            osh[0] = sqrt(nmin);
            osc[0] = sqrt(nmax) - osh[0];
        }
        nch_embed e;
        nch_learnt m;
        check(nch_embed_init(&e, 4, ek, reps, shift, scale), "embedding");
        check(nch_learnt_create_embedded(&m, bc->kind, 2, 3, widths, &e), "create");
        check(nch_learnt_set_output(&m, osc, osh), "output map");
        gsl_rng_set(r, 42);
        nch_learnt_init_params(&m, r);
        nch_loss_work *lw = nch_loss_work_alloc(&m, bc->cfg.kind, BATCH);
        double *grad = xmalloc(m.n_params * sizeof *grad);
        if (!lw) check(NCH_ENOMEM, "loss work");
        double tot, tot0, wall, wall0;
        const double t = time_pass(&bc->cfg, &m, trs, ntr, grad, lw, &tot, &wall);
        const double t0 = time_pass(&bc->cfg, &m, tes, nte, NULL, lw, &tot0, &wall0);
        char torch[16] = "-", ratio[16] = "-", goal[24] = "-";
        if (bc->torch > 0) {
            snprintf(torch, sizeof torch, "%.2f", bc->torch);
            snprintf(ratio, sizeof ratio, "%.3f", t / bc->torch);
            snprintf(goal, sizeof goal, "%.3f %s", bc->torch / 5, t <= bc->torch / 5 ? "ok" : "MISS");
        }
        printf("%-22s %10.4f %8.4f %8s %7s %12s %8.4f %12.6g\n", bc->name, t, wall, torch, ratio, goal,
               t0, tot);
        nch_loss_work_free(lw);
        free(grad);
        nch_learnt_free(&m);
    }
    printf("(seconds per epoch, CPU time of the thread; loss+grad: the training batches; test: "
           "the test split's loss without gradient, also once per epoch)\n");
    free(train.vf);
    free(train.tri);
    free(test.vf);
    free(test.tri);
    free(ic);
    gsl_rng_free(r);
    return 0;
}
