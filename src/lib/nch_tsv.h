/* nch_tsv — tab-separated data files with a provenance header.
 *
 * Format (CONVENTIONS.md): "# key: value" provenance lines, then one
 * "# col1 col2 ..." header line, then rows; floating-point values printed with
 * %.17g so they read back bit-exact.  The provenance names the program, the
 * git commit (NCH_GIT_COMMIT from the build), the profile (NCH_PROFILE), the
 * library versions and the caller's parameters. */
#ifndef NCH_TSV_H
#define NCH_TSV_H

#include <stdio.h>

/* Writes "# program: …", "# commit: …", "# profile: …", "# libraries: …",
 * "# numerical environment: …" (nch_numenv_describe: make verify reads it).
 * Returns NCH_OK or NCH_EIO. */
int nch_tsv_provenance(FILE *fp);
/* "# key: value" with printf formatting; key and value are escaped as
 * nch_fputs_escaped does (a newline in a file name becomes "\n"), so a
 * field is always one header line.  Every header field goes through here. */
void nch_tsv_param(FILE *fp, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "# a b c" from a space-separated list of column names. */
void nch_tsv_columns(FILE *fp, const char *names);
/* A value with %.17g, preceded by a tab unless first. */
void nch_tsv_double(FILE *fp, double v, int first);
/* "key<TAB>value" line of a numbers.tsv file. */
void nch_tsv_number(FILE *fp, const char *key, double v);

/* Reads a whole numeric TSV: skips '#' lines, requires exactly ncol numeric
 * columns per row; on malformed input reports "path:line: …" and returns
 * NCH_EINVAL.  *rows (row-major, caller frees) and *nrow are set on success,
 * and, unless lines is NULL, *lines (caller frees) the file line of each row,
 * so later checks can name it too. */
int nch_tsv_read(const char *path, int ncol, double **rows, size_t *nrow, size_t **lines);

/* The value of `key` in a key<TAB>value file (numbers.tsv, summaries):
 * NCH_OK, NCH_EIO if unreadable, NCH_EINVAL (with a message) if the key is
 * missing or its value is not a number. */
int nch_tsv_lookup(const char *path, const char *key, double *value);

/* 1 if `key` is in the key<TAB>value file with a number as its value, else
 * 0 (silent when the key is missing; an unreadable file or a malformed value
 * is still reported). */
int nch_tsv_has_key(const char *path, const char *key);

/* Library versions as one string ("GSL 2.7.1; OpenBLAS …; glibc …; compiler …"):
 * with the numerical environment, what makes a result bit-reproducible. */
const char *nch_library_versions(void);

#endif
