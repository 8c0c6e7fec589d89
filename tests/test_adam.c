/* nch_adam: steps against hand-computed values, a fresh optimiser after
 * reset, the textbook formula over many random steps, minimising a
 * quadratic; gradient-norm clipping, and what it is for (a spike does not
 * freeze the later steps). */
#include "nch_test.h"

#include "nch_adam.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* Three steps on one parameter, gradients 0.5, −0.25, 0.125, lr 0.01:
 * m, v and p computed in 40-digit arithmetic from
 * m_t = β₁m + (1−β₁)g, v_t = β₂v + (1−β₂)g², p −= lr·m̂/(√v̂ + ε).
 * Tolerance: 1 − fl(β) is 2u (β₁) and 8u (β₂) off 1 − β (as in PyTorch),
 * and each step makes ≤ 4 roundings of v's terms (v: 8u + 3 × 4u = 20u; m
 * less); p ≈ 1 moves by ≤ lr per step, with ≤ 1u of p per step and ≤ 200u
 * of lr (1 − pow(β₂, t) cancels to ~3e-3): ≤ 3u + 6u.  Rel 24u. */
static void test_hand_steps(void **state)
{
    (void)state;
    const double g[3] = {0.5, -0.25, 0.125};
    const double m_want[3] = {0.05, 0.02, 0.0305};
    const double v_want[3] = {0.00025, 0.00031225, 0.00032756275};
    const double p_want[3] = {0.990000000199999996, 0.98733662987078461626,
                              0.98393233849166539689};
    double p = 1.0, m, v;
    nch_adam opt;
    nch_adam_init(&opt, 1, &m, &v, 0.01);
    assert_true(opt.beta1 == 0.9 && opt.beta2 == 0.999 && opt.eps == 1e-8);
    for (int t = 0; t < 3; t++) {
        nch_adam_step(&opt, &p, &g[t]);
        assert_int_equal(opt.t, t + 1);
        assert_close(m, m_want[t], 24 * NCH_U, 0.0);
        assert_close(v, v_want[t], 24 * NCH_U, 0.0);
        assert_close(p, p_want[t], 24 * NCH_U, 0.0);
    }
}

/* The first step moves each parameter by lr·g/(|g| + ε): by ≈ lr whatever
 * the gradient's size, by nothing for a zero gradient. */
static void test_first_step(void **state)
{
    (void)state;
    double p[4] = {0.3, -1.7, 2.0, 5.0}, p0[4], m[4], v[4];
    const double g[4] = {1e6, -3e-3, 0.0, 1e-8};
    memcpy(p0, p, sizeof p);
    nch_adam opt;
    nch_adam_init(&opt, 4, m, v, 1e-3);
    nch_adam_step(&opt, p, g);
    /* Both sides round the final subtraction (u|p| each); the step, ≤ 1e-3,
     * by ≤ 10 roundings between them (bias corrections, sqrt, division). */
    for (int i = 0; i < 4; i++)
        assert_close(p[i], p0[i] - 1e-3 * g[i] / (fabs(g[i]) + 1e-8), 2 * NCH_U, 10 * NCH_U * 1e-3);
    assert_true(p[2] == p0[2]);
}

/* reset gives a fresh optimiser: the next step equals a new one's first. */
static void test_reset(void **state)
{
    (void)state;
    double p[3] = {0.1, 0.2, 0.3}, q[3], m[3], v[3], m2[3], v2[3];
    const double g1[3] = {0.7, -0.2, 0.05}, g2[3] = {-0.4, 0.9, 0.33};
    nch_adam opt, fresh;
    nch_adam_init(&opt, 3, m, v, 1e-2);
    nch_adam_step(&opt, p, g1);
    nch_adam_step(&opt, p, g1);
    memcpy(q, p, sizeof p);
    nch_adam_reset(&opt, 1e-4);
    assert_int_equal(opt.t, 0);
    assert_true(opt.lr == 1e-4);
    nch_adam_init(&fresh, 3, m2, v2, 1e-4);
    nch_adam_step(&opt, p, g2);
    nch_adam_step(&fresh, q, g2);
    assert_memory_equal(p, q, sizeof p);
    assert_memory_equal(m, m2, sizeof m);
    assert_memory_equal(v, v2, sizeof v);
}

/* 200 random steps, each against the textbook formula with explicit powers
 * applied to the state before it (so that the bounds are per step, with the
 * condition of each sum, rather than grown over the run). */
static void test_textbook(void **state)
{
    (void)state;
    enum { N = 17, STEPS = 200 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    double p[N], m[N], v[N], g[N], p0[N], m0[N], v0[N];
    for (int i = 0; i < N; i++) p[i] = gsl_rng_uniform(r) - 0.5;
    nch_adam opt;
    nch_adam_init(&opt, N, m, v, 3e-3);
    for (int t = 1; t <= STEPS; t++) {
        for (int i = 0; i < N; i++) g[i] = (gsl_rng_uniform(r) - 0.5) * pow(10.0, i % 5 - 2);
        memcpy(p0, p, sizeof p);
        memcpy(m0, m, sizeof m);
        memcpy(v0, v, sizeof v);
        nch_adam_step(&opt, p, g);
        for (int i = 0; i < N; i++) {
            const double mr = 0.9 * m0[i] + 0.1 * g[i];
            const double vr = 0.999 * v0[i] + 0.001 * g[i] * g[i];
            const double mh = m[i] / (1.0 - pow(0.9, t)), vh = v[i] / (1.0 - pow(0.999, t));
            const double step = 3e-3 * mh / (sqrt(vh) + 1e-8);
            /* m by lerp vs 0.9m + 0.1g: 3 roundings each, 1 − fl(0.9) is 2u
             * off 0.1, fl(0.9) and fl(0.1) ≤ u/2 off: ≤ 4u(|m| + |g|). */
            assert_close(m[i], mr, 0, 4 * NCH_U * (fabs(m0[i]) + fabs(g[i])));
            /* Positive terms: 4 roundings each side, 1 − fl(0.999) vs
             * fl(0.001) 9u apart: ≤ 19u relative. */
            assert_close(v[i], vr, 20 * NCH_U, 0);
            /* From the same m and v: the final subtraction (u|p| each side),
             * and ≤ 7 roundings of the step on each side (bias corrections
             * folded differently, sqrt of a quotient vs quotient of sqrts). */
            assert_close(p[i], p0[i] - step, 2 * NCH_U, 14 * NCH_U * fabs(step));
        }
    }
    gsl_rng_free(r);
}

/* f(p) = ½ Σ d_i (p_i − c_i)², badly scaled (d from 1e-2 to 1e2): two stages
 * as in training, lr 1e-2 then a fresh optimiser at lr 1e-3. */
static void test_quadratic(void **state)
{
    (void)state;
    enum { N = 5 };
    const double d[N] = {1e-2, 0.3, 1.0, 7.0, 1e2}, c[N] = {0.8, -1.3, 0.25, 2.1, -0.6};
    double p[N] = {0}, m[N], v[N], g[N];
    nch_adam opt;
    nch_adam_init(&opt, N, m, v, 1e-2);
    for (int stage = 0; stage < 2; stage++) {
        if (stage == 1) nch_adam_reset(&opt, 1e-3);
        for (int k = 0; k < 4000; k++) {
            for (int i = 0; i < N; i++) g[i] = d[i] * (p[i] - c[i]);
            nch_adam_step(&opt, p, g);
        }
    }
    /* Not a round-off bound: Adam moves a parameter by ≲ lr per step
     * (|m̂|/√v̂ ≲ 1), so it settles within the last stage's lr of c. */
    for (int i = 0; i < N; i++) assert_close(p[i], c[i], 0.0, 1e-3);
}

/* Clipping scales to norm c along the same direction, without overflow for
 * entries whose squares overflow, and leaves a gradient within the bound
 * (or any gradient, when off) bitwise alone. */
static void test_clip_norm(void **state)
{
    (void)state;
    double norm, g[2] = {3e200, -4e200};
    assert_int_equal(nch_adam_clip_norm(g, 2, 1.0, &norm), 1);
    /* a few roundings (the scaled sum of 2 squares, its root, two divisions, a product): 1e-15 */
    assert_close(norm, 5e200, 1e-15, 0);
    assert_close(g[0], 0.6, 1e-15, 0);
    assert_close(g[1], -0.8, 1e-15, 0);

    const double h0[3] = {0.3, -0.4, 0.0};
    double h[3];
    memcpy(h, h0, sizeof h);
    assert_int_equal(nch_adam_clip_norm(h, 3, 0.5000001, &norm), 0);
    assert_close(norm, 0.5, 1e-15, 0);
    assert_memory_equal(h, h0, sizeof h);
    assert_int_equal(nch_adam_clip_norm(h, 3, 0.0, NULL), 0); /* c = 0: off */
    assert_memory_equal(h, h0, sizeof h);
    double z[2] = {0.0, -0.0};
    assert_int_equal(nch_adam_clip_norm(z, 2, 1.0, &norm), 0);
    assert_true(norm == 0.0);

    enum { N = 1000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    double a[N], a0[N];
    for (int i = 0; i < N; i++) a0[i] = a[i] = (gsl_rng_uniform(r) - 0.5) * pow(10.0, i % 7 - 3);
    assert_int_equal(nch_adam_clip_norm(a, N, 1e-3, &norm), 1);
    double after = 0;
    for (int i = 0; i < N; i++) {
        after += a[i] * a[i];
        assert_close(a[i] / a0[i], 1e-3 / norm, 1e-15, 0); /* one factor for all entries */
    }
    /* a sum of N squares: relative rounding ≤ N·u ≈ 1.1e-13, twice (before and after) */
    assert_close(sqrt(after), 1e-3, 3e-13, 0);
    gsl_rng_free(r);
}

/* Why the trainer clips: one gradient spike S·u (u a unit vector) followed
 * by ordinary gradients u.  Without clipping, after the spike has left m
 * (0.9^199 ≈ 8e-10) it is still in v: v̂_i ≥ 0.001·0.999^199·S²u_i² /
 * (1 − 0.999^200) ≈ 0.0045·S²u_i², so at step 200 each parameter moves by
 * lr·m̂_i/√v̂_i ≤ lr·(1 + 1e-4)/(0.067·S) = 1.5e-5·lr for S = 1e6.  Clipped
 * to norm 1, every gradient is u, and each step is lr·|u_i|/(|u_i| + ε),
 * within 1e-7 of lr. */
static void test_clip_after_spike(void **state)
{
    (void)state;
    const double S = 1e6, lr = 1e-2, u[3] = {0.48, -0.6, 0.64};
    for (int clip = 0; clip < 2; clip++) {
        double p[3] = {0}, m[3], v[3], g[3], before[3];
        nch_adam opt;
        nch_adam_init(&opt, 3, m, v, lr);
        for (int t = 1; t <= 200; t++) {
            for (int i = 0; i < 3; i++) g[i] = (t == 1 ? S : 1.0) * u[i];
            if (clip) nch_adam_clip_norm(g, 3, 1.0, NULL);
            memcpy(before, p, sizeof p);
            nch_adam_step(&opt, p, g);
        }
        for (int i = 0; i < 3; i++) {
            const double step = fabs(p[i] - before[i]);
            if (clip)
                assert_close(step, lr, 1e-7, 0);
            else
                assert_true(step < 2e-5 * lr);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_steps), cmocka_unit_test(test_first_step),
        cmocka_unit_test(test_reset),      cmocka_unit_test(test_textbook),
        cmocka_unit_test(test_quadratic),  cmocka_unit_test(test_clip_norm),
        cmocka_unit_test(test_clip_after_spike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
