/* Benchmark of the MLP engine: forward + backward of the LV structured
 * model's two MLPs 2 → [35, 35, 35] → 1 (θ and H) over one epoch of 8000
 * points in batches of 500, at jet order 2 (regularised and DVI losses) and
 * order 1 (plain vector-field loss); the baseline MLP 2 → [60, 60, 60] → 2 at
 * order 0; and single-point order-2 jets as a simulation calls them.
 * Gflop/s use the cost model of engine.md §6: 2 w² (L − 1) K flops per point
 * and MLP forward, twice that backward.  Run with OPENBLAS_NUM_THREADS=1
 * (the Makefile exports it). */
#include "nch_err.h"
#include "nch_mlp.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BATCH = 500, NBATCH = 16, REPEATS = 7 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    nch_mlp net;
    double *params, *grad, *out, *out_bar;
    nch_mlp_work *w;
} mlp_case;

static void setup(mlp_case *c, size_t width, size_t n_out, size_t B, int order, gsl_rng *r)
{
    const size_t wd[3] = {width, width, width};
    if (nch_mlp_init(&c->net, 2, 3, wd, n_out) != NCH_OK) abort();
    const size_t np = c->net.n_params, len = B * nch_mlp_ncomp(2, order) * n_out;
    c->params = malloc(np * sizeof(double));
    c->grad = calloc(np, sizeof(double));
    c->out = malloc(len * sizeof(double));
    c->out_bar = malloc(len * sizeof(double));
    c->w = nch_mlp_work_alloc(&c->net, B, order);
    if (!c->params || !c->grad || !c->out || !c->out_bar || !c->w) abort();
    nch_mlp_init_params(&c->net, r, c->params);
    for (size_t i = 0; i < len; i++) c->out_bar[i] = gsl_rng_uniform(r) - 0.5;
}

static void teardown(mlp_case *c)
{
    free(c->params);
    free(c->grad);
    free(c->out);
    free(c->out_bar);
    nch_mlp_work_free(c->w);
}

/* Best of REPEATS of: every MLP forward (and backward) over the epoch. */
static double time_epoch(mlp_case *c, size_t nmlp, size_t B, size_t nbatch, int order,
                         int backward, const double *z)
{
    double best = 1e30;
    for (int rep = 0; rep < REPEATS; rep++) {
        const double t0 = now();
        for (size_t b = 0; b < nbatch; b++)
            for (size_t k = 0; k < nmlp; k++) {
                const double *zb = z + (b * B % (BATCH * NBATCH)) * 2;
                if (nch_mlp_forward(&c[k].net, c[k].params, B, zb, order, c[k].w, c[k].out))
                    abort();
                if (backward &&
                    nch_mlp_backward(&c[k].net, c[k].params, c[k].w, c[k].out_bar, c[k].grad))
                    abort();
            }
        const double t = now() - t0;
        if (t < best) best = t;
    }
    return best;
}

/* One table line; `shown` is `seconds` in the line's unit. */
static void row(const char *name, double seconds, double shown, const char *unit, double points,
                double width, double K, double nmlp, int backward)
{
    const double flops = (backward ? 3.0 : 1.0) * 2.0 * width * width * 2.0 * K * points * nmlp;
    printf("%-44s %8.4f %-8s %8.2f\n", name, shown, unit, flops / seconds * 1e-9);
}

int main(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    const size_t npts = BATCH * NBATCH;
    double *z = malloc(npts * 2 * sizeof(double));
    if (!z) abort();
    for (size_t i = 0; i < npts * 2; i++) z[i] = 0.2 + 4.0 * gsl_rng_uniform(r);

    printf("%-44s %17s %8s\n", "case", "time", "Gflop/s");
    for (int order = 2; order >= 1; order--) {
        mlp_case c[2];
        for (int k = 0; k < 2; k++) setup(&c[k], 35, 1, BATCH, order, r);
        const double K = (double)nch_mlp_ncomp(2, order);
        char name[64];
        snprintf(name, sizeof name, "structured 2x[35,35,35] order %d fwd+bwd", order);
        double t = time_epoch(c, 2, BATCH, NBATCH, order, 1, z);
        row(name, t, t, "s/epoch", npts, 35, K, 2, 1);
        snprintf(name, sizeof name, "structured 2x[35,35,35] order %d fwd", order);
        t = time_epoch(c, 2, BATCH, NBATCH, order, 0, z);
        row(name, t, t, "s/epoch", npts, 35, K, 2, 0);
        for (int k = 0; k < 2; k++) teardown(&c[k]);
    }
    {
        mlp_case c;
        setup(&c, 60, 2, BATCH, 0, r);
        const double t = time_epoch(&c, 1, BATCH, NBATCH, 0, 1, z);
        row("baseline [60,60,60]->2 order 0 fwd+bwd", t, t, "s/epoch", npts, 60, 1, 1, 1);
        teardown(&c);
    }
    {
        /* A simulation's call: both MLPs, order 2, one point; time per call. */
        mlp_case c[2];
        for (int k = 0; k < 2; k++) setup(&c[k], 35, 1, 1, 2, r);
        const size_t calls = 20000;
        const double t = time_epoch(c, 2, 1, calls, 2, 0, z) / (double)calls;
        row("structured 2x[35,35,35] order 2 fwd, B = 1", t, t * 1e6, "us/call", 1, 35, 6, 2, 0);
        for (int k = 0; k < 2; k++) teardown(&c[k]);
    }
    free(z);
    gsl_rng_free(r);
    return 0;
}
