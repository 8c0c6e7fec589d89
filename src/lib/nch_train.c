#include "nch_train.h"

#include "nch_adam.h"
#include "nch_err.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const nch_train_config *cfg;
    const nch_learnt *m;
    nch_loss_work *work;
    size_t batch;   /* cfg->batch, or the larger set's size if that is less */
    double *gather; /* batch × width gathered samples */
    double *grad;
    size_t nterms;
} trainer;

/* Where a batch failed; for degenerate data also its Gram ratio. */
static void record_failure(const trainer *t, nch_train_summary *sum, size_t stage, long epoch, size_t b,
                           int test, size_t B, const double *samples, int rc)
{
    sum->fail_stage = stage, sum->fail_epoch = epoch, sum->fail_batch = b, sum->fail_test = test;
    sum->fail_batch_size = B;
    if (rc == NCH_EDEGEN) nch_loss_gram_ratio(&t->cfg->loss, t->m->d, B, samples, &sum->fail_gram_ratio);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Loss terms over a whole set in fixed batches, weighted by batch share;
 * a failing batch is recorded as the test set's at (stage, epoch). */
static int eval_set(trainer *t, const double *params, const nch_dataset *ds, double *terms,
                    nch_train_summary *sum, size_t stage, long epoch)
{
    double bt[8];
    memset(terms, 0, t->nterms * sizeof *terms);
    for (size_t start = 0, b = 1; start < ds->n; start += t->batch, b++) {
        size_t B = ds->n - start < t->batch ? ds->n - start : t->batch;
        const double *samples = ds->samples + start * ds->width;
        int rc = nch_loss_eval(&t->cfg->loss, t->m, params, B, samples, bt, NULL, t->work);
        if (rc) {
            record_failure(t, sum, stage, epoch, b, 1, B, samples, rc);
            return rc;
        }
        for (size_t k = 0; k < t->nterms; k++) terms[k] += bt[k] * (double)B / (double)ds->n;
    }
    return NCH_OK;
}

static void trace_header(FILE *trace, const nch_loss_config *loss, size_t nterms)
{
    const nch_loss_kind kind = loss->kind;
    if (nch_loss_grad_skips_reg(loss))
        fputs("# train_abs_reg, train_rel_reg: nan, not computed (at weight 0 the training "
              "batches skip r; the test columns track it)\n", trace);
    fputs("# stage epoch lr", trace);
    for (int set = 0; set < 2; set++)
        for (size_t k = 0; k < nterms; k++) fprintf(trace, " %s_%s", set ? "test" : "train", nch_loss_term_name(kind, k));
    fputc('\n', trace);
}

static void progress(const nch_train_config *cfg, size_t stage, long epoch, long epochs_done, double epochs_total,
                     double train, double test, double best, double elapsed, int final)
{
    double eta = epochs_done ? elapsed / (double)epochs_done * (epochs_total - (double)epochs_done) : 0;
    fprintf(stderr, "%s%s: stage %zu/%zu epoch %ld/%ld train %.4g test %.4g best %.4g elapsed %.0f s ETA %.0f s%s",
            cfg->progress ? "\r" : "", cfg->name, stage + 1, cfg->n_stages, epoch, cfg->stages[stage].epochs, train,
            test, best, elapsed, eta, final || !cfg->progress ? "\n" : "\033[K");
}

int nch_train(nch_learnt *m, const nch_train_config *cfg, const nch_dataset *train, const nch_dataset *test,
              FILE *trace, nch_train_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    size_t np = m->n_params, largest = train->n > test->n ? train->n : test->n;
    /* No batch holds more samples than the larger set: a batch size beyond
     * it (up to LONG_MAX from the command line) sizes nothing. */
    trainer t = {cfg, m, NULL, cfg->batch < largest ? cfg->batch : largest, NULL, NULL,
                 nch_loss_nterms(cfg->loss.kind)};
    t.work = nch_loss_work_alloc(m, cfg->loss.kind, t.batch);
    t.gather = nch_alloc(t.batch, train->width, sizeof *t.gather);
    t.grad = nch_alloc(np, 1, sizeof *t.grad);
    double *best = nch_alloc(np, 1, sizeof *best), *adam_m = nch_alloc(np, 1, sizeof *adam_m),
           *adam_v = nch_alloc(np, 1, sizeof *adam_v);
    size_t *order = nch_alloc(train->n, 1, sizeof *order);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = t.work && t.gather && t.grad && best && adam_m && adam_v && order && rng ? NCH_OK : NCH_ENOMEM;
    if (rc == NCH_OK && t.nterms > sizeof sum->best_terms / sizeof *sum->best_terms) rc = NCH_EINVAL;
    if (rc == NCH_OK && (train->width != test->width || cfg->n_stages > NCH_TRAIN_STAGES_MAX)) rc = NCH_EINVAL;
    long epochs_done = 0;
    double epochs_total = 0; /* for the ETA only; a sum of longs could overflow */
    for (size_t s = 0; s < cfg->n_stages; s++) epochs_total += (double)cfg->stages[s].epochs;
    double t0 = now(), train_terms[8], test_terms[8], bt[8];
    if (rc == NCH_OK) {
        gsl_rng_set(rng, cfg->seed);
        for (size_t i = 0; i < train->n; i++) order[i] = i;
        if (trace) trace_header(trace, &cfg->loss, t.nterms);
    }
    for (size_t s = 0; rc == NCH_OK && s < cfg->n_stages; s++) {
        nch_adam opt;
        nch_adam_init(&opt, np, adam_m, adam_v, cfg->stages[s].lr);
        memcpy(best, m->params, np * sizeof *best);
        rc = eval_set(&t, m->params, test, test_terms, sum, s + 1, 0);
        if (rc) break;
        if (s == 0) memcpy(sum->initial_terms, test_terms, t.nterms * sizeof *test_terms);
        double best_loss = test_terms[0];
        for (long e = 1; rc == NCH_OK && e <= cfg->stages[s].epochs; e++) {
            gsl_ran_shuffle(rng, order, train->n, sizeof *order);
            memset(train_terms, 0, sizeof train_terms);
            for (size_t start = 0, b = 1; start < train->n; start += t.batch, b++) {
                size_t B = train->n - start < t.batch ? train->n - start : t.batch;
                for (size_t i = 0; i < B; i++)
                    memcpy(t.gather + i * train->width, train->samples + order[start + i] * train->width,
                           train->width * sizeof *t.gather);
                rc = nch_loss_eval(&cfg->loss, m, m->params, B, t.gather, bt, t.grad, t.work);
                if (rc) {
                    record_failure(&t, sum, s + 1, e, b, 0, B, t.gather, rc);
                    break;
                }
                if (cfg->clip > 0) sum->clipped += nch_adam_clip_norm(t.grad, np, cfg->clip, NULL);
                nch_adam_step(&opt, m->params, t.grad);
                sum->steps++;
                for (size_t k = 0; k < t.nterms; k++) train_terms[k] += bt[k] * (double)B / (double)train->n;
            }
            if (rc == NCH_OK) rc = eval_set(&t, m->params, test, test_terms, sum, s + 1, e);
            if (rc) break;
            if (test_terms[0] < best_loss) {
                best_loss = test_terms[0];
                memcpy(best, m->params, np * sizeof *best);
            }
            epochs_done++;
            if (trace) {
                fprintf(trace, "%zu\t%ld\t%.17g", s + 1, e, cfg->stages[s].lr);
                for (size_t k = 0; k < t.nterms; k++) fprintf(trace, "\t%.17g", train_terms[k]);
                for (size_t k = 0; k < t.nterms; k++) fprintf(trace, "\t%.17g", test_terms[k]);
                fputc('\n', trace);
            }
            if (cfg->progress)
                progress(cfg, s, e, epochs_done, epochs_total, train_terms[0], test_terms[0], best_loss, now() - t0, 0);
        }
        if (rc) break;
        sum->stage_best[s] = best_loss;
        memcpy(m->params, best, np * sizeof *best);
        progress(cfg, s, cfg->stages[s].epochs, epochs_done, epochs_total, train_terms[0], test_terms[0], best_loss,
                 now() - t0, 1);
    }
    if (rc == NCH_OK) {
        rc = eval_set(&t, m->params, test, sum->best_terms, sum, cfg->n_stages,
                      cfg->n_stages ? cfg->stages[cfg->n_stages - 1].epochs : 0);
        sum->best_test = sum->best_terms[0];
    }
    sum->status = rc;
    sum->epochs = epochs_done;
    gsl_rng_free(rng);
    free(order);
    free(adam_v);
    free(adam_m);
    free(best);
    free(t.grad);
    free(t.gather);
    nch_loss_work_free(t.work);
    return rc;
}

size_t nch_parse_schedule(const char *s, nch_stage *stages, size_t max)
{
    size_t n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        if (n == max) return 0;
        stages[n].lr = strtod(p, &end);
        if (end == p || *end != ':' || !(stages[n].lr > 0) || !isfinite(stages[n].lr)) return 0;
        p = end + 1;
        errno = 0;
        stages[n].epochs = strtol(p, &end, 10);
        if (end == p || errno == ERANGE || stages[n].epochs < 1 || (*end && *end != ',') || (*end == ',' && !end[1])) return 0;
        n++;
        p = *end ? end + 1 : end;
    }
    return n;
}
