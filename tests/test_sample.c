/* Latin-hypercube sampling and the energy box (nch_sample). */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_sample.h"

#include <stdlib.h>
#include <string.h>

/* Lotka–Volterra energy with (a, b, c, d) = (1, 1, 2, 1), written here
 * independently of the library's model. */
static double lv_energy(const double z[2], void *ctx)
{
    (void)ctx;
    return z[0] - 2 * log(z[0]) + z[1] - log(z[1]);
}

/* Relative error bound of a box edge t, the root of the energy along
 * coordinate k through zeq (then padded): the root moves by δH/|∂H/∂z_k|,
 * with δH ≤ 4u × H's sum of |terms| (two logs, three sums) for each of the
 * two computations; Brent's bracket (1e-15 relative), the padding's 2
 * roundings and the 17-digit reference add ≤ 12u. */
static double edge_tol(const double zeq[2], int k, double t)
{
    const double z[2] = {k == 0 ? t : zeq[0], k == 1 ? t : zeq[1]};
    const double terms = z[0] + 2 * fabs(log(z[0])) + z[1] + fabs(log(z[1]));
    const double slope = k == 0 ? fabs(1 - 2 / t) : fabs(1 - 1 / t);
    return 12 * NCH_U + 2 * 4 * NCH_U * terms / (slope * t);
}

static void box_matches_spec(void **state)
{
    (void)state;
    const double zeq[2] = {2, 1};
    double box[4];
    assert_int_equal(nch_energy_box(lv_energy, NULL, zeq, 4.4, 1e-6, box), NCH_OK);
    /* lotka-volterra.md §3.1 (SciPy hybr roots of the same equations) */
    static const double want[4] = {0.2021093876524964, 7.404063289411619, 0.023212060710032473,
                                   5.489054950756216};
    for (int i = 0; i < 4; i++) assert_close(box[i], want[i], edge_tol(zeq, i / 2, want[i]), 0);
}

/* In every dimension the sampler is used with (2: LV, MCP; 4: GC), each
 * column has exactly one point in each of the N strata of its range. */
static void lhs_has_one_point_per_stratum(void **state)
{
    (void)state;
    enum { N = 997, DMAX = 4 };
    const double lo[DMAX] = {-1.5, 0.25, 9e-4, -9e-4}, hi[DMAX] = {2.5, 7.0, 3.025e-3, -3e-4};
    double *z = malloc(DMAX * N * sizeof *z);
    for (size_t dim = 2; dim <= DMAX; dim += 2) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, 12345);
        assert_int_equal(nch_lhs(rng, N, dim, lo, hi, z), NCH_OK);
        for (size_t k = 0; k < dim; k++) {
            int count[N] = {0};
            for (size_t i = 0; i < N; i++) {
                double u = (z[dim * i + k] - lo[k]) / (hi[k] - lo[k]) * N;
                assert_true(u >= 0 && u < N);
                count[(int)u]++;
            }
            for (int s = 0; s < N; s++) assert_int_equal(count[s], 1);
        }
        gsl_rng_free(rng);
    }
    free(z);
}

static void energy_window_is_reproducible_and_respected(void **state)
{
    (void)state;
    enum { N = 2500 };
    double box[4];
    const double zeq[2] = {2, 1};
    assert_int_equal(nch_energy_box(lv_energy, NULL, zeq, 4.4, 1e-6, box), NCH_OK);
    double *a = malloc(2 * N * sizeof *a), *b = malloc(2 * N * sizeof *b);
    int rounds_a, rounds_b;
    for (int pass = 0; pass < 2; pass++) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, 20230926);
        assert_int_equal(nch_lhs_energy_window(rng, N, box, lv_energy, NULL, 0, 4.4, 10, pass ? b : a,
                                               pass ? &rounds_b : &rounds_a),
                         NCH_OK);
        gsl_rng_free(rng);
    }
    assert_memory_equal(a, b, 2 * N * sizeof *a);
    /* ~74 % of the box passes the filter, so one round of N is not enough */
    assert_int_equal(rounds_a, 2);
    for (size_t i = 0; i < N; i++) {
        double e = lv_energy(a + 2 * i, NULL);
        assert_true(e >= 0 && e <= 4.4);
        assert_true(a[2 * i] >= box[0] && a[2 * i] <= box[1]);
        assert_true(a[2 * i + 1] >= box[2] && a[2 * i + 1] <= box[3]);
    }
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(box_matches_spec),
        cmocka_unit_test(lhs_has_one_point_per_stratum),
        cmocka_unit_test(energy_window_is_reproducible_and_respected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
