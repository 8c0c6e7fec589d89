/* The envelope of a run's relative energy error (nch_traj_write_envelope):
 * windows that tile the rows in order, the least and largest error of each
 * window, the two spacings, runs shorter than the number of windows. */
#include "nch_test.h"

#include "nch_traj.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_WIN = 256 };

/* One window as read back: first and last row, least and largest error. */
typedef struct {
    size_t first, last;
    double lo, hi;
} window;

/* An orbit-like run with x, y > 0 whose energy error oscillates and drifts. */
static double *synthetic_run(size_t rows)
{
    double *z = malloc(2 * rows * sizeof *z);
    assert_non_null(z);
    for (size_t i = 0; i < rows; i++) {
        z[2 * i] = 1.5 + 0.5 * sin(0.37 * (double)i) + 1e-6 * (double)i;
        z[2 * i + 1] = 1.2 + 0.3 * cos(0.11 * (double)i);
    }
    return z;
}

/* Writes the envelope and reads its rows back in pairs; returns the count.
 * The times are exact multiples of dt = 0.25 (binary), so rows come back
 * as integers. */
static size_t envelope(const double *z, size_t rows, size_t n, nch_traj_windows kind, int ic, window *w)
{
    char *buf = NULL;
    size_t len = 0, count = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    nch_traj_write_envelope(fp, z, rows, n, kind, 0.25, ic);
    assert_int_equal(fclose(fp), 0);
    const char *p = buf;
    for (int half = 0; *p; half ^= 1) {
        int got_ic = -1, used = 0;
        double t, lo, hi;
        if (ic >= 0) {
            assert_int_equal(sscanf(p, "%d\t%lf\t%lf\t%lf\n%n", &got_ic, &t, &lo, &hi, &used), 4);
            assert_int_equal(got_ic, ic);
        } else
            assert_int_equal(sscanf(p, "%lf\t%lf\t%lf\n%n", &t, &lo, &hi, &used), 3);
        p += used;
        assert_true(count < MAX_WIN);
        size_t row = (size_t)(t / 0.25);
        assert_true((double)row * 0.25 == t);
        if (!half) {
            w[count] = (window){.first = row, .lo = lo, .hi = hi};
        } else {
            assert_true(w[count].lo == lo && w[count].hi == hi);   /* both rows carry the bounds */
            w[count++].last = row;
        }
    }
    free(buf);
    return count;
}

/* The windows tile rows 0..rows-1 in order and carry the exact least and
 * largest error of their rows. */
static void assert_tiles_with_bounds(const double *z, size_t rows, const window *w, size_t count)
{
    size_t next = 0;
    for (size_t k = 0; k < count; k++) {
        assert_int_equal(w[k].first, next);
        assert_true(w[k].last >= w[k].first);
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = w[k].first; i <= w[k].last; i++) {
            lo = fmin(lo, nch_traj_rel_err(z, i));
            hi = fmax(hi, nch_traj_rel_err(z, i));
        }
        assert_true(w[k].lo == lo && w[k].hi == hi);
        next = w[k].last + 1;
    }
    assert_int_equal(next, rows);
}

static void linear_windows_are_equal(void **state)
{
    (void)state;
    const size_t rows = 103;
    double *z = synthetic_run(rows);
    window w[MAX_WIN];
    size_t count = envelope(z, rows, 10, NCH_TRAJ_WINDOWS_LINEAR, -1, w);
    assert_int_equal(count, 10);
    assert_tiles_with_bounds(z, rows, w, count);
    /* ends at floor(j * 103 / 10): lengths 10 or 11 */
    for (size_t k = 0; k < count; k++) assert_int_equal(w[k].last + 1, (k + 1) * rows / 10);
    free(z);
}

static void log_windows_grow(void **state)
{
    (void)state;
    const size_t rows = 100001;
    double *z = synthetic_run(rows);
    window w[MAX_WIN];
    size_t count = envelope(z, rows, 50, NCH_TRAJ_WINDOWS_LOG, 3, w);
    assert_true(count <= 50);
    assert_tiles_with_bounds(z, rows, w, count);
    /* single rows first (rows^(j/50) grows by less than 1 per window), then
     * lengths that never shrink by more than the floor's one row */
    assert_int_equal(w[0].first, 0);
    assert_int_equal(w[0].last, 0);
    assert_int_equal(w[1].last, 1);
    for (size_t k = 2; k < count; k++)
        assert_true(w[k].last - w[k].first + 2 >= w[k - 1].last - w[k - 1].first + 1);
    assert_true(w[count - 1].last - w[count - 1].first + 1 > rows / 10);
    free(z);
}

static void short_run_one_row_per_window(void **state)
{
    (void)state;
    const size_t rows = 3;
    double *z = synthetic_run(rows);
    window w[MAX_WIN];
    for (int kind = NCH_TRAJ_WINDOWS_LINEAR; kind <= NCH_TRAJ_WINDOWS_LOG; kind++) {
        size_t count = envelope(z, rows, 10, (nch_traj_windows)kind, 0, w);
        assert_int_equal(count, rows);
        assert_tiles_with_bounds(z, rows, w, count);
        for (size_t k = 0; k < count; k++) assert_true(w[k].lo == w[k].hi);
    }
    assert_int_equal(envelope(z, 1, 1, NCH_TRAJ_WINDOWS_LOG, -1, w), 1);
    assert_true(w[0].lo == 0 && w[0].hi == 0);   /* row 0 is the reference energy */
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linear_windows_are_equal),
        cmocka_unit_test(log_windows_grow),
        cmocka_unit_test(short_run_one_row_per_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
