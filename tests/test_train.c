/* The trainer (nch_train): schedules, best-test checkpointing across stages,
 * determinism of a seeded run, a clean failure on non-finite losses, and the
 * gradient-norm clip (off: the paper's protocol bit for bit; on: every step
 * above the bound is clipped). */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_learnt.h"
#include "nch_lv.h"
#include "nch_train.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

enum { N_TRAIN = 240, N_TEST = 60 };

/* Lotka–Volterra vector-field samples at random points of [0.5, 4]². */
static void lv_samples(gsl_rng *r, size_t n, nch_dataset *ds)
{
    nch_model lv;
    nch_lv_model(&lv);
    memset(ds, 0, sizeof *ds);
    ds->d = 1;
    ds->n = n;
    ds->width = 4;
    ds->samples = calloc(4 * n, sizeof *ds->samples);
    for (size_t i = 0; i < n; i++) {
        double *s = ds->samples + 4 * i;
        s[0] = 0.5 + 3.5 * gsl_rng_uniform(r);
        s[1] = 0.5 + 3.5 * gsl_rng_uniform(r);
        assert_int_equal(nch_model_field(&lv, 1, s, s + 2), NCH_OK);
    }
}

typedef struct {
    nch_dataset train, test;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    lv_samples(r, N_TRAIN, &f->train);
    lv_samples(r, N_TEST, &f->test);
    gsl_rng_free(r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nch_dataset_free(&f->train);
    nch_dataset_free(&f->test);
    free(f);
    return 0;
}

static void make_model(nch_learnt *m, unsigned long seed)
{
    const size_t widths[2] = {6, 5};
    assert_int_equal(nch_learnt_create(m, NCH_LEARNT_NONCANONICAL, 1, 2, widths, NULL, NULL), NCH_OK);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    nch_learnt_init_params(m, r);
    gsl_rng_free(r);
}

static const nch_stage stages[2] = {{1e-2, 6}, {1e-3, 4}};

static nch_train_config config(unsigned long seed)
{
    /* batches of N_TEST: the test set is one batch, as in the direct evaluations below */
    nch_train_config cfg = {"test", {NCH_LOSS_VF_REG, 0.01, 0.99, 1e-6, 0, NCH_NORM_GRAM, 0, 0}, N_TEST, seed, stages, 2, 0, 0};
    return cfg;
}

static void schedules_parse(void **state)
{
    (void)state;
    nch_stage s[4];
    assert_int_equal(nch_parse_schedule("1e-2:20,1e-3:500", s, 4), 2);
    assert_true(s[0].lr == 1e-2 && s[0].epochs == 20 && s[1].lr == 1e-3 && s[1].epochs == 500);
    const char *bad[] = {"", "1e-2", "1e-2:", "1e-2:0", "-1:3", "1e-2:3,", "x:3", "1e-2:3;1:1", "1:1,1:1,1:1,1:1,1:1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_int_equal(nch_parse_schedule(bad[i], s, 4), 0);
}

/* Each stage starts from the best weights so far and ends on its best: the
 * final test loss is the minimum of the initial one and every epoch's. */
static void keeps_the_best_test_weights(void **state)
{
    fixture *f = *state;
    nch_learnt m;
    make_model(&m, 3);
    nch_loss_config lc = config(1).loss;
    nch_loss_work *w = nch_loss_work_alloc(&m, lc.kind, N_TEST);
    double t0[NCH_LOSS_NTERMS_MAX];
    assert_int_equal(nch_loss_eval(&lc, &m, m.params, N_TEST, f->test.samples, t0, NULL, w), NCH_OK);

    char *buf = NULL;
    size_t len = 0;
    FILE *trace = open_memstream(&buf, &len);
    nch_train_config cfg = config(1);
    nch_train_summary sum;
    assert_int_equal(nch_train(&m, &cfg, &f->train, &f->test, trace, &sum), NCH_OK);
    fclose(trace);
    assert_int_equal(sum.epochs, 10);

    double best = t0[0], last_stage_best = INFINITY, stage1_best = t0[0];
    int rows = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#') continue;
        int stage;
        double v[13];
        char *p = line;
        stage = (int)strtol(p, &p, 10);
        for (int k = 0; k < 13; k++) v[k] = strtod(p, &p);
        double test_tot = v[7]; /* epoch lr, 5 train terms, then test tot */
        best = fmin(best, test_tot);
        if (stage == 1) stage1_best = fmin(stage1_best, test_tot);
        if (stage == 2) last_stage_best = fmin(last_stage_best, test_tot);
        rows++;
    }
    /* Exact: the trainer evaluates the test set as one batch (0 + t·60/60)
     * with the same function on the same points, and %.17g round-trips. */
    assert_int_equal(rows, 10);
    assert_true(sum.best_test == best);
    assert_true(sum.best_test <= last_stage_best);
    /* The seed studies' inputs: the test loss before training and each
     * stage's best (stage 2 starts from stage 1's best). */
    /* The same batch and call in other buffers: OpenBLAS may round the last
     * bits differently with alignment (1 ulp seen); bound: a sum of N_TEST
     * terms, N_TEST·u relative. */
    assert_close(sum.initial_terms[0], t0[0], N_TEST * NCH_U, 0);
    assert_true(sum.stage_best[0] == stage1_best);
    assert_true(sum.stage_best[1] == fmin(stage1_best, last_stage_best) && sum.stage_best[1] == sum.best_test);
    double t1[NCH_LOSS_NTERMS_MAX];
    assert_int_equal(nch_loss_eval(&lc, &m, m.params, N_TEST, f->test.samples, t1, NULL, w), NCH_OK);
    assert_true(t1[0] == sum.best_test);
    assert_true(sum.best_test < t0[0]); /* it learnt something */
    free(buf);
    nch_loss_work_free(w);
    nch_learnt_free(&m);
}

static void same_seed_same_model(void **state)
{
    fixture *f = *state;
    nch_learnt a, b, c;
    make_model(&a, 3);
    make_model(&b, 3);
    make_model(&c, 3);
    nch_train_config cfg = config(11), other = config(12);
    nch_train_summary sum;
    assert_int_equal(nch_train(&a, &cfg, &f->train, &f->test, NULL, &sum), NCH_OK);
    assert_int_equal(nch_train(&b, &cfg, &f->train, &f->test, NULL, &sum), NCH_OK);
    assert_int_equal(nch_train(&c, &other, &f->train, &f->test, NULL, &sum), NCH_OK);
    assert_memory_equal(a.params, b.params, a.n_params * sizeof *a.params);
    assert_memory_not_equal(a.params, c.params, a.n_params * sizeof *a.params);
    nch_learnt_free(&a);
    nch_learnt_free(&b);
    nch_learnt_free(&c);
}

/* A clip no gradient reaches changes nothing, bit for bit: the clip's test
 * leaves the gradient untouched.  A clip below every gradient norm clips
 * every step and changes the result. */
static void clip_off_and_on(void **state)
{
    fixture *f = *state;
    nch_learnt off, never, always;
    make_model(&off, 3);
    make_model(&never, 3);
    make_model(&always, 3);
    nch_train_config cfg = config(11);
    nch_train_summary s_off, s_never, s_always;
    assert_int_equal(nch_train(&off, &cfg, &f->train, &f->test, NULL, &s_off), NCH_OK);
    cfg.clip = 1e300;
    assert_int_equal(nch_train(&never, &cfg, &f->train, &f->test, NULL, &s_never), NCH_OK);
    cfg.clip = 1e-6;
    assert_int_equal(nch_train(&always, &cfg, &f->train, &f->test, NULL, &s_always), NCH_OK);
    const long steps = 10 * (N_TRAIN / N_TEST); /* 10 epochs of 4 batches */
    assert_int_equal(s_off.steps, steps);
    assert_int_equal(s_off.clipped, 0);
    assert_int_equal(s_never.clipped, 0);
    assert_int_equal(s_always.steps, steps);
    assert_int_equal(s_always.clipped, steps);
    assert_memory_equal(off.params, never.params, off.n_params * sizeof *off.params);
    assert_true(s_off.best_test == s_never.best_test);
    assert_memory_not_equal(off.params, always.params, off.n_params * sizeof *off.params);
    assert_true(s_always.initial_terms[0] == s_off.initial_terms[0]);
    nch_learnt_free(&off);
    nch_learnt_free(&never);
    nch_learnt_free(&always);
}

static void non_finite_loss_says_where(void **state)
{
    fixture *f = *state;
    nch_dataset bad = f->train;
    bad.samples = malloc(bad.n * bad.width * sizeof *bad.samples);
    memcpy(bad.samples, f->train.samples, bad.n * bad.width * sizeof *bad.samples);
    for (size_t i = 0; i < bad.n; i++) bad.samples[i * 4 + 2] *= 1e200; /* the Gram matrix overflows */
    nch_learnt m;
    make_model(&m, 3);
    nch_train_config cfg = config(1);
    nch_train_summary sum;
    int rc = nch_train(&m, &cfg, &bad, &f->test, NULL, &sum);
    assert_int_equal(rc, NCH_ENONFIN);
    assert_int_equal(sum.status, NCH_ENONFIN);
    assert_int_equal(sum.fail_stage, 1);
    assert_int_equal(sum.fail_epoch, 1);
    assert_int_equal(sum.fail_batch, 1);
    free(bad.samples);
    nch_learnt_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedules_parse),
        cmocka_unit_test(keeps_the_best_test_weights),
        cmocka_unit_test(same_seed_same_model),
        cmocka_unit_test(clip_off_and_on),
        cmocka_unit_test(non_finite_loss_says_where),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
