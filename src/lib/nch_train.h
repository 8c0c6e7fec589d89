/* nch_train — the trainer of spec lotka-volterra.md §6.3–6.5.
 *
 * Stages (lr, epochs), each with a fresh Adam (β 0.9/0.999, ε 1e-8).  An
 * epoch is one pass over the training samples in a random order (one GSL
 * mt19937 stream seeded once per run, continuing across stages), in
 * contiguous batches of `batch` samples (the last one may be smaller); then
 * the test loss on fixed batches in file order.  Epoch values are batch
 * values weighted by batch size / set size.  Each stage starts from the
 * best weights so far: it checkpoints whenever the test loss strictly
 * improves on the stage's starting test loss, and reloads the best
 * checkpoint at its end.  A failing batch (non-finite loss or gradient,
 * degenerate data: NCH_EDEGEN) stops the run and says where (stage, epoch,
 * batch, which set).  A batch size above the larger set's size acts as
 * that size.
 *
 * Beyond the paper (off by default, and then the run is bitwise the
 * paper's protocol): clip > 0 clips every batch gradient to Euclidean norm
 * clip before its Adam step (nch_adam_clip_norm).  Why: the DVI loss
 * δ = J⁻¹R grows like 1/σ_min(J), so a batch with one nearly singular J
 * gives a gradient 10⁵–10⁷ times the usual one; Adam's v (β₂ = 0.999) then
 * keeps every later step of the stage ~10³ times smaller than lr and the
 * stage stalls (the scheme model's stage-1 "collapse", issue 12). */
#ifndef NCH_TRAIN_H
#define NCH_TRAIN_H

#include "nch_dataset.h"
#include "nch_learnt.h"
#include "nch_loss.h"

#include <stdio.h>

typedef struct {
    double lr;
    long epochs;
} nch_stage;

/* Most stages of a schedule (nch_train refuses more: NCH_EINVAL). */
#define NCH_TRAIN_STAGES_MAX 16

typedef struct {
    const char *name;        /* model name, for progress and errors */
    nch_loss_config loss;
    size_t batch;
    unsigned long seed;      /* the shuffles */
    const nch_stage *stages;
    size_t n_stages;
    int progress;            /* 0: one summary line per stage; 1: a live line per epoch */
    double clip;             /* gradient-norm clip (> 0), 0: none (the paper's protocol) */
} nch_train_config;

typedef struct {
    int status;
    size_t fail_stage, fail_batch; /* where a failure happened (1-based) */
    long fail_epoch;         /* 0: the test set's evaluation before the stage's first epoch */
    int fail_test;           /* 1 if the failing batch was the test set's, 0 the training set's */
    size_t fail_batch_size;
    double fail_gram_ratio;  /* status NCH_EDEGEN: that batch's λ_min/λ_max (nch_loss_gram_ratio) */
    double best_test;        /* total test loss of the final weights */
    double best_terms[8];    /* its tracked test terms */
    double initial_terms[8]; /* the test terms before any training */
    double stage_best[NCH_TRAIN_STAGES_MAX]; /* each stage's best test loss */
    long epochs;             /* epochs run */
    long steps, clipped;     /* Adam steps taken, and how many had their gradient clipped */
} nch_train_summary;

/* Trains m->params in place.  trace (may be NULL) receives one TSV row per
 * epoch: "stage epoch lr train_<term>… test_<term>…" after its column line. */
int nch_train(nch_learnt *m, const nch_train_config *cfg, const nch_dataset *train,
              const nch_dataset *test, FILE *trace, nch_train_summary *sum);

/* Parses "lr:epochs,lr:epochs,…" into at most max stages; returns the count,
 * 0 if malformed. */
size_t nch_parse_schedule(const char *s, nch_stage *stages, size_t max);

#endif
