/* Dataset writing (nch_datagen) read back by the dataset readers
 * (nch_dataset), for d = 1 (MCP) and d = 2 (GC): every state and time
 * round-trips bit for bit, the column lines follow CONVENTIONS.md, the
 * vector-field points are the trajectory states of §1.8 (groups, stride)
 * with the model's exact field, and the headers carry the solver's steps. */
#include "nch_test.h"

#include "nch_datagen.h"
#include "nch_dataset.h"
#include "nch_err.h"
#include "nch_gc.h"
#include "nch_mcp.h"
#include "nch_tsv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/nch_test_datagen_XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[4096];
    for (int k = 0; k < NCH_DATAGEN_SPLITS; k++)
        for (int f = 0; f < 2; f++) {
            snprintf(path, sizeof path, "%s/%s-%s.tsv", dir, f ? "vf" : "traj", nch_datagen_split_names[k]);
            unlink(path);
        }
    return rmdir(dir);
}

static void header(FILE *fp, const void *ctx) { nch_tsv_param(fp, "case", "%s", (const char *)ctx); }

/* The line of `path` that starts with `prefix`, or "" (static buffer). */
static const char *line_with(const char *path, const char *prefix)
{
    static char line[1024];
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, prefix, strlen(prefix))) {
            fclose(fp);
            return line;
        }
    fclose(fp);
    return "";
}

/* Writes the trajectories from ic (split sizes `sizes`, nt steps of h,
 * stride s) and checks every file against them. */
static void round_trip(const nch_model *m, const double *ic, const size_t *sizes, size_t nt, double h, size_t s,
                       const char *traj_cols, const char *vf_cols)
{
    size_t dim = 2 * (size_t)m->d, pts = nt + 1, n = sizes[0] + sizes[1] + sizes[2];
    double *traj = malloc(n * pts * dim * sizeof *traj);
    size_t steps = nch_datagen_integrate(m, n, ic, h, nt, traj);
    assert_true(steps >= nt);
    nch_datagen_set set = {.model = m, .nt = nt, .h = h, .vf_stride = s, .solver_steps = steps,
                           .header = header, .ctx = m->name};
    nch_datagen_write(&set, dir, traj, sizes);

    size_t first = 0;
    for (int k = 0; k < NCH_DATAGEN_SPLITS; k++) {
        const double *zs = traj + first * pts * dim;
        char path[4096], expect[256];
        snprintf(path, sizeof path, "%s/traj-%s.tsv", dir, nch_datagen_split_names[k]);
        assert_string_equal(line_with(path, "# traj "), traj_cols);
        snprintf(expect, sizeof expect, "# solver: GSL rk8pd, rtol 1e-10, atol 1e-12 per component; at most %zu steps",
                 steps);
        assert_int_equal(strncmp(line_with(path, "# solver: "), expect, strlen(expect)), 0);
        nch_dataset ds;
        assert_int_equal(nch_dataset_read_traj(path, m->d, &ds), NCH_OK);
        assert_int_equal(ds.n_traj, sizes[k]);
        assert_int_equal(ds.n_states, sizes[k] * pts);
        assert_int_equal(ds.n, sizes[k] * (nt - 1));
        assert_true(ds.dt == h);
        assert_memory_equal(ds.states, zs, sizes[k] * pts * dim * sizeof *zs);
        nch_dataset_free(&ds);

        snprintf(path, sizeof path, "%s/vf-%s.tsv", dir, nch_datagen_split_names[k]);
        assert_string_equal(line_with(path, "# t "), vf_cols);
        size_t per = (nt - 2) / s + 1;
        assert_int_equal(nch_dataset_read_vf(path, m->d, &ds), NCH_OK);
        assert_int_equal(ds.n, sizes[k] * per);
        /* Group g: the next sizes[k]/3 (+1 for the first sizes[k] % 3)
         * trajectories, time indices g, g + s, … ≤ nt − 2 + g. */
        size_t p = 0, i = 0;
        for (size_t g = 0; g < NCH_DATAGEN_VF_GROUPS; g++)
            for (size_t c = 0; c < sizes[k] / 3 + (g < sizes[k] % 3); c++, i++)
                for (size_t j = g; j <= nt - 2 + g; j += s, p++) {
                    const double *sample = ds.samples + p * 2 * dim, *z = zs + (i * pts + j) * dim;
                    double f[NCH_ZMAX];
                    assert_memory_equal(sample, z, dim * sizeof *z);
                    assert_int_equal(nch_model_field(m, 1, z, f), NCH_OK);
                    assert_memory_equal(sample + dim, f, dim * sizeof *f);
                }
        assert_int_equal(p, ds.n);
        nch_dataset_free(&ds);
        first += sizes[k];
    }
    free(traj);
}

static void gc_files_round_trip(void **state)
{
    (void)state;
    nch_gc_rule rule;
    nch_model m;
    assert_int_equal(nch_gc_model(&m, &rule), NCH_OK);
    const double ic[7][4] = {{0, 0, 0.05, -7.782e-4},     {0.2, 1, 0.04, -5e-4},   {-0.3, 2, 0.055, -3e-4},
                             {0.1, 3, 0.031, -8.9e-4},   {0, 4, 0.045, -4e-4},    {-0.1, 5, 0.035, -6e-4},
                             {0.05, 6, 0.052, -7e-4}};
    const size_t sizes[3] = {4, 2, 1};
    round_trip(&m, &ic[0][0], sizes, 8, 1898.73, 3, "# traj step t x1 x2 y1 y2\n",
               "# t x1 x2 y1 y2 dx1dt dx2dt dy1dt dy2dt\n");
}

static void mcp_files_round_trip(void **state)
{
    (void)state;
    nch_model m;
    nch_mcp_model(&m);
    const double ic[9][2] = {{0, 2}, {0.5, 1}, {-1, 1.5}, {1.2, 2.4}, {-0.3, 0.4},
                             {0.7, 3.1}, {-1.6, 2}, {0.1, 0.2}, {1.9, 1.6}};
    const size_t sizes[3] = {5, 3, 1};
    round_trip(&m, &ic[0][0], sizes, 2, 0.5, 3, "# traj step t x y\n", "# t x y dxdt dydt\n");
    /* Stride 1 (the LV rule) at nt = 5: every index of the group. */
    round_trip(&m, &ic[0][0], sizes, 5, 0.1, 1, "# traj step t x y\n", "# t x y dxdt dydt\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gc_files_round_trip),
        cmocka_unit_test(mcp_files_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
