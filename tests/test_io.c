/* Atomic output files (nch_err) and TSV reading/writing (nch_tsv). */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_tsv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/nch_test_io_XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void commit_renames_and_abort_removes(void **state)
{
    (void)state;
    char path[512], tmp[520];
    snprintf(path, sizeof path, "%s/out.tsv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    nch_ofile f;
    assert_int_equal(nch_ofile_open(&f, path), NCH_OK);
    fputs("x\n", f.fp);
    assert_int_equal(access(path, F_OK), -1); /* nothing final before commit */
    assert_int_equal(access(tmp, F_OK), 0);
    assert_int_equal(nch_ofile_commit(&f), NCH_OK);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(access(tmp, F_OK), -1);

    snprintf(path, sizeof path, "%s/aborted.tsv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_equal(nch_ofile_open(&f, path), NCH_OK);
    nch_ofile_abort(&f);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(access(tmp, F_OK), -1);
}

static void open_in_missing_directory_fails(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/no/such/dir/out.tsv", dir);
    nch_ofile f;
    assert_int_equal(nch_ofile_open(&f, path), NCH_EIO);
}

static void values_round_trip(void **state)
{
    (void)state;
    const double v[6] = {0.1, -1.0 / 3, 6.02214076e23, 5e-324, 1.7976931348623157e308, -0.0};
    char path[512];
    snprintf(path, sizeof path, "%s/rt.tsv", dir);
    nch_ofile f;
    assert_int_equal(nch_ofile_open(&f, path), NCH_OK);
    assert_int_equal(nch_tsv_provenance(f.fp), NCH_OK);
    nch_tsv_param(f.fp, "seed", "%d", 42);
    nch_tsv_columns(f.fp, "a b c");
    for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 3; c++) nch_tsv_double(f.fp, v[3 * r + c], c == 0);
        fputc('\n', f.fp);
    }
    assert_int_equal(nch_ofile_commit(&f), NCH_OK);
    double *rows;
    size_t n;
    assert_int_equal(nch_tsv_read(path, 3, &rows, &n, NULL), NCH_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(rows, v, sizeof v);
    free(rows);
}

static void malformed_input_is_rejected(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/bad.tsv", dir);
    double *rows = NULL;
    size_t n;
    write_file(path, "# a b\n1\t2\n3\tx\n");
    assert_int_equal(nch_tsv_read(path, 2, &rows, &n, NULL), NCH_EINVAL);
    write_file(path, "1\t2\t3\n");
    assert_int_equal(nch_tsv_read(path, 2, &rows, &n, NULL), NCH_EINVAL);
    write_file(path, "1\n");
    assert_int_equal(nch_tsv_read(path, 2, &rows, &n, NULL), NCH_EINVAL);
    snprintf(path, sizeof path, "%s/missing.tsv", dir);
    assert_int_equal(nch_tsv_read(path, 2, &rows, &n, NULL), NCH_EIO);
    assert_null(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commit_renames_and_abort_removes),
        cmocka_unit_test(open_in_missing_directory_fails),
        cmocka_unit_test(values_round_trip),
        cmocka_unit_test(malformed_input_is_rejected),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
