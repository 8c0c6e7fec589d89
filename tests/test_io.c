/* Atomic output files and checked sizes (nch_err), TSV reading/writing
 * (nch_tsv). */
#include "nch_test.h"

#include "nch_err.h"
#include "nch_tsv.h"

#include <dirent.h>
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

/* Entries of dir whose name starts with ".nch-" (pending temporaries). */
static int temporaries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += strncmp(e->d_name, ".nch-", 5) == 0;
    closedir(d);
    return n;
}

static void commit_renames_and_abort_removes(void **state)
{
    (void)state;
    char path[512], tmp[520];
    snprintf(path, sizeof path, "%s/out.tsv", dir);
    nch_ofile f;
    assert_int_equal(nch_ofile_open(&f, path), NCH_OK);
    snprintf(tmp, sizeof tmp, "%s/%s", dir, f.tmp);
    fputs("x\n", f.fp);
    assert_int_equal(access(path, F_OK), -1); /* nothing final before commit */
    assert_int_equal(access(tmp, F_OK), 0);
    assert_int_equal(temporaries(), 1);
    assert_int_equal(nch_ofile_commit(&f), NCH_OK);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(access(tmp, F_OK), -1);

    snprintf(path, sizeof path, "%s/aborted.tsv", dir);
    assert_int_equal(nch_ofile_open(&f, path), NCH_OK);
    nch_ofile_abort(&f);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(temporaries(), 0);
}

/* A name of NAME_MAX (255) bytes: "<name>.tmp" would not fit, the short
 * temporary does; two files open at once get two temporaries. */
static void longest_name_commits(void **state)
{
    (void)state;
    char path[512], name[256];
    memset(name, 'n', 255);
    name[255] = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, name);
    nch_ofile f, g;
    assert_int_equal(nch_ofile_open(&f, path), NCH_OK);
    char other[512];
    snprintf(other, sizeof other, "%s/other.tsv", dir);
    assert_int_equal(nch_ofile_open(&g, other), NCH_OK);
    assert_string_not_equal(f.tmp, g.tmp);
    assert_int_equal(nch_ofile_commit(&f), NCH_OK);
    assert_int_equal(nch_ofile_commit(&g), NCH_OK);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(temporaries(), 0);
    snprintf(other, sizeof other, "%s/", dir);
    assert_int_equal(nch_ofile_open(&f, other), NCH_EIO); /* a directory, not a file name */
}

/* Sizes from input: rows × width × elem never wraps around. */
static void sizes_do_not_wrap(void **state)
{
    (void)state;
    assert_int_equal(nch_array_bytes(3, 4, 8), 96);
    assert_int_equal(nch_array_bytes(0, SIZE_MAX, 8), 0);
    assert_int_equal(nch_array_bytes((size_t)1 << 63, 2, 8), SIZE_MAX); /* wrapped to 0 unchecked */
    assert_int_equal(nch_array_bytes(4, ((size_t)1 << 62) + 1, 16), SIZE_MAX);
    assert_int_equal(nch_array_bytes(SIZE_MAX / 8, 1, 8), SIZE_MAX / 8 * 8);
    assert_null(nch_alloc((size_t)1 << 63, 2, 8));
    void *p = nch_alloc(0, 5, 8); /* an empty array is still a pointer */
    assert_non_null(p);
    p = nch_realloc(p, 2, 5, 8);
    assert_non_null(p);
    assert_null(nch_realloc(p, SIZE_MAX, 2, 1)); /* p untouched on failure */
    free(p);
}

/* A header field with a newline (a file name) stays one '#' line, escaped,
 * and the file stays readable. */
static void header_fields_are_escaped(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/escaped.tsv", dir);
    nch_ofile f;
    assert_int_equal(nch_ofile_open(&f, path), NCH_OK);
    nch_tsv_param(f.fp, "model", "%s", "dir\nname\t1\\x\x01");
    nch_tsv_columns(f.fp, "a");
    fputs("1\n", f.fp);
    assert_int_equal(nch_ofile_commit(&f), NCH_OK);
    char text[128] = {0};
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    assert_int_equal(fread(text, 1, sizeof text - 1, fp), strlen("# model: dir\\nname\\t1\\\\x\\x01\n# a\n1\n"));
    fclose(fp);
    assert_string_equal(text, "# model: dir\\nname\\t1\\\\x\\x01\n# a\n1\n");
    double *rows;
    size_t n;
    assert_int_equal(nch_tsv_read(path, 1, &rows, &n, NULL), NCH_OK);
    assert_int_equal(n, 1);
    free(rows);
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

/* A key<TAB>value file: a key is found only whole (best_test_reg is not
 * best_test_reg_x), a missing one is absent for has_key and an error for
 * lookup, a malformed value is neither present nor a number. */
static void keys_are_looked_up_whole(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/kv.tsv", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("best_test_reg_x\t1\nbest_test_tot\t2.5\nbad\t1,5\n", fp);
    fclose(fp);
    double v = 0;
    assert_int_equal(nch_tsv_lookup(path, "best_test_tot", &v), NCH_OK);
    assert_true(v == 2.5);
    assert_true(nch_tsv_has_key(path, "best_test_tot"));
    assert_false(nch_tsv_has_key(path, "best_test_reg"));
    assert_int_equal(nch_tsv_lookup(path, "best_test_reg", &v), NCH_EINVAL);
    assert_false(nch_tsv_has_key(path, "bad"));
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
    FILE *fp = fopen(path, "w"); /* a NUL byte would hide the rest of its line */
    assert_non_null(fp);
    fwrite("1\t2\n3\t4\0x\n", 1, 11, fp);
    fclose(fp);
    assert_int_equal(nch_tsv_read(path, 2, &rows, &n, NULL), NCH_EINVAL);
    snprintf(path, sizeof path, "%s/missing.tsv", dir);
    assert_int_equal(nch_tsv_read(path, 2, &rows, &n, NULL), NCH_EIO);
    assert_null(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commit_renames_and_abort_removes),
        cmocka_unit_test(longest_name_commits),
        cmocka_unit_test(sizes_do_not_wrap),
        cmocka_unit_test(header_fields_are_escaped),
        cmocka_unit_test(open_in_missing_directory_fails),
        cmocka_unit_test(values_round_trip),
        cmocka_unit_test(malformed_input_is_rejected),
        cmocka_unit_test(keys_are_looked_up_whole),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
