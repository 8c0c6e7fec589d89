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
    fprintf(fp, "# program: %s\n", nch_program());
    fprintf(fp, "# commit: %s\n", env_or("NCH_GIT_COMMIT", "unknown"));
    fprintf(fp, "# profile: %s\n", env_or("NCH_PROFILE", "paper"));
    fprintf(fp, "# libraries: %s\n", nch_library_versions());
    fprintf(fp, "# numerical environment: %s\n", nch_numenv_describe());
    return ferror(fp) ? NCH_EIO : NCH_OK;
}

void nch_tsv_param(FILE *fp, const char *key, const char *fmt, ...)
{
    va_list ap;
    fprintf(fp, "# %s: ", key);
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    fputc('\n', fp);
}

void nch_tsv_columns(FILE *fp, const char *names) { fprintf(fp, "# %s\n", names); }

void nch_tsv_double(FILE *fp, double v, int first)
{
    if (!first) fputc('\t', fp);
    fprintf(fp, "%.17g", v);
}

void nch_tsv_number(FILE *fp, const char *key, double v) { fprintf(fp, "%s\t%.17g\n", key, v); }

int nch_tsv_read(const char *path, int ncol, double **rows, size_t *nrow, size_t **lines)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        nch_error("%s: cannot read (%s)", path, strerror(errno));
        return NCH_EIO;
    }
    size_t cap = 1024, n = 0, lineno = 0;
    double *buf = malloc(cap * (size_t)ncol * sizeof *buf);
    size_t *at = malloc(cap * sizeof *at);
    char *line = NULL;
    size_t linecap = 0;
    int status = buf && at ? NCH_OK : NCH_ENOMEM;
    while (status == NCH_OK && getline(&line, &linecap, fp) != -1) {
        lineno++;
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0') continue;
        if (n == cap) {
            double *grown = realloc(buf, 2 * cap * (size_t)ncol * sizeof *buf);
            size_t *grown_at = grown ? realloc(at, 2 * cap * sizeof *at) : NULL;
            if (grown) buf = grown;
            if (!grown_at) { status = NCH_ENOMEM; break; }
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

int nch_tsv_lookup(const char *path, const char *key, double *value)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        nch_error("%s: cannot read (%s)", path, strerror(errno));
        return NCH_EIO;
    }
    char *line = NULL;
    size_t cap = 0, klen = strlen(key), lineno = 0;
    int status = NCH_EINVAL, found = 0;
    while (!found && getline(&line, &cap, fp) != -1) {
        lineno++;
        if (strncmp(line, key, klen) || line[klen] != '\t') continue;
        found = 1;
        char *end;
        *value = strtod(line + klen + 1, &end);
        if (end == line + klen + 1 || line[strspn(line, " \t\r\n")] == '\0' || (*end && !strchr("\r\n", *end)))
            nch_error("%s:%zu: %s: not a number (%s)", path, lineno, key, strtok(line + klen + 1, "\r\n"));
        else
            status = NCH_OK;
    }
    if (!found) nch_error("%s: no key %s", path, key);
    free(line);
    fclose(fp);
    return status;
}
