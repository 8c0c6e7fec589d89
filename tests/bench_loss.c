/* Benchmark of the training losses: one epoch (8000 samples, 16 batches of
 * 500) of loss + parameter gradient, on LV-like data: VF points in the
 * spec's box with the reference LV field, DVI triplets from two RK4 steps of
 * h = 0.1.  The study's models: the noncanonical 2×[35,35,35] with the box as
 * normaliser (goals: VF_REG ≤ 0.17 s, DVI ≤ 0.2 s per epoch on one core),
 * the baseline MLP [60,60,60], and the intro's small models; plus one
 * evaluation of the whole test set without gradient.  Also a single-point
 * order-2 jet through the interface, as the DVI calls it.  Run with
 * OPENBLAS_NUM_THREADS=1 (the Makefile exports it). */
#include "nch_err.h"
#include "nch_learnt.h"
#include "nch_loss.h"
#include "nch_lv.h"
#include "nch_scheme.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BATCH = 500, NBATCH = 16, NSAMPLES = BATCH * NBATCH, REPEATS = 5 };

/* The box of lotka-volterra.md §3.1. */
static const double XMIN = 0.2021093876524964, XMAX = 7.404063289411619;
static const double YMIN = 0.023212060710032473, YMAX = 5.489054950756216;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void check(int rc, const char *what)
{
    if (rc != NCH_OK) {
        fprintf(stderr, "bench_loss: %s: %s\n", what, nch_strerror(rc));
        exit(NCH_EXIT_FAILED_RUN);
    }
}

/* Points of the box with H ≤ 4.4 (the data's energy window). */
static void lv_point(gsl_rng *r, double *z)
{
    do {
        z[0] = XMIN + (XMAX - XMIN) * gsl_rng_uniform(r);
        z[1] = YMIN + (YMAX - YMIN) * gsl_rng_uniform(r);
    } while (nch_lv_hamiltonian(z) > 4.4);
}

/* Best of REPEATS of one epoch: every batch's loss and gradient (or, with
 * grad NULL, the value only). */
static double time_epoch(const nch_loss_config *cfg, const nch_learnt *m, const double *samples,
                         size_t nbatch, double *grad, nch_loss_work *w, double *tot)
{
    const size_t width = nch_loss_sample_width(cfg->kind, m->d);
    double best = 1e30, terms[NCH_LOSS_NTERMS_MAX];
    for (int rep = 0; rep < REPEATS; rep++) {
        const double t0 = now();
        *tot = 0;
        for (size_t b = 0; b < nbatch; b++) {
            check(nch_loss_eval(cfg, m, m->params, BATCH, samples + b * BATCH * width, terms, grad,
                                w),
                  "loss");
            *tot += terms[0] / (double)nbatch;
        }
        const double t = now() - t0;
        if (t < best) best = t;
    }
    return best;
}

typedef struct {
    const char *name;
    nch_learnt_kind kind;
    size_t depth, width;
    int normalise;
    nch_loss_config cfg;
    double goal; /* s/epoch, 0: none */
} bench_case;

int main(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20230926);
    nch_model lv;
    nch_lv_model(&lv);
    double *vf = malloc(NSAMPLES * 4 * sizeof *vf), *dvi = malloc(NSAMPLES * 6 * sizeof *dvi);
    if (!vf || !dvi) abort();
    for (size_t p = 0; p < NSAMPLES; p++) {
        double *s = vf + 4 * p, *t = dvi + 6 * p;
        lv_point(r, s);
        check(nch_model_field(&lv, 1, s, s + 2), "LV field");
        lv_point(r, t);
        check(nch_step_rk4(&lv, 0.1, t, t + 2), "RK4");
        check(nch_step_rk4(&lv, 0.1, t + 2, t + 4), "RK4");
    }
    const double shift[2] = {-XMIN, -YMIN}, scale[2] = {1 / (XMAX - XMIN), 1 / (YMAX - YMIN)};
    const double vf_abs = 0.01 / 1.01, vf_rel = 1 / 1.01;
    const double dvi_r = 5.4803067048499621e-4, dvi_abs = dvi_r / (1 + dvi_r),
                 dvi_rel = 1 / (1 + dvi_r);
    const bench_case cases[] = {
        {"noncanonical 2x[35,35,35] vf", NCH_LEARNT_NONCANONICAL, 3, 35, 1,
         {NCH_LOSS_VF, vf_abs, vf_rel, 0, 0, NCH_NORM_GRAM, 0, 0}, 0},
        {"noncanonical 2x[35,35,35] vf_reg", NCH_LEARNT_NONCANONICAL, 3, 35, 1,
         {NCH_LOSS_VF_REG, vf_abs, vf_rel, 1e-6, 0, NCH_NORM_GRAM, 0, 0}, 0.17},
        {"noncanonical 2x[35,35,35] vf_reg w=0", NCH_LEARNT_NONCANONICAL, 3, 35, 1,
         {NCH_LOSS_VF_REG, vf_abs, vf_rel, 0, 0, NCH_NORM_GRAM, 0, 0}, 0.17},
        {"noncanonical 2x[35,35,35] dvi", NCH_LEARNT_NONCANONICAL, 3, 35, 1,
         {NCH_LOSS_DVI, dvi_abs, dvi_rel, 1e-8, 0.1, NCH_NORM_GRAM, 0, 0}, 0.2},
        {"mlp [60,60,60] vf", NCH_LEARNT_MLP, 3, 60, 1, {NCH_LOSS_VF, vf_abs, vf_rel, 0, 0, NCH_NORM_GRAM, 0, 0}, 0},
        {"mlp [40,40] vf (intro)", NCH_LEARNT_MLP, 2, 40, 0, {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0}, 0},
        {"canonical [40,40] vf (intro)", NCH_LEARNT_CANONICAL, 2, 40, 0, {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0},
         0},
        {"noncanonical 2x[30,30] vf (intro)", NCH_LEARNT_NONCANONICAL, 2, 30, 0,
         {NCH_LOSS_VF, 1, 1, 0, 0, NCH_NORM_GRAM, 0, 0}, 0},
    };
    printf("%-40s %12s %12s %8s %14s\n", "case (loss + gradient, one epoch)", "s/epoch",
           "value only", "goal", "mean tot");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const bench_case *bc = &cases[c];
        const size_t w[3] = {bc->width, bc->width, bc->width};
        nch_learnt m;
        check(nch_learnt_create(&m, bc->kind, 1, bc->depth, w, bc->normalise ? shift : NULL,
                                bc->normalise ? scale : NULL),
              "create");
        gsl_rng_set(r, 42);
        nch_learnt_init_params(&m, r);
        nch_loss_work *lw = nch_loss_work_alloc(&m, bc->cfg.kind, BATCH);
        double *grad = malloc(m.n_params * sizeof *grad);
        if (!lw || !grad) abort();
        const double *samples = bc->cfg.kind == NCH_LOSS_DVI ? dvi : vf;
        double tot, tot0;
        const double t = time_epoch(&bc->cfg, &m, samples, NBATCH, grad, lw, &tot);
        const double t0 = time_epoch(&bc->cfg, &m, samples, NBATCH, NULL, lw, &tot0);
        char goal[16] = "-";
        if (bc->goal > 0)
            snprintf(goal, sizeof goal, "%.2f %s", bc->goal, t <= bc->goal ? "ok" : "MISS");
        printf("%-40s %12.4f %12.4f %8s %14.6g\n", bc->name, t, t0, goal, tot);
        nch_loss_work_free(lw);
        free(grad);
        nch_learnt_free(&m);
    }

    /* The DVI's call on a learnt model: one point, order 2, both nets. */
    {
        const size_t w[3] = {35, 35, 35};
        nch_learnt m;
        check(nch_learnt_create(&m, NCH_LEARNT_NONCANONICAL, 1, 3, w, shift, scale), "create");
        nch_learnt_init_params(&m, r);
        enum { CALLS = 20000 };
        double best = 1e30, sink = 0;
        for (int rep = 0; rep < REPEATS; rep++) {
            const double t0 = now();
            for (int i = 0; i < CALLS; i++) {
                nch_jet j;
                check(m.model.jets(&m.model, 1, vf + 4 * (size_t)(i % NSAMPLES), 2, &j), "jets");
                sink += j.d2H[0][1];
            }
            const double t = (now() - t0) / CALLS;
            if (t < best) best = t;
        }
        printf("%-40s %9.3f us/call  (checksum %.6g)\n", "noncanonical jets order 2, B = 1",
               best * 1e6, sink);
        nch_learnt_free(&m);
    }
    free(vf);
    free(dvi);
    gsl_rng_free(r);
    return 0;
}
