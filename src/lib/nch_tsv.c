#include "nch_tsv.h"

#include "nch_err.h"
#include "nch_numenv.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <gsl/gsl_version.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* OpenBLAS reports its build through this function (not in cblas.h). */
char *openblas_get_config(void);

const char *nch_library_versions(void)
{
    static char buf[256];
    if (!buf[0])
        snprintf(buf, sizeof buf, "GSL %s; %s; glibc %s; compiler %s", gsl_version,
                 openblas_get_config(), gnu_get_libc_version(), __VERSION__);
    return buf;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

int nch_tsv_provenance(FILE *fp)
{
    nch_tsv_param(fp, "program", "%s", nch_program());
    nch_tsv_param(fp, "commit", "%s", env_or("NCH_GIT_COMMIT", "unknown"));
    nch_tsv_param(fp, "profile", "%s", env_or("NCH_PROFILE", "paper"));
    nch_tsv_param(fp, "libraries", "%s", nch_library_versions());
    nch_tsv_param(fp, "numerical environment", "%s", nch_numenv_describe());
    return ferror(fp) ? NCH_EIO : NCH_OK;
}

/* Header fields are escaped like messages (nch_err.h), so a value with a
 * newline (a file name) stays one "#" line and the file stays readable. */
void nch_tsv_param(FILE *fp, const char *key, const char *fmt, ...)
{
    char buf[8192], *value = buf;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) buf[0] = '\0';
    if (n >= (int)sizeof buf && (value = malloc((size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(value, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    fputs("# ", fp);
    nch_fputs_escaped(key, fp);
    fputs(": ", fp);
    nch_fputs_escaped(value ? value : buf, fp);
    fputc('\n', fp);
    if (value != buf) free(value);
}

void nch_tsv_columns(FILE *fp, const char *names) { fprintf(fp, "# %s\n", names); }

void nch_tsv_double(FILE *fp, double v, int first)
{
    if (!first) fputc('\t', fp);
    fprintf(fp, "%.17g", v);
}

void nch_tsv_number(FILE *fp, const char *key, double v) { fprintf(fp, "%s\t%.17g\n", key, v); }

/* "path:line: out of memory …" for a reader that cannot hold its rows. */
static int no_memory(const char *path, size_t lineno, size_t rows, int ncol)
{
    nch_error("%s:%zu: cannot allocate %zu rows of %d values", path, lineno, rows, ncol);
    return NCH_ENOMEM;
}

int nch_tsv_read(const char *path, int ncol, double **rows, size_t *nrow, size_t **lines)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        nch_error("%s: cannot read (%s)", path, strerror(errno));
        return NCH_EIO;
    }
    size_t cap = 1024, n = 0, lineno = 0;
    double *buf = nch_alloc(cap, (size_t)ncol, sizeof *buf);
    size_t *at = nch_alloc(cap, 1, sizeof *at);
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    int status = buf && at ? NCH_OK : no_memory(path, 0, cap, ncol);
    while (status == NCH_OK && (len = getline(&line, &linecap, fp)) != -1) {
        lineno++;
        if (strlen(line) != (size_t)len) {
            nch_error("%s:%zu: NUL byte in a text line (not a TSV file?)", path, lineno);
            status = NCH_EINVAL;
            break;
        }
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0') continue;
        if (n == cap) {
            double *grown = nch_realloc(buf, 2 * cap, (size_t)ncol, sizeof *buf);
            size_t *grown_at = grown ? nch_realloc(at, 2 * cap, 1, sizeof *at) : NULL;
            if (grown) buf = grown;
            if (!grown_at) {
                status = no_memory(path, lineno, 2 * cap, ncol);
                break;
            }
            at = grown_at;
            cap *= 2;
        }
        char *p = line;
        for (int c = 0; c < ncol; c++) {
            char *end;
            p += strspn(p, " \t");
            errno = 0;
            double v = strtod(p, &end);
            if (p[strspn(p, "\r\n")] == '\0') {
                nch_error("%s:%zu: %d columns, expected %d", path, lineno, c, ncol);
                status = NCH_EINVAL;
                break;
            }
            if (end == p || (*end && !strchr(" \t\r\n", *end))) {
                nch_error("%s:%zu: column %d: not a number (%.*s)", path, lineno, c + 1,
                          (int)strcspn(p, "\t\r\n"), p);
                status = NCH_EINVAL;
                break;
            }
            buf[n * (size_t)ncol + (size_t)c] = v;
            p = end;
        }
        if (status == NCH_OK && p[strspn(p, " \t\r\n")] != '\0') {
            nch_error("%s:%zu: more than %d columns (%s)", path, lineno, ncol,
                      strtok(p + strspn(p, " \t"), "\r\n"));
            status = NCH_EINVAL;
        }
        at[n++] = lineno;
    }
    if (status == NCH_OK && ferror(fp)) {
        nch_error("%s: read error", path);
        status = NCH_EIO;
    }
    free(line);
    fclose(fp);
    if (status != NCH_OK) {
        free(buf);
        free(at);
        return status;
    }
    *rows = buf;
    *nrow = n;
    if (lines) *lines = at;
    else free(at);
    return NCH_OK;
}

/* quiet: a missing key is not an error (nch_tsv_has_key). */
static int lookup(const char *path, const char *key, double *value, int quiet)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        nch_error("%s: cannot read (%s)", path, strerror(errno));
        return NCH_EIO;
    }
    char *line = NULL;
    size_t cap = 0, klen = strlen(key), lineno = 0;
    ssize_t len;
    int status = NCH_EINVAL, found = 0;
    while (!found && (len = getline(&line, &cap, fp)) != -1) {
        lineno++;
        if (strncmp(line, key, klen) || line[klen] != '\t') continue;
        found = 1;
        char *v = line + klen + 1, *end;
        *value = strtod(v, &end);
        if (strlen(line) != (size_t)len || end == v || (*end && !strchr("\r\n", *end)))
            nch_error("%s:%zu: %s: not a number (%.*s)", path, lineno, key, (int)strcspn(v, "\r\n"), v);
        else
            status = NCH_OK;
    }
    if (!found && !quiet) nch_error("%s: no key %s", path, key);
    free(line);
    fclose(fp);
    return status;
}

int nch_tsv_lookup(const char *path, const char *key, double *value) { return lookup(path, key, value, 0); }

int nch_tsv_has_key(const char *path, const char *key)
{
    double v;
    return lookup(path, key, &v, 1) == NCH_OK;
}
