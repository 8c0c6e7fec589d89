/* Common includes for the cmocka unit tests, and the comparisons they share.
 *
 * Tolerances are error bounds, derived beside each check: condition ×
 * number of roundings × NCH_U; for a finite difference, its truncation
 * (estimated from two steps, nch_fd_tol) plus the values' rounding / h; or a
 * spread measured over the OpenBLAS kernels and libm variants that
 * tests/run.sh runs the tests under (said so where used). */
#ifndef NCH_TEST_H
#define NCH_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* A fresh temporary path $TMPDIR/STEM_XXXXXX (else /tmp/...), the file
 * created empty, for a test that writes and reads back a file. */
static inline void nch_temp_path(char *path, size_t size, const char *stem)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, size, "%s/%s_XXXXXX", dir && *dir ? dir : "/tmp", stem);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

/* Unit round-off of binary64: one rounded operation errs by at most
 * NCH_U × |its exact result|. */
#define NCH_U 0x1p-53

/* With NCH_TEST_MARGINS set in the environment, each assert_close /
 * assert_le site prints at exit (on stderr) the largest ratio error /
 * tolerance it met, "margin FILE:LINE RATIO" (1: at the limit): how the
 * tolerances are checked against every kernel and libm variant. */
static inline void nch_margin(const char *file, int line, double ratio);
static inline void nch_margin_report(void) { nch_margin(NULL, 0, 0); }
static inline void nch_margin(const char *file, int line, double ratio)
{
    static struct {
        const char *file;
        int line;
        double worst;
    } site[512];
    static int n, on = -1;
    if (on < 0) on = getenv("NCH_TEST_MARGINS") != NULL;
    if (!on) return;
    if (!file) { /* at exit */
        for (int i = 0; i < n; i++)
            fprintf(stderr, "margin %s:%d %.3g\n", site[i].file, site[i].line, site[i].worst);
        return;
    }
    int i = 0;
    while (i < n && !(site[i].line == line && strcmp(site[i].file, file) == 0)) i++;
    if (i == n) {
        if (n == (int)(sizeof site / sizeof *site)) return;
        if (n == 0) atexit(nch_margin_report);
        site[n].file = file;
        site[n].line = line;
        site[n++].worst = 0;
    }
    if (!(ratio <= site[i].worst)) site[i].worst = ratio;
}

/* Fails the test, printing both values, unless |a - b| <= abs + rel·|b|. */
#define assert_close(a, b, rel, abs_)                                            \
    do {                                                                         \
        double a_ = (a), b_ = (b), tol_ = (abs_) + (rel) * fabs(b_);             \
        nch_margin(__FILE__, __LINE__, a_ == b_ ? 0 : fabs(a_ - b_) / tol_);   \
        if (!(fabs(a_ - b_) <= tol_)) {                                          \
            print_error("%s = %.17g, expected %s = %.17g (rel %g, abs %g)\n", #a, \
                        a_, #b, b_, (double)(rel), (double)(abs_));              \
            fail();                                                              \
        }                                                                        \
    } while (0)

/* Tolerance of a finite-difference check.  d1 and d2 are the same
 * difference quotient at steps h and 2h, with truncation error c·h^p, p ≥ 2,
 * and noise bounds the round-off of d1 (Σ|stencil weights| × the error of
 * one value / h; d2 has half of it).  d2 − d1 = (2^p − 1)·c·h^p + round-off
 * (Richardson), so |d1 − exact| ≤ |d2 − d1| + 3·noise: the truncation is
 * estimated from the data rather than from a derivative bound, ≥ 3 times
 * over, valid while h is far below the function's scale of variation. */
static inline double nch_fd_tol(double d1, double d2, double noise)
{
    return fabs(d2 - d1) + 3 * noise;
}

/* The central difference D = (L(θ+εp) − L(θ−εp))/2ε at ε = 1e-4 along p
 * (large enough that L's round-off stays small) and, in *tol, its tolerance
 * against the analytic directional derivative, from ε and 2ε (nch_fd_tol,
 * p = 2): L's round-off over ε, and rounding θ ± εp moves L by
 * ≤ u Σ|g_i θ_i|, also over ε.  loss(ctx, θ, err) returns L and bounds its
 * round-off in *err; θ, p, g (the analytic gradient) and tmp hold np values. */
static inline double nch_fd_directional(double (*loss)(const void *, const double *, double *), const void *ctx,
                                        size_t np, const double *params, const double *p, const double *g,
                                        double *tmp, double *tol)
{
    double D[2], err = 0, gt = 0;
    for (size_t i = 0; i < np; i++) gt += fabs(g[i] * params[i]);
    for (int k = 0; k < 2; k++) {
        const double eps = 1e-4 * (k + 1);
        double e;
        for (size_t i = 0; i < np; i++) tmp[i] = params[i] + eps * p[i];
        const double Lp = loss(ctx, tmp, &e);
        err = fmax(err, e);
        for (size_t i = 0; i < np; i++) tmp[i] = params[i] - eps * p[i];
        const double Lm = loss(ctx, tmp, &e);
        err = fmax(err, e);
        D[k] = (Lp - Lm) / (2.0 * eps);
    }
    *tol = nch_fd_tol(D[0], D[1], (err + NCH_U * gt) / 1e-4);
    return D[0];
}

/* Fails the test, printing both values, unless the error measure x <= bound. */
#define assert_le(x, bound)                                                      \
    do {                                                                         \
        double x_ = (x), bound_ = (bound);                                       \
        nch_margin(__FILE__, __LINE__, x_ == 0 ? 0 : x_ / bound_);             \
        if (!(x_ <= bound_)) {                                                   \
            print_error("%s = %.17g > %s = %.17g\n", #x, x_, #bound, bound_);    \
            fail();                                                              \
        }                                                                        \
    } while (0)

#endif
