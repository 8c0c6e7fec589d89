/* Dataset files (nch_dataset): samples, triplets, bounds, velocity bounds,
 * the DVI-loss quantile ratio (refused when undefined), the domain check,
 * and rejection of malformed files with file:line. */
#include "nch_test.h"

#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_lv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/nch_test_dataset_XXXXXX";

static void write_file(const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return unlink(path);
}

static const char traj[] = "# traj step t x y\n"
                           "0\t0\t0\t1\t2\n0\t1\t0.1\t1.5\t2.5\n0\t2\t0.2\t2\t2\n0\t3\t0.3\t1\t3\n"
                           "1\t0\t0\t4\t1\n1\t1\t0.1\t4\t1.25\n1\t2\t0.2\t3.5\t0.5\n";

static void triplets_from_trajectories(void **state)
{
    (void)state;
    write_file(traj);
    nch_dataset ds;
    assert_int_equal(nch_dataset_read_traj(path, 1, &ds), NCH_OK);
    assert_int_equal(ds.n_traj, 2);
    assert_int_equal(ds.n_states, 7);
    assert_int_equal(ds.n, 2 + 1); /* 4 states → 2 triplets, 3 → 1 */
    assert_int_equal(ds.width, 6);
    const double first[6] = {1, 2, 1.5, 2.5, 2, 2}, last[6] = {4, 1, 4, 1.25, 3.5, 0.5};
    assert_memory_equal(ds.samples, first, sizeof first);
    assert_memory_equal(ds.samples + 12, last, sizeof last);
    /* A difference of two parsed times ≤ 0.3, each rounded once, and its own
     * rounding: ≤ (0.3 + 0.3 + 0.1)u, i.e. 7u of 0.1. */
    assert_close(ds.dt, 0.1, 7 * NCH_U, 0);
    double lo[2], hi[2];
    nch_dataset_bounds(&ds, lo, hi);
    assert_true(lo[0] == 1 && lo[1] == 0.5 && hi[0] == 4 && hi[1] == 3);
    /* increments' mean squares: traj 0: 0.25, 0.25, 1; traj 1: 0.03125,
     * 0.40625.  Sorted 0.03125 0.25 0.25 0.40625 1: q(0.125) at position 0.5
     * = 0.140625, q(1) = 1.  Every value here is a short binary fraction, so
     * every operation is exact: tolerance 0. */
    double r;
    assert_int_equal(nch_dataset_step_ratio(&ds, 0.125, 1, &r), NCH_OK);
    assert_close(r, 0.140625, 0, 0);
    /* Steps' finite differences /0.1: x 5 5 −10 0 −5, y 5 −5 10 2.5 −7.5.
     * The dt read back from t is 0.1 to 2u; the differences of these short
     * decimals err by ≤ u, the division by u more: 4u relative. */
    assert_int_equal(nch_dataset_velocity_bounds(&ds, lo, hi), NCH_OK);
    assert_close(lo[0], -10, 4 * NCH_U, 0);
    assert_close(hi[0], 5, 4 * NCH_U, 0);
    assert_close(lo[1], -7.5, 4 * NCH_U, 0);
    assert_close(hi[1], 10, 4 * NCH_U, 0);
    nch_dataset_free(&ds);
}

static void vector_field_samples(void **state)
{
    (void)state;
    write_file("# t x y dxdt dydt\n0\t1\t2\t3\t4\n0.1\t5\t6\t7\t8\n");
    nch_dataset ds;
    assert_int_equal(nch_dataset_read_vf(path, 1, &ds), NCH_OK);
    assert_int_equal(ds.n, 2);
    assert_int_equal(ds.width, 4);
    const double want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_memory_equal(ds.samples, want, sizeof want);
    double lo[2], hi[2];
    nch_dataset_bounds(&ds, lo, hi);
    assert_true(lo[0] == 1 && lo[1] == 2 && hi[0] == 5 && hi[1] == 6);
    assert_int_equal(nch_dataset_velocity_bounds(&ds, lo, hi), NCH_OK);
    assert_true(lo[0] == 3 && lo[1] == 4 && hi[0] == 7 && hi[1] == 8);
    double r;
    assert_int_equal(nch_dataset_step_ratio(&ds, 0.01, 0.99, &r), NCH_EINVAL);
    nch_dataset_free(&ds);
}

/* Three of four trajectories at rest: the 0.01 and 0.5 quantiles of the
 * squared steps are both 0, so the ratio would be 0/0; a zero lower
 * quantile alone gives the defined ratio 0. */
static void ratio_of_resting_trajectories_is_refused(void **state)
{
    (void)state;
    write_file("0\t0\t0\t2\t1\n0\t1\t0.1\t2\t1\n0\t2\t0.2\t2\t1\n"
               "1\t0\t0\t2\t1\n1\t1\t0.1\t2\t1\n1\t2\t0.2\t2\t1\n"
               "2\t0\t0\t2\t1\n2\t1\t0.1\t2\t1\n2\t2\t0.2\t2\t1\n"
               "3\t0\t0\t1\t1\n3\t1\t0.1\t1.5\t1\n3\t2\t0.2\t2\t1\n");
    nch_dataset ds;
    assert_int_equal(nch_dataset_read_traj(path, 1, &ds), NCH_OK);
    double r = -1;
    assert_int_equal(nch_dataset_step_ratio(&ds, 0.01, 0.5, &r), NCH_EDEGEN);
    assert_true(r == -1); /* untouched */
    assert_int_equal(nch_dataset_step_ratio(&ds, 0.01, 1, &r), NCH_OK);
    assert_true(r == 0);
    nch_dataset_free(&ds);
}

/* The domain check names the line of the first state outside. */
static void states_outside_a_domain(void **state)
{
    (void)state;
    write_file("# t x y dxdt dydt\n0\t1\t2\t3\t4\n\n0\t-1\t2\t3\t4\n");
    nch_dataset ds;
    nch_model lv;
    nch_lv_model(&lv);
    assert_int_equal(nch_dataset_read_vf(path, 1, &ds), NCH_OK);
    assert_int_equal(ds.lines[1], 4);
    assert_int_equal(nch_dataset_check_domain(&ds, &lv), NCH_EDOM);
    ds.samples[4] = 0.5;
    assert_int_equal(nch_dataset_check_domain(&ds, &lv), NCH_OK);
    nch_dataset_free(&ds);
}

static void malformed_files_are_rejected(void **state)
{
    (void)state;
    static const char *const bad_traj[] = {
        "0\t0\t0\t1\t2\n0\t2\t0.2\t1\t2\n",                  /* skipped step */
        "0\t0\t0\t1\t2\n0\t1\t0.1\t1\t2\n0\t2\t0.3\t1\t2\n", /* non-uniform step */
        "0\t1\t0\t1\t2\n0\t2\t0.1\t1\t2\n",                  /* starts at step 1 */
        "1\t0\t0\t1\t2\n1\t1\t0.1\t1\t2\n0\t0\t0\t1\t2\n",   /* trajectories out of order */
        "0\t0\t0\t1\tnan\n0\t1\t0.1\t1\t2\n",                /* non-finite */
        "0\t0\t0\t1\t2\t3\n",                                /* extra column */
        "# only a header\n",                                 /* no rows */
        "0\t0\t0\t1\t2\n0\t1\t0.1\t1\t2\n",                  /* two states: no triplet */
    };
    nch_dataset ds;
    for (size_t i = 0; i < sizeof bad_traj / sizeof *bad_traj; i++) {
        write_file(bad_traj[i]);
        assert_int_equal(nch_dataset_read_traj(path, 1, &ds), NCH_EINVAL);
    }
    write_file("0\t1\t2\t3\n");
    assert_int_equal(nch_dataset_read_vf(path, 1, &ds), NCH_EINVAL);
    write_file("0\t1\t2\t3\tinf\n");
    assert_int_equal(nch_dataset_read_vf(path, 1, &ds), NCH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(triplets_from_trajectories),
        cmocka_unit_test(vector_field_samples),
        cmocka_unit_test(ratio_of_resting_trajectories_is_refused),
        cmocka_unit_test(states_outside_a_domain),
        cmocka_unit_test(malformed_files_are_rejected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
