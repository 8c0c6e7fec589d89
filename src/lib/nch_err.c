#include "nch_err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *program_name = "ncham";

/* Pending temporaries, removed by nch_die so a failed run leaves nothing. */
enum { MAX_PENDING = 64 };
static nch_ofile *pending[MAX_PENDING];

const char *nch_strerror(int status)
{
    switch (status) {
    case NCH_OK: return "success";
    case NCH_EINVAL: return "invalid argument or input";
    case NCH_EIO: return "input/output error";
    case NCH_ENOMEM: return "out of memory";
    case NCH_ESING: return "singular matrix";
    case NCH_ENOCONV: return "no convergence";
    case NCH_ENONFIN: return "non-finite value";
    case NCH_EDOM: return "outside the model's domain";
    default: return "unknown status";
    }
}

void nch_set_program(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    program_name = slash ? slash + 1 : argv0;
}

const char *nch_program(void) { return program_name; }

static void vmessage(const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", program_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void nch_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

void nch_die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    nch_exit(status);
}

void nch_exit(int status)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i]) nch_ofile_abort(pending[i]);
    exit(status);
}

int nch_lookup(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) return (int)i;
    return -1;
}

void *nch_xcalloc(size_t n, size_t size, const char *what)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) nch_die(NCH_EXIT_INPUT, "out of memory allocating %s (%zu x %zu bytes)", what, n, size);
    return p;
}

static void track(nch_ofile *f, int add)
{
    for (int i = 0; i < MAX_PENDING; i++) {
        if (add && !pending[i]) { pending[i] = f; return; }
        if (!add && pending[i] == f) { pending[i] = NULL; return; }
    }
}

int nch_ofile_open(nch_ofile *f, const char *path)
{
    size_t n = strlen(path);
    f->fp = NULL;
    f->path = malloc(n + 1);
    f->tmp = malloc(n + 5);
    if (!f->path || !f->tmp) {
        free(f->path);
        free(f->tmp);
        f->path = f->tmp = NULL;
        nch_error("%s: out of memory", path);
        return NCH_ENOMEM;
    }
    memcpy(f->path, path, n + 1);
    memcpy(f->tmp, path, n);
    memcpy(f->tmp + n, ".tmp", 5);
    f->fp = fopen(f->tmp, "w");
    if (!f->fp) {
        nch_error("%s: cannot write (%s)", f->tmp, strerror(errno));
        free(f->path);
        free(f->tmp);
        f->path = f->tmp = NULL;
        return NCH_EIO;
    }
    track(f, 1);
    return NCH_OK;
}

static void release(nch_ofile *f)
{
    track(f, 0);
    free(f->path);
    free(f->tmp);
    f->path = f->tmp = NULL;
    f->fp = NULL;
}

int nch_ofile_commit(nch_ofile *f)
{
    int bad = ferror(f->fp);
    if (fclose(f->fp) != 0) bad = 1;
    f->fp = NULL;
    if (bad) {
        nch_error("%s: write failed (%s)", f->tmp, strerror(errno));
        remove(f->tmp);
        release(f);
        return NCH_EIO;
    }
    if (rename(f->tmp, f->path) != 0) {
        nch_error("%s: cannot rename to %s (%s)", f->tmp, f->path, strerror(errno));
        remove(f->tmp);
        release(f);
        return NCH_EIO;
    }
    release(f);
    return NCH_OK;
}

void nch_ofile_xopen(nch_ofile *f, const char *path)
{
    if (nch_ofile_open(f, path)) nch_exit(NCH_EXIT_INPUT);
}

void nch_ofile_xcommit(nch_ofile *f)
{
    if (nch_ofile_commit(f)) nch_exit(NCH_EXIT_INPUT);
}

void nch_ofile_abort(nch_ofile *f)
{
    if (!f->tmp) return;
    if (f->fp) fclose(f->fp);
    remove(f->tmp);
    release(f);
}
